#!/usr/bin/env python3
"""Crash states from a record of disk writes, and an fsck of each.

QEMU 7.2's blklogwrites block driver, stacked over the disk image, records
every write the guest makes, in the order they were issued, with the
guest's flushes between them, in a second file (the dm-log-writes format):

    sector 0     super: u64 magic 0x6a736677736872, u64 version (1),
                 u64 nr_entries, u32 sectorsize (the log-sector-size)
    then, from sector 1, one entry after another:
                 a one-sector header: u64 sector, u64 nr_sectors,
                 u64 flags, u64 data_len  (little-endian)
                 followed by nr_sectors sectors of data
    flags: FLUSH 1, FUA 2, DISCARD 4, MARK 8, METADATA 16.
    A flush is an entry of its own with no data.  QEMU leaves data_len 0;
    a MARK (never made by QEMU) carries data_len bytes of name in the
    following sectors.

(Checked here: a recorded ldx run shows exactly this, e.g. entry 0 = a
write of 4 sectors at sector 6, entry 1 = a flush.)

From the base image and such a record this module rebuilds the disk as a
crash could leave it:
  - after every prefix of the writes ("prefix k": writes 1..k landed);
  - after every prefix with one write dropped, for each of the last
    `window` writes issued since the last flush before write k: the device
    may complete unflushed writes in any order, so any of them may be the
    one that did not reach the disk ("prefix k - write j").
A dropped write whose sectors would not change the image gives a state
equal to the prefix's and is skipped.

check_all() runs `mkfs/fsck -r` on a copy of each state (in parallel) and
classifies the result: clean; clean apart from orphan inodes (files
unlinked while open, which the kernel reclaims at boot: acceptable); or
inconsistent.

Command line:
    tests/crashstates.py record KERNEL BASE.IMG OUT.IMG OUT.LOG
        boot KERNEL on a copy of BASE.IMG (OUT.IMG), recording into OUT.LOG;
        the image's /init must run a workload and halt.
    tests/crashstates.py check BASE.IMG LOG [--fsck mkfs/fsck] [-j N]
        enumerate and check every state; print the figures.
Python 3 standard library only.
"""

import argparse
import concurrent.futures
import os
import re
import shlex
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

LOG_MAGIC = 0x6A736677736872
LOG_VERSION = 1
SUPER_FMT = "<QQQI"
ENTRY_FMT = "<QQQQ"
FLUSH, FUA, DISCARD, MARK, METADATA = 1, 2, 4, 8, 16
DEFAULT_WINDOW = 8

# fsck's lines for an orphan inode and for blocks past a file's size (see
# mkfs/fsck.c), the problems a crash may legitimately leave: the kernel
# frees both at boot.
ORPHAN_PREFIX = ("orphan inode ", "unfinished truncation: ")


class LogError(Exception):
    """The record is not a dm-log-writes log, or is damaged."""


class Entry:
    """One record entry: a write (data set), a discard, a flush or a mark."""

    def __init__(self, index, sector, nsectors, flags, data):
        self.index = index        # position in the record, from 0
        self.sector = sector      # first sector written (in sectorsize units)
        self.nsectors = nsectors
        self.flags = flags
        self.data = data          # bytes written (None for flush/mark)

    @property
    def is_write(self):
        return self.nsectors > 0 and not self.flags & MARK

    def __repr__(self):
        return "Entry(%d, sector %d+%d, flags %#x)" % (
            self.index, self.sector, self.nsectors, self.flags)


def parse_log(path):
    """Read a dm-log-writes record; return (sectorsize, [Entry, ...]).

    Entries are read while they fit in the file, at most nr_entries of them
    when the super block's count is up to date (QEMU rewrites it only every
    few entries and on flushes, so a killed QEMU may leave it behind; the
    entries in the file are then trusted as far as they are well formed).
    """
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < struct.calcsize(SUPER_FMT):
        raise LogError("%s: too short for a log super block" % path)
    magic, version, nr_entries, ss = struct.unpack_from(SUPER_FMT, raw, 0)
    if magic != LOG_MAGIC:
        raise LogError("%s: bad magic %#x" % (path, magic))
    if version != LOG_VERSION:
        raise LogError("%s: unknown version %d" % (path, version))
    if ss < 512 or ss & (ss - 1) or ss > 65536:
        raise LogError("%s: bad sector size %d" % (path, ss))
    entries = []
    off = ss
    while off + ss <= len(raw):
        sector, nsec, flags, dlen = struct.unpack_from(ENTRY_FMT, raw, off)
        if sector == nsec == flags == dlen == 0 and len(entries) >= nr_entries:
            break  # the zeroed space after the last entry
        if flags & ~(FLUSH | FUA | DISCARD | MARK | METADATA) or nsec > 1 << 24:
            if len(entries) >= nr_entries:
                break
            raise LogError("%s: entry %d at byte %d is damaged"
                           % (path, len(entries), off))
        off += ss
        data = None
        if flags & MARK:
            nd = (dlen + ss - 1) // ss
            data = raw[off:off + dlen]
            off += nd * ss
            nsec = 0
        elif flags & DISCARD:
            data = bytes(nsec * ss)   # a discarded range reads as zeros here
        elif nsec:
            data = raw[off:off + nsec * ss]
            if len(data) != nsec * ss:
                break                 # cut short by a kill: not a write
            off += nsec * ss
        entries.append(Entry(len(entries), sector, nsec, flags, data))
    return ss, entries


def _apply(img, e, ss):
    img[e.sector * ss:e.sector * ss + len(e.data)] = e.data


def states(base, entries, ss, window=DEFAULT_WINDOW, ignore_flushes=False):
    """Yield (label, image) for every crash state; image is a bytearray
    that the caller may keep only until the next iteration.

    Writes beyond the end of the base image grow it (the file would).
    ignore_flushes pretends the guest never flushed (a disk that reorders
    everything): a self-test showing the checker does find broken states.
    """
    img = bytearray(base)
    undo = {}          # write index -> the bytes its range held before it
    unflushed = []     # writes issued since the last flush
    nwrite = 0
    yield "prefix 0", img
    for e in entries:
        if e.flags & FLUSH and not e.is_write:
            if not ignore_flushes:
                unflushed = []
            continue
        if not e.is_write:
            continue
        lo, hi = e.sector * ss, e.sector * ss + len(e.data)
        if hi > len(img):
            img.extend(bytes(hi - len(img)))
        undo[e.index] = bytes(img[lo:hi])
        _apply(img, e, ss)
        nwrite += 1
        unflushed.append(e)
        if e.flags & FLUSH and not ignore_flushes:   # a write with a preflush: nothing before it
            unflushed = [e]   # may be lost once it is issued
        # Drop states use undo records only of the window.
        if len(unflushed) > window:
            unflushed = unflushed[-window:]
        for old in list(undo):
            if old not in {w.index for w in unflushed}:
                del undo[old]
        yield "prefix %d" % nwrite, img

        # Drop one earlier unflushed write (dropping the last one is the
        # previous prefix state).
        for pos, d in enumerate(unflushed[:-1]):
            later = unflushed[pos + 1:]
            changed = False
            copy = None
            for s in range(d.nsectors):
                sec = d.sector + s
                if any(w.sector <= sec < w.sector + w.nsectors for w in later):
                    continue  # a later write covers it either way
                lo = sec * ss
                before = undo[d.index][s * ss:(s + 1) * ss]
                if img[lo:lo + ss] == before:
                    continue
                if copy is None:
                    copy = bytearray(img)
                copy[lo:lo + ss] = before
                changed = True
            if changed:
                yield ("prefix %d - write %d (entry %d)"
                       % (nwrite, nwrite - (len(unflushed) - 1 - pos), d.index),
                       copy)


def _default_fsck():
    return os.path.join(ROOT, "mkfs", "fsck")


def _verdict(rc, out):
    """(verdict, rc, out) for one image's fsck status and output."""
    if rc == 0:
        return "clean", 0, out
    if rc != 1:
        return "crash", rc, out
    problems = [l for l in out.splitlines()
                if l and not l.startswith(("note: ", "replayed ", "fsck: "))]
    if problems and all(l.startswith(ORPHAN_PREFIX) for l in problems):
        return "orphans", 1, out
    return "bad", 1, out


def recoveries(out):
    """The set of boot recoveries ("orphan", "truncation") fsck's output
    for an "orphans" state asks of the kernel."""
    kinds = set()
    for line in out.splitlines():
        if line.startswith(ORPHAN_PREFIX[0]):
            kinds.add("orphan")
        elif line.startswith(ORPHAN_PREFIX[1]):
            kinds.add("truncation")
    return kinds


def state_order(label):
    """Sort key putting state labels in the order the record made them
    (the checking threads finish in any order)."""
    return [int(n) for n in re.findall(r"\d+", label)]


def fsck_image(fsck, path, replay=True):
    """Run fsck [-r] on path; return (verdict, rc, output).

    verdict: "clean", "orphans" (clean but for orphan inodes), "bad", or
    "crash" (fsck died of a signal or timed out).
    """
    argv = [fsck] + (["-r"] if replay else []) + [path]
    try:
        r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, timeout=30)
    except subprocess.TimeoutExpired:
        return "crash", None, "fsck timed out"
    return _verdict(r.returncode, r.stdout.decode("utf-8", "replace"))


def fsck_images(fsck, paths, replay=True):
    """fsck_image() for each of paths, with one fsck process for them all
    (it checks its images in turn, each ending with a line "fsck: PATH:
    ..."); an image whose summary line is missing (fsck died on it or on
    an earlier one) is checked again on its own.  Returns the verdicts in
    the order of paths."""
    argv = [fsck] + (["-r"] if replay else []) + list(paths)
    try:
        r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, timeout=30 + len(paths))
        lines = r.stdout.decode("utf-8", "replace").splitlines(keepends=True)
    except subprocess.TimeoutExpired:
        lines = []
    out, i, chunk = [], 0, []
    for line in lines:
        chunk.append(line)
        if i < len(paths) and line.startswith("fsck: %s: " % paths[i]):
            text = "".join(chunk)
            out.append(_verdict(0 if line.startswith("fsck: %s: clean (" %
                                                     paths[i]) else 1, text))
            i, chunk = i + 1, []
    return out + [fsck_image(fsck, p, replay) for p in paths[i:]]


class Result:
    def __init__(self):
        self.total = 0
        self.counts = {"clean": 0, "orphans": 0, "bad": 0, "crash": 0}
        self.failures = []     # (label, verdict, output)
        # Each state clean but for orphan inodes -> the recoveries it needs
        # at boot: "orphan" (an allocated inode without links) and/or
        # "truncation" (blocks past a file's size); the kernel prints a
        # different line for each.
        self.orphan_kinds = {}
        self.seconds = 0.0

    @property
    def inconsistent(self):
        return self.counts["bad"] + self.counts["crash"]

    def summary(self):
        return ("%d states checked, %d inconsistent (%d clean, %d clean but "
                "for orphan inodes the kernel reclaims at boot) in %.1fs"
                % (self.total, self.inconsistent, self.counts["clean"],
                   self.counts["orphans"], self.seconds))


def pending_log(img, bsize=1024):
    """How many blocks an ldx log replay of img would change: the blocks
    its committed log header names whose last logged copy differs from the
    home copy (0 for an empty or unreadable header)."""
    try:
        sb = struct.unpack_from("<8I", img, bsize)
        logstart, size = sb[5], sb[1]
        n = struct.unpack_from("<i", img, logstart * bsize)[0]
        if n <= 0 or n > sb[4] - 1:
            return 0
        blocks = struct.unpack_from("<%di" % n, img, logstart * bsize + 4)
    except struct.error:
        return 0
    last = {}
    for i, b in enumerate(blocks):
        if b <= 0 or b >= size:
            return 0
        last[b] = i
    changed = 0
    for b, i in last.items():
        slot = (logstart + 1 + i) * bsize
        if img[slot:slot + bsize] != img[b * bsize:(b + 1) * bsize]:
            changed += 1
    return changed


def check_all(base_path, log_path, fsck=None, jobs=None, window=DEFAULT_WINDOW,
              keep_failed=None, limit=None, on_state=None,
              ignore_flushes=False, batch=32):
    """Enumerate every crash state of the record and fsck -r a copy of each.

    keep_failed: a directory where inconsistent states are saved.
    limit: stop after this many states (None: all).
    on_state(label, image): called for each state (e.g. to sample some).
    Returns a Result.
    """
    fsck = fsck or _default_fsck()
    jobs = jobs or os.cpu_count() or 1
    with open(base_path, "rb") as f:
        base = f.read()
    ss, entries = parse_log(log_path)
    res = Result()
    t0 = time.monotonic()
    tmpdir = tempfile.mkdtemp(prefix="crashstates-",
                              dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    # States go to files in batches of `batch`, one fsck process a batch
    # (starting a process costs more than checking a small image).
    nfiles = jobs * 2 * batch
    slots = threading.Semaphore(nfiles)
    free_paths = [os.path.join(tmpdir, "s%d.img" % i) for i in range(nfiles)]
    lock = threading.Lock()

    def work(items):
        try:
            verdicts = fsck_images(fsck, [p for _, p in items])
            with lock:
                for (label, p), (verdict, rc, out) in zip(items, verdicts):
                    res.counts[verdict] += 1
                    if verdict == "orphans":
                        res.orphan_kinds[label] = recoveries(out)
                    if verdict in ("bad", "crash"):
                        res.failures.append((label, verdict, out))
                        if keep_failed:
                            os.makedirs(keep_failed, exist_ok=True)
                            name = label.replace(" ", "_").replace("(", "").replace(")", "")
                            shutil.copyfile(p, os.path.join(keep_failed,
                                                            name + ".img"))
        finally:
            with lock:
                free_paths.extend(p for _, p in items)
            for _ in items:
                slots.release()

    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        futs, items = [], []
        for label, img in states(base, entries, ss, window, ignore_flushes):
            if limit is not None and res.total >= limit:
                break
            res.total += 1
            if on_state:
                on_state(label, img)
            slots.acquire()
            with lock:
                p = free_paths.pop()
            with open(p, "wb") as f:
                f.write(img)
            items.append((label, p))
            if len(items) == batch:
                futs.append(ex.submit(work, items))
                items = []
        if items:
            futs.append(ex.submit(work, items))
        for fu in futs:
            fu.result()
    for p in os.listdir(tmpdir):
        os.unlink(os.path.join(tmpdir, p))
    os.rmdir(tmpdir)
    res.seconds = time.monotonic() - t0
    return res


def blklog_qemu_argv(argv, image, log):
    """Rewrite a QEMU argv (as `make print-qemu` prints it) so the disk is
    image, recorded by blklogwrites into log (which must exist)."""
    argv = list(argv)
    if "-drive" not in argv:
        raise ValueError("no -drive in the QEMU command")
    i = argv.index("-drive")
    opts = dict(kv.split("=", 1) for kv in argv[i + 1].split(",") if "=" in kv)
    node = opts.get("id", "x0")
    esc = lambda p: p.replace(",", ",,")
    argv[i:i + 2] = [
        "-blockdev", "driver=file,filename=%s,node-name=crashbase" % esc(image),
        "-blockdev", "driver=file,filename=%s,node-name=crashlog" % esc(log),
        "-blockdev", "driver=blklogwrites,file=crashbase,log=crashlog,"
                     "log-sector-size=512,log-super-update-interval=1,"
                     "node-name=%s" % node,
    ]
    return argv


def record(qemu_argv, base_image, out_image, out_log, timeout=120,
           done=b"crashwork: "):
    """Boot with out_image (a copy of base_image) recorded into out_log.

    The guest must power off by itself (the workload as /init halts).
    Returns the console output.  Raises RuntimeError if QEMU does not exit
    in time or the console does not show `done`.
    """
    with open(base_image, "rb") as f, open(out_image, "wb") as g:
        g.write(f.read())
    open(out_log, "wb").close()
    argv = blklog_qemu_argv(qemu_argv, out_image, out_log)
    try:
        r = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout,
                           start_new_session=True)
    except subprocess.TimeoutExpired as e:
        raise RuntimeError("recording run did not finish in %ds:\n%s"
                           % (timeout, (e.output or b"").decode("utf-8", "replace")[-3000:]))
    out = r.stdout.decode("utf-8", "replace")
    if done.decode() not in out or "panic" in out:
        raise RuntimeError("recording run went wrong:\n" + out[-3000:])
    return out


def _qemu_argv_from_make(kernel, cpus):
    out = subprocess.run(["make", "-s", "--no-print-directory", "print-qemu",
                          "CPUS=%d" % cpus], cwd=ROOT, stdout=subprocess.PIPE,
                         check=True).stdout.decode()
    argv = shlex.split(out.strip().splitlines()[-1])
    argv[argv.index("-kernel") + 1] = kernel
    return argv


def main():
    ap = argparse.ArgumentParser(description="crash-state enumeration")
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("record")
    r.add_argument("kernel")
    r.add_argument("base")
    r.add_argument("image")
    r.add_argument("log")
    r.add_argument("--cpus", type=int, default=3)
    c = sub.add_parser("check")
    c.add_argument("base")
    c.add_argument("log")
    c.add_argument("--fsck", default=_default_fsck())
    c.add_argument("-j", type=int, default=None)
    c.add_argument("--window", type=int, default=DEFAULT_WINDOW)
    c.add_argument("--keep", help="save inconsistent states here")
    c.add_argument("--ignore-flushes", action="store_true",
                   help="self-test: treat the disk as never flushed")
    s = sub.add_parser("dump")
    s.add_argument("log")
    args = ap.parse_args()

    if args.cmd == "record":
        out = record(_qemu_argv_from_make(args.kernel, args.cpus), args.base,
                     args.image, args.log)
        print(out[-500:])
        return 0
    if args.cmd == "dump":
        ss, entries = parse_log(args.log)
        print("sector size %d, %d entries" % (ss, len(entries)))
        for e in entries:
            print(e)
        return 0
    ss, entries = parse_log(args.log)
    nw = sum(1 for e in entries if e.is_write)
    nf = sum(1 for e in entries if e.flags & FLUSH)
    print("record: %d entries: %d writes, %d flushes" % (len(entries), nw, nf))
    res = check_all(args.base, args.log, args.fsck, args.j, args.window,
                    keep_failed=args.keep, ignore_flushes=args.ignore_flushes)
    for label, verdict, out in res.failures[:20]:
        print("INCONSISTENT %s (%s):" % (label, verdict))
        for line in out.splitlines()[:15]:
            print("    " + line)
    print(res.summary())
    return 1 if res.inconsistent else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""The image fuzzer: boot ldx on damaged file systems and require that it
survives every one.

    tests/imgfuzz.py [--images N] [--seed S] [--jobs J] [--timeout T]
                     [--replay IMAGE]

Each image starts from fs.img plus a small tree (/d, /d/e, files of a few
blocks and one with an indirect block), then gets one to three random
mutations of these kinds:
  sb        a superblock field set to an edge value (0, 1, off by one,
            the disk's size or beyond, all ones, random)
  bits      random bit flips in metadata blocks (superblock, log header,
            inodes, bitmap) and in directory blocks
  inode     an inode field (type, nlink, size, a block pointer) set to an
            edge value: out of range, a metadata block, another file's block
  cross     a block shared by two files, or by a file and a directory
  cycle     a directory entry naming its own directory, an ancestor or the
            root, or a ".." pointing elsewhere
  dirent    a directory entry's inode number changed (free, out of range,
            another file's)
  log       a committed log header naming random home blocks
The inodes and blocks of /init and /sh (and their root entries) are left
alone: without them there is no shell to run the workload in, which is not
the kernel's fault.

Each image is booted (1 hart) and, if it mounts, a workload of reads,
creates, links, truncations and removals runs at the shell.  An image
passes when the kernel refuses to mount it with its one line and powers
off, or when every command returns to the prompt within the timeout (or
one does not, but the kernel answers Ctrl-p with a process running: a
damaged program looping in user mode).  It FAILS on a kernel panic or
trap, on a command that never returns with the kernel silent or every
process asleep (a hang), and on QEMU exiting without the refusal line.  A failing image is kept as
tests/out/imgfuzz/fail-SEED-N.img with its mutations in a .txt beside it;
--replay IMAGE boots one again.  Used by tests/test_imgfuzz.py (a few
images) and `make soak` (a thousand).
"""

import argparse
import concurrent.futures
import os
import random
import re
import shutil
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import fsimage  # noqa: E402
import harness  # noqa: E402
from fsimage import (BSIZE, DIRENT_FMT, DIRENT_SIZE, IPB, NDIRECT,  # noqa: E402
                     ROOTINO, SB_FIELDS, T_DEVICE, T_DIR, T_FILE, Image)

OUT = os.path.join(harness.OUT, "imgfuzz")
KERNEL_BAD = re.compile(r"panic|kernel trap")
REFUSED = "fs: refusing to mount the root file system: "
PROTECTED_NAMES = ("init", "sh")

# The workload, run at the shell: every kind of call that walks, reads,
# writes, grows, truncates, links and removes.  Failures are expected (the
# names may be gone or damaged); only the kernel's survival counts.
WORKLOAD = [
    "ls", "ls d", "ls d/e", "wc d/small", "wc d/big", "wc README.md",
    "mkdir d/new", "echo hello > d/new/x", "ln d/small d/e/l",
    "echo cut > d/big", "rm d/e/l", "rm d/e/g", "rm d/small", "rm d/new/x",
    "rm d/new",
] + [c % p for p in ("", "d/", "d/e/")
     for c in ("ls %sup", "rm %sself", "rm %sup", "rm %sroot")] + [
    "rm d/e", "rm d/big", "rm d", "echo top > top", "ln top top2", "rm top",
    "rm top2", "mkdir m", "rm m", "ls",
]


def base_image(src):
    """fs.img plus the fuzzer's tree, as an Image."""
    im = Image(src)
    d = im.mkdir(ROOTINO, "d")
    e = im.mkdir(d, "e")
    im.add_file(d, "small", im.spread_blocks(2), size=2 * BSIZE - 100)
    im.add_file(d, "big", im.spread_blocks(NDIRECT + 8, offset=1))
    im.add_file(e, "g", im.spread_blocks(1, offset=2), size=10)
    return im


def protected(im):
    """(inode numbers, their data blocks, the blocks holding their dinodes,
    their root entries' positions) to leave alone."""
    inums, blocks, iblocks, entries = set(), set(), set(), set()
    for pos, inum, name in im.entries(ROOTINO):
        if name in PROTECTED_NAMES:
            inums.add(inum)
            entries.add(pos)
    for inum in inums:
        v = im.inode(inum)
        iblocks.add(im._ioff(inum) // BSIZE)
        for bn in range((v[4] + BSIZE - 1) // BSIZE):
            blocks.add(im.bmap(inum, bn))
        if v[5 + NDIRECT]:
            blocks.add(v[5 + NDIRECT])
    return inums, blocks, iblocks, entries


class Mutator:
    """Random damage to one image, avoiding the protected parts."""

    def __init__(self, im, rnd):
        self.im, self.rnd = im, rnd
        self.pinums, self.pblocks, self.piblocks, self.pentries = protected(im)
        self.what = []

    def edge(self, v, limit):
        r = self.rnd
        return r.choice([0, 1, max(0, v - 1), v + 1, limit - 1, limit,
                         limit + 1, 2 * limit, 0xffffffff,
                         r.randrange(0, 1 << 32), r.randrange(0, limit + 2)])

    def inodes(self):
        """Allocated inodes that may be damaged."""
        im = self.im
        return [i for i in range(ROOTINO, im.ninodes)
                if im.inode(i)[0] != 0 and i not in self.pinums]

    def dirs(self):
        return [i for i in self.inodes() if self.im.inode(i)[0] == T_DIR]

    def file_blocks(self):
        """Blocks of unprotected files and directories."""
        im, out = self.im, []
        for i in self.inodes():
            v = im.inode(i)
            for bn in range(min(v[4], fsimage.MAXFILE * BSIZE) // BSIZE + 1):
                b = im.bmap(i, bn)
                if 0 < b < im.size:
                    out.append(b)
        return [b for b in out if b not in self.pblocks]

    def sb(self):
        im = self.im
        k = self.rnd.randrange(len(SB_FIELDS))
        old = struct.unpack_from("<I", im.b, BSIZE + 4 * k)[0]
        new = self.edge(old, im.size) & 0xffffffff
        struct.pack_into("<I", im.b, BSIZE + 4 * k, new)
        self.what.append("sb.%s %d -> %d" % (SB_FIELDS[k], old, new))

    def bits(self):
        im = self.im
        n = self.rnd.choice([1, 2, 4, 16])
        dirblocks = [b for i in self.dirs() for b in self.blocks_of(i)]
        for _ in range(n):
            blk = self.rnd.choice(list(range(1, im.datastart)) + dirblocks * 4)
            if blk in self.pblocks:
                continue
            off = self.rnd.randrange(BSIZE)
            if blk >= im.inodestart and blk < im.bmapstart:
                inum = (blk - im.inodestart) * IPB + off // fsimage.DINODE_SIZE
                if inum in self.pinums:
                    continue
            pos = blk * BSIZE + off
            if any(p <= pos < p + DIRENT_SIZE for p in self.pentries):
                continue
            im.b[pos] ^= 1 << self.rnd.randrange(8)
            self.what.append("bit flip at block %d byte %d" % (blk, off))

    def blocks_of(self, inum):
        im, v = self.im, self.im.inode(inum)
        return [b for b in (im.bmap(inum, bn) for bn in
                            range(min(v[4], 64 * BSIZE) // BSIZE + 1))
                if 0 < b < im.size]

    def inode(self):
        im, r = self.im, self.rnd
        cand = self.inodes()
        if not cand:
            return
        i = r.choice(cand)
        v = im.inode(i)
        k = r.choice([0, 3, 4] + [5 + j for j in range(fsimage.NADDRS)])
        if k == 0:
            new = r.choice([0, T_DIR, T_FILE, T_DEVICE, 4, -1, 0x7fff])
        elif k == 3:
            new = r.choice([0, -1, 1, 2, 0x7fff, -0x8000, v[3] + 1])
        elif k == 4:
            new = self.edge(v[4], fsimage.MAXFILE * BSIZE)
        else:
            blocks = self.file_blocks() or [im.datastart]
            new = r.choice([0, im.datastart - 1, im.size - 1, im.size,
                            im.size + 100, 0xffffffff, 1, im.inodestart,
                            im.bmapstart, r.choice(blocks)])
        v[k] = new if k > 4 else (new & 0xffffffff if k == 4 else
                                  max(-0x8000, min(0x7fff, new)))
        im.put_inode(i, v)
        self.what.append("inode %d field %d -> %d" % (i, k, v[k]))

    def cross(self):
        im, r = self.im, self.rnd
        files = [i for i in self.inodes() if im.inode(i)[5]]
        if len(files) < 2:
            return
        a, b = r.sample(files, 2)
        va, vb = im.inode(a), im.inode(b)
        ka = r.randrange(NDIRECT)
        va[5 + ka] = vb[5 + r.randrange(max(1, min(NDIRECT, vb[4] // BSIZE)))]
        im.put_inode(a, va)
        self.what.append("inode %d block %d shared with inode %d" % (a, ka, b))

    def cycle(self):
        im, r = self.im, self.rnd
        dirs = self.dirs()
        if not dirs:
            return
        d = r.choice(dirs)
        kind = r.choice(["self", "up", "root", "dotdot"])
        if kind == "dotdot":
            for pos, inum, name in im.entries(d):
                if name == "..":
                    new = r.choice(dirs + [d])
                    struct.pack_into("<H", im.b, pos, new)
                    self.what.append("inode %d .. -> %d" % (d, new))
            return
        target = {"self": d, "root": ROOTINO,
                  "up": r.choice(dirs + [ROOTINO])}[kind]
        try:
            im.add_entry(d, kind, target)
        except fsimage.ImageError:
            return
        self.what.append("directory %d entry %s -> %d" % (d, kind, target))

    def dirent(self):
        im, r = self.im, self.rnd
        dirs = self.dirs()
        if not dirs:
            return
        d = r.choice(dirs)
        ents = [(p, n) for p, i, n in im.entries(d)
                if i and p not in self.pentries]
        if not ents:
            return
        pos, name = r.choice(ents)
        new = r.choice([0, 1, im.ninodes - 1, im.ninodes, im.ninodes + 5,
                        0xffff, r.randrange(1, im.ninodes)])
        if new in self.pinums:
            return
        struct.pack_into("<H", im.b, pos, new)
        self.what.append("inode %d entry %s -> inode %d" % (d, name, new))

    def log(self):
        im, r = self.im, self.rnd
        n = r.choice([1, 2, 5, im.nlog - 1, im.nlog, 1000, -1])
        cands = [b for b in range(im.inodestart, im.size)
                 if b not in self.pblocks and b not in self.piblocks]
        blocks = [r.choice(cands + [im.size, 0, 1]) for _ in range(max(0, min(n, 40)))]
        struct.pack_into("<i", im.b, im.logstart * BSIZE, n)
        for j, b in enumerate(blocks):
            struct.pack_into("<i", im.b, im.logstart * BSIZE + 4 + 4 * j, b)
            slot = (im.logstart + 1 + j) * BSIZE
            if slot + BSIZE <= len(im.b) and j + 1 < im.nlog:
                im.b[slot:slot + BSIZE] = bytes(r.randrange(256) for _ in range(16)) * (BSIZE // 16)
        self.what.append("log header n=%d blocks %s" % (n, blocks[:8]))

    KINDS = ("sb", "bits", "inode", "cross", "cycle", "dirent", "log")

    def mutate(self):
        r = self.rnd
        weights = {"sb": 2, "bits": 3, "inode": 4, "cross": 2, "cycle": 4,
                   "dirent": 3, "log": 1}
        for _ in range(r.choice([1, 1, 2, 3])):
            kind = r.choices(self.KINDS, [weights[k] for k in self.KINDS])[0]
            getattr(self, kind)()
        return self.what


def answers(m):
    """After a command timed out: does the shell answer an empty line with
    a prompt?  Then the command ended, with output that hid the prompt (ls
    printing a damaged directory's names with no newline, say)."""
    try:
        m.run("", 10)
        return True
    except harness.TestFailure:
        return False


def busy(m):
    """After a command timed out: is the kernel alive with a process
    running (a damaged program looping in user mode, not a kernel hang)?
    Ctrl-p makes the kernel list the processes from its console interrupt;
    no list means the kernel is stuck, a list of sleepers a likely
    deadlock."""
    m.skip_to_end()
    start = m.mark()
    m.proc.stdin.write(b"\x10")
    m.proc.stdin.flush()
    try:
        m.expect(r"(?m)^1 \w+ init", 10)
        time.sleep(0.5)
    except harness.TestFailure:
        return False
    return re.search(r"(?m)^\d+ (run|runnable) ", m.output[start:]) is not None


def run_image(path, name, timeout=10):
    """Boot one image and run the workload: (verdict, detail, console).
    verdict: "ok", "busy" (a damaged program kept running), "refused", or
    "FAIL"."""
    deadline = time.monotonic() + timeout * (len(WORKLOAD) + 4)
    m = harness.boot(name, image=path, deadline=deadline)
    try:
        try:
            got = m.expect(r"(?m)^\$ |" + re.escape(REFUSED) + "|" +
                           KERNEL_BAD.pattern, 60)
        except harness.TestFailure as e:
            return "FAIL", "no prompt or refusal: %s" % str(e).split("\n")[0], m.output
        if KERNEL_BAD.search(got.group(0)):
            return "FAIL", "kernel panic at boot", m.output
        if got.group(0).startswith(REFUSED):
            try:
                m.wait_exit(30)
            except harness.TestFailure:
                return "FAIL", "refused to mount but did not power off", m.output
            return "refused", "", m.output
        for cmd in WORKLOAD + ["echo alive"]:
            try:
                m.run(cmd, timeout)
            except harness.TestFailure as e:
                bad = KERNEL_BAD.search(m.output)
                if not bad and m.alive() and answers(m):
                    continue
                if not bad and m.alive() and busy(m):
                    return "busy", "%r kept running" % cmd, m.output
                why = "kernel panic" if bad else "hang or exit"
                return "FAIL", "%s at %r: %s" % (why, cmd, str(e).split("\n")[0]), m.output
            if KERNEL_BAD.search(m.output):
                return "FAIL", "kernel panic at %r" % cmd, m.output
        return "ok", "", m.output
    finally:
        m.kill()


def fuzz(images, seed, jobs=2, timeout=10, log=print):
    """Run `images` images from seed; return (counts, failures)."""
    os.makedirs(OUT, exist_ok=True)
    src = harness.build().fsimg
    base = base_image(src)
    counts = {"ok": 0, "busy": 0, "refused": 0, "FAIL": 0}
    failures = []

    def one(i):
        rnd = random.Random("%d-%d" % (seed, i))
        im = Image.__new__(Image)
        im.b = bytearray(base.b)
        im.read_super()
        what = Mutator(im, rnd).mutate()
        path = os.path.join(OUT, "img-%d-%d.img" % (seed, i))
        im.save(path)
        verdict, detail, out = run_image(path, "imgfuzz-%d-%d" % (seed, i),
                                         timeout)
        if verdict == "FAIL":
            keep = os.path.join(OUT, "fail-%d-%d" % (seed, i))
            im.save(keep + ".img")
            with open(keep + ".txt", "w") as f:
                f.write("\n".join(what) + "\n\n" + detail + "\n\n" +
                        harness.tail(out) + "\n")
        os.remove(path)
        return i, verdict, detail, what

    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        for i, verdict, detail, what in ex.map(one, range(images)):
            counts[verdict] += 1
            if verdict == "FAIL":
                failures.append((i, detail, what))
                log("imgfuzz: FAIL seed %d image %d: %s (%s)"
                    % (seed, i, detail, "; ".join(what)))
    return counts, failures


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--images", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=10,
                    help="seconds each workload command may take")
    ap.add_argument("--replay", metavar="IMAGE")
    args = ap.parse_args()
    harness.install_signal_handlers()
    if args.replay:
        p = os.path.join(OUT, "replay.img")
        os.makedirs(OUT, exist_ok=True)
        shutil.copyfile(args.replay, p)
        verdict, detail, out = run_image(p, "imgfuzz-replay", args.timeout)
        print(harness.tail(out))
        print("imgfuzz: %s %s" % (verdict, detail))
        return 0 if verdict != "FAIL" else 1
    t0 = time.monotonic()
    counts, failures = fuzz(args.images, args.seed, args.jobs, args.timeout)
    print("imgfuzz: %d images (seed %d): %d ran the workload, %d refused to "
          "mount, %d failed, in %.0fs (%d stopped at a damaged program that "
          "kept running)"
          % (args.images, args.seed, counts["ok"] + counts["busy"],
             counts["refused"], counts["FAIL"], time.monotonic() - t0,
             counts["busy"]))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

"""mkfs/fsck: clean on a fresh fs.img, and a specific report for each
deliberate corruption of a copy, never a crash (exit 1, not a signal) and
always within FSCK_LIMIT seconds; -r replays a committed log.

fsck's contract these tests rely on: exit 0 clean, 1 problems, 2 usage or
I/O error; one problem per line; a last line "fsck: IMAGE: clean ..." or
"fsck: IMAGE: N problems"; a non-empty sound log is a "note:" line, not a
problem.
"""

import os
import random
import re
import shutil
import struct
import subprocess
import time

import harness
from fsimage import BSIZE, Image, ROOTINO, T_FILE
from harness import check, test

FSCK_LIMIT = 10


def fsck_path():
    harness.make("mkfs/fsck", timeout=120)
    return os.path.join(harness.ROOT, "mkfs", "fsck")


def run_fsck(img, replay=False):
    """(exit status, output, seconds); fails on a signal or a hang."""
    argv = [fsck_path()] + (["-r"] if replay else []) + [img]
    t0 = time.monotonic()
    try:
        r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, timeout=FSCK_LIMIT)
    except subprocess.TimeoutExpired:
        raise harness.TestFailure("fsck %s ran over %ds" % (img, FSCK_LIMIT))
    secs = time.monotonic() - t0
    out = r.stdout.decode("utf-8", "replace")
    if r.returncode < 0:
        raise harness.TestFailure("fsck died of signal %d on %s:\n%s"
                                  % (-r.returncode, img, harness.tail(out)))
    return r.returncode, out, secs


def workdir(name):
    d = os.path.join(harness.OUT, "fsck")
    os.makedirs(d, exist_ok=True)
    return os.path.join(d, name)


def fresh_image():
    return harness.build().fsimg


@test(quick=True, timeout=300)
def fsck_fresh_image(t):
    rc, out, _ = run_fsck(fresh_image())
    check(rc == 0, "fsck on a fresh fs.img: exit %d\n%s" % (rc, out))
    check(re.search(r"clean", out), "no 'clean' summary:\n%s" % out)
    # A tree built with the kernel's rules must pass too.
    im = Image(fresh_image())
    a = im.mkdir(ROOTINO, "a")
    b = im.mkdir(a, "b")
    im.mkdir(b, "c")
    f = im.a_file()
    im.add_entry(b, "hardlink", f)
    v = im.inode(f)
    v[3] += 1
    im.put_inode(f, v)
    p = workdir("tree.img")
    im.save(p)
    rc, out, _ = run_fsck(p)
    check(rc == 0, "fsck on a correct tree /a/b/c: exit %d\n%s" % (rc, out))


def _corrupt_cases():
    """[(name, function(Image) -> image bytes or None, regex)]."""
    cases = []

    def case(name, regex):
        def deco(fn):
            cases.append((name, fn, regex))
            return fn
        return deco

    @case("bad_magic", r"bad magic number")
    def _(im):
        struct.pack_into("<I", im.b, BSIZE, 0xdeadbeef)

    @case("block_twice", r"block \d+ is referenced twice")
    def _(im):
        f = im.a_file()
        g = im.alloc_inode(T_FILE)
        v = im.inode(g)
        v[4] = 10
        v[5] = im.inode(f)[5]
        im.put_inode(g, v)
        im.add_entry(ROOTINO, "twin", g)

    @case("used_block_marked_free", r"block \d+ is held by inode \d+ but marked free")
    def _(im):
        im.mark(im.inode(im.a_file())[5], 0)

    @case("leaked_block", r"block \d+ is marked in use but no inode holds it")
    def _(im):
        im.mark(im.size - 1, 1)

    @case("wrong_nlink", r"nlink is 5 but 1 directory entries name it")
    def _(im):
        f = im.a_file()
        v = im.inode(f)
        v[3] = 5
        im.put_inode(f, v)

    @case("bad_dotdot", r'"\.\." names inode \d+, but its parent is inode \d+')
    def _(im):
        a = im.mkdir(ROOTINO, "a")
        b = im.mkdir(a, "b")
        _, pos = im.lookup(b, "..")
        struct.pack_into("<H", im.b, pos, b)
        v = im.inode(b)        # keep the link counts right: only ".." is bad
        v[3] += 1
        im.put_inode(b, v)
        v = im.inode(a)
        v[3] -= 1
        im.put_inode(a, v)

    @case("directory_cycle", r"already reached elsewhere \(a second link or a cycle\)")
    def _(im):
        a = im.mkdir(ROOTINO, "a")
        b = im.mkdir(a, "b")
        im.add_entry(b, "up", a)   # /a/b/up is /a: a cycle

    @case("entry_names_free_inode", r'entry "ghost" names inode \d+, which is free')
    def _(im):
        im.add_entry(ROOTINO, "ghost", im.ninodes - 1)

    @case("unreachable_inode", r"inode \d+ .* is allocated but no directory reaches it")
    def _(im):
        im.alloc_inode(T_FILE)

    @case("orphan_inode", r"orphan inode \d+ \(nlink 0, not reclaimed\)")
    def _(im):
        g = im.alloc_inode(T_FILE)
        v = im.inode(g)
        v[3] = 0
        im.put_inode(g, v)

    @case("size_beyond_blocks", r"size \d+ needs block \d+, which is missing")
    def _(im):
        f = im.a_file(max_size=11 * BSIZE)  # its 12th block is missing
        v = im.inode(f)
        v[4] = ((v[4] + BSIZE - 1) // BSIZE + 1) * BSIZE  # one block past
        im.put_inode(f, v)

    @case("block_outside_data", r"outside the data area")
    def _(im):
        f = im.a_file()
        v = im.inode(f)
        v[5] = im.inodestart
        im.put_inode(f, v)

    @case("bad_inode_type", r"inode \d+: bad type 77")
    def _(im):
        f = im.a_file()
        v = im.inode(f)
        v[0] = 77
        im.put_inode(f, v)

    @case("bad_log_header", r"log header: claims 1000 blocks")
    def _(im):
        struct.pack_into("<i", im.b, im.logstart * BSIZE, 1000)

    @case("truncated", r"size is \d+ blocks but the image file holds 300")
    def _(im):
        return bytes(im.b[:300 * BSIZE])

    @case("truncated_odd", r"not a multiple of the block size")
    def _(im):
        return bytes(im.b[:300 * BSIZE + 77])

    @case("garbage_1mb", r"bad magic number|too damaged")
    def _(im):
        return random.Random(6).randbytes(1 << 20)

    @case("garbage_but_superblock", r"problem")
    def _(im):
        rnd = random.Random(7)
        junk = bytearray(rnd.randbytes(len(im.b)))
        junk[BSIZE:2 * BSIZE] = im.b[BSIZE:2 * BSIZE]
        return bytes(junk)

    return cases


@test(quick=True, timeout=300)
def fsck_corruptions(t):
    src = fresh_image()
    for name, fn, regex in _corrupt_cases():
        im = Image(src)
        data = fn(im)
        p = workdir(name + ".img")
        if data is None:
            im.save(p)
        else:
            with open(p, "wb") as f:
                f.write(data)
        try:
            rc, out, secs = run_fsck(p)
        except harness.TestFailure as e:
            t.sub(name, False, str(e))
            continue
        if rc != 1:
            t.sub(name, False, "exit %d, want 1:\n%s" % (rc, harness.tail(out)))
        elif not re.search(regex, out):
            t.sub(name, False, "no line matching %r:\n%s" % (regex, harness.tail(out)))
        elif secs > FSCK_LIMIT:
            t.sub(name, False, "took %.1fs" % secs)
        else:
            t.sub(name, True)


@test(quick=True, timeout=300)
def fsck_random_damage(t):
    """Many random mutations of fs.img: fsck always ends with 0 or 1."""
    src = Image(fresh_image())
    rnd = random.Random(2024)
    p = workdir("random.img")
    for i in range(150):
        b = bytearray(src.b)
        for _ in range(rnd.randint(1, 40)):
            region = rnd.choice([(BSIZE, 2 * BSIZE),
                                 (src.logstart * BSIZE, src.bmapstart * BSIZE + BSIZE),
                                 (src.datastart * BSIZE, (src.datastart + 64) * BSIZE)])
            b[rnd.randrange(*region)] = rnd.randrange(256)
        with open(p, "wb") as f:
            f.write(b)
        rc, out, _ = run_fsck(p, replay=bool(i & 1))
        check(rc in (0, 1), "mutation %d: exit %d\n%s" % (i, rc, harness.tail(out)))


@test(quick=True, timeout=300)
def fsck_log_replay(t):
    """A committed log holding the good copy of a block damaged at home:
    checked as if replayed without -r (a note, exit 0, file untouched);
    replayed into the file with -r."""
    im = Image(fresh_image())
    f = im.a_file()
    iblk = im._ioff(f) // BSIZE
    good = bytes(im.b[iblk * BSIZE:(iblk + 1) * BSIZE])
    v = im.inode(f)
    v[3] = 9                                   # damage at home: nlink 9
    im.put_inode(f, v)
    # Slot 0: an old, also wrong copy; slot 1: the good copy (last wins).
    bad = bytearray(good)
    struct.pack_into("<h", bad, im._ioff(f) % BSIZE + 6, 4)
    im.b[(im.logstart + 1) * BSIZE:(im.logstart + 2) * BSIZE] = bad
    im.b[(im.logstart + 2) * BSIZE:(im.logstart + 3) * BSIZE] = good
    struct.pack_into("<3i", im.b, im.logstart * BSIZE, 2, iblk, iblk)
    p = workdir("log.img")
    im.save(p)
    before = open(p, "rb").read()

    rc, out, _ = run_fsck(p)
    check(rc == 0, "a sound committed log is not a problem: exit %d\n%s" % (rc, out))
    check(re.search(r"note: log holds 2 committed blocks", out),
          "no note about the log:\n%s" % out)
    check(open(p, "rb").read() == before, "fsck without -r changed the image")

    rc, out, _ = run_fsck(p, replay=True)
    check(rc == 0, "fsck -r: exit %d\n%s" % (rc, out))
    check(re.search(r"replayed 2 logged blocks", out), "no replay message:\n%s" % out)
    after = Image(p)
    check(struct.unpack_from("<i", after.b, after.logstart * BSIZE)[0] == 0,
          "fsck -r left the log header non-empty")
    check(after.inode(f)[3] == 1, "fsck -r did not install the last copy")

    rc, out, _ = run_fsck(p)
    check(rc == 0 and "note: log" not in out,
          "after -r the log should be empty and the image clean:\n%s" % out)

    # Without the log the damage shows: the overlay really was used.
    struct.pack_into("<i", im.b, im.logstart * BSIZE, 0)
    im.save(p)
    rc, out, _ = run_fsck(p)
    check(rc == 1 and "nlink is 9" in out, "home damage not seen:\n%s" % out)


@test(quick=True, timeout=60)
def fsck_usage(t):
    rc, out, _ = run_fsck("/nonexistent/fs.img")
    check(rc == 2, "a missing file: exit %d, want 2" % rc)
    r = subprocess.run([fsck_path()], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=FSCK_LIMIT)
    check(r.returncode == 2, "no arguments: exit %d, want 2" % r.returncode)

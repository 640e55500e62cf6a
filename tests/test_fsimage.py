"""The kernel on file systems made on the host: big (a 256 MiB image, the
log bounding every operation), left mid-truncation by a crash, and hostile
(every image fsck would reject: the kernel refuses to mount it with one
line, or fails the one operation with -1 and a console line; it never
panics or hangs).  The random version of the hostile cases is the image
fuzzer (tests/imgfuzz.py, test_imgfuzz.py).
"""

import os
import re
import struct
import subprocess

import harness
from fsimage import (BSIZE, Image, MAXFILE, MAXLINK, ROOTINO, T_FILE, remake)
from harness import check, test

BIG_BLOCKS = 256 * 1024  # 256 MiB of 1 KiB blocks
REFUSED = r"fs: refusing to mount the root file system: "


def fsck(path):
    harness.make("mkfs/fsck", timeout=120)
    r = subprocess.run([os.path.join(harness.ROOT, "mkfs", "fsck"), path],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=60)
    return r.returncode, r.stdout.decode("utf-8", "replace")


def image_path(name):
    d = os.path.join(harness.OUT, "fsimage")
    os.makedirs(d, exist_ok=True)
    return os.path.join(d, name + ".img")


def no_panic(m, what):
    check("panic" not in m.output, "%s: the kernel panicked:\n%s"
          % (what, harness.tail(m.output)))


def boot_case(t, name, image, judge):
    """Boot image as sub-test name; judge(m) returns (ok, what it wanted
    or saw), and a failure shows that with the console's tail."""
    m = t.boot(name, image=image)
    try:
        ok, what = judge(m)
        t.sub(name, ok, "" if ok else "%s, console:\n%s"
              % (what, harness.tail(m.output)))
    except harness.TestFailure as e:
        t.sub(name, False, str(e))
    finally:
        m.kill()


def halt(m):
    m.send("halt")
    m.wait_exit(60)


@test(timeout=600)
def bigfs_delete_truncate(t):
    """Deleting and truncating maximal files whose blocks are spread over a
    256 MiB file system: each touches every bitmap block, more than one
    transaction may log."""
    p = image_path("big")
    remake(harness.build().fsimg, p, BIG_BLOCKS, image_path("big-files"))
    im = Image(p)
    nbitmap = im.size // (BSIZE * 8) + 1
    check(nbitmap > 30, "only %d bitmap blocks" % nbitmap)
    im.add_file(ROOTINO, "big1", im.spread_blocks(MAXFILE))
    im.add_file(ROOTINO, "big2", im.spread_blocks(MAXFILE, offset=7))
    im.save(p)
    rc, out = fsck(p)
    check(rc == 0, "the test image is not clean:\n%s" % harness.tail(out))
    m = t.boot(image=p)
    m.wait_prompt(120)
    out = m.run("wc big1", 120)
    check(str(MAXFILE * BSIZE) in out, "wc big1: %r" % out)
    m.run("rm big1", 120)
    m.run("echo hi > big2", 120)
    out = m.run("wc big2", 60)
    check(re.search(r"\b3 big2", out), "big2 not truncated: %r" % out)
    out = m.run("ls big1", 60)
    check("cannot" in out or "big1" not in out.replace("ls big1", ""),
          "big1 still there: %r" % out)
    no_panic(m, "big file system")
    halt(m)
    rc, out = fsck(p)
    check(rc == 0, "fsck after deleting and truncating:\n%s" % harness.tail(out))


@test(timeout=300)
def unfinished_truncation(t):
    """A crash between the steps of a truncation leaves blocks past a
    file's size, or an orphan still holding blocks: the next boot frees
    them, and fsck is clean."""
    src = harness.build().fsimg
    im = Image(src)
    tr = im.add_file(ROOTINO, "cut", im.spread_blocks(100), size=0)
    orphan = im.add_file(ROOTINO, "gone", im.spread_blocks(100, offset=1))
    _, pos = im.lookup(ROOTINO, "gone")
    struct.pack_into("<H", im.b, pos, 0)  # no name: an orphan
    im.set_field(orphan, 3, 0)
    p = image_path("unfinished")
    im.save(p)
    rc, out = fsck(p)
    check(rc == 1 and "unfinished truncation: inode %d" % tr in out and
          "orphan inode %d" % orphan in out,
          "fsck does not see the unfinished work:\n%s" % harness.tail(out))
    m = t.boot(image=p)
    m.wait_prompt(60)
    check(re.search(r"fs: finished truncating inode %d \(101 blocks\)" % tr,
                    m.output), "no 'finished truncating' line")
    check("fs: reclaimed orphan inode %d" % orphan in m.output,
          "no 'reclaimed orphan' line")
    no_panic(m, "unfinished truncation")
    halt(m)
    rc, out = fsck(p)
    check(rc == 0, "fsck after the boot:\n%s" % harness.tail(out))


@test(timeout=120)
def short_write_trims(t):
    """A write that stops short (a bad address) at the end of a file gives
    back the blocks it got but could not fill: fsck finds nothing past the
    file's size."""
    m = t.boot()
    m.wait_prompt(60)
    out = m.run("utests short_write", 60)
    check("utest PASS short_write" in out, "utests short_write: %r" % out)
    halt(m)
    rc, out = fsck(m.image)
    check(rc == 0, "fsck after short writes:\n%s" % harness.tail(out))


@test(timeout=120)
def link_count_limit(t):
    """link() stops at MAXLINK: one more would wrap the short and free an
    inode that names still point at."""
    im = Image(harness.build().fsimg)
    f = im.add_file(ROOTINO, "many", im.spread_blocks(1))
    im.set_field(f, 3, MAXLINK - 1)
    p = image_path("links")
    im.save(p)
    m = t.boot(image=p)
    m.wait_prompt(60)
    out = m.run("ln many l1")
    check("cannot" not in out, "ln at MAXLINK - 1 failed: %r" % out)
    out = m.run("ln many l2")
    check("cannot link" in out, "ln past MAXLINK succeeded: %r" % out)
    out = m.run("rm l1")
    out = m.run("wc many")
    check(re.search(r"\b%d many" % BSIZE, out), "many is damaged: %r" % out)
    no_panic(m, "link count")


def _hostile_cases():
    """[(name, damage(Image), commands, expected regex)]: expected is the
    refusal line or a console line of the failing operation."""
    cases = []

    def case(name, commands, regex):
        def deco(fn):
            cases.append((name, fn, commands, regex))
            return fn
        return deco

    @case("larger_than_disk", ["cat README.md"],
          REFUSED + "the file system is larger than the disk")
    def _(im):
        f = im.lookup(ROOTINO, "README.md")[0]
        struct.pack_into("<II", im.b, BSIZE + 4, im.size + 1000,
                         im.nblocks + 1000)
        im.set_field(f, 5, im.size + 500)  # a block past the disk's end

    @case("root_nlink_0", ["ls"], REFUSED + "the root directory has no links")
    def _(im):
        im.set_field(ROOTINO, 3, 0)

    @case("root_not_dir", ["ls"], REFUSED + "the root inode is not a directory")
    def _(im):
        im.set_field(ROOTINO, 0, T_FILE)

    @case("log_too_small", ["ls"], REFUSED + "bad log position")
    def _(im):
        struct.pack_into("<I", im.b, BSIZE + 16, 5)

    @case("entry_names_its_dir", ["rm d/self", "mkdir d/x", "rm d/x"],
          r"unlink: directory \d+ names itself as self: refused")
    def _(im):
        d = im.mkdir(ROOTINO, "d")
        im.add_entry(d, "self", d)

    @case("entry_names_ancestor", ["rm d/e/up", "ls d/e/up/e", "mkdir d/e/x"],
          r"fs: directory \d+ is named in directory \d+, which is not its parent")
    def _(im):
        d = im.mkdir(ROOTINO, "d")
        e = im.mkdir(d, "e")
        im.add_entry(e, "up", d)

    @case("bad_inode_type", ["cat README.md", "ls"],
          r"fs: inode \d+ is damaged \(unknown type\): refused")
    def _(im):
        f = im.lookup(ROOTINO, "README.md")[0]
        im.set_field(f, 0, 7)

    return cases


@test(timeout=600)
def hostile_images(t):
    """Each damaged image: fsck rejects it, and the kernel refuses it or
    fails the operation with its console line; no panic, no hang."""
    src = harness.build().fsimg
    for name, damage, commands, regex in _hostile_cases():
        im = Image(src)
        damage(im)
        p = image_path(name)
        im.save(p)
        rc, out = fsck(p)  # fsck and the kernel agree: this image is bad
        if rc != 1:
            t.sub(name, False, "fsck exit %d on the damaged image:\n%s"
                  % (rc, harness.tail(out)))
            continue
        def judge(m, commands=commands, regex=regex):
            if REFUSED in m.expect(r"(?m)^\$ |" + REFUSED, 60).group(0):
                m.wait_exit(30)
            else:
                for c in commands:
                    m.run(c, 30)
                m.run("echo alive", 30)
            ok = re.search(regex, m.output) and "panic" not in m.output
            return ok, "want %r" % regex
        boot_case(t, name, p, judge)


@test(timeout=120)
def image_without_init(t):
    """An image with no runnable /init (none at all, or a text file by
    that name) is a broken disk, not a kernel bug: the kernel says so in
    one line and powers off with a failure status; it does not panic."""
    text = os.path.join(os.path.dirname(image_path("x")), "init")
    with open(text, "w") as f:
        f.write("not a program\n")
    readme = os.path.join(harness.ROOT, "README.md")
    for name, files in (("no_init", [readme]), ("text_init", [readme, text])):
        p = image_path(name)
        r = subprocess.run([os.path.join(harness.ROOT, "mkfs", "mkfs"), p] + files,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        check(r.returncode == 0, "mkfs failed: %s" % r.stdout.decode())

        def judge(m):
            m.expect(r"init: cannot exec /init", 60)
            rc = m.wait_exit(30)
            return rc != 0 and "panic" not in m.output, "QEMU exit %d" % rc
        boot_case(t, name, p, judge)

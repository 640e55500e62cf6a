#!/usr/bin/env python3
"""Grader for the fs lab (labs/fs/README.md): large files and symbolic
links.  Run it with `make grade LAB=fs` (or directly, with --json FILE for
Gradescope).  The lab's image has 200,000 blocks (labs/fs/lab.mk) and each
part boots ldx on one hart.

  bigfile max     writes the largest file of the lab's layout and reads it
                  back (the slow part: 64 MiB through the log);
  bigfile rm      boots the disk that part left, removes that file, then
                  truncates and rewrites a smaller one, halts, and runs
                  mkfs/fsck on the disk: every block must be free again;
  symlinktest X   one test of labs/fs/user/symlinktest.c each;
  fsck            all of symlinktest and a doubly-indirect file on one
                  disk, halted, then mkfs/fsck, which knows the lab's
                  formats once the headers define them (T_SYMLINK,
                  NDINDIRECT), must find it clean.
"""

import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tests"))

import harness  # noqa: E402
from harness import (Grader, TestFailure, check, check_output,  # noqa: E402
                     tail)

g = Grader("fs", lab="fs")
WANT = 11 + 256 + 256 * 256  # blocks in the lab layout's largest file
# bigfile max takes half a minute to three (a busy 2-core host): 33,000
# transactions of two blocks each, then 65,803 reads.
BIG_TIMEOUT = 400
GRADE_TIMEOUT = 600  # the whole grader, for tests/test_labs.py

# The disk the max part leaves, for the rm part.
state = {}


def run_ok(m, cmd, test, timeout=60):
    """Run `cmd` (a lab program running test `test`) and fail with its
    own reason unless it prints "test: OK"."""
    out = m.run(cmd, timeout=timeout)
    check_output(out, r"^%s: OK$" % test, cmd)
    return out


def halt(m):
    """Shut the machine down cleanly, so its disk is whole."""
    m.send("halt")
    m.wait_exit(60)


def fsck(image):
    """Run mkfs/fsck on image; fail with what it reported unless clean."""
    harness.make("mkfs/fsck", timeout=120)
    r = subprocess.run([os.path.join(harness.ROOT, "mkfs", "fsck"), image],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=120)
    out = r.stdout.decode("utf-8", "replace")
    check(r.returncode == 0 and "clean" in out,
          "mkfs/fsck %s: expected a clean disk, saw (exit %d):\n%s"
          % (os.path.relpath(image, harness.ROOT), r.returncode,
             tail(out, 30)))


@g.part("bigfile max: a file of %d blocks, written and read back" % WANT,
        points=30, timeout=BIG_TIMEOUT)
def _(m):
    state.pop("image", None)
    m.wait_prompt()
    out = run_ok(m, "bigfile max", "max", timeout=BIG_TIMEOUT - 20)
    check_output(out, r"^wrote %d blocks$" % WANT, "bigfile max")
    halt(m)
    state["image"] = m.image


@g.part("bigfile rm: removing and truncating big files frees every block "
        "(fsck)", points=20, boot_machine=False, timeout=180)
def _():
    image = state.get("image")
    check(image and os.path.exists(image),
          "this part removes the file the bigfile max part leaves; that part "
          "did not finish")
    m = harness.boot("grade-fs-rm", make_vars={"LAB": "fs"}, image=image,
                     deadline=time.monotonic() + 170)
    try:
        m.wait_prompt()
        run_ok(m, "bigfile rm", "rm", timeout=120)
        run_ok(m, "bigfile shrink", "shrink", timeout=120)
        halt(m)
    except TestFailure as e:
        raise TestFailure("%s\nconsole log: %s"
                          % (e, os.path.relpath(m.log_path, harness.ROOT)))
    finally:
        m.kill()
    fsck(image)


SYMLINK_PARTS = [
    ("basic", 10, "a link opens its target"),
    ("nofollow", 10, "O_NOFOLLOW opens the link itself"),
    ("missing", 5, "a link to a missing target"),
    ("chain", 10, "10 links in a row, not 11; cycles fail"),
    ("dirs", 5, "links across directories and to them"),
    ("many", 5, "more links than in-memory inodes"),
    ("concurrent", 5, "two processes racing on one link"),
]


def add_symlink_part(name, points, what):
    @g.part("symlinktest %s: %s" % (name, what), points=points)
    def _(m):
        m.wait_prompt()
        run_ok(m, "symlinktest %s" % name, name)
        check_output(m.run("echo still alive"), r"^still alive$",
                     "the shell after the test")


for _name, _points, _what in SYMLINK_PARTS:
    add_symlink_part(_name, _points, _what)


@g.part("fsck: the disk after every symlink test and a doubly-indirect "
        "file is clean", points=10, timeout=240)
def _(m):
    m.wait_prompt()
    out = m.run("symlinktest", timeout=120)
    for name, _p, _w in SYMLINK_PARTS:
        check_output(out, r"^%s: OK$" % name, "symlinktest (all of it)")
    run_ok(m, "bigfile mid", "mid", timeout=120)
    halt(m)
    fsck(m.image)


if __name__ == "__main__":
    g.main()

#!/usr/bin/env python3
"""Example lab grader: it grades ldx's `echo`, so it runs on a plain tree.

Copy it to start a grader for a real lab.  For a made-up lab "write
user/hello.c, which prints hello, ldx", the one part would read:

    @g.part("hello prints its greeting", points=10)
    def _(m):
        m.wait_prompt()
        out = m.run("hello")
        check("hello, ldx" in out, "hello printed %r" % out)

Graders live in tests/graders/*.py or any grade-*.py in the tree; `make
grade` runs them all and adds up the points.  A course lab's grader is
labs/<lab>/grade.py, run by `make grade LAB=<lab>` (labs/README.md).
Each part gets a freshly booted machine with a private copy of fs.img (see
Grader in tests/harness.py for the options: cpus, bootargs, make_vars,
timeout).  A part earns its points if its function returns; any exception
(check() failing, a console wait timing out) earns none.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from harness import Grader, check  # noqa: E402

g = Grader("example: echo")


@g.part("echo prints its arguments", points=5)
def _(m):
    m.wait_prompt()
    out = m.run("echo hello, ldx")
    check(out.strip() == "hello, ldx", "echo printed %r" % out)


@g.part("echo with no arguments prints an empty line", points=2)
def _(m):
    m.wait_prompt()
    out = m.run("echo")
    check(out == "\n", "echo printed %r" % out)


@g.part("echo works on four harts", points=3, cpus=4)
def _(m):
    m.wait_prompt()
    for i in range(3):
        out = m.run("echo round %d" % i)
        # Harts that come up late may log a line in between: look for
        # the words rather than demand them alone.
        check("round %d" % i in out, "echo printed %r" % out)


if __name__ == "__main__":
    g.main()

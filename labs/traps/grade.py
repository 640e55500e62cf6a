#!/usr/bin/env python3
"""Grader for the traps lab (labs/traps/README.md): sigalarm and
sigreturn.  Run it with `make grade LAB=traps` (or directly, with --json
FILE for Gradescope).  Each part boots a fresh ldx on one hart and runs
one test of labs/traps/user/alarmtest.c, which prints "NAME: OK" or
"NAME: FAIL why"."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tests"))

from harness import Grader, check_output  # noqa: E402

g = Grader("traps", lab="traps")

PARTS = [
    ("repeat", 5, "the handler is called again and again"),
    ("period", 5, "n sets the period"),
    ("stop", 5, "sigalarm(0, 0) stops the calls"),
    ("cputime", 5, "only the process's own time counts"),
    ("nested", 5, "no call while the handler runs"),
    ("noalarm", 5, "sigreturn without a handler, sigalarm(-1)"),
    ("regs", 15, "every integer register resumes as it was"),
    ("fpregs", 10, "every floating-point register and fcsr too"),
    ("fpfresh", 5, "a program without FP still sees zeros"),
    ("badhandler", 10, "a bad handler address kills only the process"),
    ("fork", 5, "fork does not pass the alarm on"),
]


def add(name, points, what):
    @g.part("alarmtest %s: %s" % (name, what), points=points)
    def _(m):
        m.wait_prompt()
        out = m.run("alarmtest %s" % name, timeout=40)
        check_output(out, r"^%s: OK$" % name, "alarmtest %s" % name)
        check_output(m.run("echo still alive"), r"^still alive$",
                     "the shell after the test")


for _name, _points, _what in PARTS:
    add(_name, _points, _what)

if __name__ == "__main__":
    g.main()

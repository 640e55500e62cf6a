#!/usr/bin/env python3
"""Grader for the syscall lab (labs/syscall/README.md): sysinfo and
syscount.  Run it with `make grade LAB=syscall` (or directly, with
--json FILE for Gradescope).  Each part boots a fresh ldx and runs one
test of the lab's programs (labs/syscall/user/), which print
"NAME: OK" or "NAME: FAIL why"."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tests"))

from harness import Grader, check_output  # noqa: E402

g = Grader("syscall", lab="syscall")


def labtest(prog, name, points, cpus=1, what=""):
    @g.part("%s %s%s" % (prog, name, what), points=points, cpus=cpus)
    def _(m):
        m.wait_prompt()
        out = m.run("%s %s" % (prog, name), timeout=40)
        check_output(out, r"^%s: OK$" % name, "%s %s" % (prog, name))
        check_output(m.run("echo still alive"), r"^still alive$",
                     "the shell after the test")


labtest("sysinfotest", "basic", 5)
labtest("sysinfotest", "freemem", 5)
labtest("sysinfotest", "nproc", 5)
labtest("sysinfotest", "nfile", 5)
labtest("sysinfotest", "badptr", 10, what=" (hostile pointers)")
labtest("sysinfotest", "concurrent", 5, cpus=3, what=" (3 harts)")
labtest("syscounttest", "count", 5)
labtest("syscounttest", "bad", 5, what=" (hostile numbers)")
labtest("syscounttest", "fork", 10)
labtest("syscounttest", "fresh", 5)
labtest("syscounttest", "exec", 5)

if __name__ == "__main__":
    g.main()

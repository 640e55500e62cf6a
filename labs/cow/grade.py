#!/usr/bin/env python3
"""Grader for the cow lab (labs/cow/README.md): copy-on-write fork.  Run
it with `make grade LAB=cow` (or directly, with --json FILE for
Gradescope).  Each part boots a fresh ldx and runs one test of
labs/cow/user/cowtest.c, which prints "NAME: OK" or "NAME: FAIL why";
every test forks a process that uses more than half of memory.  The last
part runs ldx's own quick suite (utests -q) on the student's kernel: it
passes on the tree as shipped, so it is not the student's task, but a
copy-on-write kernel must keep it passing."""

import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tests"))

from harness import Grader, check, check_output, tail  # noqa: E402

g = Grader("cow", lab="cow")

# (test, points, harts, what it checks)
PARTS = [
    ("bigfork", 10, 1, "fork of a process using more than half of memory"),
    ("counts", 15, 1, "free pages: fork takes tables, a write one page"),
    ("isolation", 15, 3, "writes on both sides, three generations at once"),
    ("copyout", 10, 1, "a system call writing a shared page copies it"),
    ("oom", 10, 1, "out of memory on a fault kills only the writer"),
    ("lazy", 10, 1, "lazy heap pages and shared pages fork together"),
    ("grow", 5, 1, "sbrk from the middle of a shared page"),
    ("many", 10, 3, "twenty sharers writing the same pages at once"),
    ("exec", 5, 1, "exec lets go; the last holder takes a page over"),
]

# A kernel failure or a dead shell ends a part at once, not at its timeout.
TROUBLE = r"panic|kernel trap"


def add(name, points, cpus, what):
    @g.part("cowtest %s: %s" % (name, what), points=points, cpus=cpus)
    def _(m):
        m.wait_prompt()
        out = m.run("cowtest %s" % name, timeout=40)
        check(not re.search(TROUBLE, out),
              "the kernel failed during cowtest %s:\n%s" % (name, tail(out)))
        check_output(out, r"^%s: OK$" % name, "cowtest %s" % name)
        check_output(m.run("echo still alive"), r"^still alive$",
                     "the shell after the test")


for _name, _points, _cpus, _what in PARTS:
    add(_name, _points, _cpus, _what)


# What utests prints: the suite's own host test says it once.
from test_guest import SUMMARY  # noqa: E402

FIRST_FAIL = r"^utest FAIL [^\n]*$"


@g.part("utests -q: ldx's own quick suite still passes", points=10, cpus=3,
        timeout=150, task=False)
def _(m):
    m.wait_prompt()
    m.skip_to_end()
    start = m.mark()
    m.send("utests -q")
    # The first failing test ends the part: no need to wait for the rest.
    hit = m.expect("(?m)%s|%s|%s" % (SUMMARY.pattern[4:], FIRST_FAIL, TROUBLE),
                   140)
    check(SUMMARY.match(hit.group(0)) is not None,
          "utests -q on your kernel\nexpected: every test passes\n"
          "seen: %s\n%s" % (hit.group(0), tail(m.output[start:], 15)))
    check(hit.group(2) == "0", "utests -q: expected 0 failed, saw %s"
          % hit.group(0))


if __name__ == "__main__":
    g.main()

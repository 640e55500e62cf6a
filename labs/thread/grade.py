#!/usr/bin/env python3
"""Grader for the thread lab (labs/thread/README.md): user-level threads,
a context switch in user mode and a cooperative yield.  Run it with
`make grade LAB=thread` (or directly, with --json FILE for Gradescope).
Each part boots a fresh ldx and runs one test of
labs/thread/user/threadtest.c, which is linked with the student's
labs/thread/uthread.c and uthread_switch.S."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tests"))

from harness import Grader, check_equal, check_output  # noqa: E402

g = Grader("thread", lab="thread")

STEPS = 4  # threadtest.c's STEPS: each of a, b, c takes this many


def passes(m, test, timeout=30):
    out = m.run("threadtest %s" % test, timeout=timeout)
    check_output(out, r"^%s: OK$" % test, "threadtest %s" % test)
    return out


@g.part("order: three yielding threads run round robin", points=20)
def _(m):
    m.wait_prompt()
    out = m.run("threadtest order")
    seen = check_output(out, r"^order: (.*)$", "the order line").group(1)
    want = " ".join("%s%d" % (c, i) for i in range(STEPS) for c in "abc")
    check_equal(seen.split(), want.split(),
                "the steps of threads a, b, c, in the order they ran")
    check_output(out, r"^order: OK$", "threadtest order")


@g.part("registers: s0..s11 survive every switch", points=25)
def _(m):
    m.wait_prompt()
    passes(m, "registers")


@g.part("stack: locals and nested frames survive every switch", points=20)
def _(m):
    m.wait_prompt()
    passes(m, "stack")


@g.part("slots: a full table, exit and reuse", points=20)
def _(m):
    m.wait_prompt()
    passes(m, "slots")


@g.part("greedy: a thread that never yields keeps the CPU", points=15)
def _(m):
    m.wait_prompt()
    passes(m, "greedy", timeout=40)


if __name__ == "__main__":
    g.main()

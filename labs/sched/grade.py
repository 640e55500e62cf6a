#!/usr/bin/env python3
"""Grader for the sched lab (labs/sched/README.md): the lottery scheduler
and the MLFQ.  Run it with `make grade LAB=sched` (or directly, with
--json FILE for Gradescope).  Every part boots a fresh ldx on ONE hart,
with the policy on the kernel command line (sched=lottery, sched=mlfq),
and runs labs/sched/user/schedtest.c, which measures; the judging, with
the tolerances stated in the handout, is done here."""

import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tests"))

from harness import Grader, TestFailure, check, check_output  # noqa: E402

g = Grader("sched", lab="sched")

QUANTA = 400              # the lottery is judged over this many quanta
SHARE_TOLERANCE = 0.08    # absolute, on each share: 3.2 to 4.3 standard
                          # deviations of a fair lottery over 400 draws
RESPONSE_TICKS = 5        # 50 round trips within 0.5 s under MLFQ
STARVE_MIN_TICKS = 4      # the long job's quanta in 4 s under MLFQ


def shares(m):
    out = m.run("schedtest lottery %d" % QUANTA, timeout=50)
    check_output(out, r"^lottery: done$", "schedtest lottery %d" % QUANTA)
    rows = [(int(t), int(n)) for t, n in
            re.findall(r"^lottery: tickets (\d+) ticks (-?\d+)$", out, re.M)]
    check(len(rows) == 3, "expected 3 lines 'lottery: tickets T ticks N', "
          "seen:\n%s" % out)
    total = sum(n for _, n in rows)
    check(total >= QUANTA, "the three CPU-bound children ran only %d quanta "
          "in 30 s (%d expected)" % (total, QUANTA))
    return rows, total


def judge(rows, total, want, what):
    got = [n / total for _, n in rows]
    bad = [i for i in range(3) if abs(got[i] - want[i]) > SHARE_TOLERANCE]
    if bad:
        raise TestFailure(
            "%s\nexpected shares %s (each within %.2f)\nseen shares     %s "
            "(ticks %s)" % (what, " ".join("%.3f" % w for w in want),
                            SHARE_TOLERANCE, " ".join("%.3f" % x for x in got),
                            " ".join(str(n) for _, n in rows)))


@g.part("settickets and getpinfo: values, inheritance, bad arguments",
        points=15, bootargs="sched=lottery")
def _(m):
    m.wait_prompt()
    out = m.run("schedtest api", timeout=30)
    check_output(out, r"^api: OK$", "schedtest api")


@g.part("lottery: 30:20:10 tickets get 3:2:1 of the CPU", points=25,
        bootargs="sched=lottery", timeout=90)
def _(m):
    m.wait_prompt()
    rows, total = shares(m)
    check([t for t, _ in rows] == [30, 20, 10],
          "getpinfo reports tickets %s, not 30 20 10" % [t for t, _ in rows])
    judge(rows, total, [3 / 6, 2 / 6, 1 / 6],
          "lottery shares over %d quanta" % total)


@g.part("round robin stays the default policy", points=5, timeout=90)
def _(m):
    m.wait_prompt()
    rows, total = shares(m)
    judge(rows, total, [1 / 3] * 3, "without sched= tickets do not matter")


@g.part("mlfq: an interactive pair answers fast beside 4 CPU hogs",
        points=20, bootargs="sched=mlfq", timeout=60)
def _(m):
    m.wait_prompt()
    out = m.run("schedtest response", timeout=40)
    r = check_output(out, r"^response: (\d+) round trips in (\d+) ticks$",
                     "schedtest response")
    check(int(r.group(2)) <= RESPONSE_TICKS,
          "50 pipe round trips took %s ticks of 100 ms beside 4 CPU hogs; "
          "expected at most %d" % (r.group(2), RESPONSE_TICKS))


@g.part("mlfq: the priority boost keeps a long job from starving",
        points=20, bootargs="sched=mlfq", timeout=60)
def _(m):
    m.wait_prompt()
    out = m.run("schedtest starve", timeout=40)
    r = check_output(out, r"^starve: the long job ran (-?\d+) ticks in (\d+) "
                     r"seconds$", "schedtest starve")
    check(int(r.group(1)) >= STARVE_MIN_TICKS,
          "while new short jobs kept arriving the long job ran %s quanta in "
          "%s s; expected at least %d (a boost at least every second)"
          % (r.group(1), r.group(2), STARVE_MIN_TICKS))


if __name__ == "__main__":
    g.main()

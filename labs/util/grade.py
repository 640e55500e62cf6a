#!/usr/bin/env python3
"""Grader for the util lab (labs/util/README.md): pingpong, primes, find,
xargs.  Run it with `make grade LAB=util` (or directly, with --json FILE
for Gradescope).  Each part boots a fresh ldx with the lab's files."""

import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tests"))

from harness import Grader, check, check_equal, check_output  # noqa: E402

g = Grader("util", lab="util")

LIMIT = 280


def primes_upto(n):
    return [p for p in range(2, n + 1)
            if all(p % d for d in range(2, int(p ** 0.5) + 1))]


def lines(out):
    return [l for l in out.splitlines() if l.strip()]


@g.part("pingpong", points=10)
def _(m):
    m.wait_prompt()
    out = m.run("pingpong")
    ping = check_output(out, r"^(\d+): received ping$", "the child's line")
    pong = check_output(out, r"^(\d+): received pong$", "the parent's line")
    check(ping.start() < pong.start(),
          "the pong line came before the ping line:\n%s" % out)
    check(ping.group(1) != pong.group(1),
          "ping and pong were printed by the same pid %s" % ping.group(1))
    out2 = m.run("pingpong")
    p2 = check_output(out2, r"^(\d+): received pong$", "the second run's parent")
    check(int(p2.group(1)) > int(pong.group(1)),
          "the second pingpong's pid %s is not a new process" % p2.group(1))


@g.part("primes: the sieve up to %d" % LIMIT, points=15)
def _(m):
    m.wait_prompt()
    out = m.run("primes", timeout=40)
    want = ["prime %d" % p for p in primes_upto(LIMIT)]
    seen = [l for l in lines(out) if l.startswith("prime")]
    check_equal(seen, want, "the primes, in order, one per line")


@g.part("primes: every stage has exited when the shell comes back", points=5)
def _(m):
    m.wait_prompt()
    out = m.run("primes", timeout=40)
    check_output(out, r"^prime %d$" % primes_upto(LIMIT)[-1], "the last prime")
    ps = m.run("ps")
    check("primes" not in ps,
          "processes of primes are left after it returned:\n%s" % ps)
    out = m.run("primes", timeout=40)
    check_output(out, r"^prime %d$" % primes_upto(LIMIT)[-1],
                 "the last prime of a second run (resources leaked?)")


TREE = ["mkdir a", "mkdir a/b", "mkdir a/c", "mkdir a/c/d", "mkdir a/c/d/x",
        "echo > a/x", "echo > a/b/x", "echo > a/b/y", "echo > a/c/d/x/x",
        "echo > a/c/xx"]


def make_tree(m):
    m.wait_prompt()
    for cmd in TREE:
        out = m.run(cmd)
        check(out.strip() == "", "setting up: %r printed %r" % (cmd, out))


@g.part("find: one directory", points=5)
def _(m):
    make_tree(m)
    out = m.run("find a/b x")
    check_equal(sorted(lines(out)), ["a/b/x"], "find a/b x")
    out = m.run("find a/b nothere")
    check_equal(lines(out), [], "find a/b nothere")


@g.part("find: recursive, files and directories", points=10)
def _(m):
    make_tree(m)
    out = m.run("find a x")
    check_equal(sorted(lines(out)),
                sorted(["a/x", "a/b/x", "a/c/d/x", "a/c/d/x/x"]), "find a x")
    out = m.run("find . y")
    check_equal(sorted(lines(out)), ["./a/b/y"], "find . y")
    out = m.run("find a .")
    check_equal(lines(out), [], "find a . (never the . entries)")


@g.part("xargs: appends the line's words", points=5)
def _(m):
    m.wait_prompt()
    out = m.run("echo hello too | xargs echo bye")
    check_equal(lines(out), ["bye hello too"],
                "echo hello too | xargs echo bye")


@g.part("xargs: one command per line, in order", points=5)
def _(m):
    m.wait_prompt()
    out = m.run("xargs echo line < lines.txt")
    want = ["line one", "line two a b", "line three spaced words"]
    check_equal([l for l in lines(out) if l.strip() != "line"][:3], want,
                "xargs echo line < lines.txt (a file of 4 lines)")


@g.part("xargs with find", points=5)
def _(m):
    make_tree(m)
    for cmd in ["echo hello > a/b/y", "echo hello > a/c/d/y", "echo bye > y"]:
        m.run(cmd)
    out = m.run("find . y | xargs grep hello")
    check_equal(lines(out), ["hello", "hello"], "find . y | xargs grep hello")


if __name__ == "__main__":
    g.main()

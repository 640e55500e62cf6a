#!/usr/bin/env python3
"""Run ldx's tests: tests/run.py [--quick | --all] [-k PATTERN] [-j N] [--list] [--costs]

Tests live in tests/test_<area>.py, one file per area, registered with
@harness.test.  The kernel and fs.img are built once (make all) before any
test runs; each test then boots its own QEMU on a private copy of fs.img.

Output: one line per test, "PASS name (1.2s)", "SKIP name: why" or
"FAIL name: reason" (followed by indented detail lines, such as the end of
the console), and finally exactly one line "N passed, N failed" (with
", N skipped" when some were).  A test that reports sub-results (say, an
in-guest suite printing one line per case) counts each of them as a test,
named "test/case".  The exit status is 1 when anything failed.

Up to -j jobs (default 2, the number of cores we plan for) run at once:
whole tests, and the pieces a test hands out with t.map() (power cuts,
say), which go ahead of tests not yet started.  Tests start longest first,
by their time in the last run (tests/out/durations.json; a test never run
counts as a quarter of its time limit), so no long test starts last.
Tests marked alone run by themselves afterwards.
"""

import argparse
import glob
import importlib
import json
import os
import re
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import harness  # noqa: E402


def load_tests():
    for path in sorted(glob.glob(os.path.join(HERE, "test_*.py"))):
        importlib.import_module(os.path.basename(path)[:-3])
    return list(harness.TESTS)


class Reporter:
    def __init__(self):
        self.lock = threading.Lock()
        self.passed = self.failed = self.skipped = 0
        self.details_seen = set()

    def _details(self, text):
        # The same explanation (say, a failed build) is shown only once.
        if not text or text in self.details_seen:
            return
        self.details_seen.add(text)
        for line in text.splitlines():
            print("    | " + line)

    def result(self, name, status, secs, reason=""):
        with self.lock:
            first, _, rest = reason.partition("\n")
            if status == "PASS":
                self.passed += 1
                print("PASS %s (%.1fs)" % (name, secs))
            elif status == "SKIP":
                self.skipped += 1
                print("SKIP %s: %s" % (name, first))
            else:
                self.failed += 1
                print("FAIL %s: %s" % (name, first or "failed"))
                self._details(rest.strip("\n"))
            sys.stdout.flush()

    def summary(self):
        line = "%d passed, %d failed" % (self.passed, self.failed)
        if self.skipped:
            line += ", %d skipped" % self.skipped
        print(line, flush=True)


def run_one(case, rep):
    t = harness.TestContext(case)
    status, reason = "PASS", ""
    try:
        case.fn(t)
    except harness.Skip as e:
        status, reason = "SKIP", str(e) or "skipped"
    except harness.TestFailure as e:
        status, reason = "FAIL", str(e)
    except AssertionError as e:
        status, reason = "FAIL", str(e) or "assertion failed"
    except Exception as e:  # a bug in the test itself still only fails it
        status, reason = "FAIL", "%s: %s" % (type(e).__name__, e)
    finally:
        t.close()
    secs = time.monotonic() - t.start
    _report(case, rep, t, status, reason, secs)
    return {"secs": round(secs, 2), "qemu_cpu": round(t.qemu_cpu(), 2)}


def _report(case, rep, t, status, reason, secs):
    if t.subs:
        for sname, ok, sreason in t.subs:
            rep.result("%s/%s" % (case.name, sname), "PASS" if ok else "FAIL",
                       secs, sreason)
        if status != "PASS":
            rep.result(case.name, status, secs, reason)
    else:
        rep.result(case.name, status, secs, reason)


DURATIONS = os.path.join(harness.OUT, "durations.json")


def load_durations():
    """What each test took in the last run that ran it: {name: {"secs":
    wall seconds, "qemu_cpu": CPU seconds of its QEMUs}}."""
    try:
        with open(DURATIONS) as f:
            d = json.load(f)
        return {k: {"secs": float(v["secs"]),
                    "qemu_cpu": float(v.get("qemu_cpu", 0))}
                if isinstance(v, dict) else {"secs": float(v), "qemu_cpu": 0.0}
                for k, v in d.items()}
    except (OSError, ValueError, AttributeError, TypeError, KeyError):
        return {}


def save_durations(old, new):
    d = dict(old)
    d.update(new)
    try:
        os.makedirs(harness.OUT, exist_ok=True)
        tmp = DURATIONS + ".tmp"
        with open(tmp, "w") as f:
            json.dump(d, f, indent=1, sort_keys=True)
        os.replace(tmp, DURATIONS)
    except OSError:
        pass


def expected_cost(case, durations):
    """How long case is likely to take: its time in the last run, or
    (never run here) a quarter of its time limit."""
    if case.name in durations:
        return durations[case.name]["secs"]
    return case.timeout / 4.0


def print_costs(took, n=12):
    """The tests that took longest, by wall time and by QEMU CPU time."""
    for key, what in (("secs", "wall seconds"), ("qemu_cpu", "QEMU CPU seconds")):
        top = sorted(took.items(), key=lambda kv: -kv[1][key])[:n]
        print("slowest by %s (all tests: %.0f):" % (
            what, sum(v[key] for v in took.values())))
        for name, v in top:
            print("  %7.1f  %s" % (v[key], name))


def run_parallel(cases, jobs, rep, durations, took):
    """Run cases up to `jobs` at once, the longest expected first, so that
    no long test starts last and runs on alone at the end."""
    pool = harness.Pool(jobs)
    harness.POOL = pool

    def job(case):
        return lambda: took.__setitem__(case.name, run_one(case, rep))

    running = [pool.submit(job(c), -expected_cost(c, durations))
               for c in cases]
    # wait with a timeout so Ctrl-C still reaches the main thread
    for j in running:
        while not j.done.wait(0.2):
            pass
        if j.error is not None:
            raise j.error


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--quick", action="store_true", help="only the quick set")
    g.add_argument("--all", action="store_true", help="every test (default)")
    ap.add_argument("-k", metavar="PATTERN", action="append", default=[],
                    help="only tests whose name or area/name matches the "
                         "regular expression (repeatable)")
    ap.add_argument("-j", type=int, default=2, help="tests at once (default 2)")
    ap.add_argument("--list", action="store_true", help="list tests and exit")
    ap.add_argument("--costs", action="store_true",
                    help="before the summary, show the tests that took "
                         "longest (wall time and their QEMUs' CPU time)")
    args = ap.parse_args()

    harness.install_signal_handlers()
    cases = load_tests()
    if args.quick:
        cases = [c for c in cases if c.quick]
    for pat in args.k:
        r = re.compile(pat)
        cases = [c for c in cases
                 if r.search(c.name) or r.search("%s/%s" % (c.area, c.name))]
    if args.list:
        for c in cases:
            print("%s/%s%s%s" % (c.area, c.name, " [quick]" if c.quick else "",
                                 " [alone]" if c.alone else ""))
        return 0

    rep = Reporter()
    if not cases:
        print("no tests match")
        rep.summary()
        return 1
    # Build once up front, so the tests do not race to be the one to build.
    try:
        harness.build()
    except harness.BuildError as e:
        print("build failed; every test that boots will fail:")
        rep.details_seen.add(str(e).partition("\n")[2].strip("\n"))
        for line in str(e).splitlines():
            print("    | " + line)
        sys.stdout.flush()

    durations, took = load_durations(), {}
    try:
        run_parallel([c for c in cases if not c.alone], args.j, rep,
                     durations, took)
        for c in cases:
            if c.alone:
                took[c.name] = run_one(c, rep)
    except KeyboardInterrupt:
        harness._kill_all()
        print("interrupted")
        rep.summary()
        return 130
    save_durations(durations, took)
    if args.costs:
        print_costs(took)
    rep.summary()
    return 1 if rep.failed else 0


if __name__ == "__main__":
    sys.exit(main())

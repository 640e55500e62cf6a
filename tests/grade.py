#!/usr/bin/env python3
"""Run every grader in the tree and print the score (make grade).

Graders are found in tests/graders/*.py and any file named grade-*.py in
the tree outside labs/ (a course lab's grader, labs/NAME/grade.py, grades a
student's work and runs by itself: make grade LAB=NAME).  Each runs as its
own Python process (with tests/ on PYTHONPATH, so `import harness` works)
and must end its output with a line "Score: N/M" (or the older
"Points: N/M"); tests/harness.py's Grader does that.  ldx's own quick test
suite counts as one more grader, worth one point per test passed.

usage: tests/grade.py [--no-suite] [PATTERN]
  PATTERN     run only graders whose path matches this regular expression
  --no-suite  leave out ldx's own test suite

Prints each grader's output (indented), a line "NAME: N/M" per grader, and
finally "Score: N/M".  Exits 0 only with full marks.
"""

import argparse
import glob
import os
import re
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GRADER_TIMEOUT = 1800
SKIP_DIRS = {".git", "build", "out", "__pycache__", "node_modules", "labs"}


def find_graders():
    found = set(glob.glob(os.path.join(HERE, "graders", "*.py")))
    for d, dirs, files in os.walk(ROOT):
        dirs[:] = [x for x in dirs
                   if x not in SKIP_DIRS and not x.startswith("build")]
        for f in files:
            if f.startswith("grade-") and f.endswith(".py"):
                found.add(os.path.join(d, f))
    return sorted(p for p in found
                  if not os.path.basename(p).startswith(("_", ".")))


def run_capture(argv, timeout):
    """Run argv, echoing its output indented; return (output, exit status)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = HERE + os.pathsep + env.get("PYTHONPATH", "")
    for k in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):
        env.pop(k, None)
    p = subprocess.Popen(argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         start_new_session=True)
    lines = []
    try:
        def pump():
            for raw in p.stdout:
                line = raw.decode("utf-8", "replace").rstrip("\n")
                lines.append(line)
                print("  " + line, flush=True)
        th = threading.Thread(target=pump, daemon=True)
        th.start()
        rc = p.wait(timeout)
        th.join(10)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, 9)
        p.wait()
        lines.append("(killed after %ds)" % timeout)
        rc = -9
    except BaseException:
        try:
            os.killpg(p.pid, 9)
        except OSError:
            pass
        raise
    return lines, rc


def score_grader(path):
    lines, rc = run_capture([sys.executable, path], GRADER_TIMEOUT)
    for line in reversed(lines):
        m = re.match(r"\s*(?:Score|Points):\s*(\d+)\s*/\s*(\d+)\s*$", line)
        if m:
            return int(m.group(1)), int(m.group(2)), None
    return 0, 0, "no 'Score: N/M' line (exit status %d)" % rc


def score_suite():
    lines, rc = run_capture([sys.executable, os.path.join(HERE, "run.py"),
                             "--quick"], GRADER_TIMEOUT)
    for line in reversed(lines):
        m = re.match(r"\s*(?:\w+:\s*)?(\d+) passed, (\d+) failed", line)
        if m:
            p, f = int(m.group(1)), int(m.group(2))
            return p, p + f, None
    return 0, 0, "the test suite printed no summary (exit status %d)" % rc


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pattern", nargs="?", help="only graders matching this")
    ap.add_argument("--no-suite", action="store_true",
                    help="leave out ldx's own test suite")
    args = ap.parse_args()

    jobs = []
    if not args.no_suite and (not args.pattern
                              or re.search(args.pattern, "ldx-tests")):
        jobs.append(("ldx-tests", score_suite))
    for path in find_graders():
        rel = os.path.relpath(path, ROOT)
        if args.pattern and not re.search(args.pattern, rel):
            continue
        jobs.append((rel, lambda path=path: score_grader(path)))

    results = []
    for name, fn in jobs:
        print("== %s" % name, flush=True)
        got, total, err = fn()
        results.append((name, got, total, err))
    print()
    got_all = total_all = 0
    broken = False
    for name, got, total, err in results:
        got_all += got
        total_all += total
        print("%s: %d/%d%s" % (name, got, total, "  (%s)" % err if err else ""))
        broken |= err is not None
    print("Score: %d/%d" % (got_all, total_all), flush=True)
    return 0 if (got_all == total_all and not broken) else 1


if __name__ == "__main__":
    sys.exit(main())

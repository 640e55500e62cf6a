#!/usr/bin/env python3
"""The nightly scale (`make soak`, not part of make test): every robustness
check of make test, run much longer, then one summary table.

    tests/soak.py [--scale F] [--only NAME,...]

  fuzz      the system-call fuzzer, 2,000,000 calls over 8 seeds
            (tests/fuzz.py --seed S --calls N --runs R)
  imgfuzz   the image fuzzer over 1,000 damaged images (tests/imgfuzz.py)
  crash     at least 45,000 crash states: 12 recorded runs of the crash
            workload, every state checked by fsck (test_crash.py with
            LDX_CRASH_RUNS)
  powercut  500 power cuts, each followed by fsck, a recovery boot and fsck
            again (test_powercut.py with LDX_POWERCUT_CUTS)

--scale multiplies every count (0.1 for a quick look); --only runs some of
them.  Each check runs as its own process; the table gives its scale, what
it reached, its verdict and its time.  Exit status 1 if any check failed.
"""

import argparse
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PY = sys.executable


def run(argv, env=None):
    """(exit status, output, seconds) of argv, its output echoed."""
    t0 = time.monotonic()
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         env=e, cwd=os.path.dirname(HERE))
    out = []
    for line in p.stdout:
        text = line.decode("utf-8", "replace")
        out.append(text)
        sys.stdout.write(text)
        sys.stdout.flush()
    p.wait()
    return p.returncode, "".join(out), time.monotonic() - t0


def fuzz(scale):
    runs = 8
    calls = max(1000, int(250000 * scale))
    rc, out, secs = run([PY, os.path.join(HERE, "fuzz.py"), "--seed", "1",
                         "--calls", str(calls), "--runs", str(runs)])
    return ("system-call fuzzer", "%d calls, %d seeds" % (calls * runs, runs),
            "exit %d" % rc, rc == 0, secs)


def imgfuzz(scale):
    n = max(10, int(1000 * scale))
    rc, out, secs = run([PY, os.path.join(HERE, "imgfuzz.py"), "--images",
                         str(n), "--seed", "1000"])
    m = re.search(r"imgfuzz: (\d+) images .*: (\d+) ran the workload, (\d+) "
                  r"refused to mount, (\d+) failed", out)
    got = ("%s ran the workload, %s refused, %s failed"
           % m.group(2, 3, 4)) if m else "no summary"
    return ("image fuzzer", "%d images" % n, got, rc == 0 and m, secs)


def _run_test(name, env):
    return run([PY, os.path.join(HERE, "run.py"), "-j", "1", "-k",
                "^%s$" % name], env)


def crash(scale):
    runs = max(2, int(12 * scale))
    summary = os.path.join(HERE, "out", "crash", "summary.txt")
    if os.path.exists(summary):
        os.remove(summary)
    rc, out, secs = _run_test("crash_states", {"LDX_CRASH_RUNS": str(runs)})
    text = open(summary).read() if os.path.exists(summary) else ""
    found = re.findall(r"(\d+) states checked, (\d+) inconsistent", text)
    # and the crashes during the boots of sampled states
    found += re.findall(r"(\d+) states of crashes during those boots: (\d+) "
                        r"inconsistent", text)
    states = sum(int(a) for a, b in found)
    bad = sum(int(b) for a, b in found)
    return ("crash states", "%d recorded runs" % runs,
            "%d states, %d inconsistent" % (states, bad) if found
            else "no summary", rc == 0 and len(found) == runs + 1, secs)


def powercut(scale):
    cuts = max(10, int(500 * scale))
    rc, out, secs = _run_test("power_cuts", {"LDX_POWERCUT_CUTS": str(cuts)})
    done = re.findall(r"(?m)^(PASS|FAIL) power_cuts/power_cut_", out)
    got = "%d cuts, %d errors" % (len(done), done.count("FAIL"))
    return ("power cuts", "%d cuts" % cuts, got, rc == 0 and len(done) == cuts,
            secs)


CHECKS = {"fuzz": fuzz, "imgfuzz": imgfuzz, "crash": crash,
          "powercut": powercut}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--only", default=",".join(CHECKS))
    args = ap.parse_args()
    rows = []
    for name in args.only.split(","):
        print("=== soak: %s ===" % name)
        sys.stdout.flush()
        rows.append(CHECKS[name](args.scale))
    print()
    print("| check | scale | reached | verdict | time |")
    print("|---|---|---|---|---|")
    for what, scale, got, ok, secs in rows:
        print("| %s | %s | %s | %s | %.0f min |"
              % (what, scale, got, "PASS" if ok else "FAIL", secs / 60))
    return 0 if all(r[3] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

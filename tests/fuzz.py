#!/usr/bin/env python3
"""Run the in-guest system-call fuzzer (user/fuzz/) and judge the run.

    tests/fuzz.py [--seed S] [--calls N] [--seconds T] [--workers W]
                  [--cpus C] [--sanitize] [--no-fsck] [--runs R]
                  [--limits L]

Boots ldx (3 harts by default), runs `fuzz SEED N` at the shell (random
calls, then the limit sequences: --limits 0 none, 2 the slow ones too) and
watches the console.  The run FAILS, naming the seed, on
  - a kernel panic or trap, or any report of the SANITIZE=1 checks
    (undefined behaviour, stack smashing, use after free, lock order);
  - a line "fuzz: FAIL ..." (the fuzzer's own findings);
  - 30 s without a heartbeat, or without progress in the heartbeat count;
  - free pages after the run different from before (a leak);
  - an unclean mkfs/fsck of the disk afterwards (the machine is halted
    cleanly with `halt` first).
It prints the calls made, the time, and calls per second.  --runs R runs R
seeds in a row (S, S+1, ...).  Used by `make fuzz` (FUZZARGS="...") and by
tests/test_fuzz.py (import: fuzz_run()).
"""

import argparse
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import harness  # noqa: E402

SILENCE = 30  # seconds without heartbeat or progress: a hang

# Console text that means the kernel (or a SANITIZE check) gave up.
KERNEL_BAD = re.compile(
    r"panic on hart|panic:|kernel trap|undefined behaviour|"
    r"stack smashing detected|written after it was freed|lock order")
FUZZ_FAIL = re.compile(r"fuzz: FAIL[^\n]*")
HEARTBEAT = re.compile(r"fuzz: heartbeat (\d+)")
DONE = re.compile(r"fuzz: done (\d+) calls, (-?\d+) -> (-?\d+)")
STATS = re.compile(r"fuzz: stats [^\n]*")
LIMITS = re.compile(r"fuzz: limits: [^\n]*")
ANY = re.compile(r"fuzz: (?:heartbeat \d+|stats [^\n]*\n|done [^\n]*\n|"
                 r"FAIL[^\n]*)|" + KERNEL_BAD.pattern)


class Result:
    def __init__(self, seed):
        self.seed = seed
        self.calls = 0
        self.secs = 0.0
        self.before = self.after = None
        self.stats = ""
        self.limits = ""
        self.fsck = "not run"
        self.failures = []

    @property
    def rate(self):
        return self.calls / self.secs if self.secs > 0 else 0.0

    @property
    def ok(self):
        return not self.failures

    def summary(self):
        s = ("fuzz: seed %d: %d calls in %.1f s (%.0f calls/s), free pages "
             "%s -> %s, fsck %s" % (self.seed, self.calls, self.secs,
                                    self.rate, self.before, self.after,
                                    self.fsck))
        return s + (": PASS" if self.ok else ": FAIL")


def _kernel_report(text):
    """The console lines around the first kernel complaint, or None."""
    m = KERNEL_BAD.search(text)
    if not m:
        return None
    start = text.rfind("\n", 0, max(0, m.start() - 1))
    start = text.rfind("\n", 0, max(0, start - 1))
    return text[start + 1:m.end() + 400].strip()


def fuzz_run(seed, calls=100000, seconds=None, workers=8, cpus=3,
             make_vars=None, fsck=True, name=None, boot=None, timeout=None,
             limits=1):
    """Boot, fuzz, judge; returns a Result (failures empty when it passed).
    secs and the rate count the random calls only (up to the stats line).

    boot: a function taking boot()'s keyword arguments (a TestContext's
    t.boot, so the machine dies with the test); default harness.boot.
    """
    r = Result(seed)
    name = name or "fuzz-%d" % seed
    if boot is None:
        def boot(**kw):
            return harness.boot(name, **kw)
    if timeout is None:
        timeout = (seconds or 600) + 300
    m = boot(cpus=cpus, make_vars=make_vars,
             deadline=time.monotonic() + timeout)
    try:
        m.wait_prompt(90)
        cmd = "fuzz -w %d -l %d %s%d %d" % (workers, limits,
                                            "-t %d " % seconds if seconds
                                            else "", seed, calls)
        m.skip_to_end()
        start = m.mark()
        m.send(cmd)
        m.expect(r"fuzz: seed \d+", 120)
        t0 = time.monotonic()
        last_calls, last_progress = -1, time.monotonic()
        t_random = None
        done = None
        while done is None:
            try:
                ev = m.expect(ANY, SILENCE)
            except harness.TestFailure as e:
                rep = _kernel_report(m.output[start:])
                if rep:
                    r.failures.append("seed %d: kernel report on the "
                                      "console:\n%s" % (seed, rep))
                elif not m.alive():
                    r.failures.append("seed %d: QEMU exited during the run"
                                      % seed)
                else:
                    r.failures.append("seed %d: no heartbeat for %d s (hang?)"
                                      "\n%s" % (seed, SILENCE,
                                                harness.tail(m.output, 15)))
                break
            text = ev.group(0)
            if KERNEL_BAD.match(text):
                r.failures.append("seed %d: kernel report on the console:\n%s"
                                  % (seed, _kernel_report(m.output[start:])))
                break
            if text.startswith("fuzz: FAIL"):
                r.failures.append("seed %d: %s" % (seed, text.strip()))
                continue
            hb = HEARTBEAT.match(text)
            if hb:
                n = int(hb.group(1))
                now = time.monotonic()
                if n > last_calls:
                    last_calls, last_progress = n, now
                    r.calls = n
                elif now - last_progress > SILENCE:
                    r.failures.append("seed %d: no progress for %d s at %d "
                                      "calls" % (seed, SILENCE, n))
                    break
                continue
            if text.startswith("fuzz: stats"):
                t_random = time.monotonic()
                continue
            done = DONE.match(text)
        r.secs = (t_random if t_random else time.monotonic()) - t0
        if done:
            r.calls = int(done.group(1))
            r.before, r.after = int(done.group(2)), int(done.group(3))
            st = STATS.search(m.output[start:])
            r.stats = st.group(0) if st else ""
            lim = LIMITS.search(m.output[start:])
            r.limits = lim.group(0) if lim else ""
            if r.before != r.after:
                r.failures.append("seed %d: free pages %d before, %d after "
                                  "(%+d)" % (seed, r.before, r.after,
                                             r.after - r.before))
            m.wait_prompt(60)
            # A late kernel report (after the done line) still counts.
            late = _kernel_report(m.output[start:])
            if late and not any("kernel report" in f for f in r.failures):
                r.failures.append("seed %d: kernel report on the console:\n%s"
                                  % (seed, late))
            if fsck:
                r.fsck = _fsck(m, seed, r)
        if not r.ok and m.alive():
            m.kill()
    finally:
        m.kill()
    if not r.ok:
        r.failures.append("seed %d: console log in %s" % (seed, m.log_path))
    return r


def _fsck(m, seed, r):
    """Halt the machine cleanly and check its disk; returns a word."""
    if not os.path.exists(os.path.join(harness.ROOT, "mkfs", "fsck.c")):
        return "skipped (mkfs/fsck.c not written yet)"
    harness.make("mkfs/fsck")
    m.send("halt")
    try:
        m.wait_exit(60)
    except harness.TestFailure:
        r.failures.append("seed %d: the machine did not halt" % seed)
        return "not run"
    p = subprocess.run([os.path.join(harness.ROOT, "mkfs", "fsck"), m.image],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=60)
    out = p.stdout.decode("utf-8", "replace")
    if p.returncode != 0:
        r.failures.append("seed %d: fsck of %s after the run (exit %d):\n%s"
                          % (seed, m.image, p.returncode,
                             harness.tail(out, 20)))
        return "FAILED"
    return "clean"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--calls", type=int, default=100000)
    ap.add_argument("--seconds", type=int, default=None,
                    help="stop after this long even if fewer calls were made")
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--cpus", type=int, default=3)
    ap.add_argument("--runs", type=int, default=1,
                    help="run this many seeds: SEED, SEED+1, ...")
    ap.add_argument("--sanitize", action="store_true",
                    help="use the SANITIZE=1 kernel")
    ap.add_argument("--no-fsck", action="store_true")
    ap.add_argument("--limits", type=int, default=1,
                    help="limit sequences: 0 none, 1 quick, 2 slow ones too")
    args = ap.parse_args()
    harness.install_signal_handlers()
    make_vars = {"SANITIZE": "1"} if args.sanitize else None
    total_calls, total_secs, failed = 0, 0.0, 0
    for i in range(args.runs):
        seed = args.seed + i
        try:
            r = fuzz_run(seed, args.calls, args.seconds, args.workers,
                         args.cpus, make_vars, not args.no_fsck,
                         limits=args.limits)
        except harness.TestFailure as e:
            print("fuzz: seed %d: FAIL %s" % (seed, e), flush=True)
            failed += 1
            continue
        print(r.summary(), flush=True)
        if r.stats:
            print("  " + r.stats)
        if r.limits:
            print("  " + r.limits)
        for f in r.failures:
            for j, line in enumerate(f.splitlines()):
                print(("  " if j == 0 else "    | ") + line)
        total_calls += r.calls
        total_secs += r.secs
        failed += not r.ok
    print("fuzz: %d run(s), %d calls in %.1f s (%.0f calls/s), %d failed"
          % (args.runs, total_calls, total_secs,
             total_calls / total_secs if total_secs else 0, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

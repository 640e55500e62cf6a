"""The system-call fuzzer (user/fuzz/, judged by tests/fuzz.py) and the
SANITIZE=1 kernel.

  fuzz_calls          300,000 fuzzed calls in three boots (seeds 1-3) on
                      3 harts: no kernel report, heartbeat never silent
                      for 30 s, free pages equal before and after, a clean
                      fsck of the disk afterwards.  One sub-result per
                      seed; the figures (calls, calls/s) are printed.  The
                      seeds' boots run beside each other (t.map).
  fuzz_sanitize       100,000 fuzzed calls (at most 60 s) on the SANITIZE=1
                      kernel (UB traps, stack canaries, use-after-free and
                      lock-order checks), judged the same way: 0 reports.
                      Longer runs: make fuzz FUZZARGS="--sanitize ...".
  sanitize_utests     the quick in-guest suite (utests -q) on the
                      SANITIZE=1 kernel: every test passes, 0 reports.
  sanitize_leak       the SANITIZE=1 check for uninitialised kernel bytes
                      copied to a user catches a real leak: booted with
                      test=leak, getprocs stops clearing its records (the
                      padding and name tails it once leaked) and `ps`
                      must end in the check's panic.

A failure names the seed; replay it with
  make fuzz FUZZARGS="--seed S --calls N"
or, for one worker's exact call sequence, `fuzz -w 1 -v S N` in the guest.
"""

import os
import re
import time

import fuzz
import harness
from harness import TestFailure, check, tail, test

SEEDS = (1, 2, 3)
CALLS_PER_SEED = 100000
SANITIZE = {"SANITIZE": "1"}
SANITIZE_CALLS = 100000
SANITIZE_SECONDS = 60


def _judge(t, r, label):
    t.sub(label, r.ok, "\n".join(r.failures))
    print("%s: %s" % (label, r.summary()), flush=True)
    if r.stats:
        print("  " + r.stats, flush=True)
    if r.limits:
        print("  " + r.limits, flush=True)


@test(timeout=900)
def fuzz_calls(t):
    def one(seed):
        return fuzz.fuzz_run(seed, CALLS_PER_SEED, cpus=3,
                             boot=lambda **kw: t.boot(suffix="seed%d" % seed,
                                                      **kw))

    total, secs = 0, 0.0
    runs = t.map(one, SEEDS)
    for seed, (r, err) in zip(SEEDS, runs):
        if err is not None:
            raise err
        _judge(t, r, "seed%d" % seed)
        total += r.calls
        secs += r.secs
    print("fuzz: %d calls in %.1f s (%.0f calls/s), %d seeds"
          % (total, secs, total / secs if secs else 0, len(SEEDS)), flush=True)


@test(timeout=600)
def fuzz_slow_reclaim(t):
    """An inode being freed is not handed out again until its reclaimer
    lets go of it.  Boot option test=slowreclaim makes reclaim_dying()
    dawdle between the freeing's last commit and dropping its reference;
    ialloc used to hand the inode out in that window, and unlinking the
    new file then never freed it: every such run left orphan inodes that
    fsck found after halt (seen without the option once in some 40 runs
    under load)."""
    r = fuzz.fuzz_run(21, 50000, cpus=3,
                      boot=lambda **kw: t.boot(suffix="slowreclaim",
                                               bootargs="test=slowreclaim", **kw))
    _judge(t, r, "seed21")


@test(timeout=900)
def fuzz_sanitize(t):
    seed = 11
    r = fuzz.fuzz_run(seed, SANITIZE_CALLS, seconds=SANITIZE_SECONDS, cpus=3,
                      make_vars=SANITIZE,
                      boot=lambda **kw: t.boot(suffix="san", **kw))
    _judge(t, r, "sanitize_seed%d" % seed)


# What utests prints: one home, the suite's own host test.
from test_guest import RESULT, SUMMARY  # noqa: E402


@test(timeout=900)
def sanitize_utests(t):
    if not os.path.exists(os.path.join(harness.ROOT, "user", "utests")):
        raise harness.Skip("user/utests/ is not there yet")
    m = t.boot(cpus=3, make_vars=SANITIZE)
    m.wait_prompt(90)
    m.skip_to_end()
    start = m.mark()
    t0 = time.monotonic()
    m.send("utests -q")
    try:
        m.expect(SUMMARY.pattern + "|" + fuzz.KERNEL_BAD.pattern, 600)
    except TestFailure as e:
        raise TestFailure("utests -q on the SANITIZE=1 kernel: no summary: %s"
                          % e)
    text = m.output[start:]
    rep = fuzz._kernel_report(text)
    check(rep is None, "SANITIZE=1 kernel report during utests -q:\n%s" % rep)
    results = list(RESULT.finditer(text))
    for r in results:
        t.sub(r.group(2), r.group(1) == "PASS", r.group(3) or "")
    s = SUMMARY.search(text)
    check(s is not None and int(s.group(1)) + int(s.group(2)) == len(results)
          and results, "utests -q: summary and result lines disagree\n%s"
          % tail(m.output))
    m.wait_prompt(30)
    print("sanitize: utests -q, %d tests in %.0f s on the SANITIZE=1 kernel, "
          "0 reports" % (len(results), time.monotonic() - t0), flush=True)


@test(quick=True, timeout=180)
def sanitize_leak(t):
    m = t.boot(cpus=1, make_vars=SANITIZE, bootargs="test=leak")
    m.wait_prompt(90)
    m.send("ps")
    m.expect(r"panic on hart \d+: copyout: uninitialised kernel bytes "
             r"\(0xfe\) at byte \d+ of \d+, to user 0x[0-9a-f]+", 60)
    m.expect(r"proc_list", 30)  # the backtrace names the leaking caller


TABLE_LINE = re.compile(r"(?m)^SYSCALL(?:_WRAPPED)?\(\s*(\d+),\s*(\w+),")
CALL_LINE = re.compile(r"(?m)^fuzz: call (\d+) (\w+) (\d+) (child|nochild)$")


@test(quick=True)
def fuzz_calls_from_table(t):
    """The fuzzer's calls are the table's: `fuzz -c` lists exactly the calls
    of kernel/syscall_table.h (so a call added there is fuzzed with no other
    edit), privileged ones included (kill, halt, evlog: the kernel must
    refuse them, the fuzzer checks), exit only apart (weight 0)."""
    with open(os.path.join(harness.ROOT, "kernel", "syscall_table.h")) as f:
        table = {int(n): name for n, name in TABLE_LINE.findall(f.read())}
    m = t.boot(cpus=1)
    m.wait_prompt(60)
    out = m.run("fuzz -c", 30)
    listed = {int(n): (name, int(w), c) for n, name, w, c
              in CALL_LINE.findall(out)}
    check({n: v[0] for n, v in listed.items()} == table,
          "fuzz -c lists %r, the table has %r" % (listed, table))
    for name in ("kill", "halt", "evlog", "tracemask"):
        check(any(v[0] == name and v[1] > 0 for v in listed.values()),
              "%s is not fuzzed: %r" % (name, listed))
    check([v[1] for v in listed.values() if v[0] == "exit"] == [0],
          "exit should be chosen apart (weight 0): %r" % listed)
    for name in ("fork", "exec", "read", "write", "sleep"):
        check(any(v[0] == name and v[2] == "nochild"
                  for v in listed.values()),
              "a forked child may call %s, which can block or leave" % name)

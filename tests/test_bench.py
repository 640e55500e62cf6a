"""The benchmark's measurements themselves (user/bench.c, tests/bench.py).

The figures are not checked here (speed targets belong in `make bench`,
not in timed tests); what is checked is that the instruments measure what
they claim: the calibration loop is the four-instruction loop of the xv6
reference figures, instret counts instructions under -icount, and the
host's parser turns the guest's lines into figures in loop iterations.
"""

import bench
from harness import check, test


@test()
def bench_icount_counts_instructions(t):
    """Under -icount, instret says the calibration loop takes exactly four
    instructions an iteration (1000 iterations per op), and time agrees
    with instret (one instruction per nanosecond)."""
    m = t.boot(cpus=1, make_vars={"ICOUNT": "1"})
    m.wait_prompt(60)
    out = m.run("bench -r 1 getpid", 120)
    results, failures, cals = bench.parse(out, [], True)
    check(not failures, "bench failed: %r" % failures)
    loop = [l for l in out.splitlines() if l.startswith("bench loop ")]
    check(loop, "no calibration lines in %r" % out)
    for l in loop:
        check(l.split()[-1] == "4000",
              "calibration loop not 4 instructions an iteration: %r" % l)
    g = results.get("getpid")
    check(g is not None, "no getpid figure in %r" % out)
    check(abs(g["insns"] - g["median_us"] * 1000) <= 2,
          "instret (%d) and time (%.3f us) disagree under -icount"
          % (g["insns"], g["median_us"]))
    check(results.get("boot", {}).get("insns", 0) > 1000000,
          "no boot instruction count: %r" % results.get("boot"))


@test()
def bench_reports_iterations(t):
    """Plain mode: every figure is divided by the calibration loop's time
    measured around it, giving loop iterations."""
    m = t.boot(cpus=1)
    m.wait_prompt(60)
    out = m.run("bench -r 1 getpid", 120)
    results, failures, cals = bench.parse(out, [0.2], False)
    check(not failures, "bench failed: %r" % failures)
    check(len(cals) == 2, "want a calibration before and after: %r" % out)
    g = results.get("getpid")
    check(g is not None and g["iters"] > 0, "no getpid figure in %r" % out)
    want = g["median_us"] * 1000 / ((cals[0] + cals[1]) / 2)
    check(abs(g["iters"] - want) < 1e-6 * want, "iterations miscomputed")
    check(results["boot"]["iters"] == 0.2e9 / cals[0], "boot miscomputed")

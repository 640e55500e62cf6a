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


@test()
def bench_icount_several_harts(t):
    """The deterministic mode works on several harts: a hart spinning on a
    lock gives up its turn (QEMU runs one hart at a time; two harts once
    took 40 G instructions to boot), and a figure that waits for the disk
    leaves out the time every hart sat idle (idletime()), so two runs of
    the file workload agree (without it they differed by 2x)."""
    m = t.boot(cpus=4, make_vars={"ICOUNT": "1"})
    m.wait_prompt(60)
    out = m.run("bench -p 4 -n 50 pipe", 60)
    start = bench.START.search(out)
    check(start and int(start.group(1)) < 200 * 1000 * 1000,
          "4 harts took too long to boot: %r" % out)
    par = bench.PARLINE.search(out)
    check(par and par.group(1) == "pipe" and int(par.group(3)) == 200,
          "no 4-worker pipe figure in %r" % out)
    figures = []
    for _ in range(2):
        out = m.run("bench -p 2 -n 5 files", 120)
        par = bench.PARLINE.search(out)
        check(par, "no file figure in %r" % out)
        insns, ns = int(par.group(4)), int(par.group(5))
        # Guest time (one ns an instruction) includes the waits for the
        # disk, which take longer than the instructions themselves.
        check(insns * 2 <= ns, "the file workload's %d instructions per op "
              "include the idle time (%d ns per op)" % (insns, ns))
        figures.append(insns)
    check(max(figures) <= min(figures) * 1.1,
          "two runs of the file workload: %r instructions per op" % figures)

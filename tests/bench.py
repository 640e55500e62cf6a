#!/usr/bin/env python3
"""Measure ldx's limited-direct-execution costs: `make bench`.

    python3 tests/bench.py [--icount] [--cpus N] [--rounds R] [--only NAME ...]
                           [--boots B] [--out FILE.json] [--csv FILE.csv]
                           [--compare OLD.json] [--bootargs ARGS]
                           [--make-var NAME=VALUE ...]
    python3 tests/bench.py --harts 1,2,4,8 [--only NAME ...]

Boots ldx through tests/harness.py (CPUS=1 by default, so nothing runs
beside the benchmark), runs user/bench.c in the guest, which times each
workload with the time CSR, and prints a table against xv6-riscv's
reference figures (XV6 below, from ../shared/reference/platform.md).

Two modes:

  plain (make bench): QEMU as `make qemu` runs it.  Absolute times move
    with the host, so the guest also times the calibration loop (pure user
    code, which runs at the same speed under any kernel) before and after
    every benchmark, and each figure is also given in loop iterations: its
    median time divided by the time of one iteration, measured moments
    around it in the same boot.  Iterations carry from host to host; the
    ratios to xv6 and the targets are in iterations.  Boot to the first
    prompt is host wall time (median of --boots boots), converted to
    iterations with the first calibration.

  deterministic (make bench ICOUNT=1, --icount): QEMU runs with -icount
    shift=0,align=off, guest time is instruction count, and the guest's
    instret counter counts every instruction executed.  The figures are
    instructions per operation and repeat exactly from run to run, whatever
    the host's load; they are compared with xv6's instruction counts.
    Boot is the instructions from reset to the start of the bench program.
    instret follows QEMU's virtual clock, which also advances while every
    hart idles waiting for the disk, at the host's pace; the guest leaves
    that time out (idletime(), the kernel's count of it).  The rows that
    wait for the disk (DISK_ROWS) are marked: where the disk's answers
    fall still moves them by a few percent.

Hart scaling (make bench-harts, --harts LIST): deterministic mode only.
  For each hart count N, one boot with N harts runs `bench -p N` on the
  workloads in HART_ROWS: N independent workers at once, one per hart (N
  pipe ping-pong pairs, N fork/exec loops, N processes each creating and
  deleting files in its own directory).  The figure is the instructions of
  all harts per operation; independent work should cost the same per
  operation on any number of harts, and the table shows each figure's
  growth over one hart against HART_TARGET.  QEMU runs the harts one at a
  time under -icount, so the figures count work, not parallel speed-up.

Each benchmark runs ROUNDS timed rounds of at least 100 ms of guest time
(user/bench.c); the table shows the median round (the figure compared),
and in plain mode also the best round.  The figures go to
bench-results.json (and bench-results.csv); --compare OLD.json adds a
column with an earlier run's figure and the change.

Exit status: 0 when every benchmark ran (targets missed are reported, not
failed), 1 when a benchmark failed or the guest misbehaved.
"""

import argparse
import csv
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import harness  # noqa: E402

ROOT = harness.ROOT
NFILES = 100     # files per round of the "files" benchmark (user/bench.c)
LOOPCHUNK = 1000  # calibration-loop iterations per "loop" op (user/bench.c)

# xv6-riscv's reference figures: THE table (platform.md, "Reference
# figures").  iters: cost in calibration-loop iterations, plain QEMU, -smp 1;
# insns: instructions under -icount shift=0.  Boot to the first prompt was
# measured as host time only (0.5-0.7 s, at 1.4-1.6 ns per iteration):
# 0.6 s / 1.5 ns = 400 million iterations.
XV6 = {
    "getpid": dict(iters=19000, insns=1100),
    "pipe": dict(iters=400000, insns=96000),
    "fork": dict(iters=600000, insns=480000),
    "exec": dict(iters=2100000),
    "files+bigfile": dict(iters=6.0e9),
    "sbrk": dict(iters=1.0e8),
    "boot": dict(iters=0.6 / 1.5e-9),
}

# The project's targets: ratio to xv6 in iterations (plain mode) and
# instructions per operation (deterministic mode).
TARGET_RATIO = {"getpid": 0.08, "pipe": 0.10, "fork": 0.10, "exec": 0.08,
                "files+bigfile": 0.06, "sbrk": 0.10, "boot": 0.3}
TARGET_INSNS = {"getpid": 300, "pipe": 4000, "fork": 30000}

# name -> what it measures, in the order of the table.  The two file
# workloads are compared together, as the row "files+bigfile" (xv6's
# figure is for the whole: 100 files created, written 4 KiB, read and
# deleted, plus one 200 KiB file written and read back).
ROWS = [
    ("getpid", "null system call"),
    ("pipe", "pipe round trip"),
    ("fork", "fork+exit+wait"),
    ("exec", "fork+exec+wait"),
    ("files", "1 of 100 files: create/write 4K/read/delete"),
    ("bigfile", "write+read 200 KiB file"),
    ("files+bigfile", "100 files + 200 KiB file"),
    ("sbrk", "sbrk 16 MiB + touch every page"),
    ("boot", "boot to the first prompt"),
]

# Rows that wait for the disk.  Under -icount, instret follows QEMU's
# virtual clock, which also advances while every hart sits idle waiting for
# the disk, as fast as the host completes the request; user/bench.c leaves
# that time out (idletime()), but when the answers come (between which
# instructions, before or after a timer tick) still moves these figures by
# a few percent, so they are marked.
DISK_ROWS = {"files", "bigfile", "files+bigfile", "boot"}

# Hart scaling: the workloads `bench -p N` runs, and the most each one's
# cost per operation may grow from 1 hart to any count (1.10: "flat").
HART_ROWS = [
    ("pipe", "pipe round trip, one pair per hart"),
    ("fork", "fork+exit+wait, one loop per hart"),
    ("exec", "fork+exec+wait, one loop per hart"),
    ("files", "create/write/read/delete, one directory per hart"),
]
HART_TARGET = {"pipe": 1.10, "fork": 1.10, "exec": 1.10, "files": 1.5}
PARLINE = re.compile(r"(?m)^bench-par (\S+) (\d+) (\d+) (\d+) (\d+)\s*$")

LINE = re.compile(r"(?m)^bench (\S+) (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+)"
                  r" (\d+)\s*$")
FAILED = re.compile(r"(?m)^bench (\S+) FAIL (.*)$")
START = re.compile(r"(?m)^bench-start (\d+)\s*$")


def fmt_us(us):
    if us is None:
        return "-"
    if us >= 1e6:
        return "%.2f s" % (us / 1e6)
    if us >= 1e3:
        return "%.2f ms" % (us / 1e3)
    return "%.2f us" % us


def fmt_count(n):
    """1234567 -> '1.23 M', 12345 -> '12,345'."""
    if n is None:
        return "-"
    if n >= 1e9:
        return "%.2f G" % (n / 1e9)
    if n >= 1e7:
        return "%.1f M" % (n / 1e6)
    return "{:,}".format(int(round(n)))


def git_describe():
    try:
        r = subprocess.run(["git", "describe", "--always", "--dirty"],
                           cwd=ROOT, stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, timeout=10)
        return r.stdout.decode().strip() or None
    except (OSError, subprocess.TimeoutExpired):
        return None


def host_cpu():
    """The host's CPU model, for the record."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def boot_to_prompt(args, make_vars, name):
    """Boot once; return (Machine at the prompt, host seconds to the prompt)."""
    m = harness.boot(name, cpus=args.cpus, bootargs=args.bootargs,
                     make_vars=make_vars or None)
    t0 = time.monotonic()
    m.wait_prompt(120)
    return m, time.monotonic() - t0


def run_guest(args, make_vars):
    """Run bench in the guest; return (its output, boot times in seconds)."""
    print("bench: building and booting ldx (CPUS=%d%s)..."
          % (args.cpus, ", -icount" if args.icount else ""), flush=True)
    harness.build(make_vars or None)
    boots = []
    for i in range(max(0, args.boots - 1)):
        m, s = boot_to_prompt(args, make_vars, "bench-boot")
        m.kill()
        boots.append(s)
    m, s = boot_to_prompt(args, make_vars, "bench")
    boots.append(s)
    with m:
        cmd = "bench -r %d %s" % (args.rounds, " ".join(args.only))
        print("bench: running `%s` in the guest (a minute or two)..."
              % cmd.strip(), flush=True)
        start = m.mark()
        m.send(cmd.strip())
        m.expect(r"(?m)^bench: done", args.timeout)
        text = m.output[start:]
    return text, boots


def parse(text, boots, icount):
    """The guest's lines -> {name: figures}.  Each benchmark gets the
    calibration measured just before and just after it."""
    results, cals, pending = {}, [], []
    for mt in LINE.finditer(text):
        name, ops, total, per, best, median, insns = mt.groups()
        r = dict(ops=int(ops), total_us=int(total), per_op_us=float(per),
                 best_us=float(best), median_us=float(median),
                 insns=int(insns))
        if name == "loop":
            ns = r["median_us"] * 1000.0 / LOOPCHUNK
            cals.append(ns)
            for p in pending:
                p["iter_ns"] = (p["iter_ns"] + ns) / 2 if p["iter_ns"] else ns
            pending = []
            continue
        r["iter_ns"] = cals[-1] if cals else None
        results[name] = r
        pending.append(r)
    for r in results.values():
        r["iters"] = r["median_us"] * 1000.0 / r["iter_ns"] if r["iter_ns"] else None
    failures = {mt.group(1): mt.group(2) for mt in FAILED.finditer(text)}
    if "files" in results and "bigfile" in results:
        # One pass of the whole file workload, as xv6's figure is.
        f, b = results["files"], results["bigfile"]
        results["files+bigfile"] = {
            k: f[k] * NFILES + b[k]
            for k in ("per_op_us", "best_us", "median_us", "insns", "iters")
            if f.get(k) is not None and b.get(k) is not None}
        results["files+bigfile"].update(ops=1, total_us=None)
    start = START.search(text)
    if icount and start:
        results["boot"] = dict(insns=int(start.group(1)), ops=1)
    elif boots and cals:
        s = statistics.median(boots)
        results["boot"] = dict(ops=len(boots), median_us=s * 1e6,
                               best_us=min(boots) * 1e6,
                               iter_ns=cals[0], iters=s * 1e9 / cals[0])
    return results, failures, cals


def figure(r, icount):
    """The figure a row is compared by: instructions or iterations."""
    return r.get("insns") if icount else r.get("iters")


def verdict(name, value, icount):
    """(xv6 figure, ratio, target text, met) for one row, or Nones."""
    ref = XV6.get(name, {}).get("insns" if icount else "iters")
    if ref is None or value is None:
        return None, None, "-", None
    ratio = value / ref
    if icount:
        t = TARGET_INSNS.get(name)
        return ref, ratio, ("<= %s" % fmt_count(t)) if t else "-", \
            (value <= t) if t else None
    t = TARGET_RATIO.get(name)
    return ref, ratio, ("<= %.2f" % t) if t else "-", \
        (ratio <= t) if t else None


def format_rows(rows):
    """Rows of cells (the first the heading) as aligned text: the first two
    columns to the left, the figures to the right."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for i, r in enumerate(rows):
        lines.append("  ".join(c.ljust(w) if j < 2 else c.rjust(w)
                               for j, (c, w) in enumerate(zip(r, widths))))
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def table(results, icount, old=None):
    if icount:
        head = ["benchmark", "what", "instructions", "xv6", "ratio",
                "target", "met"]
    else:
        head = ["benchmark", "what", "median", "best", "iterations", "xv6",
                "ratio", "target", "met"]
    if old is not None:
        head += ["old", "change"]
    rows = [head]
    for name, what in ROWS:
        r = results.get(name)
        if r is None:
            continue
        value = figure(r, icount)
        ref, ratio, target, met = verdict(name, value, icount)
        row = [name, what]
        if not icount:
            row += [fmt_us(r.get("median_us")), fmt_us(r.get("best_us"))]
        mark = " *" if icount and name in DISK_ROWS else ""
        row += [fmt_count(value) + mark, fmt_count(ref),
                "-" if ratio is None else "%.3f" % ratio, target,
                "-" if met is None else ("yes" if met else "NO")]
        if old is not None:
            o = old.get(name) or {}
            o_v = figure(o, icount)
            if o_v and value is not None:
                row += [fmt_count(o_v), "%+.1f%%" % (100.0 * (value - o_v) / o_v)]
            else:
                row += ["-", "-"]
        rows.append(row)
    return format_rows(rows)


def write_files(results, meta, icount, json_path, csv_path):
    data = dict(meta, results=results, reference=XV6,
                targets=dict(ratio=TARGET_RATIO, insns=TARGET_INSNS))
    with open(json_path, "w") as f:
        json.dump(data, f, indent=2, sort_keys=True)
        f.write("\n")
    if csv_path:
        with open(csv_path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["benchmark", "mode", "ops", "median_us", "best_us",
                        "iterations", "instructions", "xv6", "ratio", "met"])
            for name, _ in ROWS:
                r = results.get(name)
                if r is None:
                    continue
                ref, ratio, _, met = verdict(name, figure(r, icount), icount)

                def num(k, fmt):
                    return "" if r.get(k) is None else fmt % r[k]
                w.writerow([name, "icount" if icount else "plain", r["ops"],
                            num("median_us", "%.3f"), num("best_us", "%.3f"),
                            num("iters", "%.0f"), num("insns", "%d"),
                            "" if ref is None else "%g" % ref,
                            "" if ratio is None else "%.4f" % ratio,
                            "" if met is None else int(met)])


def run_harts(args, counts):
    """Boot once per hart count, run `bench -p N`; return {name: {N: insns
    per op}} and the failures seen."""
    names = args.only or [n for n, _ in HART_ROWS]
    make_vars = {"ICOUNT": "1"}
    make_vars.update(dict(v.split("=", 1) for v in args.make_var))
    harness.build(make_vars)
    figures, failures = {}, {}
    for n in counts:
        print("bench: %d hart%s, `bench -p %d %s`..."
              % (n, "" if n == 1 else "s", n, " ".join(names)), flush=True)
        m = harness.boot("bench-harts%d" % n, cpus=n, bootargs=args.bootargs,
                         make_vars=make_vars)
        with m:
            m.wait_prompt(120)
            start = m.mark()
            m.send("bench -p %d %s" % (n, " ".join(names)))
            m.expect(r"(?m)^bench: done", args.timeout)
            text = m.output[start:]
        for mt in PARLINE.finditer(text):
            figures.setdefault(mt.group(1), {})[n] = int(mt.group(4))
        for mt in FAILED.finditer(text):
            failures["%s/%d" % (mt.group(1), n)] = mt.group(2)
    return figures, failures


def harts_table(figures, counts):
    head = ["benchmark", "what"] + ["%d hart%s" % (n, "" if n == 1 else "s")
                                    for n in counts] + ["growth", "target",
                                                        "met"]
    rows = [head]
    for name, what in HART_ROWS:
        f = figures.get(name)
        if not f:
            continue
        row = [name, what] + [fmt_count(f.get(n)) for n in counts]
        base = f.get(counts[0])
        growth = max(f.values()) / base if base else None
        t = HART_TARGET[name]
        row += ["-" if growth is None else "%.2fx" % growth, "<= %.2fx" % t,
                "-" if growth is None else ("yes" if growth <= t else "NO")]
        rows.append(row)
    return format_rows(rows)


def main_harts(args):
    try:
        counts = [int(c) for c in args.harts.split(",")]
    except ValueError:
        counts = []
    if not counts or min(counts) < 1 or max(counts) > 8:
        print("bench: --harts wants hart counts 1-8, like 1,2,4,8")
        return 1
    unknown = set(args.only) - {n for n, _ in HART_ROWS}
    if unknown:
        print("bench: no parallel form for %s" % " ".join(sorted(unknown)))
        return 1
    harness.install_signal_handlers()
    t0 = time.monotonic()
    try:
        figures, failures = run_harts(args, counts)
    except harness.TestFailure as e:
        print("bench: FAILED: %s" % e)
        return 1
    print()
    print("Deterministic mode (QEMU -icount shift=0): instructions of all "
          "harts per operation,\nN workers on N harts; growth = the largest "
          "figure / the first.")
    print()
    print(harts_table(figures, counts))
    for name, why in sorted(failures.items()):
        print("bench: %s FAILED in the guest: %s" % (name, why))
    meta = dict(date=datetime.datetime.now().isoformat(timespec="seconds"),
                mode="icount-harts", commit=git_describe(), harts=counts,
                host_cpu=host_cpu(), failures=failures)
    with open(args.out, "w") as f:
        json.dump(dict(meta, results=figures, targets=HART_TARGET), f,
                  indent=2, sort_keys=True)
        f.write("\n")
    print("\nbench: %d boots in %.0f s; results in %s"
          % (len(counts), time.monotonic() - t0, os.path.relpath(args.out)))
    return 1 if failures or not figures else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--icount", action="store_true",
                    help="deterministic mode: QEMU -icount, instructions "
                         "per operation (make bench ICOUNT=1)")
    ap.add_argument("--cpus", type=int, default=1,
                    help="harts to boot (default 1)")
    ap.add_argument("--rounds", type=int, default=9,
                    help="timed rounds per benchmark (default 9; 3 with "
                         "--icount, whose rounds are all the same)")
    ap.add_argument("--boots", type=int, default=3,
                    help="boots timed for the boot figure (default 3)")
    ap.add_argument("--only", nargs="+", default=[], metavar="NAME",
                    help="run only these benchmarks (getpid pipe fork exec "
                         "files bigfile sbrk)")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench-results.json"),
                    help="JSON results file (default bench-results.json)")
    ap.add_argument("--csv", default=os.path.join(ROOT, "bench-results.csv"),
                    help="CSV results file (default bench-results.csv; "
                         "'' for none)")
    ap.add_argument("--compare", metavar="OLD.json",
                    help="an earlier results file to compare with")
    ap.add_argument("--bootargs", default="", help="kernel command line")
    ap.add_argument("--make-var", action="append", default=[],
                    metavar="NAME=VALUE",
                    help="build variable, e.g. QUANTUM_MS=5 (repeatable)")
    ap.add_argument("--timeout", type=int, default=900,
                    help="seconds to wait for the guest (default 900)")
    ap.add_argument("--harts", metavar="LIST",
                    help="hart scaling instead: hart counts, like 1,2,4,8 "
                         "(deterministic mode; make bench-harts)")
    args = ap.parse_args()
    if args.harts:
        if args.out == ap.get_default("out"):
            args.out = os.path.join(ROOT, "bench-harts.json")
        return main_harts(args)
    for v in args.make_var:
        if "=" not in v:
            ap.error("--make-var wants NAME=VALUE, not %r" % v)
    if args.icount:
        if args.rounds == ap.get_default("rounds"):
            args.rounds = 3
        args.boots = 1
    make_vars = dict(v.split("=", 1) for v in args.make_var)
    if args.icount:
        make_vars["ICOUNT"] = "1"

    old = None
    if args.compare:
        try:
            with open(args.compare) as f:
                old = json.load(f)["results"]
        except (OSError, ValueError, KeyError) as e:
            print("bench: cannot read %s: %s" % (args.compare, e))
            return 1

    harness.install_signal_handlers()
    load_before = os.getloadavg()[0]
    t0 = time.monotonic()
    try:
        text, boots = run_guest(args, make_vars)
    except harness.TestFailure as e:
        print("bench: FAILED: %s" % e)
        return 1
    results, failures, cals = parse(text, boots, args.icount)
    ncpu = os.cpu_count() or 1
    print()
    if args.icount:
        print("Deterministic mode (QEMU -icount shift=0): instructions per "
              "operation, all harts.")
    else:
        print("Calibration loop: %s ns per iteration (median of each "
              "calibration, %d calibrations);"
              % (" ".join("%.2f" % c for c in cals), len(cals)))
        print("figures in iterations = median time / the calibrations "
              "around it.  Host: %s, %d CPUs." % (host_cpu(), ncpu))
    print()
    print(table(results, args.icount, old))
    if args.icount and DISK_ROWS & set(results):
        print("* waits for the disk: the time every hart sat idle is left "
              "out, but when the\n  disk answers moves the count by a few "
              "percent")
    for name, why in sorted(failures.items()):
        print("bench: %s FAILED in the guest: %s" % (name, why))
    load = max(load_before, os.getloadavg()[0])
    if load > ncpu - 0.5 and not args.icount:
        print("\nbench: note: the host was busy (load average %.1f on %d "
              "CPUs): times are high,\n       iterations less so (the loop "
              "slowed down too); ICOUNT=1 is immune." % (load, ncpu))
    meta = dict(date=datetime.datetime.now().isoformat(timespec="seconds"),
                mode="icount" if args.icount else "plain",
                host_load=round(load, 2), host_cpus=ncpu, host_cpu=host_cpu(),
                commit=git_describe(), cpus=args.cpus, rounds=args.rounds,
                bootargs=args.bootargs, make_vars=make_vars,
                calibrations_ns=cals, boot_seconds=boots, failures=failures)
    csv_path = args.csv or None
    write_files(results, meta, args.icount, args.out, csv_path)
    print("\nbench: %d benchmarks in %.0f s; results in %s%s"
          % (len([r for r in results if r not in ("files+bigfile", "boot")]),
             time.monotonic() - t0, os.path.relpath(args.out),
             " and " + os.path.relpath(csv_path) if csv_path else ""))
    if not results:
        print("bench: no results parsed; see tests/out/bench.log")
    return 1 if failures or not results else 0


if __name__ == "__main__":
    sys.exit(main())

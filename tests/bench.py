#!/usr/bin/env python3
"""Measure ldx's limited-direct-execution costs: `make bench`.

    python3 tests/bench.py [--cpus N] [--rounds R] [--only NAME ...]
                           [--out FILE.json] [--csv FILE.csv]
                           [--compare OLD.json] [--bootargs ARGS]
                           [--make-var NAME=VALUE ...]

Boots ldx through tests/harness.py (CPUS=1 by default, so nothing runs
beside the benchmark), runs user/bench.c in the guest, which times each
workload with the time CSR, and prints a table: ldx's time per operation,
xv6-riscv's reference figure on the same QEMU
(../shared/reference/platform.md), the ratio, and whether ldx meets the
project's target for it.  The figures go to bench-results.json (and
bench-results.csv); --compare OLD.json adds a column with an earlier run's
figure and the change, so two runs or two commits can be compared.

Each benchmark runs ROUNDS timed rounds of at least 100 ms (user/bench.c);
the table shows the median round's time per operation (the figure compared
with xv6 and the targets), the mean over all rounds and the best round.  On
a busy host the mean includes every moment QEMU waited for a host CPU, so
the median is the one to trust; run on a quiet machine for the best
figures.

The xv6 figures were measured from the host as wall time per command, so
they are for orientation: they include no shell overhead here, since ldx
is measured from inside the guest.  The file workloads are compared as a
whole: 100 files created, written (4 KiB), read and deleted, plus one
200 KiB file written and read back, against xv6's ~6 s for the same.

Exit status: 0 when every benchmark ran (targets missed are reported, not
failed), 1 when a benchmark failed or the guest misbehaved.
"""

import argparse
import csv
import datetime
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import harness  # noqa: E402

ROOT = harness.ROOT
NFILES = 100  # files per round of the "files" benchmark (user/bench.c)

# name -> (what it measures, xv6 figure in us, target fraction of xv6)
# The file workloads are compared together, as the row "files+bigfile".
ROWS = [
    ("getpid", "null system call", 14.0, 1 / 2),
    ("pipe", "pipe round trip", 280.0, 1 / 4),
    ("fork", "fork+exit+wait", 450.0, 1 / 2),
    ("exec", "fork+exec+wait", 2800.0, 1 / 2),
    ("files", "1 of 100 files: create/write 4K/read/delete", None, None),
    ("bigfile", "write+read 200 KiB file", None, None),
    ("files+bigfile", "100 files + 200 KiB file", 6.0e6, 1 / 4),
    ("sbrk", "sbrk 16 MiB + touch every page", None, None),
]

LINE = re.compile(r"(?m)^bench (\S+) (\d+) (\d+) ([\d.]+) ([\d.]+)"
                  r"(?: ([\d.]+))?\s*$")
FAILED = re.compile(r"(?m)^bench (\S+) FAIL (.*)$")


def fmt_us(us):
    if us is None:
        return "-"
    if us >= 1e6:
        return "%.2f s" % (us / 1e6)
    if us >= 1e3:
        return "%.2f ms" % (us / 1e3)
    return "%.2f us" % us


def git_describe():
    try:
        r = subprocess.run(["git", "describe", "--always", "--dirty"],
                           cwd=ROOT, stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, timeout=10)
        return r.stdout.decode().strip() or None
    except (OSError, subprocess.TimeoutExpired):
        return None


def run_guest(args):
    make_vars = dict(v.split("=", 1) for v in args.make_var)
    print("bench: building and booting ldx (CPUS=%d)..." % args.cpus,
          flush=True)
    cmd = "bench -r %d %s" % (args.rounds, " ".join(args.only))
    with harness.boot("bench", cpus=args.cpus, bootargs=args.bootargs,
                      make_vars=make_vars or None) as m:
        m.wait_prompt(60)
        print("bench: running `%s` in the guest (a minute or two)..." % cmd.strip(),
              flush=True)
        start = m.mark()
        m.send(cmd.strip())
        m.expect(r"(?m)^bench: done", args.timeout)
        text = m.output[start:]
    return text


def parse(text):
    results = {}
    for mt in LINE.finditer(text):
        name, ops, total, per, best, median = mt.groups()
        results[name] = dict(ops=int(ops), total_us=int(total),
                             per_op_us=float(per), best_us=float(best),
                             median_us=float(median or per))
    failures = {mt.group(1): mt.group(2) for mt in FAILED.finditer(text)}
    if "files" in results and "bigfile" in results:
        # One pass of the whole file workload, as xv6's figure is.
        f, b = results["files"], results["bigfile"]
        results["files+bigfile"] = {
            k: f[k] * NFILES + b[k]
            for k in ("per_op_us", "best_us", "median_us")}
        results["files+bigfile"].update(ops=1, total_us=None)
    return results, failures


def table(results, old=None):
    head = ["benchmark", "what", "ops", "median", "mean", "best", "xv6",
            "ratio", "target", "met"]
    if old is not None:
        head += ["old", "change"]
    rows = [head]
    for name, what, xv6, target in ROWS:
        r = results.get(name)
        if r is None:
            continue
        per = r["median_us"]
        row = [name, what, str(r["ops"]), fmt_us(per), fmt_us(r["per_op_us"]),
               fmt_us(r["best_us"])]
        if xv6:
            ratio = per / xv6
            row += [fmt_us(xv6), "%.3f" % ratio, "<= %.2f" % target,
                    "yes" if ratio <= target else "NO"]
        else:
            row += ["-", "-", "-", "-"]
        if old is not None:
            o = old.get(name)
            o_us = o and (o.get("median_us") or o.get("per_op_us"))
            if o_us:
                row += [fmt_us(o_us), "%+.1f%%" % (100.0 * (per - o_us) / o_us)]
            else:
                row += ["-", "-"]
        rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = []
    for i, r in enumerate(rows):
        lines.append("  ".join(c.ljust(w) if j < 2 else c.rjust(w)
                               for j, (c, w) in enumerate(zip(r, widths))))
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def write_files(results, meta, json_path, csv_path):
    data = dict(meta, results=results, reference={
        name: dict(xv6_us=xv6, target=target)
        for name, _, xv6, target in ROWS if xv6})
    with open(json_path, "w") as f:
        json.dump(data, f, indent=2, sort_keys=True)
        f.write("\n")
    if csv_path:
        with open(csv_path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["benchmark", "ops", "total_us", "median_us",
                        "per_op_us", "best_us", "xv6_us", "ratio", "target",
                        "met"])
            for name, _, xv6, target in ROWS:
                r = results.get(name)
                if r is None:
                    continue
                ratio = r["median_us"] / xv6 if xv6 else None
                w.writerow([name, r["ops"],
                            "" if r["total_us"] is None else r["total_us"],
                            "%.3f" % r["median_us"], "%.3f" % r["per_op_us"],
                            "%.3f" % r["best_us"],
                            xv6 or "", "" if ratio is None else "%.4f" % ratio,
                            target or "",
                            "" if ratio is None else int(ratio <= target)])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cpus", type=int, default=1,
                    help="harts to boot (default 1)")
    ap.add_argument("--rounds", type=int, default=9,
                    help="timed rounds per benchmark (default 9)")
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
    args = ap.parse_args()
    for v in args.make_var:
        if "=" not in v:
            ap.error("--make-var wants NAME=VALUE, not %r" % v)

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
        text = run_guest(args)
    except harness.TestFailure as e:
        print("bench: FAILED: %s" % e)
        return 1
    results, failures = parse(text)
    print()
    print(table(results, old))
    for name, why in sorted(failures.items()):
        print("bench: %s FAILED in the guest: %s" % (name, why))
    load = max(load_before, os.getloadavg()[0])
    ncpu = os.cpu_count() or 1
    if load > ncpu - 0.5:
        print("\nbench: WARNING: the host was busy (load average %.1f on %d "
              "CPUs): QEMU shared its CPU,\n       so these figures are too "
              "high; rerun on a quiet machine (see 'best')." % (load, ncpu))
    meta = dict(date=datetime.datetime.now().isoformat(timespec="seconds"),
                host_load=round(load, 2), host_cpus=ncpu,
                commit=git_describe(), cpus=args.cpus, rounds=args.rounds,
                bootargs=args.bootargs,
                make_vars=dict(v.split("=", 1) for v in args.make_var),
                failures=failures)
    csv_path = args.csv or None
    write_files(results, meta, args.out, csv_path)
    print("\nbench: %d benchmarks in %.0f s; results in %s%s"
          % (len([r for r in results if r != "files+bigfile"]),
             time.monotonic() - t0, os.path.relpath(args.out),
             " and " + os.path.relpath(csv_path) if csv_path else ""))
    if not results:
        print("bench: no results parsed; see tests/out/bench.log")
    return 1 if failures or not results else 0


if __name__ == "__main__":
    sys.exit(main())

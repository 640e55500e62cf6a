#!/usr/bin/env python3
"""Where the instructions go: an exact per-function profile of one command.

    python3 tools/kprofile.py [--cpus N] [--ops N] [--top K] COMMAND

Boots ldx in QEMU's deterministic mode (-icount shift=0), waits for the
prompt, then through the QEMU monitor turns on one-instruction translation
blocks (`singlestep on`) and the execution log (`log exec,nochain`), runs
COMMAND at the shell, and turns the log off.  Every instruction any hart
executed meanwhile is one line of the log; each is charged to the function
that holds its pc (kernel/kernel.sym), to the trampoline's uservec or
userret, to OpenSBI, or to user code.  The table gives instructions per
function, divided by --ops (the number of operations COMMAND performs),
e.g.

    python3 tools/kprofile.py --ops 1000 "bench -n 1000 getpid"

The counts include the shell reading the command line and forking
COMMAND, which --ops spreads thin; use enough ops.  The log holds one line
per instruction (about 100 bytes), so keep COMMAND to a few million
instructions.
"""

import argparse
import bisect
import collections
import os
import re
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))

import harness  # noqa: E402

# kernel/memlayout.h: TRAMPOLINE = MAXVA - PGSIZE with Sv39's MAXVA.
TRAMPOLINE = (1 << 38) - 4096
KERNBASE = 0x80200000  # kernel/kernel.ld; OpenSBI lies below it
TRACE = re.compile(rb"^Trace \d+: 0x[0-9a-f]+ \[[0-9a-f]+/([0-9a-f]+)/")


def load_symbols():
    addrs, names = [], []
    with open(os.path.join(ROOT, "kernel", "kernel.sym")) as f:
        for line in f:
            a, name = line.split()[:2]
            addrs.append(int(a, 16))
            names.append(name)
    return addrs, names


def where(pc, addrs, names, tramp):
    if pc >= TRAMPOLINE:
        off = pc - TRAMPOLINE
        return "userret" if off >= tramp else "uservec"
    if pc < 0x80000000:
        return "(user code)"
    if pc < KERNBASE:
        return "(OpenSBI)"
    i = bisect.bisect_right(addrs, pc) - 1
    return names[i] if i >= 0 else "?"


def monitor(m, command):
    """Type one command at the QEMU monitor (Ctrl-a c switches to it and
    back on the multiplexed console)."""
    for data in (b"\x01c", command.encode() + b"\n", b"\x01c"):
        m.proc.stdin.write(data)
        m.proc.stdin.flush()
        time.sleep(0.3)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("command", help="shell command to profile")
    ap.add_argument("--cpus", type=int, default=1)
    ap.add_argument("--ops", type=int, default=1,
                    help="operations COMMAND performs (divides the counts)")
    ap.add_argument("--top", type=int, default=30, help="rows to print")
    ap.add_argument("--timeout", type=int, default=600)
    ap.add_argument("--plain", action="store_true",
                    help="plain QEMU, not -icount: QEMU 7.2's -icount lets a "
                         "spinning hart starve the others, so several harts "
                         "need this (counts then vary a little run to run)")
    args = ap.parse_args()

    addrs, names = load_symbols()
    tramp = addrs[names.index("userret")] - addrs[names.index("uservec")]
    fd, log = tempfile.mkstemp(prefix="kprofile-", suffix=".log")
    os.close(fd)
    harness.install_signal_handlers()
    try:
        with harness.boot("kprofile", cpus=args.cpus,
                          make_vars=None if args.plain else {"ICOUNT": "1"},
                          qemu_args=["-D", log]) as m:
            m.wait_prompt(120)
            monitor(m, "singlestep on")
            monitor(m, "log exec,nochain")
            out = m.run(args.command, timeout=args.timeout)
            monitor(m, "log none")
        counts = collections.Counter()
        with open(log, "rb") as f:
            for line in f:
                mt = TRACE.match(line)
                if mt:
                    counts[int(mt.group(1), 16)] += 1
    finally:
        os.unlink(log)

    per_fn = collections.Counter()
    for pc, n in counts.items():
        per_fn[where(pc, addrs, names, tramp)] += n
    total = sum(per_fn.values())
    print(out.rstrip())
    print("\n%d instructions in all, %.1f per op (%d ops)\n"
          % (total, total / args.ops, args.ops))
    print("%12s  %6s  %s" % ("per op", "share", "function"))
    for fn, n in per_fn.most_common(args.top):
        print("%12.1f  %5.1f%%  %s" % (n / args.ops, 100.0 * n / total, fn))
    return 0


if __name__ == "__main__":
    sys.exit(main())

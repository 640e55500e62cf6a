#!/usr/bin/env python3
"""Draw the CPU shares of the sched lab's lottery over time as an SVG.

    tools/schedplot.py [--sched lottery] [--secs 6] [-o schedplot.svg]
    tools/schedplot.py LOG [-o schedplot.svg]     a console log to draw

With no LOG it boots ldx on one hart with the sched lab's programs
(LAB=sched) and sched=POLICY on the command line, runs `schedtest sample
SECS` (three CPU-bound children holding 30, 20 and 10 tickets; getpinfo
sampled ten times a second) and draws, for each child, the fraction of
the three children's quanta it has received so far, against time: the
lines should settle near the dashed lines at 1/2, 1/3 and 1/6 (the ticket
shares) under the lottery, and near 1/3 each under round robin.  It needs
the lab solved: getpinfo and settickets must exist.

Input lines (from schedtest sample; anything else is ignored):
    sample T PID TICKETS TICKS PID TICKETS TICKS ...
T counts samples (100 ms each); TICKS are counted from the start.
"""

import argparse
import html
import os
import re
import sys

SAMPLE = re.compile(r"^sample (\d+)((?: -?\d+ -?\d+ -?\d+)+)\s*$", re.M)
COLORS = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e"]
W, H, LEFT, RIGHT, TOP, BOTTOM = 900, 420, 70, 190, 40, 50


def parse(text):
    """[(t seconds, [(pid, tickets, ticks), ...]), ...] from a console log."""
    rows = []
    for m in SAMPLE.finditer(text):
        nums = [int(x) for x in m.group(2).split()]
        procs = [tuple(nums[i:i + 3]) for i in range(0, len(nums), 3)]
        rows.append((int(m.group(1)) / 10.0, procs))
    return rows


def draw(rows, title):
    if not rows:
        raise SystemExit("schedplot: no 'sample' lines to draw")
    tmax = rows[-1][0]
    pw, ph = W - LEFT - RIGHT, H - TOP - BOTTOM
    x = lambda t: LEFT + pw * t / tmax
    y = lambda f: TOP + ph * (1 - f)
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif" font-size="12">' % (W, H),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="22" font-size="15">%s</text>'
           % (LEFT, html.escape(title))]
    for i in range(0, 11):
        f = i / 10
        out.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#eee"/>'
                   % (LEFT, LEFT + pw, y(f), y(f)))
        out.append('<text x="%d" y="%.1f" text-anchor="end">%.1f</text>'
                   % (LEFT - 6, y(f) + 4, f))
    for s in range(0, int(tmax) + 1):
        out.append('<text x="%.1f" y="%d" text-anchor="middle">%d</text>'
                   % (x(s), TOP + ph + 18, s))
    out.append('<text x="%d" y="%d" text-anchor="middle">seconds</text>'
               % (LEFT + pw // 2, H - 10))
    out.append('<text x="16" y="%d" transform="rotate(-90 16 %d)" '
               'text-anchor="middle">share of the quanta so far</text>'
               % (TOP + ph // 2, TOP + ph // 2))
    out.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" '
               'stroke="black"/>' % (LEFT, TOP, pw, ph))
    nproc = len(rows[-1][1])
    tickets_total = sum(p[1] for p in rows[-1][1]) or 1
    for i in range(nproc):
        color = COLORS[i % len(COLORS)]
        pid, tickets, _ = rows[-1][1][i]
        pts = []
        for t, procs in rows:
            total = sum(max(p[2], 0) for p in procs)
            if total > 0 and i < len(procs):
                pts.append("%.1f,%.1f" % (x(t), y(max(procs[i][2], 0) / total)))
        out.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="%s" '
                   'stroke-dasharray="6,4"/>'
                   % (LEFT, LEFT + pw, y(tickets / tickets_total),
                      y(tickets / tickets_total), color))
        out.append('<polyline fill="none" stroke="%s" stroke-width="2" '
                   'points="%s"/>' % (color, " ".join(pts)))
        ly = TOP + 20 + 22 * i
        out.append('<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="%s" '
                   'stroke-width="2"/>' % (W - RIGHT + 15, W - RIGHT + 40, ly,
                                           ly, color))
        out.append('<text x="%d" y="%d">pid %d, %d tickets</text>'
                   % (W - RIGHT + 46, ly + 4, pid, tickets))
    out.append('<text x="%d" y="%d" fill="#666">dashed: ticket share</text>'
               % (W - RIGHT + 15, TOP + 20 + 22 * nproc))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def boot_and_sample(policy, secs):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sys.path.insert(0, os.path.join(root, "tests"))
    import harness
    harness.install_signal_handlers()
    try:
        with harness.boot("schedplot", cpus=1, bootargs="sched=" + policy,
                          make_vars={"LAB": "sched"}) as m:
            m.wait_prompt()
            return m.run("schedtest sample %d" % secs, timeout=secs + 30)
    except harness.TestFailure as e:
        raise SystemExit("schedplot: %s\n(the sched lab must be solved: "
                         "getpinfo and settickets)" % e)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("log", nargs="?", help="a console log to draw instead")
    ap.add_argument("--sched", default="lottery", help="policy (sched=NAME)")
    ap.add_argument("--secs", type=int, default=6, help="seconds to sample")
    ap.add_argument("-o", default="schedplot.svg", help="output file")
    args = ap.parse_args()
    if args.log:
        with open(args.log, encoding="utf-8", errors="replace") as f:
            text = f.read()
        title = "CPU shares from %s" % os.path.basename(args.log)
    else:
        text = boot_and_sample(args.sched, args.secs)
        title = "CPU shares under sched=%s, one hart" % args.sched
    with open(args.o, "w") as f:
        f.write(draw(parse(text), title))
    print("schedplot: wrote %s" % args.o)


if __name__ == "__main__":
    main()

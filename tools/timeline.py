#!/usr/bin/env python3
"""Draw ldx's kernel event log as an SVG timeline (Python 3 stdlib only).

    tools/timeline.py LOG [-o timeline.svg]      a console log with evdump output
    tools/timeline.py --boot [--cpus N] [-o timeline.svg]
                                                 boot ldx, run `evdump -w`, draw

The picture has one lane per hart.  In each lane a colored box shows which
process ran when (from the switch events: a switch to pid P opens P's box,
the switch back to the scheduler closes it; the gaps are the scheduler
looking for work, or the hart idle).  Marks on the boxes: system calls
(blue ticks at the top, named in the tooltip), timer interrupts (red
triangles at the bottom), other traps (orange diamonds), process exits
(black crosses).  A legend names the processes and marks, and the axis is
in milliseconds from the first event.  Hovering over a box or a mark in a
browser shows its details.

Input lines (from user/evdump.c; anything else on the console is ignored):
    evdump: hz 10000000 events N
    evname PID NAME
    ev TIME HART TYPE PID ARG [NOTE]
When the log holds several dumps, the last one is drawn.
"""

import argparse
import html
import os
import re
import sys

HZ_DEFAULT = 10000000
EV = re.compile(r"^ev (\d+) (\d+) (\w+) (-?\d+) (\d+)(?: (\S+))?\s*$")
EVNAME = re.compile(r"^evname (\d+) (\S+)\s*$")
HEADER = re.compile(r"^evdump: hz (\d+)")

# Layout, in SVG user units (pixels).
WIDTH = 1200
LEFT = 90         # room for the lane labels
RIGHT = 30
TOP = 50
LANE_H = 56
LANE_GAP = 18
BOX_PAD = 10      # box inset from the lane's top and bottom
AXIS_H = 40
LEGEND_ROW = 20

# Colors for pids in the order they first run; pid 0 never gets a box.
PALETTE = ["#4e79a7", "#59a14f", "#edc948", "#b07aa1", "#76b7b2", "#ff9da7",
           "#9c755f", "#bab0ac", "#f28e2b", "#8cd17d", "#86bcb6", "#d4a6c8"]
COLOR_SYSCALL = "#1f3b8c"
COLOR_TIMER = "#d62728"
COLOR_TRAP = "#ff7f0e"
COLOR_EXIT = "#000000"


class Event:
    __slots__ = ("time", "hart", "type", "pid", "arg", "note")

    def __init__(self, time, hart, type_, pid, arg, note):
        self.time, self.hart, self.type = time, hart, type_
        self.pid, self.arg, self.note = pid, arg, note


def parse(lines):
    """Return (events, names {pid: name}, hz) from console lines."""
    sections = [[]]
    names = {}
    hz = HZ_DEFAULT
    for line in lines:
        line = line.rstrip("\r\n")
        m = EV.match(line)
        if m:
            t, h, ty, pid, arg, note = m.groups()
            sections[-1].append(Event(int(t), int(h), ty, int(pid), int(arg),
                                      note))
            continue
        m = HEADER.match(line)
        if m:
            hz = int(m.group(1))
            sections.append([])
            continue
        m = EVNAME.match(line)
        if m:
            names[int(m.group(1))] = m.group(2)
    events = next((s for s in reversed(sections) if s), [])
    events.sort(key=lambda e: (e.time, e.hart))
    return events, names, hz


def runs(events, harts, t_end):
    """The boxes: {hart: [(pid, start, end)]} from the switch events.

    A hart whose first event is not a switch but names a process was
    already running it when the log starts: its box starts there.
    """
    out = {h: [] for h in harts}
    for h in harts:
        cur = None  # (pid, start)
        first = True
        hart_end = t_end
        evs = [e for e in events if e.hart == h]
        for e in evs:
            if first and e.type != "switch" and e.pid > 0:
                cur = (e.pid, e.time)
            first = False
            if e.type != "switch":
                continue
            if cur is not None:
                out[h].append((cur[0], cur[1], e.time))
                cur = None
            if e.pid > 0:
                cur = (e.pid, e.time)
        if cur is not None:
            if evs:
                hart_end = max(evs[-1].time, cur[1])
            out[h].append((cur[0], cur[1], hart_end))
    return out


def nice_step(span, want=10):
    """A 1-2-5 step giving about `want` ticks over span."""
    raw = span / max(want, 1)
    step = 10 ** int(("%e" % raw).split("e")[1])
    for m in (1, 2, 5, 10):
        if step * m >= raw:
            return step * m
    return step * 10


def esc(s):
    return html.escape(str(s), quote=True)


def render(events, names, hz):
    """The SVG document, as a string."""
    if not events:
        raise ValueError("no events (ev lines) in the input")
    harts = sorted({e.hart for e in events})
    t0 = events[0].time
    t1 = max(e.time for e in events)
    span = max(t1 - t0, 1)
    plot_w = WIDTH - LEFT - RIGHT

    def x(t):
        return LEFT + (t - t0) * plot_w / span

    def ms(t):
        return (t - t0) * 1000.0 / hz

    boxes = runs(events, harts, t1)
    order = []
    for e in events:
        pids = [e.pid] if e.type == "switch" else [e.pid]
        for p in pids:
            if p > 0 and p not in order:
                order.append(p)
    color = {p: PALETTE[i % len(PALETTE)] for i, p in enumerate(order)}

    def pname(p):
        return "pid %d%s" % (p, " " + names[p] if p in names else "")

    lane_y = {h: TOP + i * (LANE_H + LANE_GAP) for i, h in enumerate(harts)}
    axis_y = TOP + len(harts) * (LANE_H + LANE_GAP) - LANE_GAP + 8
    legend_y = axis_y + AXIS_H
    n_items = len(order) + 4
    per_row = 6
    legend_rows = (n_items + per_row - 1) // per_row
    height = legend_y + legend_rows * LEGEND_ROW + 20

    o = []
    o.append('<?xml version="1.0" encoding="UTF-8"?>')
    o.append('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
             'viewBox="0 0 %d %d" font-family="DejaVu Sans, Arial, sans-serif"'
             ' font-size="12">' % (WIDTH, height, WIDTH, height))
    o.append('<rect x="0" y="0" width="%d" height="%d" fill="white"/>'
             % (WIDTH, height))
    nsys = sum(1 for e in events if e.type == "syscall")
    ntimer = sum(1 for e in events if e.type == "timer")
    nswitch = sum(1 for e in events if e.type == "switch" and e.pid > 0)
    o.append('<text x="%d" y="22" font-size="15" font-weight="bold">ldx '
             'timeline: %d hart%s, %.1f ms, %d events (%d switches to a '
             'process, %d timer interrupts, %d system calls)</text>'
             % (LEFT, len(harts), "" if len(harts) == 1 else "s", ms(t1),
                len(events), nswitch, ntimer, nsys))

    # Grid and axis.
    step = nice_step(ms(t1))
    o.append('<g class="axis" stroke="#dddddd">')
    tick = 0.0
    ticks = []
    while tick <= ms(t1) + 1e-9:
        tx = LEFT + tick * plot_w / ms(t1) if ms(t1) > 0 else LEFT
        o.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d"/>'
                 % (tx, TOP - 6, tx, axis_y))
        ticks.append((tx, tick))
        tick += step
    o.append('</g>')
    o.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>'
             % (LEFT, axis_y, LEFT + plot_w, axis_y))
    for tx, tv in ticks:
        o.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="black"/>'
                 % (tx, axis_y, tx, axis_y + 5))
        label = ("%g" % round(tv, 6))
        o.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>'
                 % (tx, axis_y + 18, label))
    o.append('<text x="%d" y="%d" text-anchor="end">time (ms)</text>'
             % (LEFT + plot_w, axis_y + 34))

    # Lanes.
    for h in harts:
        y = lane_y[h]
        o.append('<g class="lane" id="hart%d">' % h)
        o.append('<rect x="%d" y="%d" width="%d" height="%d" fill="#f4f4f4" '
                 'stroke="#cccccc"><title>hart %d: gray = in the scheduler '
                 'or idle</title></rect>' % (LEFT, y, plot_w, LANE_H, h))
        o.append('<text x="%d" y="%d" text-anchor="end" font-weight="bold">'
                 'hart %d</text>' % (LEFT - 10, y + LANE_H // 2 + 4, h))
        for pid, s, e in boxes[h]:
            bx, bw = x(s), max(x(e) - x(s), 1.0)
            o.append('<rect class="run" x="%.2f" y="%d" width="%.2f" '
                     'height="%d" fill="%s" stroke="#333333" '
                     'stroke-width="0.5"><title>%s on hart %d: %.3f ms, from '
                     '%.3f to %.3f ms</title></rect>'
                     % (bx, y + BOX_PAD, bw, LANE_H - 2 * BOX_PAD,
                        color.get(pid, "#999999"), esc(pname(pid)), h,
                        ms(e) - ms(s), ms(s), ms(e)))
            if bw > 24:
                o.append('<text x="%.2f" y="%d" text-anchor="middle" '
                         'font-size="10" fill="white" pointer-events="none">'
                         '%d</text>' % (bx + bw / 2, y + LANE_H // 2 + 4, pid))
        o.append('</g>')

    # Marks.
    o.append('<g class="marks">')
    for ev in events:
        y = lane_y[ev.hart]
        ex = x(ev.time)
        tip = "%.3f ms, hart %d, pid %d: " % (ms(ev.time), ev.hart, ev.pid)
        if ev.type == "syscall":
            o.append('<line class="syscall" x1="%.2f" y1="%d" x2="%.2f" '
                     'y2="%d" stroke="%s" stroke-width="1.5"><title>%s'
                     'system call %s (%d)</title></line>'
                     % (ex, y + 1, ex, y + BOX_PAD + 6, COLOR_SYSCALL,
                        esc(tip), esc(ev.note or "?"), ev.arg))
        elif ev.type == "timer":
            yb = y + LANE_H - 1
            o.append('<path class="timer" d="M%.2f %d l-4 -7 h8 z" fill="%s">'
                     '<title>%stimer interrupt</title></path>'
                     % (ex, yb - 7 + 7, COLOR_TIMER, esc(tip)))
        elif ev.type == "trap":
            if ev.note == "timer-interrupt":
                continue  # drawn as the timer event beside it
            yc = y + LANE_H - 5
            o.append('<path class="trap" d="M%.2f %d l4 4 l-4 4 l-4 -4 z" '
                     'fill="%s"><title>%strap %s (scause %#x)</title></path>'
                     % (ex, yc - 8, COLOR_TRAP, esc(tip),
                        esc(ev.note or ""), ev.arg))
        elif ev.type == "exit":
            yc = y + LANE_H // 2
            o.append('<path class="exit" d="M%.2f %d l8 8 m0 -8 l-8 8" '
                     'stroke="%s" stroke-width="2"><title>%s%s exits '
                     '(status %d)</title></path>'
                     % (ex - 4, yc - 4, COLOR_EXIT, esc(tip),
                        esc(pname(ev.pid)), ev.arg))
    o.append('</g>')

    # Legend.
    items = [("box", color[p], pname(p)) for p in order]
    items += [("syscall", COLOR_SYSCALL, "system call"),
              ("timer", COLOR_TIMER, "timer interrupt"),
              ("trap", COLOR_TRAP, "other trap"),
              ("exit", COLOR_EXIT, "exit")]
    o.append('<g class="legend">')
    col_w = plot_w / per_row
    for i, (kind, c, label) in enumerate(items):
        lx = LEFT + (i % per_row) * col_w
        ly = legend_y + (i // per_row) * LEGEND_ROW
        if kind == "box":
            o.append('<rect x="%.1f" y="%d" width="14" height="12" fill="%s" '
                     'stroke="#333333" stroke-width="0.5"/>' % (lx, ly, c))
        elif kind == "syscall":
            o.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s" '
                     'stroke-width="2"/>' % (lx + 7, ly, lx + 7, ly + 12, c))
        elif kind == "timer":
            o.append('<path d="M%.1f %d l-5 -9 h10 z" fill="%s"/>'
                     % (lx + 7, ly + 11, c))
        elif kind == "trap":
            o.append('<path d="M%.1f %d l5 5 l-5 5 l-5 -5 z" fill="%s"/>'
                     % (lx + 7, ly + 1, c))
        else:
            o.append('<path d="M%.1f %d l8 8 m0 -8 l-8 8" stroke="%s" '
                     'stroke-width="2"/>' % (lx + 3, ly + 2, c))
        o.append('<text x="%.1f" y="%d">%s</text>' % (lx + 20, ly + 11,
                                                       esc(label)))
    o.append('</g>')
    o.append('</svg>')
    return "\n".join(o) + "\n"


def boot_and_dump(cpus):
    """Boot ldx with the test harness, run `evdump -w`; the console text."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sys.path.insert(0, os.path.join(root, "tests"))
    import harness
    harness.install_signal_handlers()
    print("timeline: building and booting ldx (CPUS=%d)..." % cpus,
          flush=True)
    with harness.boot("timeline", cpus=cpus) as m:
        m.wait_prompt(60)
        start = m.mark()
        m.send("evdump -w")
        m.expect(r"(?m)^evdump: end", 120)
        text = m.output[start:]
    print("timeline: console log in %s"
          % os.path.relpath(os.path.join(harness.OUT, "timeline.log")))
    return text


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("log", nargs="?",
                    help="console log with evdump output ('-' = stdin)")
    ap.add_argument("-o", "--output", default="timeline.svg",
                    help="SVG file to write (default timeline.svg)")
    ap.add_argument("--boot", action="store_true",
                    help="boot ldx and run the evdump -w demo first")
    ap.add_argument("--cpus", type=int, default=2,
                    help="harts for --boot (default 2)")
    args = ap.parse_args()
    if args.boot == (args.log is not None):
        ap.error("give either a LOG file or --boot")

    try:
        if args.boot:
            text = boot_and_dump(args.cpus)
        elif args.log == "-":
            text = sys.stdin.read()
        else:
            with open(args.log, encoding="utf-8", errors="replace") as f:
                text = f.read()
    except Exception as e:  # harness failures, unreadable files
        print("timeline: %s" % e, file=sys.stderr)
        return 1
    events, names, hz = parse(text.splitlines())
    try:
        svg = render(events, names, hz)
    except ValueError as e:
        print("timeline: %s" % e, file=sys.stderr)
        return 1
    with open(args.output, "w", encoding="utf-8") as f:
        f.write(svg)
    harts = len({e.hart for e in events})
    print("timeline: %d events on %d hart%s drawn in %s"
          % (len(events), harts, "" if harts == 1 else "s",
             os.path.abspath(args.output)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The kernel event log, user/evdump.c and tools/timeline.py.

  timeline_demo   on 2 harts, `evdump -w` runs its workload and prints the
                  events; tools/timeline.py draws them; the SVG must have a
                  lane for each hart, run boxes (switches) and timer marks.
  evdump_plain    `evdump` with no workload prints a well-formed log that
                  includes its own evlog system call.
"""

import importlib.util
import os
import re

from harness import OUT, ROOT, check, test


def _timeline_module():
    path = os.path.join(ROOT, "tools", "timeline.py")
    spec = importlib.util.spec_from_file_location("ldx_timeline", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@test(quick=True)
def timeline_demo(t):
    cpus = 2
    m = t.boot(cpus=cpus)
    m.wait_prompt(60)
    start = m.mark()
    m.send("evdump -w")
    m.expect(r"(?m)^evdump: end", 60)
    text = m.output[start:]
    for role in ("spin-a", "spin-b", "caller"):
        check(re.search(r"(?m)^evname \d+ %s$" % role, text),
              "evdump -w did not name its %s process" % role)

    tl = _timeline_module()
    events, names, hz = tl.parse(text.splitlines())
    check(hz == 10000000, "evdump reported hz %d" % hz)
    check(len(events) > 20, "only %d events" % len(events))
    harts = {e.hart for e in events}
    check(harts == set(range(cpus)),
          "events came from harts %s, expected %s" % (sorted(harts),
                                                      list(range(cpus))))
    svg = tl.render(events, names, hz)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "timeline_demo.svg"), "w") as f:
        f.write(svg)
    check(svg.lstrip().startswith("<?xml") and svg.rstrip().endswith("</svg>"),
          "the SVG is not a complete document")
    for h in range(cpus):
        check('id="hart%d"' % h in svg, "no lane for hart %d" % h)
    check(svg.count('class="run"') >= 1, "no run box (switch) in the SVG")
    check(svg.count('class="timer"') >= 1, "no timer mark in the SVG")
    check(svg.count('class="syscall"') >= 1, "no system-call mark in the SVG")
    for role in ("spin-a", "spin-b", "caller"):
        check(role in svg, "the legend does not name %s" % role)


@test(quick=True)
def evdump_plain(t):
    m = t.boot(cpus=1)
    m.wait_prompt(60)
    out = m.run("evdump", 60)
    check(re.search(r"(?m)^evdump: hz 10000000 events \d+$", out),
          "no evdump header in %r" % out[:500])
    check("evdump: end" in out, "no end line")
    evs = re.findall(r"(?m)^ev (\d+) (\d+) (\w+) (-?\d+) (\d+)(?: (\S+))?$",
                     out)
    check(evs, "no ev lines")
    types = {e[2] for e in evs}
    check(types <= {"trap", "syscall", "switch", "timer", "exit"},
          "unknown event types: %s" % sorted(types))
    check(any(e[2] == "syscall" and e[5] == "evlog" for e in evs),
          "evdump's own evlog call is not in the log")
    times = [int(e[0]) for e in evs if e[1] == "0"]
    check(times == sorted(times), "hart 0's events are not in time order")

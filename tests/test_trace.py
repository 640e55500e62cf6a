"""System-call tracing: the trace() system call and user/trace.c.

  trace MASK COMMAND ARGS...   sets the mask (bit n = system call n) and
                               execs the command; the kernel prints
                               "[pid N name] call(args) = ret" for each
                               traced call.
"""

import re

from harness import check, test

SYS_READ = 5
SYS_WRITE = 16
TRACED = re.compile(r"(?m)^\[pid (\d+) (\S+)\] (\w+)\((.*)\) = (-?\d+)$")


def shell(t, cpus=2):
    m = t.boot(cpus=cpus)
    m.wait_prompt(60)
    return m


@test(quick=True)
def trace_read(t):
    """Only the traced call (read) is printed, with its arguments and
    result; grep's own output (write, untraced) still appears."""
    m = shell(t)
    out = m.run("trace %d grep ldx README.md" % (1 << SYS_READ), 30)
    lines = TRACED.findall(out)
    check(lines, "no trace lines in %r" % out[-2000:])
    for pid, name, call, args, ret in lines:
        check(name == "grep" and call == "read",
              "untraced call printed: [pid %s %s] %s(%s)" % (pid, name, call,
                                                             args))
        check(re.fullmatch(r"3, 0x[0-9a-f]+, \d+", args),
              "read's arguments formatted oddly: %r" % args)
    check(any(int(r[4]) > 0 for r in lines), "no read returned data")
    check(lines[-1][4] == "0", "the last read should return 0 (end of file)")
    check(re.search(r"(?m)^(?!\[pid ).*ldx", out),
          "grep's output (an untraced write) is missing: %r" % out[-2000:])


@test(quick=True)
def trace_inherit(t):
    """A child forked after trace() inherits the mask: sh runs echo."""
    m = shell(t)
    m.run("echo echo traced > tscript", 20)
    out = m.run("trace %d sh tscript" % (1 << SYS_WRITE), 30)
    check("traced" in out, "echo's output is missing: %r" % out)
    lines = TRACED.findall(out)
    check(any(name == "echo" and call == "write" and args.startswith("1, ")
              and ret == "7" for _, name, call, args, ret in lines),
          "no '[pid N echo] write(1, ..., 7) = 7' line in %r" % out)


@test(quick=True)
def trace_usage(t):
    m = shell(t)
    for cmd in ("trace", "trace 32", "trace x echo hi"):
        out = m.run(cmd, 20)
        check("usage: trace MASK COMMAND" in out,
              "%r printed no usage line: %r" % (cmd, out))
    out = m.run("trace 32 nosuchprogram", 20)
    check("trace: cannot run nosuchprogram" in out,
          "a missing program is not reported: %r" % out)

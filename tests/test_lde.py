"""Processes and system calls, driven from the shell: lde's demonstrations
of limited direct execution (the in-guest suite, user/utests/, tests the
same guarantees in depth), preemption, and a crash while writing.

User programs these tests rely on (user/lde.c, user/spin.c, user/writefile.c,
user/checkfile.c):
  lde priv       runs a privileged instruction; the kernel kills it with a
                 console line "pid P (lde): ... illegal instruction ... sepc=..."
  lde badsys     makes an unknown system call: prints "badsys: returned -1",
                 the kernel logs "unknown system call"
  lde badptr     write() from a bad pointer: prints "badptr: write returned -1"
  lde kread ...  the other demonstrations the kernel must kill (KILLED)
  spin           loops forever
  writefile F N  writes a file of N units with a checkable pattern, then
                 prints "writefile: done"
  checkfile F N  prints "checkfile: complete", "checkfile: absent" or a line
                 with CORRUPT
"""

import re
import os
import re
import time

import harness
from harness import check, tail as harness_tail, test


def shell(t, cpus=2, **kw):
    m = t.boot(cpus=cpus, **kw)
    m.wait_prompt(60)
    return m


@test(quick=True)
def lde_priv(t):
    m = shell(t)
    m.send("lde priv")
    m.expect(r"pid \d+ \(lde\): .*illegal instruction.*sepc=", 20)
    m.wait_prompt(20)
    out = m.run("echo alive", 20)
    check("alive" in out, "the shell did not answer after the kill: %r" % out)


@test(quick=True)
def lde_badsys(t):
    m = shell(t)
    start = m.mark()
    out = m.run("lde badsys", 20)
    check("badsys: returned -1" in out, "expected 'badsys: returned -1' in %r"
          % out)
    check("unknown system call" in m.output[start:],
          "the kernel did not log 'unknown system call'")


@test(quick=True)
def lde_badptr(t):
    m = shell(t)
    out = m.run("lde badptr", 20)
    check("badptr: write returned -1" in out,
          "expected 'badptr: write returned -1' in %r" % out)


# Each demonstration the kernel must kill, and the cause it must name.
KILLED = {
    "kread": "load page fault",
    "kwrite": "store page fault",
    "trampoline": "load page fault",
    "maxva": "load page fault",
    "guard": "store page fault",
    "stack": "store page fault",
    "textwrite": "store page fault",
}


@test(quick=True)
def lde_killed(t):
    """Every killing demonstration ends in the kernel's line for that
    process with the right cause, and never in lde's own FAIL line."""
    m = shell(t)
    for demo, cause in KILLED.items():
        start = m.mark()
        m.run("lde " + demo, 20)
        out = m.output[start:]
        check("FAIL" not in out, "lde %s survived: %r" % (demo, out))
        check(re.search(r"pid \d+ \(lde\): %s" % cause, out),
              "lde %s: no '%s' kill line in %r" % (demo, cause, out))


@test(quick=True, alone=True)
def spin_does_not_starve(t):
    """On one hart, a process in an endless loop must not keep the shell
    from running: the timer has to preempt it."""
    m = shell(t, cpus=1)
    m.send("spin &")
    m.wait_prompt(20)
    t0 = time.monotonic()
    out = m.run("echo alive", 10)
    check("alive" in out, "echo printed %r" % out)
    check(time.monotonic() - t0 < 10, "echo took too long")


def _crash(t, when):
    """Write a file, pull the plug (when = "mid" or "done"), reboot the same
    disk and check the file is either all there or not there at all."""
    m = shell(t, suffix="write")
    cmd = "writefile f 20000"
    if when == "mid":
        m.send(cmd)
        # Once the echo of the command is back, the shell has it; give the
        # program a moment to be in the middle of writing.
        m.expect(cmd, 20)
        time.sleep(0.3)
    else:
        m.send(cmd)
        m.expect(r"writefile: done", 60)
    m.kill()
    image = m.image

    m2 = shell(t, suffix="reboot", image=image)
    out = m2.run("checkfile f 20000", 60)
    check("CORRUPT" not in out, "after a crash (%s): %s" % (when, out.strip()))
    check(("checkfile: complete" in out) or ("checkfile: absent" in out),
          "checkfile printed neither 'complete' nor 'absent': %r" % out)


@test()
def crash_mid_write(t):
    _crash(t, "mid")


@test()
def crash_after_write(t):
    _crash(t, "done")


# ------------------------------------------------------------ privileged targets

@test(quick=True)
def kill_init_refused(t):
    """kill 1 at the shell: the kernel refuses (init is nobody's to end),
    kill says so, and the machine goes on."""
    m = shell(t)
    start = m.mark()
    out = m.run("kill 1", 20)
    check("panic" not in m.output[start:], "kill 1 took the kernel down:\n%s"
          % m.output[start:])
    check("kill: cannot kill 1" in out, "kill 1 did not fail: %r" % out)
    out = m.run("echo alive", 20)
    check("alive" in out, "the shell did not answer after kill 1: %r" % out)


@test(timeout=180)
def init_survives_full_table(t):
    """The process table full and the shell killed (lde procfull): init's
    fork of a new shell fails; init must say so, retry, and start a shell
    once the table has room again."""
    m = shell(t)
    start = m.mark()
    m.send("lde procfull")
    # init's fork fails while the table is full; the lines of init, the
    # new shell and procfull interleave in any order.
    m.expect(r"(?ms)procfull: done.*?^\$ |^\$ .*?procfull: done", 90)
    text = m.output[start:]
    check(re.search(r"procfull: table full with \d+ children", text),
          "procfull never filled the table:\n%s" % harness_tail(text))
    check("init: fork failed" in text, "init's fork never failed:\n%s"
          % harness_tail(text))
    out = m.run("echo alive", 60)
    check("alive" in out, "no working shell after the table emptied: %r" % out)
    check("panic" not in m.output[start:], "the kernel panicked:\n%s"
          % harness_tail(m.output[start:]))


@test(quick=True)
def userret_drops_reservation(t):
    """Return-from-trap must not hand the program back a load reservation
    from before the trap: userret executes an sc (which always clears it)
    before its sret.  QEMU itself drops reservations at every privilege
    change, so no program can see the difference there; this reads the
    code (kernel/kernel.asm) instead.  utests lrsc_trap checks the
    behaviour."""
    harness.build()
    with open(os.path.join(harness.ROOT, "kernel", "kernel.asm")) as f:
        asm = f.read()
    start = asm.find("<userret>:")
    check(start >= 0, "no userret in kernel/kernel.asm")
    body = []
    for line in asm[start:].splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) < 3:
            if body:
                break
            continue
        body.append(parts[2].strip())
        if parts[2].startswith("sret"):
            break
    check(body and body[-1].startswith("sret"), "userret has no sret:\n%s"
          % "\n".join(body))
    check(any(re.match(r"sc\.[dw]\b", ins) for ins in body),
          "userret reaches sret without an sc.d/sc.w:\n%s" % "\n".join(body))

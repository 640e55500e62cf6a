"""Cooperative versus preemptive scheduling, shown with user/spin.c.

spin loops forever without a system call, so on one hart only the timer
interrupt can take the CPU from it.

  preempt_on           CPUS=1, preemption on: after `spin &` the shell still
                       answers `echo alive`.
  preempt_off_bootarg  CPUS=1, boot argument preempt=0: after `spin &` the
                       shell does not answer within NO_ANSWER_S seconds (the
                       cooperative approach fails: spin has taken the
                       machine).  The test then kills QEMU.
  preempt_off_build    the same with a kernel built with PREEMPT=0 (make
                       variable; costs a rebuild, so not in the quick set).
"""

import re
import time

from harness import ExpectTimeout, check, test

NO_ANSWER_S = 5     # how long a starved shell must stay silent
ANSWER_S = 10       # how long a preempting kernel may take to answer
ALIVE = re.compile(r"(?m)^alive$")


def _spin_then_echo(t, **boot):
    m = t.boot(cpus=1, **boot)
    m.wait_prompt(60)
    m.send("spin &")
    # With preemption the prompt comes back; without it the shell still
    # prints it before blocking in read(), which is when spin takes over.
    m.wait_prompt(20)
    time.sleep(0.5)     # let spin get the hart
    m.skip_to_end()
    m.send("echo alive")
    return m


def _starved(t, **boot):
    m = _spin_then_echo(t, **boot)
    t0 = time.monotonic()
    try:
        m.expect(ALIVE, NO_ANSWER_S)
    except ExpectTimeout:
        pass
    else:
        raise AssertionError(
            "the shell answered after %.1fs although preemption is off: "
            "spin should have kept the only hart" % (time.monotonic() - t0))
    check(m.alive(), "QEMU died instead of being taken over by spin")
    m.kill()


@test(quick=True, alone=True)
def preempt_on(t):
    m = _spin_then_echo(t)
    t0 = time.monotonic()
    m.expect(ALIVE, ANSWER_S)
    check(time.monotonic() - t0 < ANSWER_S, "echo took too long")
    m.wait_prompt(ANSWER_S)


@test(quick=True)
def preempt_off_bootarg(t):
    _starved(t, bootargs="preempt=0")


@test(timeout=600)
def preempt_off_build(t):
    _starved(t, make_vars={"PREEMPT": "0"})

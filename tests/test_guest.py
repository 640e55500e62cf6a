"""The in-guest test suite (user/utests.c), run under the host harness.

Each test boots ldx, types `utests` (or `utests -q`) at the shell and
turns every line "utest PASS name" / "utest FAIL name: reason" into a
sub-result of its own, so each in-guest test counts in run.py's final
"N passed, N failed" line and a failing one names itself there (as
guest_quick/lde_guard, say).

The host test itself fails, with the end of the console, when the guest
panics, when the summary line "utests: N passed, M failed" never comes,
or when the summary does not agree with the result lines.  The suite runs
in-guest tests one after another, so the time limits are for the whole
run; they are generous (QEMU on a loaded 2-core machine is slow) but
finite.
"""

import re
import time

from harness import TestFailure, tail, test

RESULT = re.compile(r"(?m)^utest (PASS|FAIL) ([A-Za-z0-9_.-]+)(?:: (.*))?$")
SUMMARY = re.compile(r"(?m)^utests: (\d+) passed, (\d+) failed$")
PANIC = re.compile(r"(?m)^(?!utest).*\bpanic\b.*$")


def run_suite(t, cpus, args="", limit=600):
    """Boot with `cpus` harts, run `utests args`, record one sub-result per
    in-guest test.  limit: seconds for the suite itself."""
    m = t.boot(cpus=cpus)
    m.wait_prompt(90)
    m.skip_to_end()
    start = m.mark()
    cmd = ("utests " + args).strip()
    t0 = time.monotonic()
    m.send(cmd)

    # Wait for the summary, or stop early at a kernel panic.
    done = re.compile("(?m)%s|%s" % (SUMMARY.pattern[4:], PANIC.pattern[4:]))
    err = None
    try:
        hit = m.expect(done, limit)
    except TestFailure as e:
        hit, err = None, e
    text = m.output[start:]
    seen = set()
    for r in RESULT.finditer(text):
        status, name, reason = r.group(1), r.group(2), r.group(3) or ""
        seen.add(name)
        t.sub(name, status == "PASS", reason)
    secs = time.monotonic() - t0

    if err is not None:
        raise TestFailure("`%s` on CPUS=%d: no summary line after %d results "
                          "(%.0fs): %s" % (cmd, cpus, len(seen), secs, err))
    if not SUMMARY.match(hit.group(0)):
        raise TestFailure("kernel panic during `%s` on CPUS=%d after %d results:"
                          " %s\n--- console tail ---\n%s"
                          % (cmd, cpus, len(seen), hit.group(0).strip(),
                             tail(m.output)))
    npass, nfail = int(hit.group(1)), int(hit.group(2))
    results = list(RESULT.finditer(text))
    if npass + nfail != len(results):
        raise TestFailure("the summary says %d passed, %d failed, but %d result "
                          "lines were printed\n--- console tail ---\n%s"
                          % (npass, nfail, len(results), tail(m.output)))
    if npass + nfail == 0:
        raise TestFailure("`%s` ran no tests\n%s" % (cmd, tail(m.output)))
    # The shell must still be there afterwards.
    m.wait_prompt(30)
    return secs


@test(quick=True, timeout=400)
def guest_quick(t):
    """The quick in-guest set on one hart."""
    run_suite(t, 1, "-q", limit=300)


@test(timeout=900)
def guest_cpus1(t):
    """The whole in-guest suite on one hart."""
    run_suite(t, 1, "", limit=780)


@test(timeout=900)
def guest_cpus3(t):
    """The whole in-guest suite on three harts."""
    run_suite(t, 3, "", limit=780)

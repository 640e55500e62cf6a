"""Static gates: `make lint` (tools/lint: cppcheck and gcc -fanalyzer) must
report 0 unsuppressed findings.  The findings, if any, are the reason."""

import os
import subprocess

import harness
from harness import test


@test(quick=True, timeout=300)
def lint(t):
    p = subprocess.run(["make", "--no-print-directory", "lint"],
                       cwd=harness.ROOT, env=harness._make_env(),
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=280)
    out = p.stdout.decode("utf-8", "replace").strip()
    last = out.splitlines()[-1] if out else "(no output)"
    print(last, flush=True)
    if p.returncode != 0:
        raise harness.TestFailure("%s\n%s" % (last, harness.tail(out, 40)))

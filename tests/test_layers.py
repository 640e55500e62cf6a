"""The kernel's layers call downward: no file includes the header of a
layer above its own (tools/layers; the picture is in README.md)."""

import subprocess

import harness
from harness import test


@test(quick=True)
def layers_downward(t):
    r = subprocess.run(["tools/layers"], cwd=harness.ROOT,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=60)
    if r.returncode != 0:
        raise harness.TestFailure("a lower layer includes a higher one's "
                                  "header:\n" + r.stdout[-3000:])

"""Style is settled by a tool: every C file in kernel/, user/ and mkfs/ is
formatted as the top-level .clang-format says (tools/fmt-check)."""

import subprocess

import harness
from harness import test


@test(quick=True)
def format_check(t):
    r = subprocess.run(["tools/fmt-check"], cwd=harness.ROOT,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=300)
    if r.returncode != 0:
        raise harness.TestFailure("files need formatting (tools/fmt-check "
                                  "--fix rewrites them):\n" + r.stdout[-2000:])

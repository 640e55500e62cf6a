"""Static gates: `make lint` (tools/lint: cppcheck and gcc -fanalyzer) must
report 0 unsuppressed findings.  The findings, if any, are the reason."""

import os
import re
import subprocess

import harness
from harness import check, test


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


# Holes the user ABI keeps on purpose: (header, the field GCC names).
ABI_HOLES = {
    # xv6's struct stat: 4 bytes before size.  filestat() clears the
    # record before filling it, so the hole carries zeros.
    ("kernel/stat.h", "size"),
    # The system-call descriptors are compiled into user programs (trace,
    # the fuzzer); the kernel never copies them out.
    ("kernel/sysdesc.h", "arg"),
    ("kernel/sysdesc.h", "size to alignment boundary"),
}
PADDED = re.compile(r"^\.?/?(kernel/\w+\.h):\d+:\d+: warning: padding struct "
                    r"(?:to align '(\w+)'|(size to alignment boundary))", re.M)


@test(quick=True)
def abi_structs_have_no_holes(t):
    """The structs user programs share with the kernel (every kernel/
    header a user program or lab includes) have no padding, except the
    holes named in ABI_HOLES: a hole is where kernel-stack bytes would
    reach the user when a record is copied out without being cleared.
    GCC's -Wpadded finds them."""
    headers = set()
    inc = re.compile(r'#include "(kernel/\w+\.h)"')
    for top in ("user", "labs"):
        for d, _, files in os.walk(os.path.join(harness.ROOT, top)):
            for f in files:
                if f.endswith((".c", ".h")):
                    with open(os.path.join(d, f), errors="replace") as fh:
                        headers.update(inc.findall(fh.read()))
    check(len(headers) >= 5, "found only %r" % sorted(headers))
    # A lab's own header (kernel/pstat.h, ...) comes with its solution;
    # the system-call table is an X-macro list, included inside macros.
    headers = {h for h in headers if os.path.exists(os.path.join(harness.ROOT, h))
               and h != "kernel/syscall_table.h"}
    found = set()
    for h in sorted(headers):
        src = '#include "kernel/types.h"\n#include "%s"\n' % h
        p = subprocess.run(["riscv64-unknown-elf-gcc", "-x", "c", "-std=gnu11",
                            "-I", harness.ROOT, "-Wpadded", "-fsyntax-only", "-"],
                           input=src.encode(), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, cwd=harness.ROOT, timeout=60)
        out = p.stdout.decode("utf-8", "replace")
        check(p.returncode == 0, "%s does not compile alone:\n%s" % (h, out))
        for m in PADDED.finditer(out):
            found.add((m.group(1), m.group(2) or m.group(3)))
    new = sorted(found - ABI_HOLES)
    check(not new, "structs shared with user programs have holes (reorder or "
          "name the padding, and clear the record before copyout): %r" % new)

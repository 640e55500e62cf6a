"""Foundation: the build, booting on 1..8 harts, timer ticks, panics.

What the kernel prints and these tests rely on:
  ldx: booting ...                  once, from the boot hart
  hart H: up                        once per hart
  init: starting sh, then "$ "      the shell is ready
  hart H: ticks T ...               with test=ticks, about 1 s after boot
  panic on hart H: MSG, then "backtrace:" and lines "  0x... <fn+0x..>"
"""

import os
import re
import shutil
import socket
import subprocess

import harness
from harness import check, test

HART_UP = r"\bhart (\d+): up\b"


def expect_boot(m, cpus, timeout=60):
    """Check the whole boot sequence on m, up to the first prompt."""
    m.expect(r"OpenSBI", timeout)
    m.expect(r"ldx: booting", timeout)
    m.expect(r"init: starting sh", timeout)
    m.wait_prompt(timeout)
    # Harts started late may report after the shell is already running
    # on the early ones, so wait for the lines rather than demand them now.
    want = set(range(cpus))
    try:
        m.expect_all(HART_UP, lambda ms: {int(x.group(1)) for x in ms} >= want,
                     timeout=30, start=0)
    except harness.ExpectTimeout:
        pass
    text = m.output
    check("panic" not in text, "the kernel panicked during boot")
    harts = sorted(int(h) for h in re.findall(HART_UP, text))
    check(harts == sorted(want),
          "expected one 'hart H: up' line for each of harts 0..%d, got %s"
          % (cpus - 1, harts))


def _boot_test(cpus, quick):
    @test(name="boot_cpus%d" % cpus, quick=quick,
          timeout=90 if cpus >= 4 else 60)
    def _t(t):
        m = t.boot(cpus=cpus)
        expect_boot(m, cpus)
        out = m.run("echo alive")
        check("alive" in out, "the shell did not run echo: %r" % out)
    return _t


for _n, _q in ((1, True), (2, False), (4, False), (8, False)):
    _boot_test(_n, _q)


@test(quick=True)
def prompt_cpus3(t):
    m = t.boot(cpus=3)
    m.expect(r"init: starting sh", 60)
    m.wait_prompt(60)


@test(quick=True)
def ticks_every_hart(t):
    cpus = 3
    m = t.boot(cpus=cpus, bootargs="test=ticks")
    ms = m.expect_all(r"hart (\d+): ticks (\d+)",
                      lambda ms: {int(x.group(1)) for x in ms} >= set(range(cpus)),
                      timeout=30)
    for x in ms:
        check(int(x.group(2)) > 0, "hart %s reports %s ticks" % x.groups())


def _text_range():
    """[start, end) of the kernel text, from kernel/kernel.sym."""
    lo, hi = 0x80200000, None
    try:
        with open(os.path.join(harness.ROOT, "kernel", "kernel.sym")) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 2 and parts[1] == "etext":
                    hi = int(parts[0], 16)
    except OSError:
        pass
    return lo, hi


@test(quick=True)
def panic_backtrace(t):
    m = t.boot(cpus=2, bootargs="test=panic")
    # The message must name the deliberate panic, so that an accidental
    # panic (say, init failing) does not pass this test.
    m.expect(r"panic on hart \d+: .*(test=panic|deliberate)", 30)
    m.expect(r"(?m)^backtrace:\s*$", 10)
    rc = m.wait_exit(20)
    after = m.output[m.mark():]
    pcs = [int(x, 16) for x in
           re.findall(r"(?m)^\s+(?:0x)?([0-9a-fA-F]{8,16})\b", after)]
    check(len(pcs) >= 2, "expected at least two backtrace lines, got %d"
          % len(pcs))
    lo, hi = _text_range()
    if hi is not None:
        bad = [hex(pc) for pc in pcs if not lo <= pc < hi]
        check(not bad, "backtrace addresses outside kernel text "
              "[%#x, %#x): %s" % (lo, hi, ", ".join(bad)))
    check(rc is not None, "QEMU did not exit after the panic")


# The build must be free of warnings.  -Werror turns compiler warnings
# into errors, but not every warning: the linker's (an RWX segment, say)
# and make's own (overriding recipes) pass.  To see them all without
# disturbing the tree other tests and people are using, copy the sources to
# a scratch directory and build there from nothing; this also proves the
# tree builds from a clean state, with no stale objects helping.
_SCRATCH_IGNORE = shutil.ignore_patterns(
    ".git", "build", "build-*", "out", "__pycache__", "*.o", "*.d", "*.img", "_*",
    "kernel.asm", "kernel.sym", ".gdbinit", "compile_commands.json")


@test(name="build_no_warnings", timeout=600)
def build_no_warnings(t):
    scratch = os.path.join(harness.OUT, "scratch-build")
    shutil.rmtree(scratch, ignore_errors=True)
    # Copied while no other test's make is writing in the tree.
    with harness.tree_lock():
        shutil.copytree(harness.ROOT, scratch, ignore=_SCRATCH_IGNORE,
                        symlinks=True)
    for p in ("kernel/kernel", "mkfs/mkfs", "mkfs/fsck"):
        try:
            os.unlink(os.path.join(scratch, p))
        except OSError:
            pass
    try:
        out = harness.make("-j%d" % (os.cpu_count() or 1), "all",
                           cwd=scratch, timeout=540, lock=False)
    except harness.BuildError as e:
        raise harness.TestFailure("clean build failed: %s" % e)
    warn = [l for l in out.splitlines() if re.search(r"(?i)\bwarning\b", l)]
    if warn:
        raise harness.TestFailure("the build printed %d warning line(s):\n%s"
                                  % (len(warn), "\n".join(warn[:40])))
    shutil.rmtree(scratch, ignore_errors=True)



@test(timeout=120)
def asid_probe_paging_on(t):
    """mm's ASID probe (vm_asid_init) writes the ASID field of
    satp and reads back how many bits stick; in Bare mode those bits mean
    nothing, so paging must be on by then.  Stops the boot there with gdb
    and reads satp's MODE field: 8 (Sv39)."""
    port = _free_port()
    kernel = harness.build().kernel
    m = t.boot(cpus=1, gdbport=port, gdb_wait=True)
    r = subprocess.run(
        ["gdb-multiarch", "-nx", "-batch", kernel,
         "-ex", "target remote 127.0.0.1:%d" % port,
         "-ex", "break vm_asid_init", "-ex", "continue",
         "-ex", "printf \"satp=%lx\\n\", $satp"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, timeout=90)
    m.kill()
    found = re.search(r"satp=([0-9a-f]+)", r.stdout)
    check(found, "gdb did not print satp:\n%s" % r.stdout[-2000:])
    mode = int(found.group(1), 16) >> 60
    check(mode == 8, "satp MODE is %d at the ASID probe (8 is Sv39, 0 is "
          "paging off)" % mode)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

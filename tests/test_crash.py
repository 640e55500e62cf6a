"""Crash safety of the file system: every crash state of a recorded run
passes fsck, and the kernel boots and recovers from a sample of them.

How: the image's /init is user/crashwork (a multi-process file-system
workload that halts the machine when done).  QEMU's blklogwrites records
every disk write and flush of one run; tests/crashstates.py rebuilds the
disk after every prefix of the writes and with each of the last writes
since a flush dropped, and runs `mkfs/fsck -r` on each.  A state may hold
orphan inodes (files unlinked while open); the kernel reclaims them at
boot, which the boot sample checks.

The figures of the last run are written to tests/out/crash/summary.txt
(and to stderr).
"""

import os
import re
import shutil
import subprocess
import sys

import crashstates
import harness
from harness import check, test

NBOOT_LOG = 3      # sampled states whose boot must replay the log
NBOOT_ORPHAN = 2   # sampled states holding an orphan inode
MIN_STATES = 1000
# What the kernel prints for each recovery a state needs at boot (see
# recover_inodes in kernel/fs/fs.c); "orphan" sorts first, so a state
# that needs both is checked for the orphan line.
RECOVERY_LINE = {
    "orphan": r"fs: reclaimed orphan inode \d+",
    "truncation": r"fs: finished truncating inode \d+ \(\d+ blocks\)",
}
# Recorded runs, alternating 3 and 1 harts: make soak sets LDX_CRASH_RUNS
# for its scale (each run is a new interleaving of the workload).
RUNS = int(os.environ.get("LDX_CRASH_RUNS", "2"))


def _dir():
    d = os.path.join(harness.OUT, "crash")
    os.makedirs(d, exist_ok=True)
    return d


def _prepare(cpus):
    """Build; return (kernel, base image whose /init is crashwork)."""
    art = harness.build()
    harness.make("mkfs/fsck", timeout=120)
    prog = os.path.join(harness.ROOT, "user", "_crashwork")
    check(os.path.exists(prog), "user/_crashwork was not built")
    d = _dir()
    init = os.path.join(d, "_init")
    shutil.copyfile(prog, init)
    base = os.path.join(d, "base-cpus%d.img" % cpus)
    r = subprocess.run([os.path.join(harness.ROOT, "mkfs", "mkfs"), base, init],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    check(r.returncode == 0, "mkfs failed: %s" % r.stdout.decode())
    return art.kernel, base


def _record(t, cpus, run=0):
    kernel, base = _prepare(cpus)
    d = _dir()
    img = os.path.join(d, "run%d-cpus%d.img" % (run, cpus))
    log = os.path.join(d, "run%d-cpus%d.log" % (run, cpus))
    argv = harness.qemu_command(cpus=cpus)
    argv[argv.index("-kernel") + 1] = kernel
    try:
        out = crashstates.record(argv, base, img, log, timeout=120)
    except RuntimeError as e:
        raise harness.TestFailure(str(e))
    check("crashwork: done" in out,
          "the workload failed in the recorded run:\n%s" % harness.tail(out))
    rc, fout = _fsck(img, replay=False)
    check(rc == 0, "fsck of the final image of the recorded run:\n%s" % fout)
    return base, log


def _fsck(path, replay):
    fsck = os.path.join(harness.ROOT, "mkfs", "fsck")
    r = subprocess.run([fsck] + (["-r"] if replay else []) + [path],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
    return r.returncode, r.stdout.decode("utf-8", "replace")


def _report(lines):
    text = "\n".join(lines) + "\n"
    with open(os.path.join(_dir(), "summary.txt"), "w") as f:
        f.write(text)
    sys.stderr.write(text)


def _failures(res):
    out = []
    for label, verdict, fout in res.failures[:5]:
        out.append("%s (%s):\n%s" % (label, verdict, harness.tail(fout, 12)))
    return "\n".join(out)


@test(timeout=max(300, RUNS * 200))
def crash_states(t):
    lines = []
    total = 0
    samples = []
    for run in range(RUNS):
        cpus = (3, 1)[run % 2]
        base, log = _record(t, cpus, run)
        ss, entries = crashstates.parse_log(log)
        nw = sum(1 for e in entries if e.is_write)
        nf = sum(1 for e in entries if e.flags & crashstates.FLUSH)
        pending = []

        def note(label, img):
            if crashstates.pending_log(img) > 0:
                pending.append(label)

        res = crashstates.check_all(base, log, keep_failed=os.path.join(
            _dir(), "bad-cpus%d" % cpus), on_state=note)
        lines.append("crash (cpus=%d): %d writes, %d flushes recorded; %s; "
                     "%d states hold a committed log not yet at home"
                     % (cpus, nw, nf, res.summary(), len(pending)))
        check(res.inconsistent == 0, "cpus=%d: %s\n%s"
              % (cpus, res.summary(), _failures(res)))
        total += res.total
        samples.append((base, log, pending, res.orphan_kinds))
    check(total >= MIN_STATES, "only %d states: the workload is too small" % total)
    t.sub("every_state_passes_fsck", True)
    nested = _boot_samples(t, samples[0])
    lines.append("crash: booting %d sampled states recovered them; %d states "
                 "of crashes during those boots: 0 inconsistent" % (len(t.subs) - 1, nested))
    _report(lines)


def _pick(labels, n):
    if not labels:
        return []
    step = max(1, len(labels) // n)
    return labels[step // 2::step][:n]


def _boot_samples(t, sample):
    """Boot the kernel on a few crash states: it must replay the log or
    reclaim the orphans, run the workload again (which now fails at
    'already exists' steps, harmlessly), halt, and leave a clean disk."""
    base, log, pending, orphans = sample
    want = {}
    for label in _pick(sorted(pending, key=crashstates.state_order), NBOOT_LOG):
        want[label] = r"log: replayed \d+ blocks"
    for label in _pick(sorted(orphans, key=crashstates.state_order), NBOOT_ORPHAN):
        want.setdefault(label, RECOVERY_LINE[min(orphans[label])])
    check(want, "no crash state holds a committed log or an orphan to boot")
    with open(base, "rb") as f:
        basedata = f.read()
    ss, entries = crashstates.parse_log(log)
    images = {}
    for label, img in crashstates.states(basedata, entries, ss):
        if label in want:
            images[label] = bytes(img)
    kernel = harness.build().kernel
    argv = harness.qemu_command(cpus=2)
    argv[argv.index("-kernel") + 1] = kernel
    nested = 0
    for i, (label, pattern) in enumerate(sorted(want.items())):
        state = os.path.join(_dir(), "state%d.img" % i)
        with open(state, "wb") as f:
            f.write(images[label])
        # The recovering boot is itself recorded, so crashes during log
        # replay and orphan reclaim are enumerated too.
        path = os.path.join(_dir(), "boot%d.img" % i)
        log = os.path.join(_dir(), "boot%d.log" % i)
        try:
            out = crashstates.record(argv, state, path, log, timeout=60)
        except RuntimeError as e:
            raise harness.TestFailure("state %s: %s" % (label, e))
        with open(os.path.join(_dir(), "boot%d.console" % i), "w") as f:
            f.write(out)
        check(re.search(pattern, out), "state %s: booting it did not print %r:\n%s"
              % (label, pattern, harness.tail(out)))
        check(re.search(r"(?m)^crashwork: (done|FAIL)$", out),
              "state %s: the workload did not finish:\n%s" % (label, harness.tail(out)))
        rc, fout = _fsck(path, replay=False)
        check(rc == 0, "state %s: after booting and halting, fsck says:\n%s"
              % (label, fout))
        res = crashstates.check_all(state, log, keep_failed=os.path.join(
            _dir(), "bad-boot%d" % i))
        check(res.inconsistent == 0, "crashes while booting state %s: %s\n%s"
              % (label, res.summary(), _failures(res)))
        nested += res.total
        t.sub("boot %s" % label, True)
    return nested

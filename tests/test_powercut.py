"""Random power cuts: the file system survives QEMU being killed at any
moment of a file-system workload.

Each cut boots a fresh disk, starts `crashwork` (several processes
creating, writing, renaming, truncating and deleting files and
directories) from the shell, and kills QEMU at a random moment of the
workload: after a random fraction (0 to 1.2) of the time one whole
`crashwork` run takes on this host, measured once at the start, so most
cuts land while the workload is writing and some just after it.  Then:

  1. fsck the disk as the crash left it: clean, except for orphan inodes
     (files unlinked while open) and unfinished truncations (blocks past
     a file's size), which the kernel finishes at boot;
  2. boot that disk: the kernel must replay its log, reach the shell, and
     power off cleanly with `halt`;
  3. fsck again: now entirely clean.

Every cut is a sub-result; the seed makes a failing cut replayable
(LDX_POWERCUT_SEED=n): it fixes each cut's fraction of the workload.
The cuts run as independent pieces (TestContext.map), beside each other
and beside other tests.
"""

import os
import random
import subprocess
import time

import crashstates
import harness
from harness import check, test

# make soak sets LDX_POWERCUT_CUTS for its scale.
CUTS = int(os.environ.get("LDX_POWERCUT_CUTS", "60"))
LATEST = 1.2  # the latest cut, as a fraction of one whole workload run
FSCK_LIMIT = 30
# What a crash may leave for the next boot to finish (orphan inodes,
# unfinished truncations): crashstates.py's list, the one source.
LEFT_FOR_BOOT = crashstates.ORPHAN_PREFIX


def fsck(img):
    """Run mkfs/fsck; return (problems other than those a boot finishes,
    how many of those, text)."""
    r = subprocess.run([os.path.join(harness.ROOT, "mkfs", "fsck"), img],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=FSCK_LIMIT)
    if r.returncode not in (0, 1):
        return ["fsck exit status %d" % r.returncode], 0, r.stdout
    lines = [l for l in r.stdout.splitlines()
             if l.strip() and not l.startswith(("fsck:", "note:"))]
    orphans = [l for l in lines if l.startswith(LEFT_FOR_BOOT)]
    others = [l for l in lines if not l.startswith(LEFT_FOR_BOOT)]
    if r.returncode == 1 and not lines:
        others = ["fsck failed: " + r.stdout.strip()[-200:]]
    return others, len(orphans), r.stdout


def start_workload(m):
    """Start crashwork at the shell; return once the shell has it."""
    m.wait_prompt(timeout=30)
    m.skip_to_end()
    m.send("crashwork")
    m.expect(r"crashwork\n", 20)


def workload_seconds(t):
    """How long one whole crashwork run takes here, from the shell taking
    the command to its last line."""
    m = t.boot("calibrate", cpus=2)
    start_workload(m)
    t0 = time.monotonic()
    m.expect(r"(?m)^crashwork: done$", 60)
    secs = time.monotonic() - t0
    m.kill()
    return secs


def one_cut(t, i, delay):
    """Cut the power once; return (ok, reason)."""
    name = "cut%02d" % i
    m = t.boot(name, cpus=2)
    start_workload(m)
    time.sleep(delay)
    m.kill()
    during = "crashwork: done" not in m.output

    bad, orphans, text = fsck(m.image)
    if bad:
        return False, "after the cut at %.2fs: %s" % (delay, bad[0])

    r = t.boot(name + "-recover", cpus=2, image=m.image)
    r.wait_prompt(timeout=30)
    if "panic" in r.output:
        return False, "recovery boot panicked"
    r.send("halt")
    r.wait_exit(timeout=30)

    bad, orphans_after, text = fsck(m.image)
    if bad or orphans_after:
        return False, "after recovery: %s" % (bad[0] if bad else
                                               "%d left for boot not finished" % orphans_after)
    return True, "%.2fs, %s, %d orphans or truncations finished" % (
        delay, "during the workload" if during else "after it", orphans)


@test(timeout=max(900, CUTS * 15))
def power_cuts(t):
    harness.make("mkfs/fsck", timeout=120)
    harness.build()
    seed = int(os.environ.get("LDX_POWERCUT_SEED", "20261123"))
    rng = random.Random(seed)
    fractions = [rng.uniform(0, LATEST) for _ in range(CUTS)]
    whole = workload_seconds(t)

    def cut(i):
        try:
            return one_cut(t, i, fractions[i] * whole)
        except harness.TestFailure as e:
            return False, str(e).splitlines()[0]

    results = t.map(cut, range(CUTS))
    failed = during = 0
    for i, (res, err) in enumerate(results):
        ok, why = res if err is None else (False, "%s: %s"
                                           % (type(err).__name__, err))
        failed += not ok
        during += "during" in why
        t.sub("power_cut_%02d" % i, ok, "seed %d: %s" % (seed, why))
    print("power cuts: %d cuts (%d during the workload, whose run takes "
          "%.2f s here), %d errors (seed %d)"
          % (CUTS, during, whole, failed, seed))
    check(failed == 0, "%d of %d power cuts left damage (seed %d)"
          % (failed, CUTS, seed))

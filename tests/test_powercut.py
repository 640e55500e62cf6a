"""Random power cuts: the file system survives QEMU being killed at any
moment of a file-system workload.

Each cut boots a fresh disk, starts `crashwork` (several processes
creating, writing, renaming, truncating and deleting files and
directories) from the shell, and kills QEMU after a random 0.3-5 s.  Then:

  1. fsck the disk as the crash left it: clean, except for orphan inodes
     (files unlinked while open), which the kernel reclaims at boot;
  2. boot that disk: the kernel must replay its log, reach the shell, and
     power off cleanly with `halt`;
  3. fsck again: now entirely clean.

Every cut is a sub-result; the seed makes a failing cut replayable
(LDX_POWERCUT_SEED=n).
"""

import os
import random
import subprocess
import time

import harness
from harness import check, test

CUTS = 60
WORKERS = 2  # machines in flight at once: the host has two cores
FSCK_LIMIT = 30
ORPHAN = "orphan inode "


def fsck(img):
    """Run mkfs/fsck; return (problems other than orphans, orphans, text)."""
    r = subprocess.run([os.path.join(harness.ROOT, "mkfs", "fsck"), img],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=FSCK_LIMIT)
    if r.returncode not in (0, 1):
        return ["fsck exit status %d" % r.returncode], 0, r.stdout
    lines = [l for l in r.stdout.splitlines()
             if l.strip() and not l.startswith(("fsck:", "note:"))]
    orphans = [l for l in lines if ORPHAN in l]
    others = [l for l in lines if ORPHAN not in l]
    if r.returncode == 1 and not lines:
        others = ["fsck failed: " + r.stdout.strip()[-200:]]
    return others, len(orphans), r.stdout


def one_cut(t, i, delay):
    """Cut the power once; return (ok, reason)."""
    name = "cut%02d" % i
    m = t.boot(name, cpus=2)
    m.wait_prompt(timeout=30)
    m.send("crashwork")
    time.sleep(delay)
    m.kill()

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
                                               "%d orphans left" % orphans_after)
    return True, "%.2fs, %d orphans reclaimed" % (delay, orphans)


@test(timeout=900)
def power_cuts(t):
    harness.make("mkfs/fsck", timeout=120)
    harness.build()
    seed = int(os.environ.get("LDX_POWERCUT_SEED", "20261123"))
    rng = random.Random(seed)
    delays = [rng.uniform(0.3, 5.0) for _ in range(CUTS)]

    import concurrent.futures
    results = {}
    with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
        futs = {pool.submit(one_cut, t, i, d): i for i, d in enumerate(delays)}
        for f in concurrent.futures.as_completed(futs):
            i = futs[f]
            try:
                results[i] = f.result()
            except harness.TestFailure as e:
                results[i] = (False, str(e).splitlines()[0])
    failed = 0
    for i in range(CUTS):
        ok, why = results[i]
        failed += not ok
        t.sub("power_cut_%02d" % i, ok, "seed %d: %s" % (seed, why))
    print("power cuts: %d cuts, %d errors (seed %d)" % (CUTS, failed, seed))
    check(failed == 0, "%d of %d power cuts left damage (seed %d)"
          % (failed, CUTS, seed))

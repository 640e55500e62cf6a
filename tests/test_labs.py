"""The course labs' graders, tested both ways (labs/*/grade.py).

For every lab with a grader and a reference solution:
  lab_NAME_shipped  on this tree (the student's start) the grader scores
                    less than full and every part that is the student's
                    task fails: a grader that cannot fail is a defect;
  lab_NAME_solved   in a scratch copy of the tree (tests/out/lab-NAME/)
                    with labs/NAME/solution.patch applied, the grader
                    scores full marks and the kernel-facing part of ldx's
                    quick suite still passes there (SUITE below: boot, the
                    in-guest utests -q, the limited-direct-execution
                    demonstrations, preemption, the event log, trace and
                    the layer check;
                    not lint, format, docs or fsck, which a lab's solution
                    does not touch and which cost most of the time).  A
                    solution that only adds user code (util, thread)
                    leaves the kernel as tested by the rest of make test,
                    so the suite is not run again for it.  A lab whose
                    lab.mk has the line `SOLVED_FUZZ_CALLS = N` (cow,
                    mmap: solutions that change how memory is shared)
                    also gets a short run of the system-call fuzzer there,
                    tests/fuzz.py --calls N: no kernel report, every page
                    back, a clean fsck.
"""

import fnmatch
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys

from harness import ROOT, OUT, Skip, TestFailure, check, test, tail

LABS = sorted(os.path.basename(os.path.dirname(p))
              for p in glob.glob(os.path.join(ROOT, "labs", "*", "grade.py")))
SUITE = r"^(boot|guest|lde|preempt|timeline|trace|layers)/"
GRADE_TIMEOUT = 240
SUITE_TIMEOUT = 300
FUZZ_TIMEOUT = 300
FUZZ_SEED = 1
FUZZ_OPT_IN = re.compile(r"(?m)^SOLVED_FUZZ_CALLS\s*:?=\s*(\d+)\s*$")


def grade_timeout(lab):
    """How long lab's grader may take: GRADE_TIMEOUT, or more when its
    grade.py says so in a line `GRADE_TIMEOUT = N` (the fs lab writes a
    64 MiB file through the log, minutes on a loaded host)."""
    with open(os.path.join(ROOT, "labs", lab, "grade.py")) as f:
        m = re.search(r"(?m)^GRADE_TIMEOUT = (\d+)", f.read())
    return int(m.group(1)) if m else GRADE_TIMEOUT


def run(argv, cwd, timeout):
    """Run argv in cwd (killing its whole process group on a timeout);
    return (exit status, output)."""
    env = dict(os.environ)
    for k in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"):
        env.pop(k, None)
    p = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         start_new_session=True)
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        raise TestFailure("%s timed out after %ds\n%s"
                          % (" ".join(argv), timeout,
                             tail(out.decode("utf-8", "replace"))))
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
    return p.returncode, out.decode("utf-8", "replace")


def grade(tree, lab, tag):
    """Run lab's grader in tree; return its JSON result and output."""
    js = os.path.join(OUT, "lab-%s-%s.json" % (lab, tag))
    if os.path.exists(js):
        os.unlink(js)
    rc, out = run([sys.executable, os.path.join("labs", lab, "grade.py"),
                   "--json", js], tree, grade_timeout(lab))
    with open(os.path.join(OUT, "lab-%s-%s.out" % (lab, tag)), "w") as f:
        f.write(out)
    if not os.path.exists(js):
        raise TestFailure("the %s grader wrote no JSON (exit %d)\n%s"
                          % (lab, rc, tail(out)))
    with open(js) as f:
        res = json.load(f)
    res["max_score"] = sum(x["max_score"] for x in res["tests"])
    check((rc == 0) == (res["score"] == res["max_score"]),
          "the %s grader's exit status %d does not match its score %d/%d"
          % (lab, rc, res["score"], res["max_score"]))
    return res, out


def in_git_checkout():
    return subprocess.run(["git", "rev-parse", "--is-inside-work-tree"],
                          cwd=ROOT, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode == 0


def ignored_patterns():
    """.gitignore's patterns: what is build output, also in a tree that is
    not a git checkout (say, an unpacked tarball)."""
    with open(os.path.join(ROOT, ".gitignore")) as f:
        return [ln.strip() for ln in f
                if ln.strip() and not ln.startswith("#")] + ["/.git/"]


def is_ignored(rel, patterns):
    """Whether path rel (relative to ROOT) or a folder above it matches one
    of .gitignore's patterns (the subset ldx's .gitignore uses: a leading
    / anchors at the top, a trailing / means a folder, * is a wildcard)."""
    parts = rel.split("/")
    for pat in patterns:
        folder = pat.endswith("/")
        pat = pat.strip("/") if folder else pat.lstrip("/")
        for i in range(len(parts)):
            if folder and i == len(parts) - 1:
                break  # a folder pattern never names the file itself
            name = "/".join(parts[:i + 1]) if "/" in pat else parts[i]
            if fnmatch.fnmatch(name, pat):
                return True
    return False


def source_files():
    """The tree's source files, relative to ROOT: git's committed and new
    files in a checkout, otherwise every file .gitignore does not name."""
    if in_git_checkout():
        out = subprocess.run(["git", "ls-files", "-z", "-c", "-o",
                              "--exclude-standard"], cwd=ROOT, check=True,
                             stdout=subprocess.PIPE).stdout.decode()
        return out.split("\0")
    patterns = ignored_patterns()
    files = []
    for d, dirs, names in os.walk(ROOT):
        for n in names:
            rel = os.path.relpath(os.path.join(d, n), ROOT)
            if not is_ignored(rel, patterns):
                files.append(rel)
    return files


def scratch_tree(lab):
    """A copy of the tree's sources (committed and new files, not build
    output) in tests/out/lab-LAB/, with the lab's solution applied."""
    dst = os.path.join(OUT, "lab-" + lab)
    shutil.rmtree(dst, ignore_errors=True)
    for f in source_files():
        src = os.path.join(ROOT, f)
        if not f or not os.path.isfile(src):
            continue  # deleted but not yet committed
        os.makedirs(os.path.dirname(os.path.join(dst, f)), exist_ok=True)
        shutil.copy2(src, os.path.join(dst, f))
    patch = os.path.join(ROOT, "labs", lab, "solution.patch")
    # The copy lies inside this checkout: keep git from finding it, or
    # git apply would skip every path "outside" the copy's directory.
    env = dict(os.environ, GIT_CEILING_DIRECTORIES=os.path.dirname(dst))
    for argv in (["git", "apply", "--whitespace=nowarn", patch],
                 ["git", "apply", "--check", "-R", patch]):
        r = subprocess.run(argv, cwd=dst, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT)
        if r.returncode != 0:
            raise TestFailure("labs/%s/solution.patch does not apply to this "
                              "tree:\n%s" % (lab, r.stdout.decode("utf-8",
                                                                   "replace")))
    return dst


def fuzz_calls(lab):
    """The fuzzed calls lab's solved check asks for in its lab.mk, or 0."""
    mk = os.path.join(ROOT, "labs", lab, "lab.mk")
    if not os.path.exists(mk):
        return 0
    with open(mk) as f:
        m = FUZZ_OPT_IN.search(f.read())
    return int(m.group(1)) if m else 0


def shipped(t, lab):
    res, out = grade(ROOT, lab, "shipped")
    check(res["score"] < res["max_score"],
          "the %s grader gives full marks to the tree as shipped\n%s"
          % (lab, tail(out)))
    passed = [x["name"] for x in res["tests"]
              if x["extra_data"].get("task", True) and x["score"] > 0]
    check(not passed, "on the tree as shipped these %s parts pass, so they "
          "test nothing the student does: %s" % (lab, ", ".join(passed)))


def solved(t, lab):
    tree = scratch_tree(lab)
    _check_solved(tree, lab)
    # Passed: the copy (a whole tree and its build, up to 200 MB) goes; a
    # failing one stays in tests/out/lab-LAB/ to look at.
    shutil.rmtree(tree, ignore_errors=True)


def _check_solved(tree, lab):
    res, out = grade(tree, lab, "solved")
    check(res["score"] == res["max_score"],
          "with its solution the %s grader scores %d/%d:\n%s"
          % (lab, res["score"], res["max_score"], tail(out, 60)))
    with open(os.path.join(ROOT, "labs", lab, "solution.patch")) as f:
        touched = re.findall(r"^\+\+\+ b/(\S+)", f.read(), re.M)
    if all(p.startswith(("user/", "labs/")) for p in touched):
        return  # user code only: the kernel is the one tested already
    rc, out = run([sys.executable, "tests/run.py", "--quick", "-k", SUITE], tree,
                  SUITE_TIMEOUT)
    with open(os.path.join(OUT, "lab-%s-suite.out" % lab), "w") as f:
        f.write(out)
    fails = [l for l in out.splitlines() if l.startswith("FAIL")]
    check(rc == 0, "with the %s solution applied ldx's tests fail:\n%s"
          % (lab, "\n".join(fails[:20]) or tail(out)))
    calls = fuzz_calls(lab)
    if calls:
        rc, out = run([sys.executable, "tests/fuzz.py", "--calls", str(calls),
                       "--seed", str(FUZZ_SEED)], tree, FUZZ_TIMEOUT)
        with open(os.path.join(OUT, "lab-%s-fuzz.out" % lab), "w") as f:
            f.write(out)
        check(rc == 0, "with the %s solution applied the fuzzer fails "
              "(tests/fuzz.py --calls %d --seed %d):\n%s"
              % (lab, calls, FUZZ_SEED, tail(out, 30)))
        print("%s solved: %s" % (lab, out.strip().splitlines()[-1]),
              flush=True)


def _register(lab):
    # A handout tree has no solutions, and there a student's solved tree
    # rightly gets full marks: the check is the instructor's.
    def guard(fn):
        def run_it(t):
            if not os.path.exists(os.path.join(ROOT, "labs", lab,
                                               "solution.patch")):
                raise Skip("labs/%s has no solution.patch (a handout tree)"
                           % lab)
            fn(t, lab)
        return run_it
    test(name="lab_%s_shipped" % lab, timeout=grade_timeout(lab) + 30)(
        guard(shipped))
    test(name="lab_%s_solved" % lab,
         timeout=grade_timeout(lab) + SUITE_TIMEOUT + FUZZ_TIMEOUT + 60)(
             guard(solved))


for _lab in LABS:
    _register(_lab)


@test(quick=True)
def lab_handouts_references(t):
    """Every file and function a lab's handout names exists in the tree,
    or is one its solution creates (the student's task)."""
    from test_docs import _defined_names
    defined = _defined_names()
    problems = []
    for lab in [""] + LABS:
        doc = os.path.join("labs", lab, "README.md")
        with open(os.path.join(ROOT, doc), encoding="utf-8") as f:
            text = f.read()
        patch = ""
        if lab and os.path.exists(os.path.join(ROOT, "labs", lab,
                                               "solution.patch")):
            with open(os.path.join(ROOT, "labs", lab, "solution.patch")) as f:
                patch = f.read()
        made = set(re.findall(r"^\+\+\+ b/(\S+)", patch, re.M))
        # and the lab's own sources (a thread package the student completes)
        known = set(defined)
        for src in glob.glob(os.path.join(ROOT, "labs", lab, "**", "*.[chS]"),
                             recursive=True) if lab else []:
            with open(src, encoding="utf-8", errors="replace") as f:
                own = f.read()
            known |= set(re.findall(r"(?m)^(\w+)[(:]", own))
        added = set(re.findall(r"^\+(\w+)\(", patch, re.M))
        added |= set(re.findall(r"^\+SYSCALL\w*\(\s*\d+,\s*(\w+),", patch,
                                re.M))
        for f in re.findall(r"`((?:kernel|user|tests|tools|mkfs|docs|labs)/"
                            r"[\w./-]+|trampoline\.S)`", text):
            if "*" in f or "NAME" in f or f in made:
                continue
            if not os.path.exists(os.path.join(ROOT, f)):
                problems.append("%s names a missing file %s" % (doc, f))
        for fn in re.findall(r"`(\w+)\(\)`", text):
            if fn not in known and fn not in added:
                problems.append("%s names %s(), defined nowhere" % (doc, fn))
    check(not problems, "; ".join(problems))


@test()
def lab_handout_tarball(t):
    """make handout's tarball holds the committed tree and every lab's
    handout and grader, and no solution."""
    import tarfile
    if not in_git_checkout():
        raise Skip("make handout packs the committed files: needs a git checkout")
    out = os.path.join(OUT, "handout-test.tar.gz")
    rc, text = run(["tools/handout", out], ROOT, 120)
    check(rc == 0, "tools/handout failed:\n%s" % text)
    with tarfile.open(out) as tar:
        names = set(tar.getnames())
    check(not [n for n in names if n.endswith("solution.patch")],
          "the handout contains solutions")
    for need in ["ldx/Makefile", "ldx/labs/README.md"] + \
            ["ldx/labs/%s/%s" % (lab, f) for lab in LABS
             for f in ("README.md", "grade.py")]:
        check(need in names, "the handout lacks %s" % need)

"""The docs stay true: every file docs/lde.md and README.md point at exists,
every function they name is defined somewhere in the tree, and the guest
commands of the tour print what the tour says.
"""

import os
import re

import harness
from harness import check, test

DOCS = ("docs/lde.md", "README.md")


def _read(rel):
    with open(os.path.join(harness.ROOT, rel), encoding="utf-8") as f:
        return f.read()


# Example names the README invents for the reader to create.
EXAMPLES = ("user/hello.c", "user/hello/", "user/_hello", "user/_name", "tests/test_AREA.py")


def _sources():
    for top in ("kernel", "user", "mkfs"):
        for d, _, names in os.walk(os.path.join(harness.ROOT, top)):
            for n in names:
                if n.endswith((".c", ".S", ".h")):
                    yield os.path.join(d, n)
    yield os.path.join(harness.ROOT, "trampoline.S")


def _defined_names():
    """Every function defined (C: name at column 0 followed by '('),
    assembly label, and system call (SYSCALL table entry) in the tree."""
    names = set()
    for path in _sources():
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        names.update(re.findall(r"(?m)^(\w+)\(", text))
        names.update(re.findall(r"(?m)^(\w+):", text))
        names.update(re.findall(r"SYSCALL\w*\(\s*\d+,\s*(\w+),", text))
    return names


@test(quick=True)
def docs_references(t):
    problems = []
    defined = _defined_names()
    for doc in DOCS:
        text = _read(doc)
        for f in re.findall(r"`((?:kernel|user|tests|tools|mkfs|docs)/[\w./-]+"
                            r"|trampoline\.S)`", text):
            # tests/out/ is what a run writes (a fresh clone has none yet).
            if f in EXAMPLES or "*" in f or f.startswith("tests/out/"):
                continue
            if not os.path.exists(os.path.join(harness.ROOT, f)):
                problems.append("%s names a missing file %s" % (doc, f))
        for fn in re.findall(r"`(\w+)\(\)`", text):
            if fn not in defined:
                problems.append("%s names %s(), defined nowhere" % (doc, fn))
    check(not problems, "; ".join(problems))


@test(quick=True)
def docs_tour_commands(t):
    """The guest commands docs/lde.md shows, with what it says they print."""
    m = t.boot(cpus=1)
    m.wait_prompt()
    out = m.run("lde priv")
    check(re.search(r"pid \d+ \(lde\): illegal instruction", m.output),
          "lde priv: no kill line")
    out = m.run("lde kread")
    check(re.search(r"pid \d+ \(lde\): load page fault", m.output),
          "lde kread: no load page fault line")
    out = m.run("lde badsys")
    check("badsys: returned -1" in out, "lde badsys: %r" % out)
    out = m.run("trace 32 cat README.md")
    check(re.search(r"\d+: syscall read -> \d+ \(3, 0x[0-9a-f]+, \d+\) \[cat\]",
                    m.output), "trace 32 cat: no read lines")
    out = m.run("ps")
    check("sh" in out and "init" in out, "ps: %r" % out)
    out = m.run("spin &")
    out = m.run("echo hi", timeout=10)
    check("hi" in out, "the shell did not answer beside spin")

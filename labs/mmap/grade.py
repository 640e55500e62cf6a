#!/usr/bin/env python3
"""Grader for the mmap lab (labs/mmap/README.md): mmap and munmap of
files.  Run it with `make grade LAB=mmap` (or directly, with --json FILE
for Gradescope).  Each part boots a fresh ldx and runs some tests of
labs/mmap/user/mmaptest.c, each of which prints "NAME: OK" or
"NAME: FAIL why"; the part fails at the first test that does not say OK,
with that test's reason."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tests"))

from harness import Grader, check_output  # noqa: E402

g = Grader("mmap", lab="mmap")

PARTS = [
    (["basic"], 10, "a mapping shows the file, zeros past its end"),
    (["lazy"], 10, "pages are read in at their first touch"),
    (["private"], 10, "MAP_PRIVATE writes never reach the file"),
    (["shared", "sharedexit", "sharedexec"], 15,
     "MAP_SHARED writes reach the file at munmap, exit and exec"),
    (["prot"], 10, "PROT_ bits and the file's open mode are enforced"),
    (["unmap"], 10, "munmap from either end, not a hole"),
    (["fork"], 10, "fork passes the mappings on"),
    (["files"], 5, "a mapping holds its file; two files at once"),
    (["badargs"], 5, "bad arguments return -1"),
    (["kernel"], 5, "the kernel's copies page in; the heap stays below"),
    (["leak"], 10, "no page and no file reference leaks"),
]


def add(names, points, what):
    @g.part("mmaptest %s: %s" % (" ".join(names), what), points=points)
    def _(m):
        m.wait_prompt()
        out = m.run("mmaptest %s" % " ".join(names), timeout=40)
        for name in names:
            check_output(out, r"^%s: OK$" % name, "mmaptest %s" % name)
        check_output(m.run("echo still alive"), r"^still alive$",
                     "the shell after the test")


for _names, _points, _what in PARTS:
    add(_names, _points, _what)

if __name__ == "__main__":
    g.main()

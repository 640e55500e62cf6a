"""xv6 compatibility with the course tooling that exists.

  - a program written in the 2025 xv6 style (user/compat25.c: pause,
    sbrklazy, sys_sbrk, SBRK_ERROR, memcpy, SUPERPGSIZE) builds with xv6's
    warning flags and runs;
  - user programs get -Wall -Werror and nothing stricter;
  - the image holds /README (a top-level README if the tree has one, else
    README.md) and the files UEXTRA names;
  - `make qemu-gdb` starts QEMU's gdb stub without gdb-multiarch, and a
    breakpoint set by address from kernel/kernel.sym (sys_pause) is hit;
  - `make grade` runs a grade-lab-NAME script the way MIT's Makefile does;
  - the shell: "$ " before every command whatever its input, "exec NAME
    failed", quotes as ordinary characters.
"""

import glob
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time

from harness import ROOT, TestFailure, build, check, make, test


def shell(t, **kw):
    kw.setdefault("cpus", 1)
    m = t.boot(**kw)
    m.wait_prompt(60)
    return m


@test(quick=True)
def compat_2025_program(t):
    """user/compat25.c, written against the 2025 API, runs and passes."""
    m = shell(t)
    out = m.run("compat25", 60)
    check("compat25: ok" in out, "compat25 did not pass:\n%s" % out)


# Code that -Wall accepts and -Wextra rejects (a signed/unsigned comparison,
# an unused parameter, a partly initialised struct): it builds on xv6.
XV6_OK = r"""
#include "kernel/types.h"
#include "user/user.h"
struct pair { int a, b; };
struct pair p = { 1 };
int count(char *s, int unused) { int n = 0; for (int i = 0; i < strlen(s); i++) n++; return n; }
"""

# Code that -Wall -Werror rejects on xv6 too.
XV6_BAD = r"""
int f(void) { int unused; return 0; }
"""


def compile_user(src, flags):
    d = tempfile.mkdtemp(prefix="ldx-compat-")
    try:
        path = os.path.join(d, "prog.c")
        with open(path, "w") as f:
            f.write(src)
        cc = make("-s", "print-cc", lock=False).strip().splitlines()[-1]
        r = subprocess.run([cc] + flags.split() + ["-c", path, "-o",
                                                   os.path.join(d, "prog.o")],
                           cwd=ROOT, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=120)
        return r.returncode, r.stdout.decode("utf-8", "replace")
    finally:
        shutil.rmtree(d, ignore_errors=True)


@test(quick=True)
def compat_user_flags(t):
    """A user program gets xv6's -Wall -Werror and no stricter warnings."""
    flags = make("-s", "print-ucflags", lock=False).strip().splitlines()[-1]
    check("-Wall" in flags.split() and "-Werror" in flags.split(),
          "user flags lack -Wall -Werror: %s" % flags)
    rc, out = compile_user(XV6_OK, flags)
    check(rc == 0, "code that builds on xv6 does not build here:\n%s" % out)
    rc, out = compile_user(XV6_BAD, flags)
    check(rc != 0, "an unused variable passed -Wall -Werror")


@test(quick=True)
def compat_image_files(t):
    """/README holds ldx's README.md; a file named by UEXTRA is in the
    image under its last path component."""
    extra = os.path.join("tests", "data", "xtra.txt")
    with open(os.path.join(ROOT, extra)) as f:
        want = f.read().strip()
    with open(os.path.join(ROOT, "README.md")) as f:
        first = f.readline().strip()
    m = shell(t, make_vars={"UEXTRA": extra})
    out = m.run("cat README", 30)
    check(first in out and "exec" not in out.split("\n")[0],
          "cat README did not show README.md's first line %r:\n%s"
          % (first, out[:500]))
    out = m.run("wc README", 30)
    check(re.search(r"\d+ \d+ \d+ README", out), "wc README: %r" % out)
    out = m.run("cat xtra.txt", 30)
    check(want in out, "UEXTRA's file is not in the image: %r" % out)


@test(quick=True)
def compat_top_readme(t):
    """A README at the top of the tree goes into the image instead of
    README.md, and UEXTRA defaults to user/*.sh and user/*.txt (checked on
    a copy of the Makefile, with make -n)."""
    d = tempfile.mkdtemp(prefix="ldx-readme-")
    try:
        shutil.copy(os.path.join(ROOT, "Makefile"), d)
        # Empty stand-ins for what fs.img is made from, two READMEs and a
        # lab's data files.
        for f in ("mkfs/mkfs.c", "kernel/fs.h", "kernel/param.h",
                  "kernel/stat.h", "kernel/types.h", "README", "README.md",
                  "user/findtest.sh", "user/sixfive.txt"):
            os.makedirs(os.path.join(d, os.path.dirname(f)), exist_ok=True)
            with open(os.path.join(d, f), "w") as fh:
                fh.write("\n")
        r = subprocess.run(["make", "-n", "--no-print-directory", "fs.img"],
                           cwd=d, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=60)
        out = r.stdout.decode("utf-8", "replace")
        check(re.search(r"(?m)^cp README \S*fsroot/README$", out),
              "with a top-level README, fs.img does not get it:\n%s" % out)
        check(re.search(r"(?m)^mkfs/mkfs fs.img .*user/findtest.sh", out) and
              re.search(r"(?m)^mkfs/mkfs fs.img .*user/sixfive.txt", out),
              "UEXTRA's default misses user/*.sh or user/*.txt:\n%s" % out)
        os.unlink(os.path.join(d, "README"))
        r = subprocess.run(["make", "-n", "--no-print-directory", "fs.img"],
                           cwd=d, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=60)
        out = r.stdout.decode("utf-8", "replace")
        check(re.search(r"(?m)^cp README.md \S*fsroot/README$", out),
              "without a top-level README, fs.img does not get README.md:\n%s"
              % out)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def _free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def _path_without(prog):
    """A PATH on which every program of ours is found except prog: a
    directory of links to everything else on PATH."""
    d = tempfile.mkdtemp(prefix="ldx-path-")
    for p in os.environ.get("PATH", "").split(os.pathsep):
        if not os.path.isdir(p):
            continue
        for name in os.listdir(p):
            dst = os.path.join(d, name)
            if name == prog or os.path.lexists(dst):
                continue
            src = os.path.join(p, name)
            if os.path.isfile(src) and os.access(src, os.X_OK):
                os.symlink(src, dst)
    return d


class GdbRemote:
    """Just enough of gdb's remote protocol to do what MIT's gradelib does:
    stop, continue, set a breakpoint, read the pc."""

    def __init__(self, port, deadline):
        self.deadline = deadline
        while True:
            try:
                self.s = socket.create_connection(("127.0.0.1", port), 2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise TestFailure("nothing listens on gdb port %d" % port)
                time.sleep(0.5)
        self.s.settimeout(1)
        self.buf = b""

    def send(self, data):
        body = data.encode()
        self.s.sendall(b"$%s#%02x" % (body, sum(body) % 256))

    def reply(self):
        """The next packet's body (acks skipped, each packet acked)."""
        while True:
            m = re.search(rb"\$([^#]*)#[0-9a-fA-F]{2}", self.buf)
            if m:
                self.buf = self.buf[m.end():]
                self.s.sendall(b"+")
                return m.group(1).decode("ascii", "replace")
            if time.monotonic() > self.deadline:
                raise TestFailure("the gdb stub did not answer in time")
            try:
                chunk = self.s.recv(4096)
            except socket.timeout:
                continue
            if not chunk:
                raise TestFailure("the gdb stub closed the connection")
            self.buf += chunk

    def ask(self, data):
        self.send(data)
        return self.reply()

    def interrupt(self):
        self.s.sendall(b"\x03")
        return self.reply()

    def close(self):
        self.s.close()


def _sym(name):
    with open(os.path.join(ROOT, "kernel", "kernel.sym")) as f:
        for line in f:
            w = line.split()
            if len(w) == 2 and w[1] == name:
                return int(w[0], 16)
    raise TestFailure("%s is not in kernel/kernel.sym" % name)


def _wait_log(log, pattern, deadline):
    while time.monotonic() < deadline:
        with open(log) as f:
            text = f.read()
        if re.search(pattern, text):
            return text
        time.sleep(0.3)
    with open(log) as f:
        raise TestFailure("no %r in make qemu-gdb's output:\n%s"
                          % (pattern, f.read()[-2000:]))


@test(timeout=300)
def compat_qemu_gdb_without_gdb(t):
    """make qemu-gdb with no gdb-multiarch on PATH says how to install it
    and starts QEMU on the port given by GDBPORT; then, as MIT's graders
    do, the test speaks gdb's protocol itself: continue to the shell, a
    breakpoint at sys_pause's address from kernel/kernel.sym, and a
    program that pauses stops there."""
    build()
    port = _free_port()
    bindir = _path_without("gdb-multiarch")
    env = dict(os.environ, PATH=bindir)
    for k in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"):
        env.pop(k, None)
    log = os.path.join(ROOT, "tests", "out", "compat_qemu_gdb.log")
    os.makedirs(os.path.dirname(log), exist_ok=True)
    with open(log, "w") as out:
        p = subprocess.Popen(["make", "--no-print-directory", "qemu-gdb",
                              "CPUS=1", "GDBPORT=%d" % port], cwd=ROOT,
                             env=env, stdin=subprocess.PIPE, stdout=out,
                             stderr=subprocess.STDOUT, start_new_session=True)
    gdb = None
    try:
        deadline = time.monotonic() + 200
        gdb = GdbRemote(port, deadline)
        stop = gdb.ask("?")
        check(re.match(r"[ST][0-9a-f]{2}", stop), "odd stop reply %r" % stop)
        text = open(log).read()
        check("gdb-multiarch is not installed" in text and
              "apt-get install" in text,
              "no hint on installing gdb-multiarch:\n%s" % text[-2000:])
        gdb.send("c")
        _wait_log(log, r"(?m)^\$ ", deadline)
        gdb.interrupt()
        pause = _sym("sys_pause")
        check(gdb.ask("Z0,%x,4" % pause) == "OK",
              "QEMU refused a breakpoint at sys_pause")
        gdb.send("c")
        p.stdin.write(b"compat25\n")
        p.stdin.flush()
        stop = gdb.reply()
        check(re.match(r"[ST]05", stop),
              "expected a breakpoint stop, got %r" % stop)
        # 'g': x0..x31 then the pc, 8 bytes each, target byte order.
        regs = gdb.ask("g")
        check(len(regs) >= 33 * 16, "odd register dump %r" % regs[:80])
        pc = int.from_bytes(bytes.fromhex(regs[32 * 16:33 * 16]), "little")
        check(pc == pause, "stopped at %#x, sys_pause is at %#x" % (pc, pause))
    finally:
        if gdb:
            gdb.close()
        try:
            os.killpg(p.pid, 9)
        except OSError:
            pass
        p.wait(30)
        shutil.rmtree(bindir, ignore_errors=True)


GRADER = """#!/bin/sh
echo "grader $(basename "$0") ran with: $*"
"""


@test(quick=True)
def compat_make_grade(t):
    """make grade runs ./grade-lab-NAME GRADEFLAGS after make clean, as
    MIT's Makefile does: LAB picks one, a single script needs no LAB, and
    several without LAB is an error that says so (on a copy of the
    Makefile, with a stand-in grader)."""
    d = tempfile.mkdtemp(prefix="ldx-grade-")
    try:
        shutil.copy(os.path.join(ROOT, "Makefile"), d)
        os.makedirs(os.path.join(d, "tools"))
        deps = os.path.join(d, "tools", "ensure-deps")
        with open(deps, "w") as f:
            f.write("#!/bin/sh\nexit 0\n")
        os.chmod(deps, 0o755)

        def grader(name):
            path = os.path.join(d, "grade-lab-" + name)
            with open(path, "w") as f:
                f.write(GRADER)
            os.chmod(path, 0o755)

        def grade(*args):
            r = subprocess.run(["make", "--no-print-directory", "grade"] +
                               list(args), cwd=d, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=60)
            return r.returncode, r.stdout.decode("utf-8", "replace")

        grader("util")
        rc, out = grade("GRADEFLAGS=-v")
        check(rc == 0 and "grader grade-lab-util ran with: -v" in out,
              "make grade did not run the only grade-lab script:\n%s" % out)
        check("rm -rf" in out.split("grader")[0],
              "make grade did not make clean first:\n%s" % out)
        grader("cow")
        rc, out = grade("LAB=cow")
        check(rc == 0 and "grader grade-lab-cow ran" in out,
              "make grade LAB=cow did not run grade-lab-cow:\n%s" % out)
        rc, out = grade()
        check(rc != 0 and "LAB=" in out and "ran with" not in out,
              "two graders and no LAB should be an error naming LAB:\n%s" % out)
    finally:
        shutil.rmtree(d, ignore_errors=True)


@test(quick=True)
def compat_sh_prompts(t):
    """sh prints "$ " before every command it reads, also from a script on
    its input, from a pipe and from a file argument."""
    m = shell(t)
    m.run("echo echo one > s.sh", 30)
    m.run("echo echo two >> s.sh", 30)
    for cmd in ("sh < s.sh", "cat s.sh | sh", "sh s.sh"):
        # Two commands and the end of input, each after a prompt of the
        # inner shell; then the outer shell's own.
        m.skip_to_end()
        m.send(cmd)
        m.expect(r"\$ one\n\$ two\n\$ \$ ", 30)
    # The prompt goes to fd 2: a script's fd 1 holds only its output.
    m.skip_to_end()
    m.send("sh < s.sh > o.txt")
    m.expect(r"\$ \$ \$ \$ ", 30)
    out = m.run("cat o.txt", 30)
    check(out.strip() == "one\ntwo", "prompts reached fd 1: %r" % out)


@test(quick=True)
def compat_sh_xv6_rules(t):
    """A command that cannot run prints "exec NAME failed" at the start of
    a line; quotes are ordinary characters."""
    m = shell(t)
    out = m.run("nosuchprogram", 30)
    check(re.search(r"(?m)^exec nosuchprogram failed", out),
          "no 'exec nosuchprogram failed' line: %r" % out)
    out = m.run('echo "hello"', 30)
    check(out.strip() == '"hello"', 'echo "hello" printed %r' % out)
    out = m.run("echo 'a b' c", 30)
    check(out.strip() == "'a b' c", "echo 'a b' c printed %r" % out)


XV6_CALLS = ("fork exit wait pipe read kill exec fstat chdir dup getpid sbrk "
             "sleep pause uptime open write mknod unlink link mkdir close").split()


@test(quick=True)
def compat_kernel_names(t):
    """Graders set breakpoints by name from kernel/kernel.sym: every call
    xv6 has runs in a kernel function of xv6's name (sys_fork, ...)."""
    build()
    with open(os.path.join(ROOT, "kernel", "kernel.sym")) as f:
        names = {l.split()[-1] for l in f if l.strip()}
    missing = [c for c in XV6_CALLS if "sys_" + c not in names]
    check(not missing, "kernel/kernel.sym lacks %s"
          % ", ".join("sys_" + c for c in missing))


@test(quick=True)
def compat_lab_defines(t):
    """A lab's programs are compiled with -DLAB_NAME -DSOL_NAME, as MIT's
    lab Makefiles compile them (read off make's dry run for each lab
    that has programs)."""
    progs = sorted(glob.glob(os.path.join(ROOT, "labs", "*", "user", "*.c")))
    check(progs, "no lab has programs")
    for src in progs:
        rel = os.path.relpath(src, ROOT)
        lab = rel.split(os.sep)[1]
        obj = os.path.join("build", rel + ".o")
        r = subprocess.run(["make", "-n", "-B", "--no-print-directory",
                            "LAB=" + lab, obj], cwd=ROOT, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=60)
        out = r.stdout.decode("utf-8", "replace")
        want = "-DLAB_%s -DSOL_%s" % (lab.upper(), lab.upper())
        check(r.returncode == 0 and want in out,
              "%s: its compile command lacks %s:\n%s" % (rel, want, out[-800:]))

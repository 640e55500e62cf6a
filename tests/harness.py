"""Drive ldx under QEMU from Python: build, boot, talk to the console.

Used by ldx's own tests (tests/test_*.py, run by tests/run.py) and by
course lab graders (see tests/graders/).  Python 3 standard library only.

The pieces, in the order a test uses them:

    build(make_vars=None) -> Artifacts
        Runs `make all` (with extra variables such as PREEMPT=0) under a
        process-wide lock, then copies kernel/kernel and fs.img aside, so
        later builds with other variables cannot change a running test's
        files.  Results are cached per set of variables.

    boot(name, cpus=1, mem="128M", bootargs="", make_vars=None,
         image=None, gdbport=None, gdb_wait=False, qemu_args=None,
         deadline=None) -> Machine
        Gets the QEMU command line from `make -s print-qemu` (the Makefile
        stays the one source of truth), points it at a private COPY of fs.img
        (tests/out/<name>.img, or the given `image` to boot a disk left by an
        earlier machine), and starts QEMU.  A background thread collects the
        console; everything is also written to tests/out/<name>.log.

    Machine
        expect(regex, timeout=30) -> re.Match   wait for output matching regex
        send(line)                              type one line on the console
        run(cmd, timeout=30) -> str             send, wait for the next "$ ",
                                                return what the command printed
        wait_prompt(timeout=30)                 wait for a shell prompt "$ "
        wait_exit(timeout=30) -> int            wait for QEMU to exit by itself
        kill()                                  kill QEMU at once (SIGKILL)
        output                                  all console text so far
        Also a context manager: `with boot(...) as m:` kills QEMU on exit.

Nothing ever waits without a timeout, and every QEMU started here is killed
when its Machine is closed, when the process exits (atexit) and on SIGTERM,
so a hung guest makes a test fail, never hang.  Console text has carriage
returns removed.  Matching works on a cursor: expect() searches only the
output after the end of the previous match, so repeated expects read the
console in order.

Errors are raised as TestFailure (or its subclasses BuildError and
ExpectTimeout); their message says what went wrong, and for a console wait
also shows the last 40 lines of output.
"""

import atexit
import codecs
import contextlib
import fcntl
import heapq
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "out")

PROMPT = r"(?m)^\$ "
TAIL_LINES = 40
BUILD_TIMEOUT = 900


class TestFailure(Exception):
    """A test (or grader part) failed; the message says why."""


class BuildError(TestFailure):
    """`make` failed; the message holds the end of its output."""


class ExpectTimeout(TestFailure):
    """The console did not show what was expected in time."""


class Skip(Exception):
    """Raised by a test that cannot run here (the message says why)."""


def _make_env():
    # When run from `make test`, MAKEFLAGS carries the outer make's job-server
    # file descriptors and command-line variables; neither belongs to the
    # sub-makes started here.
    env = dict(os.environ)
    for k in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"):
        env.pop(k, None)
    return env


def _vars_args(make_vars):
    return ["%s=%s" % (k, v) for k, v in sorted((make_vars or {}).items())]


def tail(text, n=TAIL_LINES):
    """The last n lines of text, as one string."""
    lines = text.splitlines()
    return "\n".join(lines[-n:])


# Tests run in threads, and two makes building the same file at once (say,
# both finding mkfs/fsck missing) clobber each other's output; so every make
# that may build goes through this lock.  Other processes build in the tree
# too (a lab grader run by a test), so it also holds an flock on
# tests/out/.make.lock.
_make_lock = threading.RLock()
_flock_depth = 0


@contextlib.contextmanager
def tree_lock(cwd=ROOT):
    """Hold while running make in the tree at cwd, or while copying what it
    built: no other thread of this process and no other process using this
    harness builds there meanwhile."""
    global _flock_depth
    with _make_lock:
        f = None
        if _flock_depth == 0:
            d = os.path.join(cwd, "tests", "out")
            os.makedirs(d, exist_ok=True)
            f = open(os.path.join(d, ".make.lock"), "a")
            fcntl.flock(f, fcntl.LOCK_EX)
        _flock_depth += 1
        try:
            yield
        finally:
            _flock_depth -= 1
            if f is not None:
                f.close()   # releases the flock


def make(*args, make_vars=None, timeout=BUILD_TIMEOUT, cwd=ROOT, lock=True):
    """Run make with args and variables; return its combined output.

    Serialised with every other make() of this process unless lock=False
    (for targets that only print).  Raises BuildError (with the last lines
    of output) if make fails or takes longer than timeout seconds.
    """
    cmd = ["make", "--no-print-directory"] + list(args) + _vars_args(make_vars)
    try:
        if lock:
            with tree_lock(cwd):
                r = subprocess.run(cmd, cwd=cwd, env=_make_env(),
                                   stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, timeout=timeout)
        else:
            r = subprocess.run(cmd, cwd=cwd, env=_make_env(),
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        out = (e.output or b"").decode("utf-8", "replace")
        raise BuildError("%s: timed out after %ds\n%s"
                         % (" ".join(cmd), timeout, tail(out)))
    out = r.stdout.decode("utf-8", "replace")
    if r.returncode != 0:
        raise BuildError("%s failed (exit %d)\n%s"
                         % (" ".join(cmd), r.returncode, tail(out)))
    return out


class Artifacts:
    """One build's kernel and file-system image, copied out of the tree."""

    def __init__(self, kernel, fsimg, make_vars, output):
        self.kernel = kernel      # path of the kernel ELF copy
        self.fsimg = fsimg        # path of the pristine fs.img copy
        self.make_vars = make_vars
        self.output = output      # what make printed


_build_lock = threading.Lock()
_build_cache = {}


def copy_sparse(src, dst):
    """Copy src to dst, leaving each MiB of zero bytes a hole: a disk image
    is mostly zeros (the fs lab's is 200 MB), and its copies are many."""
    chunk = 1 << 20
    with open(src, "rb") as f, open(dst, "wb") as g:
        while True:
            data = f.read(chunk)
            if not data:
                break
            if data.strip(b"\0"):
                g.write(data)
            else:
                g.seek(len(data), os.SEEK_CUR)
        g.truncate()


def _copy_whole(src, dst):
    """Copy src to dst by renaming a full copy into place, so a QEMU that
    another run of the harness (a grader a test starts, say) is starting
    from dst never reads half a file."""
    tmp = "%s.%d.tmp" % (dst, os.getpid())
    copy_sparse(src, tmp)
    os.replace(tmp, dst)


def build(make_vars=None, jobs=None):
    """Build kernel/kernel and fs.img with make_vars; return Artifacts.

    Serialised by a lock: the tree has one kernel/kernel, so two builds with
    different variables must not overlap.  Cached per variable set.  A failed
    build is cached too (the same BuildError is raised again), so thirty tests
    do not rebuild a broken tree thirty times.
    """
    key = tuple(sorted((make_vars or {}).items()))
    with _build_lock:
        hit = _build_cache.get(key)
        if isinstance(hit, BaseException):
            raise hit
        if hit is not None:
            return hit
        try:
            jobs = jobs or os.cpu_count() or 1
            tag = "-".join("%s=%s" % kv for kv in key) or "default"
            tag = re.sub(r"[^A-Za-z0-9=_.-]", "_", tag)
            d = os.path.join(OUT, "build", tag)
            os.makedirs(d, exist_ok=True)
            kernel = os.path.join(d, "kernel")
            fsimg = os.path.join(d, "fs.img")
            # The copies are taken before anyone else builds in the tree.
            with tree_lock():
                out = make("-j%d" % jobs, "all", make_vars=make_vars)
                _copy_whole(os.path.join(ROOT, "kernel", "kernel"), kernel)
                _copy_whole(os.path.join(ROOT, "fs.img"), fsimg)
                if key:
                    # Leave the tree's kernel/kernel and fs.img the plain
                    # ones (a relink), for `make qemu` and for makes that
                    # other tests start without this lock.
                    make("-j%d" % jobs, "all")
            art = Artifacts(kernel, fsimg, dict(make_vars or {}), out)
        except BuildError as e:
            _build_cache[key] = e
            raise
        except OSError as e:
            err = BuildError("build: %s" % e)
            _build_cache[key] = err
            raise err
        _build_cache[key] = art
        return art


_qemu_cache = {}


def qemu_command(cpus=1, mem="128M", bootargs="", make_vars=None):
    """The QEMU argv that `make qemu` would run, as printed by print-qemu
    (asked once per set of arguments: the Makefile does not change during
    a run)."""
    v = dict(make_vars or {})
    v.update(CPUS=cpus, MEM=mem, BOOTARGS=bootargs)
    key = tuple(sorted((k, str(x)) for k, x in v.items()))
    hit = _qemu_cache.get(key)
    if hit is None:
        hit = _qemu_cache[key] = _print_qemu(v, bootargs)
    return list(hit)


def _print_qemu(v, bootargs):
    out = make("-s", "print-qemu", make_vars=v, timeout=60, lock=False)
    lines = [l for l in out.splitlines() if l.strip()]
    if not lines:
        raise BuildError("make print-qemu printed nothing")
    argv = shlex.split(lines[-1])
    # print-qemu goes through the shell's echo, which eats the quotes around
    # a multi-word -append value; put the words back together.
    if bootargs and "-append" in argv:
        i = argv.index("-append")
        words = bootargs.split()
        if argv[i + 1:i + 1 + len(words)] == words and len(words) > 1:
            argv[i + 1:i + 1 + len(words)] = [bootargs]
    return argv


def _retarget(argv, kernel, image):
    """Point a QEMU argv at another kernel file and disk image."""
    argv = list(argv)
    if "-kernel" in argv:
        argv[argv.index("-kernel") + 1] = kernel
    found = False
    for i, a in enumerate(argv):
        if a.startswith("file=") and ("if=none" in a or "format=raw" in a):
            rest = a.split(",", 1)[1] if "," in a else ""
            argv[i] = "file=" + image.replace(",", ",,") + ("," + rest if rest else "")
            found = True
    if not found:
        raise TestFailure("cannot find the disk (file=...) in the QEMU command: %s"
                          % " ".join(argv))
    return argv


try:
    _CLK_TCK = os.sysconf("SC_CLK_TCK")
except (ValueError, OSError, AttributeError):
    _CLK_TCK = 100

_live = set()
_live_lock = threading.Lock()
_logs_opened = set()


def _kill_all():
    with _live_lock:
        machines = list(_live)
    for m in machines:
        m.kill()


atexit.register(_kill_all)


def install_signal_handlers():
    """Make SIGTERM and SIGHUP exit through atexit, so QEMUs get killed.

    Call from the main thread of a program that boots machines (run.py and
    Grader do it).
    """
    def handler(signum, frame):
        raise SystemExit(128 + signum)
    for s in (signal.SIGTERM, signal.SIGHUP):
        try:
            signal.signal(s, handler)
        except (ValueError, OSError):
            pass


def _safe_name(name):
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


class Machine:
    """One running QEMU with ldx, and its console."""

    def __init__(self, name, argv, image, log_path, deadline=None):
        self.name = name
        self.argv = argv
        self.image = image        # the disk this machine writes
        self.log_path = log_path
        self.deadline = deadline  # absolute time.monotonic() limit, or None
        self._text = ""
        self._pos = 0
        self._cond = threading.Condition()
        self._eof = False
        self.cpu_secs = 0.0       # QEMU's CPU time (user+system) seen so far
        self._sampled = 0.0
        first = log_path not in _logs_opened
        _logs_opened.add(log_path)
        os.makedirs(os.path.dirname(log_path), exist_ok=True)
        self._log = open(log_path, "w" if first else "a", encoding="utf-8")
        self._log.write("%s### %s\n" % ("" if first else "\n",
                                         " ".join(shlex.quote(a) for a in argv)))
        self._log.flush()
        self.proc = subprocess.Popen(
            argv, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, start_new_session=True)
        with _live_lock:
            _live.add(self)
        self._reader = threading.Thread(target=self._read, daemon=True,
                                        name="console-" + name)
        self._reader.start()

    def _sample_cpu(self):
        """Note QEMU's CPU time so far (Linux /proc; best effort)."""
        try:
            with open("/proc/%d/stat" % self.proc.pid) as f:
                v = f.read().rpartition(")")[2].split()
            self.cpu_secs = max(self.cpu_secs,
                                (int(v[11]) + int(v[12])) / _CLK_TCK)
        except (OSError, ValueError, IndexError):
            pass
        self._sampled = time.monotonic()

    # -- console collection -------------------------------------------------
    def _read(self):
        dec = codecs.getincrementaldecoder("utf-8")("replace")
        fd = self.proc.stdout.fileno()
        while True:
            try:
                data = os.read(fd, 4096)
            except OSError:
                data = b""
            s = dec.decode(data, final=not data).replace("\r", "")
            with self._cond:
                if s:
                    self._text += s
                    try:
                        self._log.write(s)
                        self._log.flush()
                    except ValueError:
                        pass
                if not data:
                    self._eof = True
                self._cond.notify_all()
            if not data or time.monotonic() - self._sampled > 1.0:
                self._sample_cpu()
            if not data:
                return

    @property
    def output(self):
        """All console output so far (carriage returns removed)."""
        with self._cond:
            return self._text

    def _limit(self, timeout):
        self._wait_start = time.monotonic()
        end = self._wait_start + timeout
        if self.deadline is not None and self.deadline < end:
            end = self.deadline
            self._why_end = " (the test's time limit)"
        else:
            self._why_end = ""
        return end

    def _waited(self):
        return "%.0fs%s" % (time.monotonic() - self._wait_start, self._why_end)

    def _status(self):
        """QEMU's exit status, waiting a moment for a process that closed
        its output but is still exiting."""
        try:
            return self.proc.wait(2)
        except subprocess.TimeoutExpired:
            return None

    def _fail(self, what, cls=ExpectTimeout):
        with self._cond:
            text = self._text
        raise cls("%s\n--- last %d lines of the console (%s) ---\n%s"
                  % (what, TAIL_LINES, os.path.relpath(self.log_path, ROOT),
                     tail(text)))

    # -- the public interface -----------------------------------------------
    def expect(self, regex, timeout=30):
        """Wait until the output after the cursor matches regex.

        Returns the re.Match (its positions index self.output) and moves the
        cursor past it.  Raises ExpectTimeout if nothing matches within
        timeout seconds, or at once if QEMU exits first.
        """
        pat = re.compile(regex) if isinstance(regex, str) else regex
        end = self._limit(timeout)
        with self._cond:
            while True:
                m = pat.search(self._text, self._pos)
                if m:
                    self._pos = m.end()
                    return m
                if self._eof:
                    break
                left = end - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(min(left, 1.0))
        if self._eof:
            self._fail("QEMU exited (status %s) before the console showed %r"
                       % (self._status(), pat.pattern))
        self._fail("timed out after %s waiting for %r" % (self._waited(), pat.pattern))

    def expect_all(self, regex, count_fn, timeout=30, start=None):
        """Wait until count_fn(list of all matches of regex after the cursor,
        or after position `start` if given) is true; return that list.  The
        cursor does not move."""
        pat = re.compile(regex) if isinstance(regex, str) else regex
        end = self._limit(timeout)
        with self._cond:
            while True:
                ms = list(pat.finditer(self._text,
                                       self._pos if start is None else start))
                if count_fn(ms):
                    return ms
                left = end - time.monotonic()
                if self._eof or left <= 0:
                    break
                self._cond.wait(min(left, 1.0))
        if self._eof:
            self._fail("QEMU exited (status %s) before enough lines matched %r"
                       % (self._status(), pat.pattern))
        self._fail("timed out after %s waiting for enough lines matching %r"
                   % (self._waited(), pat.pattern))

    def mark(self):
        """The cursor position, to slice self.output later."""
        with self._cond:
            return self._pos

    def skip_to_end(self):
        """Move the cursor to the end of what has been received."""
        with self._cond:
            self._pos = len(self._text)

    def send(self, line):
        """Type line (a newline is added) on the console."""
        data = (line + "\n").encode()
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except (BrokenPipeError, ValueError, OSError):
            self._fail("cannot send %r: QEMU has exited" % line, TestFailure)

    def wait_prompt(self, timeout=30):
        """Wait for the shell prompt "$ " at the start of a line."""
        return self.expect(PROMPT, timeout)

    def _next_prompt(self, start, timeout, settle=1.0):
        """The prompt that ends a command's output, searched from start.

        Output can itself contain "$ " at the start of a line (echo '$ x'),
        so the prompt wanted is one that nothing has followed yet: the shell
        is waiting for input.  A shell reading a script ("sh < file") prints
        its own prompts, the last one just before ours ("$ $ "): a "$ " that
        ends the output anywhere on a line counts once the console has been
        quiet for `settle` seconds.  (The first of such a shell's prompts
        may also look like the end: run scripts with send() and expect().)  If output keeps coming after every
        candidate (a background process printing), the first candidate is
        taken once the console has been quiet, or at the deadline.
        """
        pat = re.compile(PROMPT)
        tailpat = re.compile(r"\$ \Z")
        end = self._limit(timeout)
        last_len, last_change = -1, time.monotonic()
        with self._cond:
            while True:
                ms = list(pat.finditer(self._text, start))
                now = time.monotonic()
                if len(self._text) != last_len:
                    last_len, last_change = len(self._text), now
                if ms and ms[-1].end() == len(self._text):
                    break
                tail = tailpat.search(self._text, start)
                if tail and now - last_change >= settle:
                    ms = [tail]
                    break
                if ms and (now - last_change >= settle or now >= end or
                           self._eof):
                    ms = ms[:1]
                    break
                if self._eof:
                    self._fail("QEMU exited (status %s) before the shell prompt"
                               % self._status())
                if now >= end:
                    self._fail("timed out after %s waiting for the shell prompt"
                               % self._waited())
                self._cond.wait(min(end - now, 0.2))
            m = ms[-1]
            self._pos = m.end()
            return m

    def run(self, cmd, timeout=30):
        """Run one shell command; return its output (without the echo of
        the command itself and without the following prompt)."""
        self.skip_to_end()
        start = self.mark()
        self.send(cmd)
        m = self._next_prompt(start, timeout)
        out = self.output[start:m.start()]
        # The console echoes what is typed; drop that echo.
        i = out.find(cmd)
        if i >= 0 and out[:i].strip() == "":
            out = out[i + len(cmd):]
            if out.startswith("\n"):
                out = out[1:]
        return out

    def wait_exit(self, timeout=30):
        """Wait for QEMU to exit by itself; return its exit status."""
        end = self._limit(timeout)
        try:
            rc = self.proc.wait(max(0.0, end - time.monotonic()))
        except subprocess.TimeoutExpired:
            self._fail("QEMU did not exit within %s" % self._waited())
        self._reader.join(5)
        return rc

    def alive(self):
        return self.proc.poll() is None

    def kill(self):
        """Kill QEMU at once (as a power cut would) and release everything."""
        if self.proc.poll() is None:
            self._sample_cpu()
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                self.proc.kill()
            except OSError:
                pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            pass
        self._reader.join(5)
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except OSError:
                pass
        with self._cond:
            try:
                self._log.close()
            except OSError:
                pass
        with _live_lock:
            _live.discard(self)

    close = kill

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()
        return False


def boot(name, cpus=1, mem="128M", bootargs="", make_vars=None, image=None,
         gdbport=None, gdb_wait=False, qemu_args=None, deadline=None):
    """Build (cached) and start ldx in QEMU; return the Machine.

    name      names the log (tests/out/<name>.log) and the disk copy
    image     boot this disk file instead of a fresh copy of fs.img (e.g. a
              crashed machine's m.image); it is used in place, not copied
    gdbport   if set, QEMU also listens for gdb on 127.0.0.1:gdbport
    gdb_wait  with gdbport: start halted until gdb says continue
    qemu_args extra QEMU arguments (a list), appended to the command
    deadline  time.monotonic() limit for every wait on this machine
    """
    art = build(make_vars)
    name = _safe_name(name)
    os.makedirs(OUT, exist_ok=True)
    if image is None:
        image = os.path.join(OUT, name + ".img")
        copy_sparse(art.fsimg, image)
    argv = qemu_command(cpus, mem, bootargs, make_vars)
    argv = _retarget(argv, art.kernel, os.path.abspath(image))
    if gdbport:
        argv += ["-gdb", "tcp:127.0.0.1:%d" % int(gdbport)]
        if gdb_wait:
            argv.append("-S")
    argv += list(qemu_args or [])
    return Machine(name, argv, image, os.path.join(OUT, name + ".log"), deadline)


# ---------------------------------------------------------------- the pool

class Pool:
    """Runs jobs (whole tests and the pieces a test hands out with
    TestContext.map) on at most `slots` threads at once, the job with the
    lowest priority value first.

    run.py makes one Pool for the whole run (harness.POOL), so a test made
    of many independent pieces (power cuts, say) spreads them over the
    cores beside the other tests instead of being one long job.  A job
    that hands out pieces runs them itself too, in its own slot, and waits
    only for those other slots have taken.
    """

    def __init__(self, slots):
        self.cond = threading.Condition()
        self.free = max(1, slots)
        self.queue = []          # heap of (priority, seq, job)
        self.seq = 0
        self.local = threading.local()

    class Job:
        def __init__(self, fn):
            self.fn = fn
            self.value = self.error = None
            self.taken = False   # started by a slot, or claimed by its owner
            self.done = threading.Event()

        def run(self):
            try:
                self.value = self.fn()
            except BaseException as e:  # handed to whoever waits for it
                self.error = e
            finally:
                self.done.set()

    def submit(self, fn, priority=0):
        """Queue fn() to run in a slot; returns a Job (job.done is set when
        it has finished; job.value or job.error holds what it returned or
        raised)."""
        return self._submit([fn], priority)[0]

    def _submit(self, fns, priority):
        jobs = [Pool.Job(fn) for fn in fns]
        with self.cond:
            for job in jobs:
                self.seq += 1
                heapq.heappush(self.queue, (priority, self.seq, job))
            self._dispatch()
        return jobs

    def _dispatch(self):
        # With self.cond held: start queued jobs while slots are free.
        while self.free > 0 and self.queue:
            _, _, job = heapq.heappop(self.queue)
            if job.taken:
                continue
            job.taken = True
            self.free -= 1
            threading.Thread(target=self._run, args=(job,), daemon=True,
                             name="job").start()

    def _run(self, job):
        self.local.in_slot = True
        try:
            job.run()
        finally:
            with self.cond:
                self.free += 1
                self._dispatch()

    def run_all(self, fns, priority):
        """Run every fn as a job; return the jobs once all have finished.
        Called from a job, it runs them in its own slot too."""
        jobs = self._submit(fns, priority)
        if getattr(self.local, "in_slot", False):
            while True:
                with self.cond:
                    mine = next((j for j in jobs if not j.taken), None)
                    if mine is not None:
                        mine.taken = True
                if mine is None:
                    break
                mine.run()
        for job in jobs:
            while not job.done.wait(0.2):
                pass
        return jobs


# The run's pool (set by run.py); None: TestContext.map runs pieces in turn.
POOL = None

# Priority of a test's pieces: ahead of every test not yet started, so a
# test that is under way finishes soon.
PIECE_PRIORITY = -1e18


# ---------------------------------------------------------------- tests

class TestCase:
    def __init__(self, fn, name, quick, timeout, alone, area):
        self.fn = fn
        self.name = name
        self.quick = quick      # part of the quick set (make test-quick)
        self.timeout = timeout  # seconds for the whole test
        self.alone = alone      # must not share the machine with another test
        self.area = area        # the test file it came from


TESTS = []


def test(name=None, quick=False, timeout=120, alone=False):
    """Register a test function for tests/run.py.

        @test(quick=True)
        def boot_cpus1(t):       # t: a TestContext
            m = t.boot(cpus=1)
            m.wait_prompt()

    The test passes when the function returns, fails when it raises (the
    exception's message is the reason), and is skipped on Skip.  quick puts
    it in the quick set; alone keeps other tests from running beside it (for
    tests whose verdict depends on timing; a test that is merely busy shares
    the cores like any other); timeout bounds every console wait of the
    test.  A test made of independent pieces hands them to t.map(), which
    runs them beside each other on the run's free slots.
    """
    def deco(fn):
        area = fn.__module__.replace("test_", "")
        TESTS.append(TestCase(fn, name or fn.__name__, quick, timeout, alone,
                              area))
        return fn
    return deco


class TestContext:
    """What a test function gets: boots machines, records sub-results."""

    def __init__(self, case):
        self.case = case
        self.name = case.name
        self.start = time.monotonic()
        self.deadline = self.start + case.timeout
        self.machines = []
        self.subs = []   # (name, passed, reason)

    def boot(self, suffix="", **kw):
        """boot() a machine named after the test (plus suffix); it is killed
        when the test ends.  Keyword arguments are boot()'s."""
        name = self.name + ("-" + suffix if suffix else "")
        kw.setdefault("deadline", self.deadline)
        m = boot(name, **kw)
        self.machines.append(m)
        return m

    def map(self, fn, items):
        """fn(item) for every item, as independent pieces that run beside
        each other and beside other tests when the run has slots free (in
        turn when there is no pool).  Returns [(value, error)] in the order
        of items: what fn returned, or the exception it raised (None when
        it returned).  fn must not share machines or files between items."""
        items = list(items)
        pool = POOL
        if pool is None:
            out = []
            for it in items:
                try:
                    out.append((fn(it), None))
                except Exception as e:
                    out.append((None, e))
            return out
        jobs = pool.run_all([lambda it=it: fn(it) for it in items],
                            PIECE_PRIORITY)
        for j in jobs:
            if isinstance(j.error, (KeyboardInterrupt, SystemExit)):
                raise j.error
        return [(j.value, j.error) for j in jobs]

    def sub(self, name, passed, reason=""):
        """Record one sub-result; each counts as a test of its own."""
        self.subs.append((name, bool(passed), reason))

    def collect(self, m, line, done, timeout=None):
        """Record a sub-result for each console line matching `line` until
        `done` matches.  `line` must have groups "name" and "status"; a status
        starting with OK, ok, PASS or pass counts as passed.  Returns the
        number of results seen."""
        pat = re.compile(line)
        end_m = m.expect(done, timeout or max(1, self.deadline - time.monotonic()))
        start = 0
        n = 0
        text = m.output[:end_m.start()]
        for r in pat.finditer(text, start):
            st = r.group("status")
            ok = re.match(r"(?i)(ok|pass)", st) is not None
            self.sub(r.group("name"), ok, "" if ok else st)
            n += 1
        return n

    def qemu_cpu(self):
        """CPU seconds the test's QEMUs have used (as far as seen)."""
        return sum(m.cpu_secs for m in list(self.machines))

    def close(self):
        for m in self.machines:
            m.kill()


def check(cond, reason):
    """Fail the current test with reason unless cond holds."""
    if not cond:
        raise TestFailure(reason)


# ---------------------------------------------------------------- graders

def check_output(text, regex, what, flags=re.M):
    """Fail unless regex matches somewhere in text: the message says what
    was expected and shows what was seen.  Returns the match."""
    m = re.search(regex, text, flags)
    if not m:
        raise TestFailure("%s\nexpected: a line matching %r\nseen:\n%s"
                          % (what, regex, _indent(tail(text, 15)) or "  (nothing)"))
    return m


def check_equal(seen, expected, what):
    """Fail unless seen == expected, showing both."""
    if seen == expected:
        return
    if isinstance(seen, list) and isinstance(expected, list) and \
            len(expected) > 4:
        i = next((i for i, (a, b) in enumerate(zip(seen, expected)) if a != b),
                 min(len(seen), len(expected)))
        at = lambda l: repr(l[i]) if i < len(l) else "(nothing more)"
        raise TestFailure("%s\nexpected %d lines, seen %d; first difference at "
                          "line %d:\nexpected: %s\nseen:     %s"
                          % (what, len(expected), len(seen), i + 1,
                             at(expected), at(seen)))
    raise TestFailure("%s\nexpected: %r\nseen:     %r" % (what, expected, seen))


def _indent(text):
    return "\n".join("  " + l for l in text.splitlines())


class Grader:
    """A lab grader: named parts, each worth points.

        g = Grader("util", lab="util")   # lab: build with LAB=util

        @g.part("pingpong", points=5)
        def _(m):                 # m: a Machine booted for this part
            m.wait_prompt()
            out = m.run("pingpong")
            check_output(out, r"^\d+: received ping$", "pingpong's child")

        g.main()                  # boots, runs, prints, exits

    Each part gets a fresh machine (boot options per part: cpus, bootargs,
    make_vars, timeout).  A part earns its points when its function returns
    and none when it raises.  Output: one line per part, "name: OK (1.2s)"
    or "name: FAIL (1.2s)" followed by indented lines saying what was
    expected, what was seen and where the console log of that run is kept
    (tests/out/grade-LAB-PART.log); then "Score: N/M".  The exit status is
    0 only for a full score.

    Command line of a grader script (Grader.main):
        --json FILE   also write the result in Gradescope's autograder
                      format (results.json: "score", "tests" with "name",
                      "score", "max_score", "status", "output"; the
                      possible total in "extra_data")
        -k PATTERN    run only the parts whose name matches
        --list        list the parts and their points
    task=False marks a part that is not the student's task (say, "the
    kernel's own tests still pass"): the two-way check in tests/test_labs.py
    does not require it to fail on the tree as shipped.
    """

    def __init__(self, title, lab=None):
        self.title = title
        self.lab = lab
        self.parts = []
        self.results = []
        self._build_errors = set()

    def part(self, name, points, cpus=1, bootargs="", make_vars=None,
             timeout=60, boot_machine=True, task=True):
        def deco(fn):
            mv = dict(make_vars or {})
            if self.lab:
                mv.setdefault("LAB", self.lab)
            self.parts.append(dict(name=name, points=points, fn=fn, cpus=cpus,
                                   bootargs=bootargs, make_vars=mv or None,
                                   timeout=timeout, boot=boot_machine,
                                   task=task))
            return fn
        return deco

    def run(self, only=None):
        """Run every part (or those matching regex `only`); return (points
        earned, points possible).  Per-part results are in self.results."""
        got = total = 0
        print("== %s" % self.title, flush=True)
        for p in self.parts:
            if only and not re.search(only, p["name"]):
                continue
            total += p["points"]
            t0 = time.monotonic()
            m = None
            ok, detail = True, ""
            try:
                if p["boot"]:
                    # The build (cached; the first part pays for it) is
                    # not part of the part's time limit.
                    build(p["make_vars"])
                    m = boot("grade-" + self.title + "-" + p["name"],
                             cpus=p["cpus"], bootargs=p["bootargs"],
                             make_vars=p["make_vars"],
                             deadline=time.monotonic() + p["timeout"])
                    p["fn"](m)
                else:
                    p["fn"]()
            except Exception as e:  # any failure costs this part only
                ok = False
                detail = str(e) if isinstance(e, TestFailure) else \
                    "%s: %s" % (type(e).__name__, e)
                if isinstance(e, BuildError):
                    # The same failed build fails every part: show it once.
                    if detail in self._build_errors:
                        detail = "the build failed (see the first part)"
                    else:
                        self._build_errors.add(detail)
                if m is not None and "console (" not in detail:
                    detail += "\nconsole log: %s" % os.path.relpath(m.log_path, ROOT)
            finally:
                if m is not None:
                    m.kill()
            secs = time.monotonic() - t0
            score = p["points"] if ok else 0
            got += score
            print("%s: %s (%.1fs)" % (p["name"], "OK" if ok else "FAIL", secs),
                  flush=True)
            for line in detail.splitlines():
                print("    " + line)
            sys.stdout.flush()
            self.results.append(dict(name=p["name"], score=score,
                                     max_score=p["points"],
                                     status="passed" if ok else "failed",
                                     output=detail, task=p["task"],
                                     seconds=round(secs, 1)))
        return got, total

    def write_json(self, path, got, total):
        """The results in Gradescope's autograder format."""
        import json
        tests = [dict(name=r["name"], score=r["score"],
                      max_score=r["max_score"], status=r["status"],
                      output=r["output"],
                      extra_data=dict(task=r["task"], seconds=r["seconds"]))
                 for r in self.results]
        doc = dict(score=got, tests=tests,
                   extra_data=dict(grader=self.title, max_score=total))
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")

    def main(self, argv=None):
        import argparse
        ap = argparse.ArgumentParser(description="grader: " + self.title)
        ap.add_argument("--json", metavar="FILE",
                        help="write Gradescope results.json to FILE")
        ap.add_argument("-k", metavar="PATTERN", help="only matching parts")
        ap.add_argument("--list", action="store_true", help="list the parts")
        args = ap.parse_args(argv)
        if args.list:
            for p in self.parts:
                print("%s (%d points)" % (p["name"], p["points"]))
            raise SystemExit(0)
        install_signal_handlers()
        got, total = self.run(args.k)
        print("Score: %d/%d" % (got, total), flush=True)
        if args.json:
            self.write_json(args.json, got, total)
        raise SystemExit(0 if got == total else 1)

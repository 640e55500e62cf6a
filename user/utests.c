/*
 * utests: ldx's in-guest test suite.
 *
 *   utests             run every test
 *   utests -q          run the quick set
 *   utests NAME...     run the named tests
 *   utests -l          list the tests ("name" or "name quick")
 *
 * Output: exactly one line per test, "utest PASS name" or
 * "utest FAIL name: reason", then "utests: N passed, M failed".  The host
 * harness (tests/test_guest.py) turns each line into a test result.
 *
 * How a test runs (runtest): the runner forks a watchdog (a child that
 * sleeps for the test's time limit) and the test's own child, which works
 * in the scratch directory SCRATCH.  The runner waits: whichever child
 * comes back first decides.  The test passed if its child exited 0; a
 * test reports a failure with fail(), which writes the reason into a pipe
 * the runner reads and exits FAILCODE; any other status (say -1, killed by
 * the kernel) fails the test with that status.  So one test that crashes,
 * hangs or corrupts its own memory cannot hide the result of another.
 * After the child, the runner empties SCRATCH (a test that left files
 * behind fails: later tests need the disk space) and compares the free
 * page count (freepages()) with the count before the test: every test
 * must give all memory back, so the kernel's error paths are checked
 * for leaks too.
 *
 * Tests that expect the kernel to kill a process run the offending code in
 * a grandchild and expect wait status -1.  Tests that need the whole
 * machine (out of memory, out of disk) clean up and then check that
 * everything came back.
 *
 * Library functions the user library lacks (a string builder, a number
 * formatter) are small static helpers here.
 */
#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "kernel/memlayout.h"
#include "kernel/procinfo.h"
#include "user/user.h"

#define FAILCODE 77       /* exit status of a child that called fail() */
#define SCRATCH "/utmp"   /* every test works in here */
#define SELF "/utests"    /* this program, for the exec tests */
#define TICKS_PER_SEC 10  /* uptime()/sleep() ticks are 100 ms */
#define REASONMAX 200     /* longest failure reason printed */
#define SETTLE_TICKS 30   /* how long the runner waits for memory to return */
#define BADCALL_STATUS 99 /* "should not get here" exit status */

static int reasonfd = -1;    /* write end of the reason pipe (test children) */
static volatile uint64 sink; /* defeats the optimiser on dummy loads */
extern char end[];           /* end of data and bss (user.ld) */
int main(int, char **);

/* ----------------------------------------------------------------- helpers */

static void fail(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));

/* Report why the test failed and end this process.  Callable from any
 * descendant of the test's child: they all share the reason pipe. */
static void
fail(const char *fmt, ...)
{
  __builtin_va_list ap;
  int fd = reasonfd >= 0 ? reasonfd : 2;
  __builtin_va_start(ap, fmt);
  vfprintf(fd, fmt, ap);
  __builtin_va_end(ap);
  fprintf(fd, "\n");
  exit(FAILCODE);
}

static int
xfork(void)
{
  int pid = fork();
  if (pid < 0)
    fail("fork failed");
  return pid;
}

/* Wait for child pid; return its status (fails on any other outcome). */
static int
waitfor(int pid)
{
  int st = -12345;
  int w = wait(&st);
  if (w != pid)
    fail("wait returned %d, expected child %d", w, pid);
  return st;
}

/* A child that ran fn must have exited with status want; a child that
 * called fail() has explained itself in the reason pipe already. */
static void
expect_status(int pid, int want, const char *what)
{
  int st = waitfor(pid);
  if (st == FAILCODE && want != FAILCODE)
    fail("%s: the child failed", what);
  if (st != want)
    fail("%s: child exited with status %d, expected %d", what, st, want);
}

/* Run fn in a child; return its exit status. */
static int
inchild(void (*fn)(void))
{
  int pid = xfork();
  if (pid == 0) {
    fn();
    exit(0);
  }
  return waitfor(pid);
}

/* fn must get its process killed by the kernel (status -1). */
static void
mustdie(void (*fn)(void), const char *what)
{
  int st = inchild(fn);
  if (st == FAILCODE)
    fail("%s: the child failed", what);
  if (st != -1)
    fail("%s: the process was not killed (exit status %d)", what, st);
}

/* Bump the break to a page boundary with at least one page of heap below
 * it, so sbrk(0) is the first unmapped byte and the page below is ours to
 * scribble on (not the stack); returns the break. */
static char *
alignbrk(void)
{
  uint64 b = (uint64)sbrk(0);
  if (b % PGSIZE)
    sbrk(PGSIZE - b % PGSIZE);
  if (sbrk(PGSIZE) == (char *)-1)
    fail("sbrk(PGSIZE) failed");
  return sbrk(0);
}

/* An address a page past the end of the heap: never mapped. */
static char *
unmapped(void)
{
  return (char *)(PGROUNDUP((uint64)sbrk(0)) + PGSIZE);
}

static char *
xsbrk(int n)
{
  char *p = sbrk(n);
  if (p == (char *)-1)
    fail("sbrk(%d) failed", n);
  return p;
}

/* The byte of a test pattern at position i (seed picks the pattern). */
static uchar
pat(uint seed, uint i)
{
  return (uchar)((i * 7 + (i >> 9) + seed * 31) ^ (seed >> 3));
}

static void
fillpat(char *buf, int n, uint seed, uint off)
{
  for (int i = 0; i < n; i++)
    buf[i] = (char)pat(seed, off + i);
}

/* Index of the first byte that differs from the pattern, or -1. */
static int
checkpat(const char *buf, int n, uint seed, uint off)
{
  for (int i = 0; i < n; i++)
    if ((uchar)buf[i] != pat(seed, off + i))
      return i;
  return -1;
}

static int
xopen(const char *path, int mode)
{
  int fd = open(path, mode);
  if (fd < 0)
    fail("open(%s, 0x%x) failed", path, mode);
  return fd;
}

static void
xwrite(int fd, const void *buf, int n)
{
  int r = write(fd, buf, n);
  if (r != n)
    fail("write(%d, buf, %d) returned %d", fd, n, r);
}

/* Create (or truncate) path holding n bytes of pattern seed. */
static void
mkfile(const char *path, int n, uint seed)
{
  static char buf[BSIZE];
  int fd = xopen(path, O_CREATE | O_TRUNC | O_WRONLY);
  for (int off = 0; off < n; off += BSIZE) {
    int m = n - off < BSIZE ? n - off : BSIZE;
    fillpat(buf, m, seed, off);
    xwrite(fd, buf, m);
  }
  close(fd);
}

static void
xunlink(const char *path)
{
  if (unlink(path) < 0)
    fail("unlink(%s) failed", path);
}

static void
xstat(const char *path, struct stat *st)
{
  if (stat(path, st) < 0)
    fail("stat(%s) failed", path);
}

static int
exists(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0;
}

/* Decimal digits of n (>= 0) into s; returns s. */
static char *
itoa(char *s, int n)
{
  char tmp[16];
  int i = 0;
  do {
    tmp[i++] = (char)('0' + n % 10);
    n /= 10;
  } while (n > 0);
  int j = 0;
  while (i > 0)
    s[j++] = tmp[--i];
  s[j] = '\0';
  return s;
}

/* s = prefix followed by n in at least width digits. */
static char *
numname(char *s, const char *prefix, int n, int width)
{
  char digits[16];
  itoa(digits, n);
  int len = strlen(prefix);
  strcpy(s, prefix);
  for (int w = strlen(digits); w < width; w++)
    s[len++] = '0';
  strcpy(s + len, digits);
  return s;
}

/* Concatenate a and b into s (which must have room). */
static char *
join(char *s, const char *a, const char *b)
{
  strcpy(s, a);
  strcpy(s + strlen(a), b);
  return s;
}

/* How many descriptors this process can still open. */
static int
freefds(void)
{
  int fds[NOFILE], n = 0, src = -1;
  for (int i = 0; i < NOFILE && src < 0; i++) {
    int d = dup(i);
    if (d >= 0) {
      close(d);
      src = i;
    }
  }
  if (src < 0)
    return -1;
  while (n < NOFILE && (fds[n] = dup(src)) >= 0)
    n++;
  for (int i = 0; i < n; i++)
    close(fds[i]);
  return n;
}

static long
rawsyscall(long num, long a0, long a1, long a2)
{
  register long a7r __asm__("a7") = num;
  register long a0r __asm__("a0") = a0;
  register long a1r __asm__("a1") = a1;
  register long a2r __asm__("a2") = a2;
  __asm__ volatile("ecall"
                   : "+r"(a0r)
                   : "r"(a7r), "r"(a1r), "r"(a2r)
                   : "memory");
  return a0r;
}

/* Wait (up to SETTLE_TICKS) for the free page count to reach want;
 * returns the last count seen.  Exited processes may still be waiting
 * for their parent (init) to reap them. */
static int
settle(int want)
{
  int n = freepages();
  for (int i = 0; i < SETTLE_TICKS && n < want; i++) {
    sleep(1);
    n = freepages();
  }
  return n;
}

/* ------------------------------------------------------------ processes */

static void
t_fork_wait(void)
{
  static const int codes[] = {0, 1, 42, 255, -7, 100000};
  enum { N = sizeof(codes) / sizeof(codes[0]) };
  int pids[N], seen[N];

  for (int i = 0; i < N; i++) {
    pids[i] = xfork();
    if (pids[i] == 0)
      exit(codes[i]);
    if (pids[i] == getpid())
      fail("fork returned the parent's own pid");
    seen[i] = 0;
  }
  for (int n = 0; n < N; n++) {
    int st = -12345, w = wait(&st), i = 0;
    while (i < N && pids[i] != w)
      i++;
    if (i == N)
      fail("wait returned %d, not one of the children", w);
    if (seen[i]++)
      fail("wait returned pid %d twice", w);
    if (st != codes[i])
      fail("child exited with %d, wait reported %d", codes[i], st);
  }
  int pid = xfork();
  if (pid == 0)
    exit(getpid());
  int st = waitfor(pid);
  if (st != pid)
    fail("the child's getpid() is %d, fork said %d", st, pid);
  pid = xfork();
  if (pid == 0)
    exit(3);
  if (wait(0) != pid)
    fail("wait(0) did not return the child");
  int w = wait(&st);
  if (w != -1)
    fail("wait with no children returned %d", w);
  if (getpid() <= 0 || getpid() != getpid())
    fail("getpid is not a stable positive number");
}

static void
t_fork_copy(void)
{
  static int global = 11;
  char *heap = xsbrk(2 * PGSIZE);
  fillpat(heap, 2 * PGSIZE, 1, 0);
  int local = 22;
  int p[2];
  if (pipe(p) < 0)
    fail("pipe failed");
  int pid = xfork();
  if (pid == 0) {
    if (global != 11 || local != 22 || checkpat(heap, 2 * PGSIZE, 1, 0) >= 0)
      fail("the child's memory is not a copy of the parent's");
    global = 1;
    local = 2;
    memset(heap, 0, 2 * PGSIZE);
    /* The child writes through a descriptor it inherited. */
    xwrite(p[1], "c", 1);
    exit(0);
  }
  expect_status(pid, 0, "child");
  if (global != 11 || local != 22 || checkpat(heap, 2 * PGSIZE, 1, 0) >= 0)
    fail("the child's writes changed the parent's memory");
  char c = 0;
  if (read(p[0], &c, 1) != 1 || c != 'c')
    fail("the inherited pipe did not carry the child's byte");
  close(p[0]);
  close(p[1]);
}

static void
t_wait_badptr(void)
{
  char *heapend = alignbrk();
  int *bad[] = {
      (int *)KERNBASE,      (int *)(MAXVA - 2),   (int *)(uint64)main,
      (int *)unmapped(),    (int *)(heapend - 2), (int *)TRAPFRAME,
      (int *)(USERTOP - 2),
  };
  int pid = xfork();
  if (pid == 0)
    exit(5);
  for (uint i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    int w = wait(bad[i]);
    if (w != -1)
      fail("wait(%p) returned %d, expected -1", bad[i], w);
  }
  int st = waitfor(pid);
  if (st != 5)
    fail("after the bad waits the child's status is %d, expected 5", st);
}

static void
t_exit_orphan(void)
{
  int p[2];
  if (pipe(p) < 0)
    fail("pipe failed");
  int pid = xfork();
  if (pid == 0) {
    if (xfork() == 0) {
      /* The grandchild outlives its parent: it is re-parented to init. */
      sleep(3);
      xwrite(p[1], "g", 1);
      exit(0);
    }
    exit(9);
  }
  close(p[1]);
  int st = waitfor(pid);
  if (st != 9)
    fail("child status %d, expected 9", st);
  int w = wait(0);
  if (w != -1)
    fail("wait returned %d: a grandchild is not our child", w);
  char c = 0;
  if (read(p[0], &c, 1) != 1 || c != 'g')
    fail("the orphaned grandchild did not run on");
  close(p[0]);
}

static void
spin(void)
{
  for (;;)
    sink++;
}

static void
t_kill(void)
{
  static const int bad[] = {-1, 0, 1000000, -100000};
  for (uint i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    if (kill(bad[i]) != -1)
      fail("kill(%d) did not return -1", bad[i]);

  /* A process computing in user space. */
  int pid = xfork();
  if (pid == 0)
    spin();
  sleep(1);
  if (kill(pid) != 0)
    fail("kill of a running child failed");
  if (waitfor(pid) != -1)
    fail("a killed spinning child did not exit with -1");

  /* A process asleep in sleep(). */
  pid = xfork();
  if (pid == 0) {
    sleep(100000);
    exit(0);
  }
  sleep(1);
  int t0 = uptime();
  if (kill(pid) != 0)
    fail("kill of a sleeping child failed");
  if (waitfor(pid) != -1)
    fail("a killed sleeping child did not exit with -1");
  if (uptime() - t0 > 3 * TICKS_PER_SEC)
    fail("a killed sleeper took %d ticks to die", uptime() - t0);

  /* A process blocked reading an empty pipe. */
  int p[2];
  if (pipe(p) < 0)
    fail("pipe failed");
  pid = xfork();
  if (pid == 0) {
    char c;
    close(p[1]);
    read(p[0], &c, 1);
    exit(0);
  }
  sleep(1);
  kill(pid);
  if (waitfor(pid) != -1)
    fail("a killed pipe reader did not exit with -1");

  /* A process blocked in wait() for its own sleeping child. */
  pid = xfork();
  if (pid == 0) {
    int g = xfork();
    if (g == 0) {
      char c;
      close(p[1]);
      read(p[0], &c, 1); /* until the test closes the pipe */
      exit(0);
    }
    wait(0);
    exit(0);
  }
  sleep(1);
  kill(pid);
  if (waitfor(pid) != -1)
    fail("a killed waiting child did not exit with -1");
  close(p[1]); /* lets the grandchild finish */
  close(p[0]);
}

static void
t_nproc(void)
{
  int counts[2];
  for (int round = 0; round < 2; round++) {
    int p[2];
    if (pipe(p) < 0)
      fail("pipe failed");
    int n = 0;
    for (;;) {
      int pid = fork();
      if (pid < 0)
        break;
      if (pid == 0) {
        char c;
        close(p[1]);
        read(p[0], &c, 1); /* until the parent closes the pipe */
        exit(0);
      }
      if (++n > NPROC)
        fail("fork succeeded %d times, more than NPROC", n);
    }
    close(p[1]);
    close(p[0]);
    for (int i = 0; i < n; i++) {
      int st = -12345;
      if (wait(&st) < 0)
        fail("wait failed after %d of %d children", i, n);
      if (st != 0)
        fail("a child exited with %d", st);
    }
    if (wait(0) != -1)
      fail("children left over");
    if (n < NPROC - 8)
      fail("fork failed after only %d children (NPROC %d)", n, NPROC);
    counts[round] = n;
    int pid = xfork();
    if (pid == 0)
      exit(0);
    expect_status(pid, 0, "fork after the table was full");
  }
  if (counts[0] != counts[1])
    fail("first %d forks, then %d: process slots were lost", counts[0],
         counts[1]);
}

static void
t_sleep_uptime(void)
{
  int t0 = uptime();
  if (sleep(5) != 0)
    fail("sleep(5) did not return 0");
  int t1 = uptime();
  if (t1 - t0 < 5)
    fail("sleep(5) returned after %d ticks", t1 - t0);
  if (t1 - t0 > 5 + 5 * TICKS_PER_SEC)
    fail("sleep(5) took %d ticks", t1 - t0);
  if (sleep(0) != 0)
    fail("sleep(0) did not return 0");
  t0 = uptime();
  sleep(-5);
  if (uptime() - t0 > TICKS_PER_SEC)
    fail("sleep(-5) slept %d ticks", uptime() - t0);
}

static void
t_getprocs(void)
{
  static struct procinfo info[NPROC];
  int n = getprocs(info, NPROC);
  if (n < 3 || n > NPROC)
    fail("getprocs returned %d", n);
  int me = -1;
  for (int i = 0; i < n; i++)
    if (info[i].pid == getpid())
      me = i;
  if (me < 0)
    fail("getprocs does not list the caller");
  if (info[me].state != RUNNING || strcmp(info[me].name, "utests") != 0)
    fail("getprocs says the caller is '%s' in state %d", info[me].name,
         info[me].state);
  if (getprocs(info, 1) != 1)
    fail("getprocs(buf, 1) did not return 1");
  if (getprocs((struct procinfo *)KERNBASE, NPROC) != -1)
    fail("getprocs(KERNBASE) did not return -1");
  if (getprocs(info, -1) != -1)
    fail("getprocs(buf, -1) did not return -1");
  /* The other ldx extensions that can run inside a test. */
  if (freepages() <= 0)
    fail("freepages returned %d", freepages());
  if (trace(0) != 0)
    fail("trace(0) did not return 0");
  if (evlog((struct event *)info, 0) != 0)
    fail("evlog(buf, 0) did not return 0");
  if (evlog((struct event *)info, -1) != -1)
    fail("evlog(buf, -1) did not return -1");
}

/* ---------------------------------------------------------------- exec */

#define ARGCHECK "--argcheck"

/* The string exec tests pass as argument i. */
static char *
argstr(char *s, int i)
{
  int len = (i * 13) % 40;
  for (int j = 0; j < len; j++)
    s[j] = (char)('a' + (i + j) % 26);
  s[len] = '\0';
  return s;
}

/* Run by exec: "utests --argcheck K a1 .. aK" checks its own arguments. */
static int
argcheck(int argc, char **argv)
{
  char want[64];
  if (argc < 3)
    return 2;
  int k = atoi(argv[2]);
  if (argc != k + 3 || argv[argc] != 0)
    return 3;
  for (int i = 0; i < k; i++)
    if (strcmp(argv[3 + i], argstr(want, i)) != 0)
      return 4;
  if (r_sp() % 16 != 0)
    return 5;
  return 0;
}

/* exec SELF with k checked arguments (plus extra, if not 0) in a child;
 * return the child's status. */
static int
exec_args(int k)
{
  static char strs[MAXARG + 2][64];
  static char *argv[MAXARG + 8];
  char kbuf[16];
  int n = 0;
  argv[n++] = "utests";
  argv[n++] = ARGCHECK;
  argv[n++] = itoa(kbuf, k);
  for (int i = 0; i < k && n < MAXARG + 6; i++)
    argv[n++] = argstr(strs[i], i);
  argv[n] = 0;
  int pid = xfork();
  if (pid == 0) {
    exec(SELF, argv);
    exit(BADCALL_STATUS);
  }
  return waitfor(pid);
}

static void
t_exec_args(void)
{
  int st;
  if ((st = exec_args(0)) != 0)
    fail("exec with no arguments: child status %d", st);
  if ((st = exec_args(5)) != 0)
    fail("exec with 5 arguments: child status %d", st);
  if ((st = exec_args(MAXARG - 3)) != 0)
    fail("exec with MAXARG (%d) arguments: child status %d", MAXARG, st);
}

static int intact = 0x1234; /* exec's caller must still have its memory */

static void
checkintact(const char *what, int r)
{
  if (r != -1)
    fail("%s: exec returned %d, expected -1", what, r);
  if (intact != 0x1234)
    fail("%s: the caller's memory changed", what);
}

static void
t_exec_maxarg(void)
{
  static char *argv[MAXARG + 4];
  for (int i = 0; i < MAXARG + 1; i++)
    argv[i] = "x";
  argv[MAXARG + 1] = 0;
  checkintact("MAXARG+1 arguments", exec(SELF, argv));
  /* (exactly MAXARG arguments work: see exec_args) */

  /* One argument longer than a page, and arguments that cannot all fit
   * on the stack. */
  char *big = xsbrk(2 * PGSIZE);
  memset(big, 'b', 2 * PGSIZE - 1);
  big[2 * PGSIZE - 1] = '\0';
  char *a1[] = {"utests", big, 0};
  checkintact("an argument longer than a page", exec(SELF, a1));
  big[PGSIZE - 100] = '\0';
  for (int i = 0; i < MAXARG; i++)
    argv[i] = big;
  argv[MAXARG] = 0;
  checkintact("arguments larger than the stack", exec(SELF, argv));
}

static void
t_exec_badargv(void)
{
  char *heapend = alignbrk();
  char *argv[4] = {"utests", ARGCHECK, 0, 0};

  checkintact("argv = KERNBASE", exec(SELF, (char **)KERNBASE));
  checkintact("argv = MAXVA-8", exec(SELF, (char **)(MAXVA - 8)));
  checkintact("argv unmapped", exec(SELF, (char **)unmapped()));
  argv[1] = (char *)KERNBASE;
  checkintact("argv[1] = KERNBASE", exec(SELF, argv));
  argv[1] = unmapped();
  checkintact("argv[1] unmapped", exec(SELF, argv));
  argv[1] = (char *)(MAXVA - 1);
  checkintact("argv[1] = MAXVA-1", exec(SELF, argv));

  /* An argv array whose last slot is the last word of user memory, with
   * no terminating 0 after it. */
  char **tail = (char **)xsbrk(PGSIZE);
  tail = (char **)(heapend + PGSIZE - 2 * sizeof(char *));
  tail[0] = "utests";
  tail[1] = "x";
  checkintact("argv running off the end of memory", exec(SELF, tail));

  /* A string running off the end of memory (no NUL before it ends). */
  memset(heapend, 'a', PGSIZE);
  argv[1] = heapend + PGSIZE - 5;
  argv[2] = 0;
  checkintact("argv[1] running off the end of memory", exec(SELF, argv));
  checkintact("path running off the end of memory",
              exec(heapend + PGSIZE - 5, argv));
  checkintact("path = KERNBASE", exec((char *)KERNBASE, argv));
  checkintact("path = MAXVA-1", exec((char *)(MAXVA - 1), argv));
}

static void
t_exec_noent(void)
{
  static char longpath[MAXPATH + 8];
  char *argv[] = {"x", 0};
  checkintact("missing file", exec("/no-such-program", argv));
  checkintact("empty path", exec("", argv));
  checkintact("non-directory in path", exec(SELF "/x", argv));
  memset(longpath, 'a', MAXPATH + 4);
  longpath[0] = '/';
  longpath[MAXPATH + 4] = '\0';
  checkintact("path longer than MAXPATH", exec(longpath, argv));
}

static void
t_exec_dir(void)
{
  char *argv[] = {"x", 0};
  checkintact("exec of /", exec("/", argv));
  checkintact("exec of .", exec(".", argv));
  checkintact("exec of " SCRATCH, exec(SCRATCH, argv));
}

static void
t_exec_notelf(void)
{
  char *argv[] = {"x", 0};
  static const char script[] = "#!/bin/sh\necho not a program\n";
  int fd = xopen("script", O_CREATE | O_WRONLY);
  xwrite(fd, script, sizeof(script) - 1);
  close(fd);
  checkintact("a text file", exec("script", argv));

  fd = xopen("empty", O_CREATE | O_WRONLY);
  close(fd);
  checkintact("an empty file", exec("empty", argv));

  /* The ELF magic number followed by junk. */
  static char junk[512];
  memset(junk, 0x5a, sizeof(junk));
  junk[0] = 0x7f;
  junk[1] = 'E';
  junk[2] = 'L';
  junk[3] = 'F';
  fd = xopen("junk", O_CREATE | O_WRONLY);
  xwrite(fd, junk, sizeof(junk));
  close(fd);
  checkintact("ELF magic and junk", exec("junk", argv));
  xunlink("script");
  xunlink("empty");
  xunlink("junk");
}

/* Copy the first n bytes of SELF (all of it if n < 0) to path; returns
 * the bytes copied. */
static int
copyself(const char *path, int n)
{
  static char buf[BSIZE];
  int in = xopen(SELF, O_RDONLY);
  int out = xopen(path, O_CREATE | O_TRUNC | O_WRONLY);
  int total = 0;
  for (;;) {
    int want = n < 0 || n - total > BSIZE ? BSIZE : n - total;
    if (want <= 0)
      break;
    int m = read(in, buf, want);
    if (m <= 0)
      break;
    xwrite(out, buf, m);
    total += m;
  }
  close(in);
  close(out);
  return total;
}

static void
t_exec_trunc(void)
{
  char *argv[] = {"utests", ARGCHECK, "0", 0};
  int size = copyself("whole", -1);
  if (size < 1000)
    fail("%s is only %d bytes", SELF, size);
  /* The complete copy runs: so only the truncation makes the rest fail. */
  int pid = xfork();
  if (pid == 0) {
    exec("whole", argv);
    exit(BADCALL_STATUS);
  }
  expect_status(pid, 0, "exec of a complete copy");
  xunlink("whole");

  static const int cuts[] = {16, 64, 200, 0};
  for (int i = 0; i < 4; i++) {
    int n = cuts[i] ? cuts[i] : size / 2;
    copyself("part", n);
    if (exec("part", argv) != -1)
      fail("exec of the first %d bytes of %s did not return -1", n, SELF);
    if (intact != 0x1234)
      fail("a failed exec changed the caller's memory");
  }
  xunlink("part");
}

/* ------------------------------------------ limited direct execution */

static void
d_csrr_sstatus(void)
{
  uint64 x;
  __asm__ volatile("csrr %0, sstatus" : "=r"(x));
  sink = x;
}

static void
d_csrw_satp(void)
{
  __asm__ volatile("csrw satp, zero");
}

static void
d_csrs_sie(void)
{
  __asm__ volatile("csrsi sstatus, 2"); /* SIE: interrupts on */
}

static void
d_csrw_stvec(void)
{
  __asm__ volatile("csrw stvec, zero");
}

static void
d_csrr_mhartid(void)
{
  uint64 x;
  __asm__ volatile("csrr %0, mhartid" : "=r"(x));
  sink = x;
}

static void
d_sret(void)
{
  __asm__ volatile("sret");
}

static void
d_mret(void)
{
  __asm__ volatile("mret");
}

static void
d_wfi(void)
{
  __asm__ volatile("wfi");
}

static void
d_sfence(void)
{
  __asm__ volatile("sfence.vma");
}

static void
d_illegal(void)
{
  __asm__ volatile(".word 0"); /* all zeros: defined to be illegal */
}

static void
d_ebreak(void)
{
  __asm__ volatile("ebreak");
}

static void
t_lde_csrr(void)
{
  mustdie(d_csrr_sstatus, "csrr sstatus");
  mustdie(d_csrr_mhartid, "csrr mhartid");
}

static void
t_lde_csrw(void)
{
  mustdie(d_csrw_satp, "csrw satp");
  mustdie(d_csrw_stvec, "csrw stvec");
  mustdie(d_csrs_sie, "csrsi sstatus");
}

static void
t_lde_sret(void)
{
  mustdie(d_sret, "sret");
  mustdie(d_mret, "mret");
}

static void
t_lde_wfi(void)
{
  mustdie(d_wfi, "wfi");
  mustdie(d_sfence, "sfence.vma");
}

static void
t_lde_illegal(void)
{
  mustdie(d_illegal, "an all-zero instruction");
  mustdie(d_ebreak, "ebreak");
}

static void
d_kread(void)
{
  sink = *(volatile uint64 *)KERNBASE;
}

static void
d_kread_high(void)
{
  sink = *(volatile uint64 *)(KERNBASE + 0x200000 + 0x1000);
}

static void
d_kwrite(void)
{
  *(volatile uint64 *)KERNBASE = 0;
}

static void
d_trampoline(void)
{
  sink = *(volatile uint64 *)TRAMPOLINE;
}

static void
d_trapframe(void)
{
  sink = *(volatile uint64 *)TRAPFRAME;
}

static void
d_maxva_1(void)
{
  sink = *(volatile uchar *)(MAXVA - 1);
}

static void
d_maxva(void)
{
  sink = *(volatile uint64 *)MAXVA;
}

static void
d_topaddr(void)
{
  sink = *(volatile uint64 *)(-8L);
}

static void
t_lde_kmem(void)
{
  mustdie(d_kread, "read KERNBASE");
  mustdie(d_kread_high, "read kernel RAM");
  mustdie(d_kwrite, "write KERNBASE");
}

static void
t_lde_highmem(void)
{
  mustdie(d_trampoline, "read TRAMPOLINE");
  mustdie(d_trapframe, "read TRAPFRAME");
  mustdie(d_maxva_1, "read MAXVA-1");
  mustdie(d_maxva, "read MAXVA");
  mustdie(d_topaddr, "read 0xfffffffffffffff8");
}

/* The guard page: the page below the stack page (USERSTACK pages, the
 * top one holding sp while the stack is shallow).  Cross-checked with the
 * layout: it is also the first page after the program's memory. */
static uint64
guardpage(void)
{
  uint64 sp = r_sp();
  uint64 g = PGROUNDUP(sp) - USERSTACK * PGSIZE - PGSIZE;
  if (g != PGROUNDUP((uint64)end))
    fail("sp %p: guard page at %p, but the program ends at %p", (void *)sp,
         (void *)g, (void *)end);
  return g;
}

static void
d_guard_read(void)
{
  sink = *(volatile uint64 *)guardpage();
}

static void
d_guard_readtop(void)
{
  sink = *(volatile uchar *)(guardpage() + PGSIZE - 1);
}

static void
d_guard_write(void)
{
  *(volatile uint64 *)(guardpage() + PGSIZE - 8) = 0;
}

static volatile int neverdepth = -1;

static int
recurse(int depth)
{
  volatile char frame[512];
  if (depth == neverdepth)
    return 0;
  frame[0] = (char)depth;
  return recurse(depth + 1) + frame[0];
}

static void
d_stack_overflow(void)
{
  sink = recurse(0);
}

static void
t_lde_guard(void)
{
  uint64 g = guardpage(); /* fails here if the layout is not as expected */
  sink = *(volatile uint64 *)(g + PGSIZE); /* the stack itself is fine */
  mustdie(d_guard_read, "read the guard page");
  mustdie(d_guard_readtop, "read the guard page's last byte");
  mustdie(d_guard_write, "write the guard page");
  mustdie(d_stack_overflow, "stack overflow");
}

static void
d_textwrite(void)
{
  *(volatile uint32 *)(uint64)main = 0;
}

static const char rodata_msg[] = "read-only";

static void
d_rodatawrite(void)
{
  *(volatile char *)(uint64)rodata_msg = 'x';
}

static volatile uint64 zeroaddr = 0; /* hidden from the optimiser */

static void
d_zerowrite(void)
{
  *(volatile uint64 *)zeroaddr = 0; /* address 0 is program text */
}

static void
t_lde_textwrite(void)
{
  mustdie(d_textwrite, "write main's code");
  mustdie(d_rodatawrite, "write read-only data");
  mustdie(d_zerowrite, "write address 0");
}

#define INSN_RET 0x00008067 /* jalr x0, 0(ra) */

static void
d_exec_heap(void)
{
  uint32 *code = (uint32 *)xsbrk(PGSIZE);
  code[0] = INSN_RET;
  __asm__ volatile("fence.i");
  ((void (*)(void))code)();
}

static uint32 datacode[4] = {INSN_RET};

static void
d_exec_data(void)
{
  __asm__ volatile("fence.i");
  ((void (*)(void))datacode)();
}

static void
d_exec_kernel(void)
{
  ((void (*)(void))(KERNBASE + 0x200000))();
}

static void
t_lde_nx(void)
{
  mustdie(d_exec_heap, "execute the heap");
  mustdie(d_exec_data, "execute data");
  mustdie(d_exec_kernel, "jump into the kernel");
}

/*
 * User floating point: several processes computing with doubles at once
 * on shared harts must each get their own registers back after every
 * switch, and a fresh program starts with zeroed FP registers.
 */
static double
fp_work(int seed)
{
  volatile double x = 0;
  for (int i = 0; i < 300000; i++)
    x += 0.25 * seed;
  return x;
}

static void
t_fpu(void)
{
  enum { NFP = 4 };
  double zero;
  __asm__ volatile("fmv.d %0, f31" : "=f"(zero));
  if (zero != 0.0)
    fail("a new program's f31 is not zero");
  for (int i = 1; i <= NFP; i++) {
    if (xfork() == 0) {
      double want = 0.25 * i * 300000;
      if (fp_work(i) != want)
        exit(1);
      exit(0);
    }
  }
  for (int i = 0; i < NFP; i++) {
    int st = -1;
    if (wait(&st) < 0 || st != 0)
      fail("a child's floating-point sum came out wrong (status %d)", st);
  }
}

static void
t_lde_preempt(void)
{
  enum { NSPIN = 4 };
  int pids[NSPIN];
  for (int i = 0; i < NSPIN; i++) {
    pids[i] = xfork();
    if (pids[i] == 0)
      spin();
  }
  /* With every hart busy, the test itself must still get to run. */
  int t0 = uptime();
  volatile int work = 0;
  for (int i = 0; i < 1000000; i++)
    work++;
  sleep(3);
  int t1 = uptime();
  if (t1 - t0 < 3)
    fail("sleep(3) returned after %d ticks", t1 - t0);
  if (t1 - t0 > 20 * TICKS_PER_SEC)
    fail("with %d spinners, 1e6 increments and sleep(3) took %d ticks", NSPIN,
         t1 - t0);
  for (int i = 0; i < NSPIN; i++)
    if (kill(pids[i]) != 0)
      fail("kill(%d) failed", pids[i]);
  for (int i = 0; i < NSPIN; i++) {
    int st = -12345;
    if (wait(&st) < 0 || st != -1)
      fail("a killed spinner exited with %d", st);
  }
}

static void
t_lde_badsys(void)
{
  static const long nums[] = {
      100, -1, 0, 23, 39, 63, 1000, 0x7fffffff, 1L << 40, -1000000,
  };
  for (uint i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
    long r = rawsyscall(nums[i], 0, 0, 0);
    if (r != -1)
      fail("system call %ld returned %ld", nums[i], r);
  }
  if (getpid() <= 0)
    fail("getpid failed after the unknown calls");
}

/* ---------------------------------------------------------------- memory */

static void
t_sbrk_basic(void)
{
  char *a = sbrk(0);
  char *b = xsbrk(1);
  if (b != a || sbrk(0) != a + 1)
    fail("sbrk(1): returned %p, break %p, expected %p", b, sbrk(0), a);
  *b = 1;
  int n = 10 * PGSIZE;
  char *c = xsbrk(n);
  if (c != a + 1 || sbrk(0) != a + 1 + n)
    fail("sbrk(%d) returned %p, expected %p", n, c, a + 1);
  fillpat(c, n, 2, 0);
  if (checkpat(c, n, 2, 0) >= 0)
    fail("grown memory did not keep its bytes");
  char *d = sbrk(-(n + 1));
  if (d != a + 1 + n || sbrk(0) != a)
    fail("sbrk(-%d) returned %p (break %p), expected %p then break %p", n + 1,
         d, sbrk(0), a + 1 + n, a);
  if (sbrk(0x7fffffff) != (char *)-1)
    fail("sbrk(0x7fffffff) did not fail");
  if (sbrk(0) != a)
    fail("a failed sbrk moved the break");
  if (sbrk(-(int)((uint64)a)) != (char *)-1)
    fail("shrinking below the heap's start did not fail");
  if (sbrk((int)0x80000000) != (char *)-1)
    fail("sbrk(INT_MIN) did not fail");
  if (sbrk(0) != a)
    fail("a failed shrink moved the break");
}

static void
t_sbrk_zero(void)
{
  char *p = alignbrk();
  int n = 8 * PGSIZE;
  xsbrk(n);
  for (int i = 0; i < n; i++)
    if (p[i] != 0)
      fail("fresh sbrk memory holds %d at offset %d", p[i], i);
  memset(p, 0xab, n);
  sbrk(-n);
  if (xsbrk(n) != p)
    fail("the break moved");
  for (int i = 0; i < n; i++)
    if (p[i] != 0)
      fail("memory given back and grown again holds %d at offset %d", p[i], i);
  sbrk(-n);
}

static void
d_after_shrink(void)
{
  char *p = alignbrk();
  xsbrk(PGSIZE);
  p[0] = 1;
  sbrk(-PGSIZE);
  sink = p[0];
}

static void
d_past_break(void)
{
  sink = *(volatile char *)unmapped();
}

static void
t_sbrk_fault(void)
{
  mustdie(d_after_shrink, "read memory given back by sbrk(-n)");
  mustdie(d_past_break, "read past the break");
}

static void
t_sbrk_syscall(void)
{
  int n = 3 * PGSIZE;
  char *p = alignbrk();
  xsbrk(n);
  fillpat(p, n, 3, 0);
  int fd = xopen("sb", O_CREATE | O_RDWR);
  xwrite(fd, p, n);
  close(fd);
  char *q = xsbrk(n);
  fd = xopen("sb", O_RDONLY);
  if (read(fd, q, n) != n || checkpat(q, n, 3, 0) >= 0)
    fail("read into fresh heap memory failed");
  close(fd);
  xunlink("sb");
  sbrk(-2 * n);
}

/* Grow the heap until sbrk fails; returns the bytes gained. */
static uint64
eatmemory(void)
{
  uint64 got = 0;
  for (int chunk = 1 << 22; chunk >= PGSIZE; chunk /= 2)
    while (sbrk(chunk) != (char *)-1)
      got += chunk;
  return got;
}

static void
t_oom_sbrk(void)
{
  int before = freepages();
  int p[2];
  if (pipe(p) < 0)
    fail("pipe failed");
  int pid = xfork();
  if (pid == 0) {
    char *base = sbrk(0);
    uint64 got = eatmemory();
    int left = freepages();
    if (got / PGSIZE < (uint64)before / 2)
      fail("sbrk failed after %d pages, with %d free before",
           (int)(got / PGSIZE), before);
    if (left > 16)
      fail("sbrk failed with %d pages still free", left);
    /* All of it is usable. */
    for (uint64 off = 0; off < got; off += PGSIZE)
      base[off] = 1;
    /* With no memory left, system calls still fail cleanly. */
    int f = fork();
    if (f == 0)
      exit(0);
    if (f > 0)
      wait(0);
    int q[2];
    if (pipe(q) == 0) {
      close(q[0]);
      close(q[1]);
    }
    char *argv[] = {"utests", ARGCHECK, "0", 0};
    exec(SELF, argv); /* fails (no memory) or runs argcheck: both exit */
    exit(0);
  }
  close(p[1]);
  int st = waitfor(pid);
  if (st == FAILCODE)
    fail("the child failed");
  if (st != 0)
    fail("the child exited with %d", st);
  close(p[0]);
  int after = settle(before);
  if (after < before)
    fail("%d free pages before, %d after: %d lost", before, after,
         before - after);
}

static void
t_oom_fork(void)
{
  int before = freepages();
  int chunk = before / 16 * PGSIZE; /* about 16 children fill memory */
  int go[2], ack[2];
  if (pipe(go) < 0 || pipe(ack) < 0)
    fail("pipe failed");
  int n = 0, forkfailed = 0, sbrkfailed = 0;
  while (n < NPROC) {
    int pid = fork();
    if (pid < 0) {
      forkfailed = 1;
      break;
    }
    if (pid == 0) {
      close(go[1]);
      close(ack[0]);
      char r = sbrk(chunk) == (char *)-1 ? 'n' : 'y';
      write(ack[1], &r, 1);
      read(go[0], &r, 1); /* until the parent closes go */
      exit(0);
    }
    n++;
    char r = 0;
    if (read(ack[0], &r, 1) != 1)
      fail("child %d did not answer", n);
    if (r == 'n') {
      sbrkfailed = 1;
      break;
    }
  }
  int low = freepages();
  /* One more fork with memory exhausted: fails, or works; never crashes. */
  int extra = fork();
  if (extra == 0)
    exit(0);
  if (extra > 0)
    n++;
  close(go[1]);
  close(go[0]);
  close(ack[0]);
  close(ack[1]);
  for (int i = 0; i < n; i++) {
    int st = -12345;
    if (wait(&st) < 0 || st != 0)
      fail("child exited with %d", st);
  }
  if (!forkfailed && !sbrkfailed)
    fail("memory did not run out with %d children of %d bytes", n, chunk);
  if (low > chunk / PGSIZE + 16)
    fail("%d pages still free when memory ran out", low);
  int after = settle(before);
  if (after < before)
    fail("%d free pages before, %d after: %d lost", before, after,
         before - after);
}

/* ----------------------------------------------------- descriptors, I/O */

static void
t_badfd(void)
{
  char buf[8];
  struct stat st;
  int fd = xopen("bf", O_CREATE | O_RDWR);
  int closed = dup(fd);
  close(closed);
  const int bad[] = {-1, NOFILE, NOFILE + 1, 1000000, -1000000, closed};
  for (uint i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    int b = bad[i];
    if (read(b, buf, 1) != -1)
      fail("read(%d) did not return -1", b);
    if (write(b, "x", 1) != -1)
      fail("write(%d) did not return -1", b);
    if (close(b) != -1)
      fail("close(%d) did not return -1", b);
    if (dup(b) != -1)
      fail("dup(%d) did not return -1", b);
    if (fstat(b, &st) != -1)
      fail("fstat(%d) did not return -1", b);
  }
  close(fd);
  if (close(fd) != -1)
    fail("closing a descriptor twice did not return -1");
  xunlink("bf");
}

static void
t_rw_direction(void)
{
  char buf[8];
  mkfile("dir", 10, 4);
  int fd = xopen("dir", O_RDONLY);
  if (write(fd, "x", 1) != -1)
    fail("write to an O_RDONLY descriptor did not return -1");
  close(fd);
  fd = xopen("dir", O_WRONLY);
  if (read(fd, buf, 1) != -1)
    fail("read from an O_WRONLY descriptor did not return -1");
  close(fd);
  fd = xopen("dir", O_RDWR);
  if (read(fd, buf, 4) != 4 || write(fd, "xy", 2) != 2)
    fail("read and write on an O_RDWR descriptor failed");
  close(fd);
  int p[2];
  if (pipe(p) < 0)
    fail("pipe failed");
  if (write(p[0], "x", 1) != -1)
    fail("write to a pipe's read end did not return -1");
  if (read(p[1], buf, 1) != -1)
    fail("read from a pipe's write end did not return -1");
  close(p[0]);
  close(p[1]);
  xunlink("dir");
}

static void
t_read_badptr(void)
{
  char *heapend = alignbrk();
  mkfile("rb", 2 * PGSIZE, 5);
  char *bad[] = {
      (char *)KERNBASE,      (char *)(MAXVA - 1), (char *)(MAXVA - 8),
      (char *)(uint64)main,  unmapped(),          (char *)TRAPFRAME,
      (char *)(-16L),        heapend - 8,         (char *)(uint64)rodata_msg,
      (char *)(USERTOP - 8),
  };
  int fd = xopen("rb", O_RDONLY);
  for (uint i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    int r = read(fd, bad[i], 16);
    if (r != -1)
      fail("read(file, %p, 16) returned %d", bad[i], r);
  }
  /* A buffer that starts fine but runs past the end of memory. */
  int r = read(fd, heapend - PGSIZE, 2 * PGSIZE);
  if (r != -1)
    fail("read into a buffer straddling the end of memory returned %d", r);
  close(fd);
  /* The descriptor still works afterwards. */
  fd = xopen("rb", O_RDONLY);
  static char buf[100];
  if (read(fd, buf, 100) != 100 || checkpat(buf, 100, 5, 0) >= 0)
    fail("a good read after the bad ones failed");
  close(fd);

  int p[2];
  if (pipe(p) < 0)
    fail("pipe failed");
  for (uint i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    write(p[1], "0123456789abcdef", 16);
    r = read(p[0], bad[i], 16);
    if (r != -1)
      fail("read(pipe, %p, 16) returned %d", bad[i], r);
    read(p[0], buf, 100); /* drain what is left */
  }
  close(p[0]);
  close(p[1]);
  xunlink("rb");
}

static void
t_write_badptr(void)
{
  char *heapend = alignbrk();
  const char *bad[] = {
      (char *)KERNBASE, (char *)(MAXVA - 1), (char *)(MAXVA - 8),
      unmapped(),       (char *)TRAPFRAME,   (char *)TRAMPOLINE,
      (char *)(-16L),   heapend - 8,         (char *)(USERTOP - 8),
  };
  int fd = xopen("wb", O_CREATE | O_RDWR);
  for (uint i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    int r = write(fd, bad[i], 16);
    if (r != -1)
      fail("write(file, %p, 16) returned %d", bad[i], r);
  }
  int p[2];
  if (pipe(p) < 0)
    fail("pipe failed");
  for (uint i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    int r = write(p[1], bad[i], 16);
    if (r != -1)
      fail("write(pipe, %p, 16) returned %d", bad[i], r);
  }
  close(p[0]);
  close(p[1]);
  /* Writing from text and read-only data is allowed: they are readable. */
  if (write(fd, (char *)(uint64)main, 16) != 16)
    fail("write from program text failed");
  close(fd);
  xunlink("wb");
}

static void
t_rw_badlen(void)
{
  static char buf[64];
  mkfile("bl", 1000, 6);
  int fd = xopen("bl", O_RDWR);
  if (read(fd, buf, -1) != -1)
    fail("read of -1 bytes did not return -1");
  if (write(fd, buf, -1) != -1)
    fail("write of -1 bytes did not return -1");
  if (read(fd, buf, (int)0x80000000) != -1)
    fail("read of INT_MIN bytes did not return -1");
  if (read(fd, buf, 0) != 0 || write(fd, buf, 0) != 0)
    fail("zero-byte read or write did not return 0");
  close(fd);
  /* A huge length to read is fine when the file is short and the buffer
   * holds what the file has (or refused outright). */
  char *p = alignbrk();
  xsbrk(PGSIZE);
  fd = xopen("bl", O_RDWR);
  int r = read(fd, p, 0x7fffffff);
  if (r != 1000 && r != -1)
    fail("read(fd, buf, 0x7fffffff) from a 1000-byte file returned %d", r);
  /* A huge length from a small buffer: the range runs off user memory. */
  if (write(fd, buf, 0x7fffffff) != -1)
    fail("write of 0x7fffffff bytes from a small buffer did not return -1");
  close(fd);
  int q[2];
  if (pipe(q) < 0)
    fail("pipe failed");
  if (read(q[0], buf, -1) != -1 || write(q[1], buf, -1) != -1)
    fail("pipe read/write of -1 bytes did not return -1");
  close(q[0]);
  close(q[1]);
  xunlink("bl");
}

static void
t_nofile(void)
{
  int fds[NOFILE + 1], n = 0;
  int fd = xopen("nf", O_CREATE | O_RDWR);
  close(fd);
  int before = freefds();
  while (n <= NOFILE && (fds[n] = open("nf", O_RDONLY)) >= 0) {
    if (fds[n] >= NOFILE)
      fail("open returned descriptor %d >= NOFILE", fds[n]);
    n++;
  }
  if (n != before)
    fail("%d opens succeeded, %d descriptors were free", n, before);
  if (n < NOFILE - 5)
    fail("only %d descriptors could be opened", n);
  int p[2];
  if (dup(fds[0]) != -1)
    fail("dup with a full descriptor table did not return -1");
  if (pipe(p) != -1)
    fail("pipe with a full descriptor table did not return -1");
  /* One free slot: open gets it back; pipe (needing two) fails. */
  int freed = fds[n / 2];
  close(freed);
  if (pipe(p) != -1)
    fail("pipe with one free descriptor did not return -1");
  int again = open("nf", O_RDONLY);
  if (again != freed)
    fail("open returned %d, the lowest free descriptor is %d", again, freed);
  for (int i = 0; i < n; i++)
    close(fds[i]);
  if (freefds() != before)
    fail("%d descriptors free after closing, %d before", freefds(), before);
  xunlink("nf");
}

static void
t_nfile(void)
{
  enum { NCHILD = NFILE / (NOFILE - 4) + 2 };
  int go[2], ack[2];
  int fd = xopen("nfl", O_CREATE | O_RDWR);
  close(fd);
  if (pipe(go) < 0 || pipe(ack) < 0)
    fail("pipe failed");
  for (int c = 0; c < NCHILD; c++) {
    if (xfork() == 0) {
      close(go[1]);
      close(ack[0]);
      int n = 0, f = -1;
      while ((f = open("nfl", O_RDONLY)) >= 0)
        n++;
      /* dup needs no new open file: it works if open failed because the
       * system's file table, not ours, was full. */
      int d = dup(0);
      char r = d >= 0 ? 'S' : 'P';
      write(ack[1], &r, 1);
      char c2;
      read(go[0], &c2, 1);
      exit(0);
    }
  }
  int system = 0;
  for (int c = 0; c < NCHILD; c++) {
    char r = 0;
    if (read(ack[0], &r, 1) != 1)
      fail("a child did not answer");
    if (r == 'S')
      system++;
  }
  close(go[1]);
  for (int c = 0; c < NCHILD; c++) {
    int st = -12345;
    if (wait(&st) < 0 || st != 0)
      fail("a child exited with %d", st);
  }
  close(go[0]);
  close(ack[0]);
  close(ack[1]);
  if (system == 0)
    fail("%d processes opened files without filling the file table (NFILE)",
         NCHILD);
  fd = open("nfl", O_RDONLY);
  if (fd < 0)
    fail("open failed after the file table emptied");
  close(fd);
  xunlink("nfl");
}

/* ---------------------------------------------------------------- files */

static void
t_file_basic(void)
{
  static char buf[300], back[300];
  fillpat(buf, 100, 7, 0);
  int fd = xopen("f1", O_CREATE | O_RDWR);
  xwrite(fd, buf, 100);
  close(fd);
  fd = xopen("f1", O_RDONLY);
  if (read(fd, back, 300) != 100 || memcmp(buf, back, 100) != 0)
    fail("read back wrong data");
  if (read(fd, back, 300) != 0)
    fail("read at end of file did not return 0");
  close(fd);
  if (open("nosuch", O_RDONLY) != -1)
    fail("open of a missing file did not return -1");
  /* O_CREATE on an existing file opens it as it is. */
  fd = xopen("f1", O_CREATE | O_WRONLY);
  xwrite(fd, "xy", 2);
  close(fd);
  struct stat st;
  xstat("f1", &st);
  if (st.size != 100)
    fail("size %d after overwriting 2 bytes, expected 100", (int)st.size);
  fd = xopen("f1", O_RDONLY);
  if (read(fd, back, 300) != 100 || back[0] != 'x' || back[1] != 'y' ||
      memcmp(buf + 2, back + 2, 98) != 0)
    fail("overwriting the first 2 bytes went wrong");
  close(fd);
  /* Appending continues at the offset. */
  fd = xopen("f1", O_RDWR);
  read(fd, back, 100);
  xwrite(fd, buf, 100);
  close(fd);
  xstat("f1", &st);
  if (st.size != 200)
    fail("size %d after appending, expected 200", (int)st.size);
  xunlink("f1");
  if (open("f1", O_RDONLY) != -1)
    fail("an unlinked file can still be opened");
  if (unlink("f1") != -1)
    fail("unlink of a missing file did not return -1");
}

static void
t_file_trunc(void)
{
  mkfile("tr", 5000, 8);
  int fd = xopen("tr", O_WRONLY | O_TRUNC);
  struct stat st;
  if (fstat(fd, &st) < 0 || st.size != 0)
    fail("size %d after O_TRUNC", (int)st.size);
  xwrite(fd, "abc", 3);
  close(fd);
  xstat("tr", &st);
  if (st.size != 3)
    fail("size %d after O_TRUNC and a 3-byte write", (int)st.size);
  fd = xopen("tr", O_CREATE | O_TRUNC | O_RDWR);
  close(fd);
  xstat("tr", &st);
  if (st.size != 0)
    fail("O_CREATE|O_TRUNC on an existing file left %d bytes", (int)st.size);
  xunlink("tr");
}

static void
t_fstat(void)
{
  struct stat st, st2;
  mkfile("fs", 1234, 9);
  int fd = xopen("fs", O_RDONLY);
  if (fstat(fd, &st) < 0)
    fail("fstat failed");
  if (st.type != T_FILE || st.size != 1234 || st.nlink != 1 || st.ino == 0)
    fail("fstat: type %d size %d nlink %d ino %d", st.type, (int)st.size,
         st.nlink, st.ino);
  xstat("fs", &st2);
  if (st2.ino != st.ino || st2.dev != st.dev)
    fail("stat and fstat disagree");
  char *heapend = alignbrk();
  if (fstat(fd, (struct stat *)KERNBASE) != -1)
    fail("fstat(fd, KERNBASE) did not return -1");
  if (fstat(fd, (struct stat *)(uint64)main) != -1)
    fail("fstat into program text did not return -1");
  if (fstat(fd, (struct stat *)(heapend - 4)) != -1)
    fail("fstat into a buffer straddling the end of memory did not fail");
  if (fstat(fd, (struct stat *)unmapped()) != -1)
    fail("fstat to an unmapped address did not return -1");
  close(fd);
  xstat(".", &st);
  if (st.type != T_DIR)
    fail("'.' has type %d", st.type);
  xstat("/", &st);
  if (st.type != T_DIR || st.ino != ROOTINO)
    fail("'/' has type %d, inode %d", st.type, st.ino);
  xunlink("fs");
}

static void
t_link(void)
{
  struct stat st, st2;
  mkfile("la", 10, 10);
  if (link("la", "lb") != 0)
    fail("link failed");
  xstat("la", &st);
  xstat("lb", &st2);
  if (st.ino != st2.ino || st.nlink != 2)
    fail("after link: inodes %d and %d, nlink %d", st.ino, st2.ino, st.nlink);
  if (link("la", "lb") != -1)
    fail("link to an existing name did not return -1");
  if (link("nosuch", "lc") != -1)
    fail("link of a missing file did not return -1");
  if (link(".", "ld") != -1)
    fail("link of a directory did not return -1");
  if (link("la", "nodir/le") != -1)
    fail("link into a missing directory did not return -1");
  if (link("la", "/") != -1 || link("la", "") != -1)
    fail("link to '/' or '' did not return -1");
  xunlink("la");
  xstat("lb", &st2);
  if (st2.nlink != 1)
    fail("nlink %d after unlinking one of two names", st2.nlink);
  static char buf[16];
  int fd = xopen("lb", O_RDONLY);
  if (read(fd, buf, 16) != 10 || checkpat(buf, 10, 10, 0) >= 0)
    fail("the file lost its data when a name went");
  close(fd);
  if (exists("lc") || exists("ld"))
    fail("a failed link left a name behind");
  xunlink("lb");
}

static void
t_unlink_open(void)
{
  static char buf[3000];
  mkfile("uo", 3000, 11);
  int rfd = xopen("uo", O_RDONLY);
  int wfd = xopen("uo", O_RDWR);
  xunlink("uo");
  if (open("uo", O_RDONLY) != -1)
    fail("open of an unlinked name worked");
  if (read(rfd, buf, 3000) != 3000 || checkpat(buf, 3000, 11, 0) >= 0)
    fail("an unlinked open file could not be read");
  struct stat st;
  if (fstat(rfd, &st) < 0 || st.nlink != 0)
    fail("an unlinked open file has nlink %d", st.nlink);
  /* A new file under the old name is a different file. */
  mkfile("uo", 5, 12);
  struct stat st2;
  xstat("uo", &st2);
  if (st2.ino == st.ino)
    fail("the new file got the inode of the unlinked, still open file");
  /* Writes to the unlinked file still work. */
  if (write(wfd, "hello", 5) != 5)
    fail("write to an unlinked open file failed");
  close(wfd);
  close(rfd);
  xunlink("uo");
}

static void
t_dup(void)
{
  mkfile("du", 0, 0);
  int fd = xopen("du", O_RDWR);
  xwrite(fd, "hello world", 11);
  close(fd);
  fd = xopen("du", O_RDONLY);
  int fd2 = dup(fd);
  if (fd2 < 0)
    fail("dup failed");
  char buf[16];
  if (read(fd, buf, 5) != 5 || memcmp(buf, "hello", 5) != 0)
    fail("read through the original failed");
  if (read(fd2, buf, 6) != 6 || memcmp(buf, " world", 6) != 0)
    fail("the duplicate does not share the offset");
  close(fd);
  if (read(fd2, buf, 1) != 0)
    fail("the duplicate is not at end of file");
  /* dup returns the lowest free descriptor. */
  int fd3 = dup(fd2);
  if (fd3 != fd)
    fail("dup returned %d, the lowest free descriptor is %d", fd3, fd);
  close(fd3);
  close(fd2);
  xunlink("du");
}

/* Does directory path contain name (once), and with which inode? */
static int
dirfind(const char *path, const char *name, int *count)
{
  struct dirent de;
  int fd = xopen(path, O_RDONLY), inum = 0;
  *count = 0;
  int r;
  while ((r = read(fd, &de, sizeof(de))) == sizeof(de)) {
    if (de.inum == 0)
      continue;
    if (strlen(name) >= DIRSIZ ? memcmp(de.name, name, DIRSIZ) == 0
                               : (memcmp(de.name, name, strlen(name)) == 0 &&
                                  de.name[strlen(name)] == '\0')) {
      (*count)++;
      inum = de.inum;
    }
  }
  if (r != 0)
    fail("reading directory %s returned %d", path, r);
  close(fd);
  return inum;
}

static void
t_dirent(void)
{
  struct stat st;
  if (mkdir("dd") < 0)
    fail("mkdir failed");
  mkfile("dd/x1", 1, 1);
  mkfile("dd/x2", 1, 1);
  if (mkdir("dd/sub") < 0)
    fail("mkdir dd/sub failed");
  static const char *names[] = {".", "..", "x1", "x2", "sub"};
  static const char *paths[] = {"dd", ".", "dd/x1", "dd/x2", "dd/sub"};
  for (int i = 0; i < 5; i++) {
    int count;
    int inum = dirfind("dd", names[i], &count);
    if (count != 1)
      fail("'%s' appears %d times in the directory", names[i], count);
    xstat(paths[i], &st);
    if ((uint)inum != st.ino)
      fail("entry '%s' has inode %d, stat says %d", names[i], inum, st.ino);
  }
  xstat("dd", &st);
  if (st.size % sizeof(struct dirent) != 0 ||
      st.size < 5 * sizeof(struct dirent))
    fail("directory size %d", (int)st.size);
  int fd = xopen("dd", O_RDONLY);
  if (write(fd, "x", 1) != -1)
    fail("write to a directory did not return -1");
  close(fd);
  xunlink("dd/x1");
  xunlink("dd/x2");
  xunlink("dd/sub");
  xunlink("dd");
}

static void
t_mkdir_chdir(void)
{
  struct stat st, root;
  if (mkdir("m1") != 0)
    fail("mkdir failed");
  if (mkdir("m1") != -1)
    fail("mkdir of an existing name did not return -1");
  if (chdir("m1") != 0)
    fail("chdir failed");
  mkfile("f", 3, 1);
  if (mkdir("m2") != 0)
    fail("mkdir in the new directory failed");
  if (chdir("m2") != 0 || chdir("../..") != 0)
    fail("chdir m2, chdir ../.. failed");
  xstat("m1/f", &st);
  if (st.type != T_FILE || st.size != 3)
    fail("m1/f is not the file created in m1");
  xstat("m1/m2/../f", &st);
  if (chdir("m1/f") != -1)
    fail("chdir to a file did not return -1");
  if (chdir("nosuch") != -1)
    fail("chdir to a missing directory did not return -1");
  if (mkdir("nosuch/x") != -1)
    fail("mkdir in a missing directory did not return -1");
  if (mkdir("/") != -1 || mkdir(".") != -1 || mkdir("") != -1)
    fail("mkdir of '/', '.' or '' did not return -1");
  xstat("/", &root);
  xstat("/..", &st);
  if (st.ino != root.ino)
    fail("'/..' is not '/'");
  if (chdir("/") != 0 || chdir(SCRATCH) != 0)
    fail("chdir to absolute paths failed");
  xstat("m1/m2", &st);
  xunlink("m1/f");
  xunlink("m1/m2");
  xunlink("m1");
}

static void
t_unlink_dir(void)
{
  struct stat before, after;
  xstat(".", &before);
  if (mkdir("ud") < 0)
    fail("mkdir failed");
  xstat(".", &after);
  if (after.nlink != before.nlink + 1)
    fail("parent nlink %d after mkdir, was %d", after.nlink, before.nlink);
  mkfile("ud/f", 1, 1);
  if (unlink("ud") != -1)
    fail("unlink of a non-empty directory did not return -1");
  if (mkdir("ud/d") < 0)
    fail("mkdir ud/d failed");
  xunlink("ud/f");
  if (unlink("ud") != -1)
    fail("unlink of a directory holding a directory did not return -1");
  xunlink("ud/d");
  if (unlink("ud/.") != -1 || unlink("ud/..") != -1)
    fail("unlink of '.' or '..' did not return -1");
  xunlink("ud");
  xstat(".", &after);
  if (after.nlink != before.nlink)
    fail("parent nlink %d after rmdir, was %d", after.nlink, before.nlink);
  if (unlink("/") != -1 || unlink(".") != -1 || unlink("..") != -1)
    fail("unlink of '/', '.' or '..' did not return -1");
}

static void
t_notdir(void)
{
  mkfile("pf", 1, 1);
  char *argv[] = {"x", 0};
  if (open("pf/x", O_CREATE | O_RDWR) != -1 || open("pf/x", O_RDONLY) != -1)
    fail("open below a file did not return -1");
  if (mkdir("pf/d") != -1)
    fail("mkdir below a file did not return -1");
  if (chdir("pf") != -1)
    fail("chdir to a file did not return -1");
  if (unlink("pf/x") != -1)
    fail("unlink below a file did not return -1");
  if (link("pf", "pf/y") != -1)
    fail("link below a file did not return -1");
  if (mknod("pf/n", 1, 0) != -1)
    fail("mknod below a file did not return -1");
  if (exec("pf/x", argv) != -1)
    fail("exec below a file did not return -1");
  if (open("pf/.", O_RDONLY) != -1)
    fail("'pf/.' opened a file as a directory");
  xunlink("pf");
}

static void
t_path_long(void)
{
  static char p[MAXPATH + 16];
  char *argv[] = {"x", 0};
  /* MAXPATH characters: one too many with the NUL. */
  memset(p, 'a', MAXPATH);
  p[MAXPATH] = '\0';
  if (open(p, O_CREATE | O_RDWR) != -1 || open(p, O_RDONLY) != -1 ||
      mkdir(p) != -1 || chdir(p) != -1 || unlink(p) != -1 ||
      link(SELF, p) != -1 || link(p, "x") != -1 || mknod(p, 1, 0) != -1 ||
      exec(p, argv) != -1)
    fail("a path of MAXPATH characters was accepted");
  /* MAXPATH-1 characters (with the NUL, MAXPATH bytes) is fine. */
  int n = 0;
  while (n < MAXPATH - 1 - 3) {
    p[n++] = '.';
    p[n++] = '/';
  }
  while (n < MAXPATH - 1)
    p[n++] = 'q';
  p[n] = '\0';
  int fd = open(p, O_CREATE | O_RDWR);
  if (fd < 0)
    fail("a path of MAXPATH-1 (%d) characters was refused", n);
  close(fd);
  char name[8];
  int q = 0;
  for (int i = n - 1; i >= 0 && p[i] == 'q'; i--)
    q++;
  memset(name, 'q', q);
  name[q] = '\0';
  if (!exists(name))
    fail("the file made through a long path is not '%s'", name);
  if (unlink(p) != 0)
    fail("unlink through a MAXPATH-1 path failed");
}

static void
t_path_badptr(void)
{
  char *heapend = alignbrk();
  xsbrk(PGSIZE);
  memset(heapend, 'a', PGSIZE); /* no NUL up to the end of memory */
  char *tail = heapend + PGSIZE - 3;
  char *bad[] = {(char *)KERNBASE,
                 (char *)(MAXVA - 1),
                 unmapped(),
                 (char *)TRAPFRAME,
                 tail,
                 (char *)(-1L)};
  struct stat st;
  for (uint i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    char *b = bad[i];
    if (open(b, O_RDONLY) != -1 || open(b, O_CREATE | O_RDWR) != -1)
      fail("open(%p) did not return -1", b);
    if (mkdir(b) != -1 || chdir(b) != -1 || unlink(b) != -1)
      fail("mkdir/chdir/unlink(%p) did not return -1", b);
    if (link(b, "x") != -1 || link(SELF, b) != -1)
      fail("link with %p did not return -1", b);
    if (mknod(b, 1, 0) != -1)
      fail("mknod(%p) did not return -1", b);
    if (stat(b, &st) != -1)
      fail("stat(%p) did not return -1", b);
  }
  if (exists("x"))
    fail("a bad link made 'x'");
}

static void
t_dirsiz(void)
{
  static const char n14[] = "abcdefghijklmn"; /* exactly DIRSIZ */
  struct stat st, st2;
  if (strlen(n14) != DIRSIZ)
    fail("the test's name is not DIRSIZ long");
  mkfile(n14, 4, 13);
  int count;
  int inum = dirfind(".", n14, &count);
  if (count != 1)
    fail("a DIRSIZ-long name appears %d times", count);
  xstat(n14, &st);
  if ((uint)inum != st.ino)
    fail("the DIRSIZ-long entry has the wrong inode");
  /* Longer names are cut to DIRSIZ: they name the same file. */
  xstat("abcdefghijklmnopqrst", &st2);
  if (st2.ino != st.ino)
    fail("a longer name does not find the DIRSIZ-long one");
  int fd = xopen("abcdefghijklmnXYZ", O_CREATE | O_RDWR);
  fstat(fd, &st2);
  close(fd);
  if (st2.ino != st.ino)
    fail("creating a longer name made a new file");
  /* One character shorter is a different name. */
  mkfile("abcdefghijklm", 1, 1);
  xstat("abcdefghijklm", &st2);
  if (st2.ino == st.ino)
    fail("a 13-character prefix names the same file");
  xunlink("abcdefghijklm");
  xunlink("abcdefghijklmnZZZZZ");
  if (exists(n14))
    fail("unlink through a longer name did not remove the file");
  if (mkdir("dirnamelongerthan14") != 0 || chdir("dirnamelongerthan") != 0 ||
      chdir("..") != 0)
    fail("a directory with a long name is not found by its cut name");
  xunlink("dirnamelongerthan14");
}

static void
t_mknod(void)
{
  struct stat st;
  if (mknod("dev1", 1, 0) != 0)
    fail("mknod failed");
  int fd = xopen("dev1", O_RDWR);
  if (fstat(fd, &st) < 0 || st.type != T_DEVICE)
    fail("a device file has type %d", st.type);
  if (write(fd, "", 0) != 0)
    fail("a 0-byte write to the console failed");
  close(fd);
  if (mknod("dev1", 1, 0) != -1)
    fail("mknod of an existing name did not return -1");
  xunlink("dev1");
  /* Majors with no driver: refused by mknod, or by open, or by read and
   * write; never a crash. */
  static const short majors[] = {-1, NDEV, 0x7fff, NDEV - 1};
  for (uint i = 0; i < sizeof(majors) / sizeof(majors[0]); i++) {
    if (mknod("devx", majors[i], 0) != 0)
      continue;
    fd = open("devx", O_RDWR);
    if (fd >= 0) {
      char c;
      if (read(fd, &c, 1) != -1 || write(fd, "x", 1) != -1)
        fail("a device with major %d and no driver can be used", majors[i]);
      close(fd);
    }
    xunlink("devx");
  }
}

static void
t_open_dir(void)
{
  if (open(".", O_WRONLY) != -1 || open(".", O_RDWR) != -1 ||
      open("/", O_RDWR) != -1)
    fail("a directory was opened for writing");
  if (open(".", O_CREATE | O_RDWR) != -1 || open("/", O_CREATE) != -1)
    fail("O_CREATE on a directory worked");
  /* O_TRUNC on a directory: refused or ignored, never emptying it. */
  int tfd = open(".", O_RDONLY | O_TRUNC);
  if (tfd >= 0)
    close(tfd);
  struct stat st;
  xstat(".", &st);
  if (st.size < 2 * sizeof(struct dirent))
    fail("O_TRUNC emptied a directory");
  int fd = xopen(".", O_RDONLY);
  close(fd);
}

/* --------------------------------------------------------- big and many */

static void
t_bigfile(void)
{
  static char buf[5000];
  const int total = MAXFILE * BSIZE;
  int fd = xopen("big", O_CREATE | O_RDWR);
  for (int off = 0; off < total;) {
    int m = total - off < (int)sizeof(buf) ? total - off : (int)sizeof(buf);
    fillpat(buf, m, 14, off);
    int r = write(fd, buf, m);
    if (r != m)
      fail("write of %d bytes at offset %d returned %d", m, off, r);
    off += m;
  }
  if (write(fd, "x", 1) != -1)
    fail("a write past MAXFILE blocks did not return -1");
  struct stat st;
  fstat(fd, &st);
  if (st.size != (uint64)total)
    fail("size %d, expected %d", (int)st.size, total);
  close(fd);
  fd = xopen("big", O_RDONLY);
  for (int off = 0; off < total;) {
    int r = read(fd, buf, BSIZE + 100);
    if (r <= 0)
      fail("read at offset %d returned %d", off, r);
    int bad = checkpat(buf, r, 14, off);
    if (bad >= 0)
      fail("byte %d is wrong", off + bad);
    off += r;
  }
  if (read(fd, buf, 1) != 0)
    fail("read at the end did not return 0");
  close(fd);
  xunlink("big");
}

static void
t_manyfiles(void)
{
  enum { N = 120 };
  static char seen[N];
  char name[32];
  if (mkdir("many") < 0)
    fail("mkdir failed");
  for (int i = 0; i < N; i++) {
    numname(name, "many/f", i, 3);
    int fd = xopen(name, O_CREATE | O_WRONLY);
    xwrite(fd, &i, sizeof(i));
    close(fd);
  }
  struct dirent de;
  int fd = xopen("many", O_RDONLY), others = 0;
  while (read(fd, &de, sizeof(de)) == sizeof(de)) {
    if (de.inum == 0)
      continue;
    if (de.name[0] == 'f') {
      int i = atoi(de.name + 1);
      if (i < 0 || i >= N || seen[i]++)
        fail("unexpected or repeated entry '%s'", de.name);
    } else {
      others++;
    }
  }
  close(fd);
  if (others != 2)
    fail("%d entries besides the files (expected '.' and '..')", others);
  for (int i = 0; i < N; i++) {
    if (!seen[i])
      fail("file %d is missing from the directory", i);
    numname(name, "many/f", i, 3);
    int v = -1;
    fd = xopen(name, O_RDONLY);
    if (read(fd, &v, sizeof(v)) != sizeof(v) || v != i)
      fail("%s holds %d", name, v);
    close(fd);
  }
  for (int i = 0; i < N; i++)
    xunlink(numname(name, "many/f", i, 3));
  fd = xopen("many", O_RDONLY);
  while (read(fd, &de, sizeof(de)) == sizeof(de))
    if (de.inum != 0 && de.name[0] != '.')
      fail("entry '%s' left after unlinking everything", de.name);
  close(fd);
  xunlink("many");
}

static uint
rnd(uint *s)
{
  *s = *s * 1103515245 + 12345;
  return (*s >> 16) & 0x7fff;
}

static void
t_concurrent(void)
{
  enum { NPROCS = 4, NNAMES = 6, ROUNDS = 150 };
  char name[8], other[8];
  for (int c = 0; c < NPROCS; c++) {
    if (xfork() == 0) {
      uint seed = getpid() * 7919 + c;
      for (int r = 0; r < ROUNDS; r++) {
        numname(name, "c", rnd(&seed) % NNAMES, 1);
        numname(other, "c", rnd(&seed) % NNAMES, 1);
        int fd;
        switch (rnd(&seed) % 5) {
        case 0:
        case 1:
          fd = open(name, O_CREATE | O_RDWR);
          if (fd >= 0) {
            write(fd, "data", 4);
            close(fd);
          }
          break;
        case 2:
          unlink(name);
          break;
        case 3:
          link(name, other);
          break;
        case 4:
          numname(name, "d", rnd(&seed) % 3, 1);
          if (rnd(&seed) % 2)
            mkdir(name);
          else
            unlink(name);
          break;
        }
      }
      exit(0);
    }
  }
  for (int c = 0; c < NPROCS; c++) {
    int st = -12345;
    if (wait(&st) < 0 || st != 0)
      fail("a worker exited with %d", st);
  }
  /* Every surviving name's link count must match the names that point to
   * its inode (all links were made among these names). */
  struct stat st[NNAMES];
  int present[NNAMES];
  for (int i = 0; i < NNAMES; i++) {
    present[i] = stat(numname(name, "c", i, 1), &st[i]) == 0;
    if (present[i] && st[i].type != T_FILE)
      fail("%s has type %d", name, st[i].type);
  }
  for (int i = 0; i < NNAMES; i++) {
    if (!present[i])
      continue;
    int names = 0;
    for (int j = 0; j < NNAMES; j++)
      if (present[j] && st[j].ino == st[i].ino)
        names++;
    if (st[i].nlink != names)
      fail("inode %d has nlink %d but %d names", st[i].ino, st[i].nlink, names);
  }
  for (int i = 0; i < NNAMES; i++)
    if (present[i])
      xunlink(numname(name, "c", i, 1));
  for (int i = 0; i < 3; i++) {
    numname(name, "d", i, 1);
    if (exists(name))
      xunlink(name);
  }
}

/* Fill the disk with files d00, d01, ...; returns the blocks written and
 * the number of files in *nfiles. */
static int
filldisk(int *nfiles)
{
  static char buf[4 * BSIZE];
  char name[8];
  int blocks = 0, full = 0, n = 0;
  memset(buf, 0x6b, sizeof(buf));
  while (!full && n < 99) {
    int fd = open(numname(name, "d", n, 2), O_CREATE | O_WRONLY);
    if (fd < 0)
      break; /* no inode or no room in the directory */
    n++;
    int size = 0;
    for (;;) {
      int r = write(fd, buf, sizeof(buf));
      if (r == (int)sizeof(buf)) {
        size += r;
        continue;
      }
      struct stat st;
      fstat(fd, &st);
      size = st.size;
      if (size < MAXFILE * BSIZE)
        full = 1; /* short: out of blocks, not past MAXFILE */
      break;
    }
    blocks += size / BSIZE;
    close(fd);
  }
  if (!full)
    fail("the disk never filled up (%d files, %d blocks)", n, blocks);
  *nfiles = n;
  return blocks;
}

static void
emptydisk(int n)
{
  char name[8];
  for (int i = 0; i < n; i++)
    xunlink(numname(name, "d", i, 2));
}

static void
t_diskfull(void)
{
  int n1, n2;
  int b1 = filldisk(&n1);
  if (b1 < 200)
    fail("only %d blocks could be written", b1);
  /* The full disk stays usable: a new file can be made (no data). */
  int fd = open("extra", O_CREATE | O_RDWR);
  if (fd >= 0) {
    if (write(fd, "x", 1) == 1) {
      /* possible: a partial block was freed up elsewhere */
    }
    close(fd);
    unlink("extra");
  }
  emptydisk(n1);
  int b2 = filldisk(&n2);
  emptydisk(n2);
  if (b2 < b1)
    fail("%d blocks the first time, only %d after emptying the disk", b1, b2);
}

static int
fillinodes(void)
{
  char name[16];
  int n = 0;
  for (;;) {
    int fd = open(numname(name, "in/i", n, 3), O_CREATE | O_RDWR);
    if (fd < 0)
      break;
    close(fd);
    if (++n > 5000)
      fail("created 5000 files without running out of inodes");
  }
  return n;
}

static void
t_inodefull(void)
{
  char name[16];
  if (mkdir("in") < 0)
    fail("mkdir failed");
  int n1 = fillinodes();
  if (n1 < 20)
    fail("only %d files could be created", n1);
  if (mkdir("in/dir") != -1)
    fail("mkdir worked with no inodes left");
  for (int i = 0; i < n1; i++)
    xunlink(numname(name, "in/i", i, 3));
  int n2 = fillinodes();
  for (int i = 0; i < n2; i++)
    xunlink(numname(name, "in/i", i, 3));
  xunlink("in");
  if (n2 < n1)
    fail("%d files the first time, only %d after removing them", n1, n2);
}

/* ---------------------------------------------------------------- pipes */

static void
t_pipe_basic(void)
{
  int p[2];
  char buf[32];
  int before = freefds();
  if (pipe(p) != 0)
    fail("pipe failed");
  if (p[0] < 0 || p[1] < 0 || p[0] == p[1] || p[0] >= NOFILE || p[1] >= NOFILE)
    fail("pipe gave descriptors %d and %d", p[0], p[1]);
  xwrite(p[1], "0123456789", 10);
  if (read(p[0], buf, 4) != 4 || memcmp(buf, "0123", 4) != 0)
    fail("first read wrong");
  /* A read returns what is there without waiting for more. */
  if (read(p[0], buf, 32) != 6 || memcmp(buf, "456789", 6) != 0)
    fail("second read wrong");
  close(p[0]);
  close(p[1]);
  char *heapend = alignbrk();
  int *bad[] = {(int *)KERNBASE, (int *)(uint64)main, (int *)unmapped(),
                (int *)(heapend - 4), (int *)(MAXVA - 4)};
  for (uint i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    if (pipe(bad[i]) != -1)
      fail("pipe(%p) did not return -1", bad[i]);
  if (freefds() != before)
    fail("failed pipe calls used up descriptors (%d free, %d before)",
         freefds(), before);
}

static void
t_pipe_close(void)
{
  int p[2];
  char buf[16];
  /* All writers gone: the rest of the data, then 0. */
  if (pipe(p) < 0)
    fail("pipe failed");
  xwrite(p[1], "abcde", 5);
  close(p[1]);
  if (read(p[0], buf, 16) != 5 || read(p[0], buf, 16) != 0)
    fail("reads after the writer closed");
  close(p[0]);
  /* All readers gone: write fails, and the writer lives on. */
  if (pipe(p) < 0)
    fail("pipe failed");
  close(p[0]);
  if (write(p[1], "x", 1) != -1)
    fail("write with no reader did not return -1");
  close(p[1]);
  /* A reader blocked in another process wakes when the writer closes. */
  if (pipe(p) < 0)
    fail("pipe failed");
  int pid = xfork();
  if (pid == 0) {
    close(p[1]);
    exit(read(p[0], buf, 1) == 0 ? 0 : 1);
  }
  close(p[0]);
  sleep(2);
  close(p[1]);
  expect_status(pid, 0, "blocked reader");
  /* A writer blocked on a full pipe gets -1 when the reader closes. */
  if (pipe(p) < 0)
    fail("pipe failed");
  pid = xfork();
  if (pid == 0) {
    static char big[PGSIZE];
    close(p[0]);
    for (int i = 0; i < 64; i++)
      if (write(p[1], big, sizeof(big)) < 0)
        exit(0);
    exit(1);
  }
  close(p[1]);
  sleep(2);
  read(p[0], buf, 16);
  close(p[0]);
  expect_status(pid, 0, "blocked writer");
}

static void
t_pipe_big(void)
{
  enum { TOTAL = 1 << 20 };
  static char buf[3001];
  int p[2];
  if (pipe(p) < 0)
    fail("pipe failed");
  int pid = xfork();
  if (pid == 0) {
    close(p[0]);
    for (int off = 0, k = 0; off < TOTAL; k++) {
      int m = 1 + (k * 997) % 3000;
      if (m > TOTAL - off)
        m = TOTAL - off;
      fillpat(buf, m, 15, off);
      xwrite(p[1], buf, m);
      off += m;
    }
    exit(0);
  }
  close(p[1]);
  int total = 0, r, k = 0;
  uint sum = 0;
  while ((r = read(p[0], buf, 1 + (k++ * 389) % 3000)) > 0) {
    int bad = checkpat(buf, r, 15, total);
    if (bad >= 0)
      fail("byte %d is wrong", total + bad);
    for (int i = 0; i < r; i++)
      sum = sum * 31 + (uchar)buf[i];
    total += r;
  }
  if (r < 0)
    fail("read returned %d", r);
  close(p[0]);
  expect_status(pid, 0, "writer");
  if (total != TOTAL)
    fail("%d bytes arrived, %d sent", total, TOTAL);
}

static void
t_pipe_many(void)
{
  enum { NW = 4, NR = 3, PERW = 64 * 1024 };
  int p[2], res[2];
  if (pipe(p) < 0 || pipe(res) < 0)
    fail("pipe failed");
  for (int w = 0; w < NW; w++) {
    if (xfork() == 0) {
      static char buf[777];
      close(p[0]);
      close(res[0]);
      close(res[1]);
      for (int off = 0; off < PERW;) {
        int m = PERW - off < (int)sizeof(buf) ? PERW - off : (int)sizeof(buf);
        fillpat(buf, m, 16 + w, off);
        xwrite(p[1], buf, m);
        off += m;
      }
      exit(0);
    }
  }
  for (int r = 0; r < NR; r++) {
    if (xfork() == 0) {
      static char buf[500];
      uint64 got[2] = {0, 0}; /* bytes, sum */
      int n;
      close(p[1]);
      close(res[0]);
      while ((n = read(p[0], buf, sizeof(buf))) > 0) {
        got[0] += n;
        for (int i = 0; i < n; i++)
          got[1] += (uchar)buf[i];
      }
      xwrite(res[1], got, sizeof(got));
      exit(n == 0 ? 0 : 1);
    }
  }
  close(p[0]);
  close(p[1]);
  close(res[1]);
  uint64 bytes = 0, sum = 0, want = 0, got[2];
  for (int r = 0; r < NR; r++) {
    if (read(res[0], got, sizeof(got)) != sizeof(got))
      fail("a reader did not report");
    bytes += got[0];
    sum += got[1];
  }
  close(res[0]);
  for (int i = 0; i < NW + NR; i++) {
    int st = -12345;
    if (wait(&st) < 0 || st != 0)
      fail("a reader or writer exited with %d", st);
  }
  for (int w = 0; w < NW; w++)
    for (int i = 0; i < PERW; i++)
      want += pat(16 + w, i);
  if (bytes != (uint64)NW * PERW || sum != want)
    fail("readers got %d bytes with sum %d; %d bytes with sum %d were sent",
         (int)bytes, (int)sum, NW * PERW, (int)want);
}

/* ---------------------------------------------------------------- runner */

struct utest {
  void (*fn)(void);
  const char *name;
  int quick; /* in the quick set (utests -q) */
  int secs;  /* time limit */
};

static const struct utest tests[] = {
    {t_fork_wait, "fork_wait", 1, 30},
    {t_fork_copy, "fork_copy", 1, 30},
    {t_wait_badptr, "wait_badptr", 1, 30},
    {t_exit_orphan, "exit_orphan", 1, 30},
    {t_kill, "kill", 1, 60},
    {t_nproc, "nproc", 1, 60},
    {t_sleep_uptime, "sleep_uptime", 1, 30},
    {t_getprocs, "ldx_calls", 1, 30},
    {t_exec_args, "exec_args", 1, 30},
    {t_exec_maxarg, "exec_maxarg", 1, 30},
    {t_exec_badargv, "exec_badargv", 1, 30},
    {t_exec_noent, "exec_noent", 1, 30},
    {t_exec_dir, "exec_dir", 1, 30},
    {t_exec_notelf, "exec_notelf", 1, 30},
    {t_exec_trunc, "exec_trunc", 1, 60},
    {t_lde_csrr, "lde_csrr", 1, 30},
    {t_lde_csrw, "lde_csrw", 1, 30},
    {t_lde_sret, "lde_sret", 1, 30},
    {t_lde_wfi, "lde_wfi", 1, 30},
    {t_lde_illegal, "lde_illegal", 1, 30},
    {t_lde_kmem, "lde_kmem", 1, 30},
    {t_lde_highmem, "lde_highmem", 1, 30},
    {t_lde_guard, "lde_guard", 1, 30},
    {t_lde_textwrite, "lde_textwrite", 1, 30},
    {t_lde_nx, "lde_nx", 1, 30},
    {t_lde_preempt, "lde_preempt", 1, 60},
    {t_fpu, "fpu", 1, 60},
    {t_lde_badsys, "lde_badsys", 1, 30},
    {t_sbrk_basic, "sbrk_basic", 1, 30},
    {t_sbrk_zero, "sbrk_zero", 1, 30},
    {t_sbrk_fault, "sbrk_fault", 1, 30},
    {t_sbrk_syscall, "sbrk_syscall", 1, 30},
    {t_oom_sbrk, "oom_sbrk", 0, 120},
    {t_oom_fork, "oom_fork", 0, 120},
    {t_badfd, "badfd", 1, 30},
    {t_rw_direction, "rw_direction", 1, 30},
    {t_read_badptr, "read_badptr", 1, 30},
    {t_write_badptr, "write_badptr", 1, 30},
    {t_rw_badlen, "rw_badlen", 1, 30},
    {t_nofile, "nofile", 1, 30},
    {t_nfile, "nfile", 0, 60},
    {t_file_basic, "file_basic", 1, 30},
    {t_file_trunc, "file_trunc", 1, 30},
    {t_fstat, "fstat", 1, 30},
    {t_link, "link", 1, 30},
    {t_unlink_open, "unlink_open", 1, 30},
    {t_dup, "dup", 1, 30},
    {t_dirent, "dirent", 1, 30},
    {t_mkdir_chdir, "mkdir_chdir", 1, 30},
    {t_unlink_dir, "unlink_dir", 1, 30},
    {t_notdir, "notdir", 1, 30},
    {t_path_long, "path_long", 1, 30},
    {t_path_badptr, "path_badptr", 1, 30},
    {t_dirsiz, "dirsiz", 1, 30},
    {t_mknod, "mknod", 1, 30},
    {t_open_dir, "open_dir", 1, 30},
    {t_bigfile, "bigfile", 0, 120},
    {t_manyfiles, "manyfiles", 0, 120},
    {t_concurrent, "concurrent", 0, 120},
    {t_diskfull, "diskfull", 0, 240},
    {t_inodefull, "inodefull", 0, 180},
    {t_pipe_basic, "pipe_basic", 1, 30},
    {t_pipe_close, "pipe_close", 1, 30},
    {t_pipe_big, "pipe_big", 1, 60},
    {t_pipe_many, "pipe_many", 1, 60},
};

#define NTESTS (int)(sizeof(tests) / sizeof(tests[0]))

/* Remove everything inside directory dir; returns how many entries. */
static int
rmtree(const char *dir, int depth)
{
  char path[MAXPATH];
  struct dirent de;
  struct stat st;
  int n = 0;
  int fd = open(dir, O_RDONLY);
  if (fd < 0)
    return 0;
  while (read(fd, &de, sizeof(de)) == sizeof(de)) {
    if (de.inum == 0)
      continue;
    char name[DIRSIZ + 1];
    memmove(name, de.name, DIRSIZ);
    name[DIRSIZ] = '\0';
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
      continue;
    if (strlen(dir) + 1 + strlen(name) + 1 > sizeof(path))
      continue;
    join(path, dir, "/");
    join(path + strlen(path), name, "");
    if (stat(path, &st) == 0 && st.type == T_DIR && depth < 8)
      n += rmtree(path, depth + 1);
    unlink(path);
    n++;
  }
  close(fd);
  return n;
}

/* Run one test; print its line; returns 1 if it passed. */
static int
runtest(const struct utest *t)
{
  char reason[REASONMAX + 1];
  int p[2];
  reason[0] = '\0';

  int before = freepages();
  if (pipe(p) < 0) {
    printf("utest FAIL %s: the runner cannot make a pipe\n", t->name);
    return 0;
  }
  int wd = fork();
  if (wd == 0) {
    close(p[0]);
    close(p[1]);
    sleep(t->secs * TICKS_PER_SEC);
    exit(0);
  }
  int pid = fork();
  if (pid == 0) {
    close(p[0]);
    reasonfd = p[1];
    if (chdir(SCRATCH) < 0)
      fail("cannot chdir to %s", SCRATCH);
    t->fn();
    exit(0);
  }
  close(p[1]);
  int st = -12345, timedout = 0;
  if (pid < 0) {
    join(reason, "the runner cannot fork", "");
  } else {
    int w = wait(&st);
    if (w == wd && wd > 0) {
      timedout = 1;
      kill(pid);
      while ((w = wait(0)) != pid && w >= 0)
        ;
      wd = -1;
    }
  }
  if (wd > 0) {
    kill(wd);
    while (wait(0) >= 0)
      ;
  }
  if (pid >= 0 && !timedout && st == FAILCODE) {
    int n = read(p[0], reason, REASONMAX);
    if (n < 0)
      n = 0;
    reason[n] = '\0';
    /* One line: later lines (from other processes of the test) join it. */
    while (n > 0 && reason[n - 1] == '\n')
      reason[--n] = '\0';
    for (int i = 0; i < n; i++)
      if (reason[i] == '\n' || reason[i] == '\r')
        reason[i] = ';';
    if (n == 0)
      join(reason, "failed", "");
  } else if (timedout) {
    char num[16];
    join(reason, "timed out after ", itoa(num, t->secs));
    join(reason + strlen(reason), " s", "");
  } else if (pid >= 0 && st != 0) {
    char num[16];
    join(reason, "exited with status ", st < 0 ? "-" : "");
    join(reason + strlen(reason), itoa(num, st < 0 ? -st : st), "");
    if (st == -1)
      join(reason + strlen(reason), " (killed)", "");
  }
  close(p[0]);

  int left = rmtree(SCRATCH, 0);
  if (reason[0] == '\0' && left > 0) {
    char num[16];
    join(reason, "left ", itoa(num, left));
    join(reason + strlen(reason), " files in " SCRATCH, "");
  }
  int after = settle(before);
  if (reason[0] == '\0' && after < before) {
    char num[16];
    join(reason, "leaked ", itoa(num, before - after));
    join(reason + strlen(reason), " pages of memory", "");
  }
  if (reason[0] == '\0') {
    printf("utest PASS %s\n", t->name);
    return 1;
  }
  printf("utest FAIL %s: %s\n", t->name, reason);
  return 0;
}

static void
usage(void)
{
  fprintf(2, "usage: utests [-q | -l | NAME...]\n");
  exit(1);
}

int
main(int argc, char *argv[])
{
  int quick = 0, list = 0;
  if (argc >= 2 && strcmp(argv[1], ARGCHECK) == 0)
    return argcheck(argc, argv);
  if (argc >= 2 && argv[1][0] == '-') {
    if (argc != 2)
      usage();
    if (strcmp(argv[1], "-q") == 0)
      quick = 1;
    else if (strcmp(argv[1], "-l") == 0)
      list = 1;
    else
      usage();
  }
  if (list) {
    for (int i = 0; i < NTESTS; i++)
      printf("%s%s\n", tests[i].name, tests[i].quick ? " quick" : "");
    return 0;
  }
  for (int a = 1 + quick; a < argc; a++) {
    int found = 0;
    for (int i = 0; i < NTESTS; i++)
      if (strcmp(argv[a], tests[i].name) == 0)
        found = 1;
    if (!found) {
      fprintf(2, "utests: no test named %s\n", argv[a]);
      usage();
    }
  }

  /* A fresh scratch directory (a previous run may have been cut short). */
  rmtree(SCRATCH, 0);
  unlink(SCRATCH);
  if (mkdir(SCRATCH) < 0) {
    fprintf(2, "utests: cannot make %s\n", SCRATCH);
    return 1;
  }
  int passed = 0, failed = 0;
  for (int i = 0; i < NTESTS; i++) {
    int run = argc == 1 || (quick && tests[i].quick);
    for (int a = 1 + quick; a < argc && !run; a++)
      run = strcmp(argv[a], tests[i].name) == 0;
    if (!run)
      continue;
    if (runtest(&tests[i]))
      passed++;
    else
      failed++;
  }
  rmtree(SCRATCH, 0);
  unlink(SCRATCH);
  printf("utests: %d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}

/*
 * utests' helpers for tests: failing with a reason, waiting for children
 * and checking how they ended, the heap's edges, test patterns, and file
 * calls that fail the test when they fail (x...).
 *
 * fail() writes its reason into the pipe the runner reads (run.c) and exits
 * FAILCODE; it works from any descendant of a test's child, since they all
 * inherit the pipe.  Tests that expect the kernel to kill a process run the
 * offending code in a child (mustdie) and expect wait status -1.
 */
#include "user/utests/utest.h"

#define SETTLE_TICKS 30 /* how long settle() waits for memory to return */

volatile uint64 sink;
const char rodata_msg[] = "read-only";

/* Report why the test failed and end this process.  Callable from any
 * descendant of the test's child: they all share the reason pipe. */
void
fail(const char *fmt, ...)
{
  __builtin_va_list ap;
  int fd = utest_reasonfd >= 0 ? utest_reasonfd : 2;
  __builtin_va_start(ap, fmt);
  vfprintf(fd, fmt, ap);
  __builtin_va_end(ap);
  fprintf(fd, "\n");
  exit(FAILCODE);
}

int
xfork(void)
{
  int pid = fork();
  if (pid < 0)
    fail("fork failed");
  return pid;
}

/* Wait for child pid; return its status (fails on any other outcome). */
int
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
void
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
void
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
char *
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
char *
unmapped(void)
{
  return (char *)(PGROUNDUP((uint64)sbrk(0)) + PGSIZE);
}

char *
xsbrk(int n)
{
  char *p = sbrk(n);
  if (p == (char *)-1)
    fail("sbrk(%d) failed", n);
  return p;
}

/* The byte of a test pattern at position i (seed picks the pattern). */
uchar
pat(uint seed, uint i)
{
  return (uchar)((i * 7 + (i >> 9) + seed * 31) ^ (seed >> 3));
}

void
fillpat(char *buf, int n, uint seed, uint off)
{
  for (int i = 0; i < n; i++)
    buf[i] = (char)pat(seed, off + i);
}

/* Index of the first byte that differs from the pattern, or -1. */
int
checkpat(const char *buf, int n, uint seed, uint off)
{
  for (int i = 0; i < n; i++)
    if ((uchar)buf[i] != pat(seed, off + i))
      return i;
  return -1;
}

int
xopen(const char *path, int mode)
{
  int fd = open(path, mode);
  if (fd < 0)
    fail("open(%s, 0x%x) failed", path, mode);
  return fd;
}

void
xwrite(int fd, const void *buf, int n)
{
  int r = write(fd, buf, n);
  if (r != n)
    fail("write(%d, buf, %d) returned %d", fd, n, r);
}

/* Create (or truncate) path holding n bytes of pattern seed. */
void
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

void
xunlink(const char *path)
{
  if (unlink(path) < 0)
    fail("unlink(%s) failed", path);
}

void
xstat(const char *path, struct stat *st)
{
  if (stat(path, st) < 0)
    fail("stat(%s) failed", path);
}

int
exists(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0;
}

/* How many descriptors this process can still open. */
int
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

/* Wait (up to SETTLE_TICKS) for the free page count to reach want;
 * returns the last count seen.  Exited processes may still be waiting
 * for their parent (init) to reap them. */
int
settle(int want)
{
  int n = freepages();
  for (int i = 0; i < SETTLE_TICKS && n < want; i++) {
    sleep(1);
    n = freepages();
  }
  return n;
}

/* Every page free before (freepages() then) must come back, once exited
 * children are reaped; fails the test with the count lost. */
void
expect_pages_back(int before)
{
  int after = settle(before);
  if (after < before)
    fail("%d free pages before, %d after: %d lost", before, after,
         before - after);
}

/* Loop forever (until killed), never giving up the CPU. */
void
spin(void)
{
  for (;;)
    sink++;
}

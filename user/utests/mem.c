/*
 * utests, memory: sbrk growing and shrinking, faults past the break, a
 * system call given memory just below and above it, and running the machine
 * out of memory with sbrk and with fork (every page must come back).
 */
#include "user/utests/utest.h"

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
  expect_pages_back(before);
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
  expect_pages_back(before);
}

const struct utest utests_mem[] = {
    {t_sbrk_basic, "sbrk_basic", 1, 30},
    {t_sbrk_zero, "sbrk_zero", 1, 30},
    {t_sbrk_fault, "sbrk_fault", 1, 30},
    {t_sbrk_syscall, "sbrk_syscall", 1, 30},
    {t_oom_sbrk, "oom_sbrk", 0, 120},
    {t_oom_fork, "oom_fork", 0, 120},
    {0, 0, 0, 0},
};

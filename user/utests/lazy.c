/*
 * utests, lazy heap (sbrklazy, the 2025 xv6 API): a lazy grow allocates
 * nothing, the first touch of a page gives a zeroed page, addresses past
 * the break still kill, system calls on lazy memory succeed, fork and
 * shrinking work, a 1 GiB lazy region fits a 128 MiB machine, and running
 * out of memory on a lazy fault kills only that process (the runner checks
 * that every page comes back after each test).
 */
#include "user/utests/utest.h"

#define GIB (1 << 30)

static char *
xsbrklazy(int n)
{
  char *p = sbrklazy(n);
  if (p == SBRK_ERROR)
    fail("sbrklazy(%d) failed", n);
  return p;
}

/* The page count fell by at most most pages since before. */
static void
expect_used(int before, int most, const char *what)
{
  int used = before - freepages();
  if (used > most)
    fail("%s used %d pages, expected at most %d", what, used, most);
}

static void
t_lazy_grow(void)
{
  int n = 64 * PGSIZE;
  char *p = alignbrk();
  int before = freepages();
  if (xsbrklazy(n) != p || sbrk(0) != p + n)
    fail("sbrklazy(%d) did not move the break from %p to %p", n, p, p + n);
  expect_used(before, 2, "a lazy grow of 64 pages");
  for (int i = 0; i < n; i += PGSIZE)
    if (p[i + i / PGSIZE] != 0)
      fail("a lazy page read %d at offset %d", p[i + i / PGSIZE], i);
  fillpat(p, n, 5, 0);
  if (checkpat(p, n, 5, 0) >= 0)
    fail("lazy memory did not keep its bytes");
  if (before - freepages() < 64)
    fail("64 touched lazy pages took only %d pages", before - freepages());
  if (sbrk(-n) != p + n || sbrk(0) != p)
    fail("shrinking the lazy region failed");
}

static void
t_lazy_huge(void)
{
  int before = freepages();
  char *a = sbrklazy(GIB);
  if (a == SBRK_ERROR)
    fail("sbrklazy(1 GiB) failed with %d pages free", before);
  expect_used(before, 2, "a lazy grow of 1 GiB");
  /* The first and last byte, and pages spread over the region. */
  a[0] = 1;
  a[GIB - 1] = 2;
  for (int i = 1; i < 8; i++)
    a[i * (GIB / 8) + i] = (char)(10 + i);
  if (a[0] != 1 || a[GIB - 1] != 2)
    fail("the ends of a 1 GiB lazy region lost their bytes");
  for (int i = 1; i < 8; i++)
    if (a[i * (GIB / 8) + i] != 10 + i)
      fail("page %d of a 1 GiB lazy region lost its byte", i);
  if (a[GIB / 2 + 3 * PGSIZE] != 0)
    fail("an untouched page of a 1 GiB lazy region is not zero");
  /* Nine touched pages and their page tables. */
  expect_used(before, 9 + 2 * 10, "touching 10 pages of a 1 GiB lazy region");
  if (sbrk(-GIB) != a + GIB || sbrk(0) != a)
    fail("shrinking a 1 GiB lazy region failed");
}

static void
d_lazy_past(void)
{
  char *p = alignbrk();
  xsbrklazy(4 * PGSIZE);
  sink = p[4 * PGSIZE]; /* the first byte past the break */
}

static void
d_lazy_shrunk(void)
{
  char *p = alignbrk();
  xsbrklazy(4 * PGSIZE);
  p[3 * PGSIZE] = 1;
  sbrk(-2 * PGSIZE);
  sink = p[3 * PGSIZE]; /* given back */
}

static void
d_lazy_exec(void)
{
  char *p = alignbrk();
  xsbrklazy(PGSIZE);
  ((void (*)(void))p)(); /* the heap is never executable */
}

static void
t_lazy_fault(void)
{
  mustdie(d_lazy_past, "read just past a lazy heap");
  mustdie(d_lazy_shrunk, "read lazy memory given back by sbrk(-n)");
  mustdie(d_lazy_exec, "jump into a lazy page");
}

static void
t_lazy_syscall(void)
{
  int n = 2 * PGSIZE + 300;
  char *buf = xsbrk(n);
  fillpat(buf, n, 7, 0);
  int fd = xopen("lz", O_CREATE | O_RDWR);
  xwrite(fd, buf, n);
  close(fd);

  /* copyout: read() into untouched lazy pages, starting mid-page. */
  char *p = alignbrk();
  xsbrklazy(4 * PGSIZE);
  fd = xopen("lz", O_RDONLY);
  if (read(fd, p + 100, n) != n)
    fail("read into lazy memory failed");
  if (checkpat(p + 100, n, 7, 0) >= 0)
    fail("read into lazy memory stored the wrong bytes");
  /* ... and fstat into another untouched one. */
  struct stat *st = (struct stat *)(p + 3 * PGSIZE);
  if (fstat(fd, st) < 0 || st->size != n)
    fail("fstat into lazy memory failed");
  close(fd);

  /* copyin: write() from untouched lazy pages sends zeros. */
  char *q = alignbrk();
  xsbrklazy(2 * PGSIZE);
  fd = xopen("lz", O_WRONLY | O_TRUNC);
  if (write(fd, q, 2 * PGSIZE) != 2 * PGSIZE)
    fail("write from lazy memory failed");
  close(fd);
  fd = xopen("lz", O_RDONLY);
  if (read(fd, buf, n) != 2 * PGSIZE)
    fail("the file written from lazy memory has the wrong size");
  for (int i = 0; i < 2 * PGSIZE; i++)
    if (buf[i] != 0)
      fail("write from lazy memory sent %d at offset %d", buf[i], i);
  close(fd);
  xunlink("lz");

  /* copyout under the pipe's lock and under wait's: a pipe read and an
   * exit status into untouched lazy pages. */
  char *w = alignbrk();
  xsbrklazy(3 * PGSIZE);
  int pp[2];
  if (pipe(pp) < 0)
    fail("pipe failed");
  xwrite(pp[1], "lazy pipe", 9);
  if (read(pp[0], w + PGSIZE - 4, 9) != 9 ||
      memcmp(w + PGSIZE - 4, "lazy pipe", 9) != 0)
    fail("a pipe read into lazy memory failed");
  close(pp[0]);
  close(pp[1]);
  int pid = xfork();
  if (pid == 0)
    exit(7);
  int *status = (int *)(w + 2 * PGSIZE);
  if (wait(status) != pid || *status != 7)
    fail("wait() storing the status in lazy memory failed");

  /* copyinstr: a path whose NUL lies on an untouched lazy page. */
  char *r = alignbrk();
  xsbrklazy(2 * PGSIZE);
  r[PGSIZE - 2] = 'l';
  r[PGSIZE - 1] = 'y';
  fd = open(r + PGSIZE - 2, O_CREATE | O_RDWR);
  if (fd < 0)
    fail("open of a path ending on a lazy page failed");
  close(fd);
  if (!exists("ly"))
    fail("open of a path ending on a lazy page did not create \"ly\"");
  xunlink("ly");
}

static void
t_lazy_fork(void)
{
  int n = 16 * PGSIZE;
  char *p = alignbrk();
  xsbrklazy(n);
  fillpat(p, 4 * PGSIZE, 9, 0);
  int pid = xfork();
  if (pid == 0) {
    if (sbrk(0) != p + n)
      fail("the child's break is %p, the parent's %p", sbrk(0), p + n);
    if (checkpat(p, 4 * PGSIZE, 9, 0) >= 0)
      fail("the child lost the touched lazy pages");
    for (int i = 4 * PGSIZE; i < n; i += 512)
      if (p[i] != 0)
        fail("an untouched lazy page reads %d in the child", p[i]);
    p[0] = 'c';
    p[8 * PGSIZE] = 'c';
    exit(0);
  }
  expect_status(pid, 0, "child of a lazy region");
  if (p[0] == 'c' || p[8 * PGSIZE] != 0)
    fail("the child's writes reached the parent");
  if (checkpat(p + 1, 4 * PGSIZE - 1, 9, 1) >= 0)
    fail("the parent lost its lazy pages");
  sbrk(-n);

  /* A lazy gigabyte forks as cheaply as what is touched of it. */
  char *a = xsbrklazy(GIB);
  a[GIB / 2] = 3;
  int before = freepages();
  pid = xfork();
  if (pid == 0) {
    if (a[GIB / 2] != 3)
      fail("the child lost a page of a 1 GiB lazy region");
    a[GIB - 1] = 4;
    exit(0);
  }
  expect_status(pid, 0, "child of a 1 GiB lazy region");
  settle(before);
  if (a[GIB - 1] != 0)
    fail("the child's write reached the parent's lazy page");
  sbrk(-GIB);
}

static void
t_lazy_shrink(void)
{
  int n = 32 * PGSIZE;
  char *p = alignbrk();
  xsbrklazy(n);
  for (int i = 0; i < 16; i++)
    p[i * PGSIZE] = (char)(i + 1);
  int full = freepages();
  /* Half back: the kept half keeps its bytes, the rest is gone. */
  if (sbrk(-n / 2) != p + n || sbrk(0) != p + n / 2)
    fail("sbrk(-%d) of a lazy region failed", n / 2);
  for (int i = 0; i < 16; i++)
    if (p[i * PGSIZE] != i + 1)
      fail("page %d lost its byte when the lazy region shrank", i);
  if (sbrk(-n / 2) != p + n / 2 || sbrk(0) != p)
    fail("sbrk(-%d) of the rest failed", n / 2);
  if (freepages() - full < 16)
    fail("shrinking gave back %d of 16 touched pages", freepages() - full);
  /* Grown again, lazily: zeros. */
  xsbrklazy(n);
  for (int i = 0; i < 16; i++)
    if (p[i * PGSIZE] != 0)
      fail("page %d holds %d after shrink and lazy regrow", i, p[i * PGSIZE]);
  sbrk(-n);
}

static void
t_lazy_how(void)
{
  char *b = sbrk(0);
  if (sys_sbrk(PGSIZE, 0) != SBRK_ERROR || sys_sbrk(PGSIZE, 3) != SBRK_ERROR)
    fail("sys_sbrk with a how that is neither SBRK_EAGER nor SBRK_LAZY "
         "did not fail");
  if (sys_sbrk(0, SBRK_LAZY) != b || sys_sbrk(0, SBRK_EAGER) != b)
    fail("sys_sbrk(0, ...) did not return the break");
  char *a = xsbrklazy(GIB);
  if (sbrklazy(GIB) != SBRK_ERROR)
    fail("a second lazy gigabyte went past the top of user memory");
  if (sbrklazy(0x7fffffff) != SBRK_ERROR)
    fail("sbrklazy(0x7fffffff) past the top of user memory did not fail");
  if (sbrk(0) != a + GIB)
    fail("a failed sbrklazy moved the break");
  /* Shrinking through sbrklazy is an ordinary shrink. */
  if (sbrklazy(-GIB) != a + GIB || sbrk(0) != b)
    fail("sbrklazy(-1 GiB) did not shrink the heap");
}

/* Touch lazy pages until the kernel kills us for want of memory; report
 * progress to the parent through fd. */
static void
touch_until_killed(int fd)
{
  char *a = xsbrklazy(GIB);
  for (int i = 0; i < GIB; i += PGSIZE) {
    a[i] = 1;
    if ((i / PGSIZE) % 256 == 255)
      write(fd, "x", 1); /* 256 more pages */
  }
  exit(0); /* a gigabyte fitted: the parent fails the test */
}

static void
t_lazy_oom(void)
{
  int before = freepages();
  int p[2];
  if (pipe(p) < 0)
    fail("pipe failed");
  int pid = xfork();
  if (pid == 0) {
    close(p[0]);
    touch_until_killed(p[1]);
  }
  close(p[1]);
  int pages = 0;
  char c;
  while (read(p[0], &c, 1) == 1)
    pages += 256;
  close(p[0]);
  int st = waitfor(pid);
  if (st == 0)
    fail("touching a lazy gigabyte did not run out of memory");
  if (st != -1)
    fail("the child out of memory exited with %d, expected -1 (killed)", st);
  if (pages < before / 2)
    fail("the child was killed after %d pages, with %d free", pages, before);

  /* Out of memory in a system call on lazy memory: -1, not a kill. */
  pid = xfork();
  if (pid == 0) {
    for (int chunk = 1 << 22; chunk >= PGSIZE; chunk /= 2)
      while (sbrk(chunk) != SBRK_ERROR)
        ;
    char *z = xsbrklazy(PGSIZE);
    int fd = xopen("/README", O_RDONLY);
    if (freepages() == 0 && read(fd, z, 16) != -1)
      fail("read into a lazy page with no memory left did not fail");
    exit(0);
  }
  expect_status(pid, 0, "read into lazy memory with none left");
  expect_pages_back(before);
}

const struct utest utests_lazy[] = {
    {t_lazy_grow, "lazy_grow", 1, 30},
    {t_lazy_huge, "lazy_huge", 1, 30},
    {t_lazy_fault, "lazy_fault", 1, 30},
    {t_lazy_syscall, "lazy_syscall", 1, 30},
    {t_lazy_fork, "lazy_fork", 1, 30},
    {t_lazy_shrink, "lazy_shrink", 1, 30},
    {t_lazy_how, "lazy_how", 1, 30},
    {t_lazy_oom, "lazy_oom", 0, 120},
    {0, 0, 0, 0},
};

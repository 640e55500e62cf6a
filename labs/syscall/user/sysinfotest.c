/*
 * sysinfotest: tests of the syscall lab's sysinfo() call.
 *
 *   sysinfotest [TEST...]     (every test when none is named)
 *
 * Each test prints "NAME: OK" or "NAME: FAIL why" (labs/labtest.h).
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "kernel/memlayout.h"
#include "kernel/fcntl.h"
#include "kernel/sysinfo.h"
#include "user/user.h"
#include "labs/labtest.h"

static struct sysinfo
info(void)
{
  struct sysinfo si;
  memset(&si, 0xff, sizeof(si));
  expect(sysinfo(&si) == 0, "sysinfo(&info) did not return 0");
  return si;
}

/* The call fills every field with something plausible. */
static void
t_basic(void)
{
  struct sysinfo si = info();
  expect(si.freemem > 0 && si.freemem % PGSIZE == 0 &&
             si.freemem < 0x80000000UL,
         "freemem %lu is not a plausible number of bytes", si.freemem);
  expect(si.nproc >= 3 && si.nproc <= NPROC,
         "nproc %lu (init, sh and this test are at least 3)", si.nproc);
  expect(si.nfile >= 1 && si.nfile <= NFILE, "nfile %lu", si.nfile);
  uint64 pages = freepages();
  si = info();
  expect(si.freemem == pages * PGSIZE,
         "freemem %lu bytes, but freepages() says %lu pages", si.freemem,
         pages);
}

/* freemem follows the memory this process takes and gives back. */
static void
t_freemem(void)
{
  struct sysinfo a = info();
  int n = 20;
  expect(sbrk(n * PGSIZE) != (char *)-1, "sbrk failed");
  struct sysinfo b = info();
  expect(a.freemem - b.freemem >= (uint64)n * PGSIZE &&
             a.freemem - b.freemem <= (uint64)(n + 3) * PGSIZE,
         "after taking %d pages freemem went from %lu to %lu", n, a.freemem,
         b.freemem);
  sbrk(-n * PGSIZE);
  struct sysinfo c = info();
  expect(c.freemem == a.freemem,
         "after giving them back freemem is %lu, was %lu", c.freemem,
         a.freemem);
}

/* nproc counts every process slot in use, zombies included. */
static void
t_nproc(void)
{
  int fds[2];
  expect(pipe(fds) == 0, "pipe failed");
  uint64 before = info().nproc;
  int kids = 5;
  for (int i = 0; i < kids; i++) {
    int pid = fork();
    expect(pid >= 0, "fork failed");
    if (pid == 0) {
      char c;
      close(fds[1]);
      read(fds[0], &c, 1); /* until the parent closes the pipe */
      exit(0);
    }
  }
  uint64 during = info().nproc;
  expect(during == before + kids,
         "with %d more processes nproc is %lu, was %lu", kids, during, before);
  close(fds[0]);
  close(fds[1]);
  sleep(2); /* the children exit; zombies still hold their slots */
  uint64 zombies = info().nproc;
  expect(zombies == before + kids,
         "with %d zombies nproc is %lu, was %lu (zombies count)", kids, zombies,
         before);
  for (int i = 0; i < kids; i++)
    wait(0);
  uint64 after = info().nproc;
  expect(after == before, "after wait nproc is %lu, was %lu", after, before);
}

/* nfile counts entries of the system-wide open-file table. */
static void
t_nfile(void)
{
  uint64 before = info().nfile;
  int fds[2];
  expect(pipe(fds) == 0, "pipe failed");
  uint64 p = info().nfile;
  expect(p == before + 2, "a pipe took nfile from %lu to %lu, not +2", before,
         p);
  int d = dup(fds[0]);
  expect(info().nfile == p, "dup shares the open file: nfile must not change");
  int fd = open("README.md", O_RDONLY);
  expect(fd >= 0, "cannot open README.md");
  expect(info().nfile == p + 1, "open took nfile from %lu to %lu", p,
         info().nfile);
  close(fd);
  close(d);
  close(fds[0]);
  close(fds[1]);
  expect(info().nfile == before,
         "after closing everything nfile is %lu, was %lu", info().nfile,
         before);
}

/* A bad pointer makes sysinfo return -1, and writes nothing where it may
 * not: never a crash. */
static void
t_badptr(void)
{
  char *top = sbrk(0);
  uint64 bad[] = {
      0,                    /* program text: not writable */
      (uint64)t_badptr,     /* text again */
      KERNBASE,             /* the kernel */
      KERNBASE - 8,         /* the struct would cross into the kernel */
      (uint64)top,          /* just past the heap */
      (uint64)top - 8,      /* straddles the end of the heap */
      TRAPFRAME,            /* mapped, but not for the user */
      TRAMPOLINE,           /* same */
      MAXVA,                /* beyond every user address */
      0xffffffffffffffffUL, /* wraps around */
      0xfffffffffffffff8UL, /* wraps around inside the struct */
  };
  for (int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    int r = sysinfo((struct sysinfo *)bad[i]);
    expect(r == -1, "sysinfo(%p) returned %d, not -1", (void *)bad[i], r);
  }
  /* A good pointer at the very end of the heap still works. */
  char *p = sbrk(PGSIZE);
  expect(p != (char *)-1, "sbrk failed");
  struct sysinfo *last = (struct sysinfo *)(p + PGSIZE - sizeof(*last));
  expect(sysinfo(last) == 0 && last->nproc >= 3,
         "sysinfo into the last bytes of the heap failed");
}

/* Many processes asking at once, on every hart. */
static void
t_concurrent(void)
{
  int kids = 4;
  for (int i = 0; i < kids; i++) {
    int pid = fork();
    expect(pid >= 0, "fork failed");
    if (pid == 0) {
      for (int j = 0; j < 2000; j++) {
        struct sysinfo si;
        if (sysinfo(&si) != 0 || si.nproc < 3 || si.nproc > NPROC)
          exit(1);
      }
      exit(0);
    }
  }
  for (int i = 0; i < kids; i++) {
    int st = -1;
    wait(&st);
    expect(st == 0, "a child's sysinfo calls failed (status %d)", st);
  }
}

static const struct labtest tests[] = {
    {"basic", t_basic},
    {"freemem", t_freemem},
    {"nproc", t_nproc},
    {"nfile", t_nfile},
    {"badptr", t_badptr},
    {"concurrent", t_concurrent},
    {0, 0},
};

int
main(int argc, char *argv[])
{
  return labtest_main(argc, argv, tests);
}

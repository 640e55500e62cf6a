/*
 * lde: limited direct execution, demonstrated and tested from user space.
 *
 *   lde TEST
 *
 * Tests the kernel must kill (it prints one console line naming the pid,
 * the cause and the address; lde's own last line says what it tried, and
 * a line with FAIL appears only if it survived):
 *   priv        executes a privileged instruction (csrr sstatus)
 *   kread       reads KERNBASE
 *   kwrite      writes KERNBASE
 *   trampoline  reads the trampoline page (mapped, but not for the user)
 *   maxva       reads MAXVA, beyond any valid user address
 *   guard       writes the guard page just below the stack
 *   stack       recurses until the stack runs into the guard page
 *   textwrite   writes over its own code
 *
 * Tests that must survive; each prints "NAME: ok" or "NAME: FAIL why":
 *   badsys      unknown system-call numbers return -1: prints
 *               "badsys: returned -1"
 *   badptr      write() and read() with bad user pointers return -1:
 *               prints "badptr: write returned -1" and
 *               "badptr: read returned -1"
 *   forkwait    children exit with statuses 0..N-1; wait() returns each
 *               pid with its status: "forkwait: ok"
 *   killwait    a killed child's exit status is -1: "killwait: ok"
 *   faultwait   a child killed for a bad access exits -1: "faultwait: ok"
 *   sbrk        growing, shrinking and an impossible request: "sbrk: ok"
 *   malloc      many allocations, checked and freed: "malloc: ok"
 *   pipe        20000 bytes through a pipe to a child: "pipe: ok"
 *   interleave  four children print 8 lines each; every line must reach
 *               the console whole; ends with "interleave: done"
 *   all         every test of this second group, then "all: ok" or
 *               "all: FAIL"
 *
 * Exit status: 0 when the test passed, 1 when it failed (or for a usage
 * error).
 */
#include "kernel/types.h"
#include "kernel/riscv.h"
#include "kernel/memlayout.h"
#include "kernel/param.h"
#include "user/user.h"

#define BADSYSNUM 200 /* no system call has this number */
#define NFORK 10      /* children in forkwait */
#define PIPEBYTES 20000

extern char end[]; /* the end of data and bss (user.ld) */

static volatile uint64 sink; /* defeats the optimiser on dummy loads */

/* --------------------------------------------------- killed by the kernel */

static void
survived(const char *name)
{
  printf("%s: FAIL still alive\n", name);
  exit(1);
}

static void
t_priv(void)
{
  printf("priv: executing csrr sstatus in user mode\n");
  uint64 x;
  __asm__ volatile("csrr %0, sstatus" : "=r"(x));
  sink = x;
  survived("priv");
}

static void
t_kread(void)
{
  printf("kread: reading %p\n", (void *)KERNBASE);
  sink = *(volatile uint64 *)KERNBASE;
  survived("kread");
}

static void
t_kwrite(void)
{
  printf("kwrite: writing %p\n", (void *)KERNBASE);
  *(volatile uint64 *)KERNBASE = 0;
  survived("kwrite");
}

static void
t_trampoline(void)
{
  printf("trampoline: reading %p\n", (void *)TRAMPOLINE);
  sink = *(volatile uint64 *)TRAMPOLINE;
  survived("trampoline");
}

static void
t_maxva(void)
{
  printf("maxva: reading %p\n", (void *)MAXVA);
  sink = *(volatile uint64 *)MAXVA;
  survived("maxva");
}

/* The guard page: the first page boundary after the program's memory. */
static uint64
guardpage(void)
{
  return PGROUNDUP((uint64)end);
}

static void
t_guard(void)
{
  uint64 guard = guardpage();
  uint64 sp = r_sp();
  if (sp < guard + PGSIZE || sp > guard + PGSIZE + USERSTACK * PGSIZE) {
    printf("guard: FAIL sp %p is not in the stack above the guard page %p\n",
           (void *)sp, (void *)guard);
    exit(1);
  }
  printf("guard: writing %p (stack at %p)\n", (void *)(guard + PGSIZE - 8),
         (void *)sp);
  *(volatile uint64 *)(guard + PGSIZE - 8) = 0;
  survived("guard");
}

static volatile int neverdepth = -1; /* keeps recurse() from being "infinite" */

static int
recurse(int depth)
{
  volatile char frame[256];
  if (depth == neverdepth)
    return 0;
  frame[0] = (char)depth;
  return recurse(depth + 1) + frame[0];
}

static void
t_stack(void)
{
  printf("stack: recursing until the stack overflows\n");
  sink = recurse(0);
  survived("stack");
}

static void
t_textwrite(void)
{
  volatile uint32 *code = (volatile uint32 *)(uint64)t_textwrite;
  printf("textwrite: writing %p\n", (void *)code);
  *code = 0;
  survived("textwrite");
}

/* ----------------------------------------------------------- survivors */

static long
rawsyscall(long num, long a0)
{
  register long a7r __asm__("a7") = num;
  register long a0r __asm__("a0") = a0;
  __asm__ volatile("ecall" : "+r"(a0r) : "r"(a7r) : "memory");
  return a0r;
}

static int
t_badsys(void)
{
  static const long nums[] = {BADSYSNUM, 0, 39, 63, 1000000, -1};
  for (uint i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
    long r = rawsyscall(nums[i], 0);
    if (r != -1) {
      printf("badsys: FAIL system call %ld returned %ld\n", nums[i], r);
      return -1;
    }
  }
  printf("badsys: returned -1\n");
  return 0;
}

static int
t_badptr(void)
{
  const uint64 bad[] = {
      KERNBASE,  guardpage(), TRAPFRAME, TRAMPOLINE,
      MAXVA - 4, MAXVA,       -16UL,     PGROUNDUP((uint64)sbrk(0)) + PGSIZE,
  };
  int ok = 1;
  for (uint i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    int r = write(1, (void *)bad[i], 10);
    if (r != -1) {
      printf("badptr: FAIL write(1, %p, 10) returned %d\n", (void *)bad[i], r);
      ok = 0;
    }
  }
  if (ok)
    printf("badptr: write returned -1\n");

  /* read() into memory the user may not write: the kernel must refuse
   * to copy out.  A pipe supplies data without blocking. */
  int p[2];
  if (pipe(p) < 0) {
    printf("badptr: FAIL pipe\n");
    return -1;
  }
  const uint64 ro[] = {KERNBASE, (uint64)t_badptr, TRAPFRAME, MAXVA - 4};
  int rok = 1;
  for (uint i = 0; i < sizeof(ro) / sizeof(ro[0]); i++) {
    write(p[1], "0123456789", 10);
    int r = read(p[0], (void *)ro[i], 10);
    if (r != -1) {
      printf("badptr: FAIL read(pipe, %p, 10) returned %d\n", (void *)ro[i], r);
      rok = 0;
    }
  }
  close(p[0]);
  close(p[1]);
  if (rok)
    printf("badptr: read returned -1\n");
  return ok && rok ? 0 : -1;
}

static int
t_forkwait(void)
{
  int pids[NFORK];
  int seen[NFORK];

  for (int i = 0; i < NFORK; i++) {
    pids[i] = fork();
    if (pids[i] < 0) {
      printf("forkwait: FAIL fork %d\n", i);
      return -1;
    }
    if (pids[i] == 0)
      exit(i);
    seen[i] = 0;
  }
  for (int n = 0; n < NFORK; n++) {
    int status = -99;
    int pid = wait(&status);
    int i = 0;
    while (i < NFORK && pids[i] != pid)
      i++;
    if (i == NFORK) {
      printf("forkwait: FAIL wait returned %d, not a child\n", pid);
      return -1;
    }
    if (seen[i]++) {
      printf("forkwait: FAIL pid %d returned twice\n", pid);
      return -1;
    }
    if (status != i) {
      printf("forkwait: FAIL child %d exited %d, wait says %d\n", pid, i,
             status);
      return -1;
    }
  }
  /* A null status pointer is allowed. */
  int pid = fork();
  if (pid == 0)
    exit(7);
  if (pid < 0 || wait(0) != pid) {
    printf("forkwait: FAIL wait(0)\n");
    return -1;
  }
  int w = wait(0);
  if (w != -1) {
    printf("forkwait: FAIL wait with no children returned %d\n", w);
    return -1;
  }
  printf("forkwait: ok\n");
  return 0;
}

/* Fork a child that runs fn; return its exit status as wait() reports it. */
static int
childstatus(const char *name, void (*fn)(void), int killit)
{
  int pid = fork();
  if (pid < 0) {
    printf("%s: FAIL fork\n", name);
    return -99;
  }
  if (pid == 0) {
    fn();
    exit(0);
  }
  if (killit) {
    sleep(2);
    if (kill(pid) < 0) {
      printf("%s: FAIL kill(%d)\n", name, pid);
      return -99;
    }
  }
  int status = -99;
  if (wait(&status) != pid) {
    printf("%s: FAIL wait\n", name);
    return -99;
  }
  return status;
}

static void
spinforever(void)
{
  for (;;)
    sink++;
}

static void
badload(void)
{
  sink = *(volatile uint64 *)KERNBASE;
}

static int
t_killwait(void)
{
  int status = childstatus("killwait", spinforever, 1);
  if (status != -1) {
    printf("killwait: FAIL status %d, expected -1\n", status);
    return -1;
  }
  printf("killwait: ok\n");
  return 0;
}

static int
t_faultwait(void)
{
  int status = childstatus("faultwait", badload, 0);
  if (status != -1) {
    printf("faultwait: FAIL status %d, expected -1\n", status);
    return -1;
  }
  printf("faultwait: ok\n");
  return 0;
}

static int
t_sbrk(void)
{
  const int n = 3 * PGSIZE + 100;
  char *old = sbrk(0);
  char *p = sbrk(n);
  if (p != old) {
    printf("sbrk: FAIL sbrk(%d) returned %p, break was %p\n", n, p, old);
    return -1;
  }
  for (int i = 0; i < n; i++)
    p[i] = (char)i;
  for (int i = 0; i < n; i++) {
    if (p[i] != (char)i) {
      printf("sbrk: FAIL byte %d lost\n", i);
      return -1;
    }
  }
  if (sbrk(0) != old + n) {
    printf("sbrk: FAIL break is %p, expected %p\n", sbrk(0), old + n);
    return -1;
  }
  if (sbrk(-n) != old + n || sbrk(0) != old) {
    printf("sbrk: FAIL shrinking\n");
    return -1;
  }
  /* Far beyond what memory and USERTOP allow: must fail, not crash. */
  char *huge = sbrk(0x7ffff000);
  if (huge != (char *)-1) {
    printf("sbrk: FAIL sbrk(0x7ffff000) returned %p\n", huge);
    return -1;
  }
  if (sbrk(0) != old) {
    printf("sbrk: FAIL a failed sbrk moved the break\n");
    return -1;
  }
  printf("sbrk: ok\n");
  return 0;
}

#define NBLOCKS 200

static int
t_malloc(void)
{
  static char *blk[NBLOCKS];
  static uint size[NBLOCKS];

  for (int round = 0; round < 3; round++) {
    for (int i = 0; i < NBLOCKS; i++) {
      size[i] = (i * 37 + round * 101) % 3000;
      blk[i] = malloc(size[i]);
      if (blk[i] == 0) {
        printf("malloc: FAIL malloc(%u) returned 0\n", size[i]);
        return -1;
      }
      if ((uint64)blk[i] % 16 != 0) {
        printf("malloc: FAIL %p is not 16-byte aligned\n", blk[i]);
        return -1;
      }
      memset(blk[i], i & 0xff, size[i]);
    }
    /* Free every other block, then check the rest kept their bytes. */
    for (int i = 0; i < NBLOCKS; i += 2)
      free(blk[i]);
    for (int i = 1; i < NBLOCKS; i += 2) {
      for (uint j = 0; j < size[i]; j++) {
        if ((uchar)blk[i][j] != (i & 0xff)) {
          printf("malloc: FAIL block %d overwritten\n", i);
          return -1;
        }
      }
      free(blk[i]);
    }
  }
  /* All freed: the pieces must have merged back into room for one big
   * block without growing the heap. */
  char *brk = sbrk(0);
  char *big = malloc(200 * 1000);
  if (big == 0) {
    printf("malloc: FAIL big block\n");
    return -1;
  }
  if (sbrk(0) != brk) {
    printf("malloc: FAIL freed blocks were not merged (heap grew)\n");
    return -1;
  }
  free(big);
  if (malloc(0x7fffffff) != 0) {
    printf("malloc: FAIL an impossible request succeeded\n");
    return -1;
  }
  printf("malloc: ok\n");
  return 0;
}

static int
t_pipe(void)
{
  static char buf[512];
  int p[2];

  if (pipe(p) < 0) {
    printf("pipe: FAIL pipe\n");
    return -1;
  }
  int pid = fork();
  if (pid < 0) {
    printf("pipe: FAIL fork\n");
    return -1;
  }
  if (pid == 0) {
    close(p[1]);
    int total = 0, n;
    while ((n = read(p[0], buf, sizeof(buf))) > 0) {
      for (int i = 0; i < n; i++)
        if (buf[i] != (char)((total + i) % 251))
          exit(2);
      total += n;
    }
    exit(total == PIPEBYTES ? 0 : 3);
  }
  close(p[0]);
  for (int off = 0; off < PIPEBYTES;) {
    int m =
        PIPEBYTES - off < (int)sizeof(buf) ? PIPEBYTES - off : (int)sizeof(buf);
    for (int i = 0; i < m; i++)
      buf[i] = (char)((off + i) % 251);
    if (write(p[1], buf, m) != m) {
      printf("pipe: FAIL write\n");
      return -1;
    }
    off += m;
  }
  close(p[1]);
  int status = -99;
  if (wait(&status) != pid || status != 0) {
    printf("pipe: FAIL the reader exited %d (2 wrong data, 3 wrong count)\n",
           status);
    return -1;
  }
  printf("pipe: ok\n");
  return 0;
}

static int
t_interleave(void)
{
  const int nchild = 4, nline = 8;
  for (int c = 0; c < nchild; c++) {
    int pid = fork();
    if (pid < 0) {
      printf("interleave: FAIL fork\n");
      return -1;
    }
    if (pid == 0) {
      for (int l = 0; l < nline; l++)
        printf("interleave: child %d line %d of %d "
               "abcdefghijklmnopqrstuvwxyz\n",
               c, l + 1, nline);
      exit(0);
    }
  }
  for (int c = 0; c < nchild; c++)
    wait(0);
  printf("interleave: done\n");
  return 0;
}

/* ---------------------------------------------------------------- main */

struct test {
  const char *name;
  void (*dies)(void); /* expected to be killed */
  int (*lives)(void); /* expected to survive */
};

static const struct test tests[] = {
    {"priv", t_priv, 0},
    {"kread", t_kread, 0},
    {"kwrite", t_kwrite, 0},
    {"trampoline", t_trampoline, 0},
    {"maxva", t_maxva, 0},
    {"guard", t_guard, 0},
    {"stack", t_stack, 0},
    {"textwrite", t_textwrite, 0},
    {"badsys", 0, t_badsys},
    {"badptr", 0, t_badptr},
    {"forkwait", 0, t_forkwait},
    {"killwait", 0, t_killwait},
    {"faultwait", 0, t_faultwait},
    {"sbrk", 0, t_sbrk},
    {"malloc", 0, t_malloc},
    {"pipe", 0, t_pipe},
    {"interleave", 0, t_interleave},
};

#define NTESTS (int)(sizeof(tests) / sizeof(tests[0]))

static void usage(void) __attribute__((noreturn));

static void
usage(void)
{
  fprintf(2, "usage: lde TEST, where TEST is one of:\n ");
  for (int i = 0; i < NTESTS; i++)
    fprintf(2, " %s", tests[i].name);
  fprintf(2, " all\n");
  exit(1);
}

int
main(int argc, char *argv[])
{
  if (argc != 2)
    usage();
  if (strcmp(argv[1], "all") == 0) {
    int failed = 0;
    for (int i = 0; i < NTESTS; i++)
      if (tests[i].lives && tests[i].lives() < 0)
        failed++;
    if (failed)
      printf("all: FAIL %d test(s)\n", failed);
    else
      printf("all: ok\n");
    exit(failed ? 1 : 0);
  }
  for (int i = 0; i < NTESTS; i++) {
    if (strcmp(argv[1], tests[i].name) != 0)
      continue;
    if (tests[i].dies)
      tests[i].dies(); /* does not return */
    exit(tests[i].lives() < 0 ? 1 : 0);
  }
  usage();
}

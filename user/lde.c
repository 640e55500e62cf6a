/*
 * lde: limited direct execution, demonstrated from user space.
 *
 *   lde DEMO
 *
 * Demonstrations the kernel must kill (it prints one console line naming
 * the pid, the cause and the address; lde's own last line says what it
 * tried, and a line with FAIL appears only if it survived):
 *   priv        executes a privileged instruction (csrr sstatus)
 *   kread       reads KERNBASE
 *   kwrite      writes KERNBASE
 *   trampoline  reads the trampoline page (mapped, but not for the user)
 *   maxva       reads MAXVA, beyond any valid user address
 *   guard       writes the guard page just below the stack
 *   stack       recurses until the stack runs into the guard page
 *   textwrite   writes over its own code
 *
 * Calls that must fail without harming the caller:
 *   badsys      unknown system-call numbers return -1: prints
 *               "badsys: returned -1" (the kernel logs each one)
 *   badptr      write() and read() with bad user pointers return -1:
 *               prints "badptr: write returned -1" and
 *               "badptr: read returned -1"
 *
 * An attack on the system around it; the kernel and init must come
 * through, which only the host can judge (tests/test_lde.py):
 *   procfull    hides /sh, kills the shell it runs under and keeps the
 *               process table full for HOLD_TICKS, so that init's fork of
 *               a new shell fails; then puts /sh back and lets go.  Prints
 *               "procfull: table full with N children" and, at the end,
 *               "procfull: done".
 *
 * These are demonstrations, for docs/lde.md and a look at the console;
 * the same guarantees, and many more, are tested by utests (user/utests/,
 * lde.c there).
 *
 * Exit status: 0 when the demonstration went as described, 1 when not (or
 * for a usage error).
 */
#include "kernel/types.h"
#include "kernel/riscv.h"
#include "kernel/memlayout.h"
#include "kernel/param.h"
#include "kernel/procinfo.h"
#include "user/user.h"
#include "user/ecall.h"

#define BADSYSNUM 200  /* no system call has this number */
#define HOLD_TICKS 200 /* how long procfull keeps the table full */

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
  return USER_GUARD(end);
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

static int
t_badsys(void)
{
  static const long nums[] = {BADSYSNUM, 0, 39, 63, 1000000, -1};
  for (uint i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
    long r = (long)rawsyscall(nums[i], 0, 0, 0, 0, 0, 0);
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

/* ------------------------------------------------- attacks on the system */

static struct procinfo procinfo[NPROC];

/* The parent of this process, from getprocs(); -1 if not found. */
static int
parentpid(void)
{
  int n = getprocs(procinfo, NPROC);
  for (int i = 0; i < n; i++)
    if (procinfo[i].pid == getpid())
      return procinfo[i].ppid;
  return -1;
}

/* Fork children that sleep until tick `until`, as many as the table takes
 * now; returns how many. */
static int
fill(int until)
{
  int n = 0;
  for (;;) {
    int pid = fork();
    if (pid < 0)
      return n;
    if (pid == 0) {
      sleep(until - uptime());
      exit(0);
    }
    n++;
  }
}

static int
t_procfull(void)
{
  int sh = parentpid();
  if (sh <= 1) {
    printf("procfull: FAIL no parent shell\n");
    return -1;
  }
  /* Without /sh, each shell init starts dies at once and init pauses
   * before the next: slots it frees are taken back here in that pause. */
  if (link("/sh", "/sh.hidden") < 0 || unlink("/sh") < 0) {
    printf("procfull: FAIL cannot hide /sh\n");
    return -1;
  }
  int start = uptime(), n = 0, said = 0;
  kill(sh);
  while (uptime() - start < HOLD_TICKS) {
    n += fill(start + HOLD_TICKS + 10);
    if (!said && n > 0) {
      printf("procfull: table full with %d children\n", n);
      said = 1;
    }
    sleep(1);
  }
  if (link("/sh.hidden", "/sh") < 0 || unlink("/sh.hidden") < 0) {
    printf("procfull: FAIL cannot put /sh back\n");
    return -1;
  }
  while (n-- > 0)
    wait(0);
  printf("procfull: done\n");
  return 0;
}

/* ---------------------------------------------------------------- main */

struct demo {
  const char *name;
  void (*dies)(void); /* expected to be killed */
  int (*lives)(void); /* expected to survive */
};

static const struct demo demos[] = {
    {"priv", t_priv, 0},         {"kread", t_kread, 0},
    {"kwrite", t_kwrite, 0},     {"trampoline", t_trampoline, 0},
    {"maxva", t_maxva, 0},       {"guard", t_guard, 0},
    {"stack", t_stack, 0},       {"textwrite", t_textwrite, 0},
    {"badsys", 0, t_badsys},     {"badptr", 0, t_badptr},
    {"procfull", 0, t_procfull},
};

#define NDEMOS (int)(sizeof(demos) / sizeof(demos[0]))

static void usage(void) __attribute__((noreturn));

static void
usage(void)
{
  fprintf(2, "usage: lde DEMO, where DEMO is one of:\n ");
  for (int i = 0; i < NDEMOS; i++)
    fprintf(2, " %s", demos[i].name);
  fprintf(2, "\n");
  exit(1);
}

int
main(int argc, char *argv[])
{
  if (argc != 2)
    usage();
  for (int i = 0; i < NDEMOS; i++) {
    if (strcmp(argv[1], demos[i].name) != 0)
      continue;
    if (demos[i].dies)
      demos[i].dies(); /* does not return */
    exit(demos[i].lives() < 0 ? 1 : 0);
  }
  usage();
}

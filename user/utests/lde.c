/*
 * utests, limited direct execution: what a user program cannot do.
 * Privileged instructions and CSRs, kernel and high memory, the stack
 * guard page, writes to text and read-only data, executing data, the FPU
 * state kept per process, preemption of a loop that never yields, and an
 * unknown system-call number.  Each offender (d_...) runs in a child that
 * the kernel must kill (mustdie).
 */
#include "user/utests/utest.h"
#include "user/ecall.h"
#include "kernel/syscall.h"

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
  if (g != USER_GUARD(end))
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
    long r = (long)rawsyscall(nums[i], 0, 0, 0, 0, 0, 0);
    if (r != -1)
      fail("system call %ld returned %ld", nums[i], r);
  }
  if (getpid() <= 0)
    fail("getpid failed after the unknown calls");
}

/* A load reservation taken before a trap must not survive the kernel's
 * return-from-trap: the kernel ran in between (other processes' lr/sc,
 * its own stores), so an sc after it must fail and make the program
 * retry.  lr.d, a system call, then sc.d to the same word: sc.d must
 * report failure every time. */
static void
t_lrsc_trap(void)
{
  static volatile uint64 word = 1;
  for (int i = 0; i < 20; i++) {
    uint64 failed;
    register uint64 a0 __asm__("a0");
    register uint64 a7 __asm__("a7") = SYS_getpid;
    __asm__ volatile("lr.d t0, (%2)\n"
                     "ecall\n"
                     "sc.d %0, t0, (%2)\n"
                     : "=&r"(failed), "=r"(a0)
                     : "r"(&word), "r"(a7)
                     : "t0", "memory");
    if (failed == 0)
      fail("sc.d after lr.d and a system call succeeded (round %d)", i);
  }
}

const struct utest utests_lde[] = {
    {t_lrsc_trap, "lrsc_trap", 1, 30},
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
    {0, 0, 0, 0},
};

/*
 * alarmtest: tests of the traps lab's sigalarm() and sigreturn().
 *
 *   alarmtest [TEST...]     (every test when none is named)
 *
 * Each test prints "NAME: OK" or "NAME: FAIL why" (labs/labtest.h).  A
 * tick is a timer interrupt taken while the process runs in user mode
 * (QUANTUM_MS, 10 ms by default); the watchdogs count uptime() ticks
 * (100 ms) instead, so a broken kernel makes a test fail, not hang.
 */
#include "kernel/types.h"
#include "kernel/memlayout.h"
#include "kernel/riscv.h"
#include "kernel/syscall.h"
#include "user/user.h"
#include "labs/labtest.h"

#define WATCHDOG 50 /* uptime ticks (5 s) a test may wait for alarms */

volatile int count; /* handler invocations */

static void
counting_handler(void)
{
  count++;
  sigreturn();
}

/* About a millisecond of work in user mode, without a system call: only
 * ticks that interrupt user code count. */
static void
work(void)
{
  for (volatile int i = 0; i < 20000; i++)
    ;
}

/* Work until count reaches want; 0 if the watchdog fired first. */
static int
spin_until(int want)
{
  int start = uptime();
  while (count < want) {
    work();
    if (uptime() - start > WATCHDOG)
      return 0;
  }
  return 1;
}

/* Work for about ticks100 uptime ticks (100 ms each). */
static void
burn(int ticks100)
{
  int start = uptime();
  while (uptime() - start < ticks100)
    work();
}

/* The handler runs, again and again. */
static void
t_repeat(void)
{
  count = 0;
  expect(sigalarm(2, counting_handler) == 0, "sigalarm(2, handler) failed");
  expect(spin_until(10), "the handler ran %d times in 5 s, not 10", count);
  sigalarm(0, 0);
}

/* n sets the period: in the same CPU time, period 1 gives several times
 * as many calls as period 6. */
static void
t_period(void)
{
  count = 0;
  sigalarm(1, counting_handler);
  burn(5);
  sigalarm(0, 0);
  int fast = count;
  count = 0;
  sigalarm(6, counting_handler);
  burn(5);
  sigalarm(0, 0);
  int slow = count;
  expect(fast >= 5, "period 1 gave only %d calls in 0.5 s", fast);
  expect(slow >= 1 && fast >= 3 * slow,
         "period 1 gave %d calls and period 6 gave %d in the same time", fast,
         slow);
}

/* sigalarm(0, 0) stops the calls. */
static void
t_stop(void)
{
  count = 0;
  sigalarm(1, counting_handler);
  expect(spin_until(3), "the handler never ran (%d calls)", count);
  expect(sigalarm(0, 0) == 0, "sigalarm(0, 0) failed");
  int n = count;
  burn(4);
  expect(count == n, "%d more calls after sigalarm(0, 0)", count - n);
}

/* Only CPU time counts: a sleeping process collects no ticks. */
static void
t_cputime(void)
{
  count = 0;
  sigalarm(5, counting_handler);
  sleep(10); /* one second; 100 quanta of wall-clock time */
  int n = count;
  sigalarm(0, 0);
  expect(n == 0, "the handler ran %d times while the process slept", n);
}

/* No call while the handler runs: the handler takes 10 periods. */
volatile int inside, nested;
static void
slow_handler(void)
{
  if (inside)
    nested++;
  inside = 1;
  count++;
  burn(3); /* 30 quanta; the period is 2 */
  inside = 0;
  sigreturn();
}

static void
t_nested(void)
{
  count = nested = inside = 0;
  sigalarm(2, slow_handler);
  expect(spin_until(3), "the handler ran %d times, not 3", count);
  sigalarm(0, 0);
  expect(nested == 0, "the handler was entered %d times while it ran", nested);
}

/* sigreturn with no handler running fails and changes nothing. */
static void
t_noalarm(void)
{
  int r = sigreturn();
  expect(r == -1, "sigreturn() outside a handler returned %d", r);
  sigalarm(5, counting_handler);
  r = sigreturn();
  sigalarm(0, 0);
  expect(r == -1,
         "sigreturn() with an alarm set but no handler running "
         "returned %d",
         r);
  expect(sigalarm(-1, counting_handler) == -1, "sigalarm(-1, h) did not fail");
}

/* The registers.  regs_spin() puts a known value in every integer
 * register but sp and t6, waits in user mode until *count reaches want,
 * and checks them: 0 if all survived, else the number of the first that
 * changed.  clobber_handler() counts, then overwrites every register
 * (integer and floating point, fcsr, sp included) but a7, and calls
 * sigreturn directly: only the kernel can put things back.  fp_spin()
 * does the same with f0-f31 and fcsr (its callers use no floating point,
 * so it does not save the callee-saved fs registers). */
#define PAT(n) "(0x5a5a000000000000 + " #n " * 0x0101010101)"
#define FPAT(n) "(0x4010000000000000 + " #n " * 0x0001000100010001)"
_Static_assert(SYS_sigreturn == 25, "clobber_handler's a7");

int regs_spin(volatile int *count, int want);
int fp_spin(volatile int *count, int want);
void clobber_handler(void);

/* clang-format off */
asm(".text\n"
    ".globl regs_spin\n"
    "regs_spin:\n"
    "  addi sp, sp, -144\n"
    "  sd ra, 0(sp)\n  sd gp, 8(sp)\n  sd tp, 16(sp)\n"
    "  sd s0, 24(sp)\n  sd s1, 32(sp)\n  sd s2, 40(sp)\n  sd s3, 48(sp)\n"
    "  sd s4, 56(sp)\n  sd s5, 64(sp)\n  sd s6, 72(sp)\n  sd s7, 80(sp)\n"
    "  sd s8, 88(sp)\n  sd s9, 96(sp)\n  sd s10, 104(sp)\n  sd s11, 112(sp)\n"
    "  sd a0, 120(sp)\n  sd a1, 128(sp)\n"
    "  li ra, " PAT(1) "\n"
    "  li gp, " PAT(3) "\n"
    "  li tp, " PAT(4) "\n"
    "  li t0, " PAT(5) "\n"
    "  li t1, " PAT(6) "\n"
    "  li t2, " PAT(7) "\n"
    "  li s0, " PAT(8) "\n"
    "  li s1, " PAT(9) "\n"
    "  li a2, " PAT(12) "\n"
    "  li a3, " PAT(13) "\n"
    "  li a4, " PAT(14) "\n"
    "  li a5, " PAT(15) "\n"
    "  li a6, " PAT(16) "\n"
    "  li a7, " PAT(17) "\n"
    "  li s2, " PAT(18) "\n"
    "  li s3, " PAT(19) "\n"
    "  li s4, " PAT(20) "\n"
    "  li s5, " PAT(21) "\n"
    "  li s6, " PAT(22) "\n"
    "  li s7, " PAT(23) "\n"
    "  li s8, " PAT(24) "\n"
    "  li s9, " PAT(25) "\n"
    "  li s10, " PAT(26) "\n"
    "  li s11, " PAT(27) "\n"
    "  li t3, " PAT(28) "\n"
    "  li t4, " PAT(29) "\n"
    "  li t5, " PAT(30) "\n"
    "2:\n"
    "  lw t6, 0(a0)\n"
    "  blt t6, a1, 2b\n"
    "  li t6, " PAT(1) "\n"
    "  beq ra, t6, 1f\n  li t6, 1\n  j regs_bad\n1:\n"
    "  li t6, " PAT(3) "\n"
    "  beq gp, t6, 1f\n  li t6, 3\n  j regs_bad\n1:\n"
    "  li t6, " PAT(4) "\n"
    "  beq tp, t6, 1f\n  li t6, 4\n  j regs_bad\n1:\n"
    "  li t6, " PAT(5) "\n"
    "  beq t0, t6, 1f\n  li t6, 5\n  j regs_bad\n1:\n"
    "  li t6, " PAT(6) "\n"
    "  beq t1, t6, 1f\n  li t6, 6\n  j regs_bad\n1:\n"
    "  li t6, " PAT(7) "\n"
    "  beq t2, t6, 1f\n  li t6, 7\n  j regs_bad\n1:\n"
    "  li t6, " PAT(8) "\n"
    "  beq s0, t6, 1f\n  li t6, 8\n  j regs_bad\n1:\n"
    "  li t6, " PAT(9) "\n"
    "  beq s1, t6, 1f\n  li t6, 9\n  j regs_bad\n1:\n"
    "  li t6, " PAT(12) "\n"
    "  beq a2, t6, 1f\n  li t6, 12\n  j regs_bad\n1:\n"
    "  li t6, " PAT(13) "\n"
    "  beq a3, t6, 1f\n  li t6, 13\n  j regs_bad\n1:\n"
    "  li t6, " PAT(14) "\n"
    "  beq a4, t6, 1f\n  li t6, 14\n  j regs_bad\n1:\n"
    "  li t6, " PAT(15) "\n"
    "  beq a5, t6, 1f\n  li t6, 15\n  j regs_bad\n1:\n"
    "  li t6, " PAT(16) "\n"
    "  beq a6, t6, 1f\n  li t6, 16\n  j regs_bad\n1:\n"
    "  li t6, " PAT(17) "\n"
    "  beq a7, t6, 1f\n  li t6, 17\n  j regs_bad\n1:\n"
    "  li t6, " PAT(18) "\n"
    "  beq s2, t6, 1f\n  li t6, 18\n  j regs_bad\n1:\n"
    "  li t6, " PAT(19) "\n"
    "  beq s3, t6, 1f\n  li t6, 19\n  j regs_bad\n1:\n"
    "  li t6, " PAT(20) "\n"
    "  beq s4, t6, 1f\n  li t6, 20\n  j regs_bad\n1:\n"
    "  li t6, " PAT(21) "\n"
    "  beq s5, t6, 1f\n  li t6, 21\n  j regs_bad\n1:\n"
    "  li t6, " PAT(22) "\n"
    "  beq s6, t6, 1f\n  li t6, 22\n  j regs_bad\n1:\n"
    "  li t6, " PAT(23) "\n"
    "  beq s7, t6, 1f\n  li t6, 23\n  j regs_bad\n1:\n"
    "  li t6, " PAT(24) "\n"
    "  beq s8, t6, 1f\n  li t6, 24\n  j regs_bad\n1:\n"
    "  li t6, " PAT(25) "\n"
    "  beq s9, t6, 1f\n  li t6, 25\n  j regs_bad\n1:\n"
    "  li t6, " PAT(26) "\n"
    "  beq s10, t6, 1f\n  li t6, 26\n  j regs_bad\n1:\n"
    "  li t6, " PAT(27) "\n"
    "  beq s11, t6, 1f\n  li t6, 27\n  j regs_bad\n1:\n"
    "  li t6, " PAT(28) "\n"
    "  beq t3, t6, 1f\n  li t6, 28\n  j regs_bad\n1:\n"
    "  li t6, " PAT(29) "\n"
    "  beq t4, t6, 1f\n  li t6, 29\n  j regs_bad\n1:\n"
    "  li t6, " PAT(30) "\n"
    "  beq t5, t6, 1f\n  li t6, 30\n  j regs_bad\n1:\n"
    "  ld t6, 120(sp)\n  bne a0, t6, 4f\n"
    "  ld t6, 128(sp)\n  bne a1, t6, 5f\n"
    "  li t6, 0\n  j regs_out\n"
    "4:\n  li t6, 10\n  j regs_bad\n"
    "5:\n  li t6, 11\n"
    "regs_bad:\n"
    "regs_out:\n"
    "  mv a0, t6\n"
    "  ld ra, 0(sp)\n  ld gp, 8(sp)\n  ld tp, 16(sp)\n"
    "  ld s0, 24(sp)\n  ld s1, 32(sp)\n  ld s2, 40(sp)\n  ld s3, 48(sp)\n"
    "  ld s4, 56(sp)\n  ld s5, 64(sp)\n  ld s6, 72(sp)\n  ld s7, 80(sp)\n"
    "  ld s8, 88(sp)\n  ld s9, 96(sp)\n  ld s10, 104(sp)\n  ld s11, 112(sp)\n"
    "  addi sp, sp, 144\n"
    "  ret\n"

    ".globl fp_spin\n"
    "fp_spin:\n"
    "  li t0, " FPAT(0) "\n  fmv.d.x f0, t0\n"
    "  li t0, " FPAT(1) "\n  fmv.d.x f1, t0\n"
    "  li t0, " FPAT(2) "\n  fmv.d.x f2, t0\n"
    "  li t0, " FPAT(3) "\n  fmv.d.x f3, t0\n"
    "  li t0, " FPAT(4) "\n  fmv.d.x f4, t0\n"
    "  li t0, " FPAT(5) "\n  fmv.d.x f5, t0\n"
    "  li t0, " FPAT(6) "\n  fmv.d.x f6, t0\n"
    "  li t0, " FPAT(7) "\n  fmv.d.x f7, t0\n"
    "  li t0, " FPAT(8) "\n  fmv.d.x f8, t0\n"
    "  li t0, " FPAT(9) "\n  fmv.d.x f9, t0\n"
    "  li t0, " FPAT(10) "\n  fmv.d.x f10, t0\n"
    "  li t0, " FPAT(11) "\n  fmv.d.x f11, t0\n"
    "  li t0, " FPAT(12) "\n  fmv.d.x f12, t0\n"
    "  li t0, " FPAT(13) "\n  fmv.d.x f13, t0\n"
    "  li t0, " FPAT(14) "\n  fmv.d.x f14, t0\n"
    "  li t0, " FPAT(15) "\n  fmv.d.x f15, t0\n"
    "  li t0, " FPAT(16) "\n  fmv.d.x f16, t0\n"
    "  li t0, " FPAT(17) "\n  fmv.d.x f17, t0\n"
    "  li t0, " FPAT(18) "\n  fmv.d.x f18, t0\n"
    "  li t0, " FPAT(19) "\n  fmv.d.x f19, t0\n"
    "  li t0, " FPAT(20) "\n  fmv.d.x f20, t0\n"
    "  li t0, " FPAT(21) "\n  fmv.d.x f21, t0\n"
    "  li t0, " FPAT(22) "\n  fmv.d.x f22, t0\n"
    "  li t0, " FPAT(23) "\n  fmv.d.x f23, t0\n"
    "  li t0, " FPAT(24) "\n  fmv.d.x f24, t0\n"
    "  li t0, " FPAT(25) "\n  fmv.d.x f25, t0\n"
    "  li t0, " FPAT(26) "\n  fmv.d.x f26, t0\n"
    "  li t0, " FPAT(27) "\n  fmv.d.x f27, t0\n"
    "  li t0, " FPAT(28) "\n  fmv.d.x f28, t0\n"
    "  li t0, " FPAT(29) "\n  fmv.d.x f29, t0\n"
    "  li t0, " FPAT(30) "\n  fmv.d.x f30, t0\n"
    "  li t0, " FPAT(31) "\n  fmv.d.x f31, t0\n"
    "  li t0, 0x61\n  csrw fcsr, t0\n"
    "2:\n"
    "  lw t0, 0(a0)\n"
    "  blt t0, a1, 2b\n"
    "  fmv.x.d t0, f0\n  li t1, " FPAT(0) "\n  beq t0, t1, 1f\n  li a0, 100\n  j fp_out\n1:\n"
    "  fmv.x.d t0, f1\n  li t1, " FPAT(1) "\n  beq t0, t1, 1f\n  li a0, 101\n  j fp_out\n1:\n"
    "  fmv.x.d t0, f2\n  li t1, " FPAT(2) "\n  beq t0, t1, 1f\n  li a0, 102\n  j fp_out\n1:\n"
    "  fmv.x.d t0, f3\n  li t1, " FPAT(3) "\n  beq t0, t1, 1f\n  li a0, 103\n  j fp_out\n1:\n"
    "  fmv.x.d t0, f4\n  li t1, " FPAT(4) "\n  beq t0, t1, 1f\n  li a0, 104\n  j fp_out\n1:\n"
    "  fmv.x.d t0, f5\n  li t1, " FPAT(5) "\n  beq t0, t1, 1f\n  li a0, 105\n  j fp_out\n1:\n"
    "  fmv.x.d t0, f6\n  li t1, " FPAT(6) "\n  beq t0, t1, 1f\n  li a0, 106\n  j fp_out\n1:\n"
    "  fmv.x.d t0, f7\n  li t1, " FPAT(7) "\n  beq t0, t1, 1f\n  li a0, 107\n  j fp_out\n1:\n"
    "  fmv.x.d t0, f8\n  li t1, " FPAT(8) "\n  beq t0, t1, 1f\n  li a0, 108\n  j fp_out\n1:\n"
    "  fmv.x.d t0, f9\n  li t1, " FPAT(9) "\n  beq t0, t1, 1f\n  li a0, 109\n  j fp_out\n1:\n"
    "  fmv.x.d t0, f10\n  li t1, " FPAT(10) "\n  beq t0, t1, 1f\n  li a0, 110\n  j fp_out\n1:\n"
    "  fmv.x.d t0, f11\n  li t1, " FPAT(11) "\n  beq t0, t1, 1f\n  li a0, 111\n  j fp_out\n1:\n"
    "  fmv.x.d t0, f12\n  li t1, " FPAT(12) "\n  beq t0, t1, 1f\n  li a0, 112\n  j fp_out\n1:\n"
    "  fmv.x.d t0, f13\n  li t1, " FPAT(13) "\n  beq t0, t1, 1f\n  li a0, 113\n  j fp_out\n1:\n"
    "  fmv.x.d t0, f14\n  li t1, " FPAT(14) "\n  beq t0, t1, 1f\n  li a0, 114\n  j fp_out\n1:\n"
    "  fmv.x.d t0, f15\n  li t1, " FPAT(15) "\n  beq t0, t1, 1f\n  li a0, 115\n  j fp_out\n1:\n"
    "  fmv.x.d t0, f16\n  li t1, " FPAT(16) "\n  beq t0, t1, 1f\n  li a0, 116\n  j fp_out\n1:\n"
    "  fmv.x.d t0, f17\n  li t1, " FPAT(17) "\n  beq t0, t1, 1f\n  li a0, 117\n  j fp_out\n1:\n"
    "  fmv.x.d t0, f18\n  li t1, " FPAT(18) "\n  beq t0, t1, 1f\n  li a0, 118\n  j fp_out\n1:\n"
    "  fmv.x.d t0, f19\n  li t1, " FPAT(19) "\n  beq t0, t1, 1f\n  li a0, 119\n  j fp_out\n1:\n"
    "  fmv.x.d t0, f20\n  li t1, " FPAT(20) "\n  beq t0, t1, 1f\n  li a0, 120\n  j fp_out\n1:\n"
    "  fmv.x.d t0, f21\n  li t1, " FPAT(21) "\n  beq t0, t1, 1f\n  li a0, 121\n  j fp_out\n1:\n"
    "  fmv.x.d t0, f22\n  li t1, " FPAT(22) "\n  beq t0, t1, 1f\n  li a0, 122\n  j fp_out\n1:\n"
    "  fmv.x.d t0, f23\n  li t1, " FPAT(23) "\n  beq t0, t1, 1f\n  li a0, 123\n  j fp_out\n1:\n"
    "  fmv.x.d t0, f24\n  li t1, " FPAT(24) "\n  beq t0, t1, 1f\n  li a0, 124\n  j fp_out\n1:\n"
    "  fmv.x.d t0, f25\n  li t1, " FPAT(25) "\n  beq t0, t1, 1f\n  li a0, 125\n  j fp_out\n1:\n"
    "  fmv.x.d t0, f26\n  li t1, " FPAT(26) "\n  beq t0, t1, 1f\n  li a0, 126\n  j fp_out\n1:\n"
    "  fmv.x.d t0, f27\n  li t1, " FPAT(27) "\n  beq t0, t1, 1f\n  li a0, 127\n  j fp_out\n1:\n"
    "  fmv.x.d t0, f28\n  li t1, " FPAT(28) "\n  beq t0, t1, 1f\n  li a0, 128\n  j fp_out\n1:\n"
    "  fmv.x.d t0, f29\n  li t1, " FPAT(29) "\n  beq t0, t1, 1f\n  li a0, 129\n  j fp_out\n1:\n"
    "  fmv.x.d t0, f30\n  li t1, " FPAT(30) "\n  beq t0, t1, 1f\n  li a0, 130\n  j fp_out\n1:\n"
    "  fmv.x.d t0, f31\n  li t1, " FPAT(31) "\n  beq t0, t1, 1f\n  li a0, 131\n  j fp_out\n1:\n"
    "  csrr t0, fcsr\n  li t1, 0x61\n  li a0, 0\n  beq t0, t1, fp_out\n"
    "  li a0, 132\n"
    "fp_out:\n"
    "  ret\n"

    ".globl clobber_handler\n"
    "clobber_handler:\n"
    "  la t0, count\n  lw t1, 0(t0)\n  addi t1, t1, 1\n  sw t1, 0(t0)\n"
    "  li t0, 0x7ff8dead0000beef\n"
    "  fmv.d.x f0, t0\n"
    "  fmv.d.x f1, t0\n"
    "  fmv.d.x f2, t0\n"
    "  fmv.d.x f3, t0\n"
    "  fmv.d.x f4, t0\n"
    "  fmv.d.x f5, t0\n"
    "  fmv.d.x f6, t0\n"
    "  fmv.d.x f7, t0\n"
    "  fmv.d.x f8, t0\n"
    "  fmv.d.x f9, t0\n"
    "  fmv.d.x f10, t0\n"
    "  fmv.d.x f11, t0\n"
    "  fmv.d.x f12, t0\n"
    "  fmv.d.x f13, t0\n"
    "  fmv.d.x f14, t0\n"
    "  fmv.d.x f15, t0\n"
    "  fmv.d.x f16, t0\n"
    "  fmv.d.x f17, t0\n"
    "  fmv.d.x f18, t0\n"
    "  fmv.d.x f19, t0\n"
    "  fmv.d.x f20, t0\n"
    "  fmv.d.x f21, t0\n"
    "  fmv.d.x f22, t0\n"
    "  fmv.d.x f23, t0\n"
    "  fmv.d.x f24, t0\n"
    "  fmv.d.x f25, t0\n"
    "  fmv.d.x f26, t0\n"
    "  fmv.d.x f27, t0\n"
    "  fmv.d.x f28, t0\n"
    "  fmv.d.x f29, t0\n"
    "  fmv.d.x f30, t0\n"
    "  fmv.d.x f31, t0\n"
    "  li t0, 0x9f\n  csrw fcsr, t0\n"
    "  li ra, 0xbad0000000001111\n"
    "  li gp, 0xbad0000000003333\n"
    "  li tp, 0xbad0000000004444\n"
    "  li t0, 0xbad0000000005555\n"
    "  li t1, 0xbad0000000006666\n"
    "  li t2, 0xbad0000000007777\n"
    "  li s0, 0xbad0000000008888\n"
    "  li s1, 0xbad0000000009999\n"
    "  li a2, 0xbad000000000cccc\n"
    "  li a3, 0xbad000000000dddd\n"
    "  li a4, 0xbad000000000eeee\n"
    "  li a5, 0xbad000000000ffff\n"
    "  li a6, 0xbad0000000011110\n"
    "  li s2, 0xbad0000000013332\n"
    "  li s3, 0xbad0000000014443\n"
    "  li s4, 0xbad0000000015554\n"
    "  li s5, 0xbad0000000016665\n"
    "  li s6, 0xbad0000000017776\n"
    "  li s7, 0xbad0000000018887\n"
    "  li s8, 0xbad0000000019998\n"
    "  li s9, 0xbad000000001aaa9\n"
    "  li s10, 0xbad000000001bbba\n"
    "  li s11, 0xbad000000001cccb\n"
    "  li t3, 0xbad000000001dddc\n"
    "  li t4, 0xbad000000001eeed\n"
    "  li t5, 0xbad000000001fffe\n"
    "  li sp, 0xbadbadbad0\n"
    "  li a0, 0xbad0a0\n"
    "  li a1, 0xbad0a1\n"
    "  li t6, 0xbad0f6\n"
    "  li a7, 25\n"
    "  ecall\n"
    "  unimp\n"); /* sigreturn came back: die */
/* clang-format on */

static const char *
regname(int n)
{
  static const char *const names[] = {
      "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
      "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
      "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
  static char buf[8];
  if (n < 32)
    return names[n];
  if (n == 132)
    return "fcsr";
  snprintf(buf, sizeof(buf), "f%d", n - 100);
  return buf;
}

/* Every integer register is back after each of several calls. */
static void
t_regs(void)
{
  count = 0;
  sigalarm(1, clobber_handler);
  int bad = regs_spin(&count, 5);
  sigalarm(0, 0);
  expect(bad == 0, "register %s changed across the handler", regname(bad));
  expect(count >= 5, "the handler ran %d times", count);
}

/* Every floating-point register and fcsr are back too; the handler
 * changes them all (the FPU state is saved lazily: see fpu.c). */
static void
t_fpregs(void)
{
  count = 0;
  sigalarm(1, clobber_handler);
  int bad = fp_spin(&count, 5);
  sigalarm(0, 0);
  expect(bad == 0, "register %s changed across the handler", regname(bad));
}

/* A program that never used floating point still sees zeros after a
 * handler that did. */
static void
t_fpfresh(void)
{
  count = 0;
  sigalarm(1, clobber_handler);
  expect(spin_until(3), "the handler ran %d times", count);
  sigalarm(0, 0);
  uint64 f0, f31;
  asm volatile("fmv.x.d %0, f0\n fmv.x.d %1, f31" : "=r"(f0), "=r"(f31));
  expect(f0 == 0 && f31 == 0,
         "f0 = %lx, f31 = %lx after the handler; this program never set them",
         f0, f31);
}

/* A handler at a bad address kills the process (with the usual one line
 * on the console) and nothing else. */
static void
t_badhandler(void)
{
  uint64 bad[] = {KERNBASE, TRAMPOLINE, MAXVA + 4096, 0x3000000000UL,
                  (uint64)&count /* data: not executable */};
  for (int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    int pid = fork();
    expect(pid >= 0, "fork failed");
    if (pid == 0) {
      int r = sigalarm(1, (void (*)())bad[i]);
      if (r == 0)
        burn(20); /* the kernel should kill us long before this ends */
      exit(r == -1 ? 3 : 0);
    }
    int st = 0;
    wait(&st);
    expect(st == -1 || st == 3,
           "a child with its handler at %p exited with %d, not -1 (killed)",
           (void *)bad[i], st);
  }
}

/* fork does not pass the alarm on; the parent keeps its own. */
static void
t_fork(void)
{
  count = 0;
  sigalarm(2, counting_handler);
  int pid = fork();
  expect(pid >= 0, "fork failed");
  if (pid == 0) {
    count = 0;
    burn(3);
    exit(count == 0 ? 0 : 1);
  }
  int st = -1;
  wait(&st);
  expect(st == 0, "the child of fork got alarm calls");
  count = 0;
  expect(spin_until(3), "the parent's alarm stopped after fork (%d)", count);
  sigalarm(0, 0);
}

static const struct labtest tests[] = {
    {"repeat", t_repeat},   {"period", t_period},
    {"stop", t_stop},       {"cputime", t_cputime},
    {"nested", t_nested},   {"noalarm", t_noalarm},
    {"regs", t_regs},       {"fpregs", t_fpregs},
    {"fpfresh", t_fpfresh}, {"badhandler", t_badhandler},
    {"fork", t_fork},       {0, 0},
};

int
main(int argc, char *argv[])
{
  return labtest_main(argc, argv, tests);
}

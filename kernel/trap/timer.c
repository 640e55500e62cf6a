/*
 * The timer: how the kernel takes the CPU back from a program that never
 * gives it up (the non-cooperative approach).
 *
 * Each hart asks OpenSBI (SBI TIME set_timer, which programs the CLINT
 * comparator in M-mode) for an interrupt one quantum from now, and again
 * at every timer interrupt.  When the interrupt arrives the trap handlers
 * call yield(), and the scheduler decides who runs next.  QUANTUM_MS is a
 * build parameter (10 ms by default); PREEMPT=0 builds a kernel that keeps
 * the interrupts but never preempts, to show the cooperative approach
 * failing.
 *
 * Separately, one hart (the boot hart, the "timekeeper") counts ticks of
 * TICK_MS (kernel/param.h: 100 ms), the unit of sleep() and uptime() that xv6 course
 * material assumes.  Ticks follow the time CSR, so they stay right however
 * the quantum is set.
 *
 * timebase() tells user programs the time CSR's rate (from the device
 * tree), so nothing outside the kernel assumes it.
 *
 * Locks: tickslock guards ticks; sleepers wait on &ticks.
 */
#include "kernel/trap/trap.h"
#include "kernel/trap/sysdecl.h"
#include "kernel/arch/boot.h"
#include "kernel/arch/csr.h"
#include "kernel/arch/sbi.h"
#include "kernel/evlog.h"
#include "kernel/lib/lib.h"
#include "kernel/proc/proc.h"

#ifndef QUANTUM_MS
#define QUANTUM_MS 10
#endif
#ifndef PREEMPT
#define PREEMPT 1
#endif

volatile uint ticks;
struct spinlock tickslock;
int timer_preempt = PREEMPT;

static uint64 timebase;     /* time-CSR units per second (device tree) */
static uint64 quantum;      /* time-CSR units per quantum */
static uint64 tick_len;     /* time-CSR units per tick */
static uint64 next_tick;    /* when the timekeeper counts the next tick */
static int timekeeper = -1; /* hart id that counts ticks */
static int report_ticks;    /* boot option test=ticks */

void
timer_init(uint64 timebase_hz)
{
  spinlock_init(&tickslock, "time");
  timebase = timebase_hz;
  quantum = timebase_hz * QUANTUM_MS / 1000;
  tick_len = timebase_hz * TICK_MS / 1000;
  next_tick = r_time() + tick_len;
  timekeeper = cpuid();
  report_ticks = bootarg_has("test=ticks");
  if (bootarg_has("preempt=0"))
    timer_preempt = 0;
}

/* Start this hart's quantum timer. */
void
timer_init_hart(void)
{
  sbi_set_timer(r_time() + quantum);
}

/* A timer interrupt: re-arm, and count ticks on the timekeeper. */
void
timer_intr(void)
{
  struct cpu *c = mycpu();
  uint64 now = r_time();
  sbi_set_timer(now + quantum);
  c->ticks_seen++;
  evlog_record(EV_TIMER, c->proc ? c->proc->pid : 0, 0);

  if (c->hartid == timekeeper && now >= next_tick) {
    acquire(&tickslock);
    while (now >= next_tick) {
      ticks++;
      next_tick += tick_len;
    }
    wakeup((void *)&ticks);
    release(&tickslock);
  }

  if (report_ticks && c->ticks_seen == 1000 / QUANTUM_MS)
    printf("hart %d: ticks %lu, uptime %u\n", c->hartid, c->ticks_seen, ticks);
}

/* ldx: the time CSR's rate in Hz, so that user programs that read the CSR
 * (rdtime) need not assume QEMU's 10 MHz. */
uint64
sys_timebase(void)
{
  return timebase;
}

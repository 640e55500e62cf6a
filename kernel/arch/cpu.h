/*
 * The per-hart record: what each hart knows about itself.
 *
 * It lives at the bottom of the kernel, below the locks and printf, which
 * need it (push_off's nesting count, the lock holder, the hart that
 * panicked); the layers above keep their own per-hart fields here too, as
 * plain data: the running process and the scheduler's context (proc), the
 * page table in satp (mm), the FPU's owner (trap/fpu.c).  In the kernel
 * tp holds the address of this hart's record (cpu_enter() sets it at
 * boot, the trap entry reloads it), so finding the record is a register
 * read, and reading one of its fields is one load (see myproc()).
 */
#ifndef LDX_CPU_H
#define LDX_CPU_H

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/arch/csr.h"
#include "kernel/arch/frame.h"

#define LOCK_MAX_HELD 16 /* ranked locks one hart may hold at once */

struct proc;
struct spinlock;

struct cpu {
  struct proc *proc;        /* running process, or 0 */
  struct context context;   /* swtch() here to enter scheduler() */
  struct proc *handed_over; /* switched from directly, lock still held */
  struct proc *picked;      /* sched()'s choice, for scheduler() to start */
  struct proc *woken;       /* woken here while every hart was busy: runs
                               next (sched.c, runqueue_add) */
  int noff;                 /* depth of push_off() nesting */
  int intena;               /* were interrupts on before push_off()? */
  int hartid;
  int started;           /* set once this hart is up */
  uint64 ticks_seen;     /* timer interrupts taken on this hart */
  uint64 *satp_pt;       /* page table (pagetable_t) loaded in satp */
  struct proc *fp_owner; /* whose FP registers the hart holds (0: zeros) */
  uint64 fp_owner_gen;   /* ... as of that process's fp_gen */
  struct spinlock *held[LOCK_MAX_HELD]; /* SANITIZE: locks held, in order */
  int nheld;
};

extern struct cpu cpus[NCPU];

/* This hart's record.  Call with interrupts off (or holding a spinlock),
 * or the process may move to another hart and the answer go stale. */
static inline struct cpu *
mycpu(void)
{
  return (struct cpu *)r_tp();
}

/* This hart's id; with interrupts off, for the same reason. */
static inline int
cpuid(void)
{
  return mycpu()->hartid;
}

/* Boot, first thing on each hart: point tp at its record. */
void cpu_enter(uint64 hartid);

#endif

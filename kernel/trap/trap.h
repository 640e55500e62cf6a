/*
 * Traps: the trap table (stvec), the user and kernel trap handlers, the
 * timer, and system-call dispatch with its argument helpers.
 */
#ifndef LDX_TRAP_H
#define LDX_TRAP_H

#include "kernel/types.h"
#include "kernel/lock/lock.h"
#include "kernel/proc/proc.h" /* fpu_user_return */

struct file;

/* trap.c */
void trap_init_hart(void);
__attribute__((noreturn)) void usertrap(void);
__attribute__((noreturn)) void usertrap_return(void);

/* fpu.c: user floating-point state, switched lazily */
void fpu_init_hart(void);
void fpu_user_trap(struct proc *p);
uint64 fpu_load(struct cpu *c, struct proc *owner);

/* Return to user mode: make the hart's registers p's; returns the FS
 * state to put in sstatus for sret.  Usually the hart holds them already
 * (zeros for a program that has not used the FPU, or p's latest save) and
 * nothing is loaded: inline, as every return-from-trap asks.  Call with
 * interrupts off. */
static inline uint64
fpu_user_return(struct proc *p)
{
  struct cpu *c = mycpu();
  struct proc *owner = p->fp_used ? p : 0; /* whose registers p must see */
  if (c->fp_owner == owner && (!owner || c->fp_owner_gen == p->fp_gen))
    return owner ? SSTATUS_FS_CLEAN : SSTATUS_FS_INITIAL;
  return fpu_load(c, owner);
}

/* timer.c */
extern volatile uint ticks; /* 100 ms ticks since boot (uptime, sleep) */
extern struct spinlock tickslock;
void timer_init(uint64 timebase_hz);
void timer_init_hart(void);
void timer_intr(void);
extern int timer_preempt; /* 0: cooperative scheduling only */

/* syscall.c: the system-call number is checked and dispatched here. */
void syscall(void);
/*
 * Fetch the nth system-call argument (a0..a5); the signatures are xv6's,
 * so kernel code from course labs compiles.  argaddr does not check the
 * address: copyin/copyout do when it is used.  argstr returns the string
 * length, or -1 for a bad pointer or a string longer than max-1.
 */
void argint(int n, int *ip);
void argaddr(int n, uint64 *ip);
int argstr(int n, char *buf, int max);
int argarray(uint64 *addr, int *count);
int fetchaddr(uint64 addr, uint64 *ip);
int fetchstr(uint64 addr, char *buf, int max);

#endif

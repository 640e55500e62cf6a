/*
 * Traps: the trap table (stvec), the user and kernel trap handlers, the
 * timer, and system-call dispatch with its argument helpers.
 */
#ifndef LDX_TRAP_H
#define LDX_TRAP_H

#include "kernel/types.h"
#include "kernel/lock/lock.h"

struct file;

/* trap.c */
void trap_init_hart(void);
__attribute__((noreturn)) void usertrap(void);
__attribute__((noreturn)) void usertrap_return(void);

/* fpu.c: user floating-point state, switched lazily */
struct proc;
void fpu_init_hart(void);
void fpu_user_trap(struct proc *p);
uint64 fpu_user_return(struct proc *p);

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

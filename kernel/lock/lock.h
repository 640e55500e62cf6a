/*
 * Locks.
 *
 * Spinlocks protect short critical sections and may be taken with
 * interrupts on or off.  Holding one turns interrupts off on this hart
 * (push_off/pop_off nest, so a hart may hold several), because an interrupt
 * handler that tries to take a lock its own hart holds would spin forever.
 * Taking a spinlock this hart already holds, or releasing one it does not
 * hold, panics with the lock's name.
 *
 * Sleep locks may be held across disk I/O and other long waits; a process
 * waiting for one sleeps instead of spinning.  Never take one while holding
 * a spinlock.
 */
#ifndef LDX_LOCK_H
#define LDX_LOCK_H

#include "kernel/types.h"

struct cpu;

struct spinlock {
  uint locked;      /* 1 while held; changed only by atomic swap */
  const char *name; /* for panics and the debugger */
  struct cpu *cpu;  /* the holder, for the checks above */
};

void spinlock_init(struct spinlock *lk, const char *name);
void acquire(struct spinlock *lk);
void release(struct spinlock *lk);
int holding(struct spinlock *lk);
void push_off(void);
void pop_off(void);

struct sleeplock {
  uint locked;         /* guarded by lk */
  struct spinlock lk;  /* protects this sleep lock's fields */
  const char *name;
  int pid;             /* holder, for debugging */
};

void sleeplock_init(struct sleeplock *lk, const char *name);
void acquiresleep(struct sleeplock *lk);
void releasesleep(struct sleeplock *lk);
int holdingsleep(struct sleeplock *lk);

#endif

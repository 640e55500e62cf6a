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
 * Lock ranks: every spinlock has a rank, and a hart may only acquire a
 * lock of higher rank than every lock it already holds.  The ranks encode
 * the one global lock order (lowest first):
 *   LOCK_RANK_WAIT    wait_lock (exit/wait family tree)
 *   LOCK_RANK_DEFAULT every "condition" lock a sleeper passes to sleep():
 *                     disk, log, pipes, console input, ticks, caches, ...
 *   LOCK_RANK_BCACHE  the block cache (bpin takes it under the log lock)
 *   LOCK_RANK_PROC    p->lock (wakeup takes it under a condition lock)
 *   LOCK_RANK_RUNQ    the run queue (taken under p->lock)
 *   LOCK_RANK_KMEM    the page allocator (a leaf)
 *   LOCK_RANK_PRINT   console output (printf may run under any lock)
 * The SANITIZE=1 build checks every acquire against this order and panics
 * naming both locks; the normal build only records the rank.
 * try_acquire(), which never waits, may take any lock at any time.
 *
 * Sleep locks, which a process may hold across disk I/O, are built on
 * sleep() and so live with the processes (kernel/proc/proc.h).
 */
#ifndef LDX_LOCK_H
#define LDX_LOCK_H

#include "kernel/types.h"
#include "kernel/arch/cpu.h" /* holding(): mycpu() */

struct cpu;

enum lock_rank {
  LOCK_RANK_WAIT = 10,
  LOCK_RANK_DEFAULT = 20,
  LOCK_RANK_BCACHE = 25,
  LOCK_RANK_PROC = 30,
  LOCK_RANK_RUNQ = 40,
  LOCK_RANK_KMEM = 50,
  LOCK_RANK_PRINT = 60,
};

struct spinlock {
  uint locked;      /* 1 while held; changed only by atomic swap */
  const char *name; /* for panics and the debugger */
  struct cpu *cpu;  /* the holder, for the checks above */
  int rank;         /* enum lock_rank */
};

#define SPINLOCK_INIT(name, rank)                                              \
  {                                                                            \
    0, (name), 0, (rank)                                                       \
  }

/* A lock of LOCK_RANK_DEFAULT, or of the given rank. */
void spinlock_init(struct spinlock *lk, const char *name);
void spinlock_init_ranked(struct spinlock *lk, const char *name, int rank);
void acquire(struct spinlock *lk);
int try_acquire(struct spinlock *lk); /* 1: acquired; 0: busy, not taken */
void release(struct spinlock *lk);

/* Does this hart hold lk?  Call with interrupts off.  Inline: the
 * scheduler asserts it on every switch. */
static inline int
holding(struct spinlock *lk)
{
  return lk->locked && lk->cpu == mycpu();
}
void push_off(void);
void pop_off(void);

#endif

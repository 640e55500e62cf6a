/*
 * Spinlocks, and the interrupt-disable nesting they rely on.
 *
 * acquire() turns interrupts off before spinning and leaves them off
 * until the matching release(): otherwise an interrupt handler on this
 * hart could spin on a lock its own interrupted code holds.  push_off and
 * pop_off count the nesting, so interrupts come back on only when the
 * outermost lock is released, and only if they were on to begin with.
 *
 * The atomic swap gives mutual exclusion; __sync_synchronize() fences keep
 * the critical section's loads and stores inside it.
 */
#include "kernel/lock/lock.h"
#include "kernel/arch/csr.h"
#include "kernel/lib/lib.h"
#include "kernel/arch/cpu.h"

void
spinlock_init_ranked(struct spinlock *lk, const char *name, int rank)
{
  lk->locked = 0;
  lk->name = name;
  lk->cpu = 0;
  lk->rank = rank;
}

void
spinlock_init(struct spinlock *lk, const char *name)
{
  spinlock_init_ranked(lk, name, LOCK_RANK_DEFAULT);
}

#if SANITIZE
/* Lock-order checking: this hart's held locks, in acquisition order.
 * A lock taken without waiting (try_acquire) cannot deadlock: it is
 * recorded but not checked (check = 0). */
static void
rank_check_acquire(struct cpu *c, struct spinlock *lk, int check)
{
  for (int i = 0; check && i < c->nheld; i++)
    if (c->held[i]->rank >= lk->rank)
      panic("lock order: acquiring '%s' (rank %d) while holding '%s' "
            "(rank %d)",
            lk->name, lk->rank, c->held[i]->name, c->held[i]->rank);
  if (c->nheld == LOCK_MAX_HELD)
    panic("lock order: more than %d locks held", LOCK_MAX_HELD);
  c->held[c->nheld++] = lk;
}

static void
rank_note_release(struct cpu *c, struct spinlock *lk)
{
  for (int i = c->nheld - 1; i >= 0; i--) {
    if (c->held[i] == lk) {
      for (; i < c->nheld - 1; i++)
        c->held[i] = c->held[i + 1];
      c->nheld--;
      return;
    }
  }
}
#endif

/* push_off and pop_off for one hart's struct cpu; inline, because every
 * acquire and release runs them. */
static inline struct cpu *
push_off_cpu(void)
{
  uint64 was_on = intr_save();
  struct cpu *c = mycpu();
  if (c->noff == 0)
    c->intena = was_on != 0;
  c->noff++;
  return c;
}

/* Is pop_off allowed here?  Interrupts must be off and pushed. */
static inline int
pop_off_ok(struct cpu *c)
{
  return !intr_get() && c->noff >= 1;
}

/* A wrong pop_off, or a release of a lock this hart does not hold (lk,
 * if not 0): say which.  Out of line and in one place, so that release()
 * needs no stack frame on its way. */
static void __attribute__((noinline, noreturn))
lock_misuse(struct cpu *c, struct spinlock *lk)
{
  if (lk && !(lk->locked && lk->cpu == c))
    panic("release: hart does not hold lock '%s'", lk->name);
  if (intr_get())
    panic("pop_off: interrupts are on");
  panic("pop_off: not pushed");
}

static inline void
pop_off_cpu(struct cpu *c)
{
  if (!pop_off_ok(c))
    lock_misuse(c, 0);
  c->noff--;
  if (c->noff == 0 && c->intena)
    intr_on();
}

void
acquire(struct spinlock *lk)
{
  struct cpu *c = push_off_cpu();
  if (lk->locked && lk->cpu == c)
    panic("acquire: hart already holds lock '%s'", lk->name);
#if SANITIZE
  rank_check_acquire(c, lk, 1);
#endif
  uint rounds = 0;
  while (__sync_lock_test_and_set(&lk->locked, 1) != 0)
    spin_relax(&rounds);
  __sync_synchronize();
  lk->cpu = c;
}

/* Acquire lk if it is free, without waiting; 1 if this hart now holds it.
 * Never waiting, it cannot deadlock, so the lock order does not apply
 * (the scheduler's direct hand-off, which holds one p->lock, takes the
 * next process's this way: kernel/proc/sched.c). */
int
try_acquire(struct spinlock *lk)
{
  struct cpu *c = push_off_cpu();
  if (lk->locked && lk->cpu == c)
    panic("try_acquire: hart already holds lock '%s'", lk->name);
  if (__sync_lock_test_and_set(&lk->locked, 1) != 0) {
    pop_off_cpu(c);
    return 0;
  }
#if SANITIZE
  rank_check_acquire(c, lk, 0);
#endif
  __sync_synchronize();
  lk->cpu = c;
  return 1;
}

void
release(struct spinlock *lk)
{
  struct cpu *c = mycpu();
  /* Checked before anything changes: pop_off's checks too. */
  if (!(lk->locked && lk->cpu == c) || !pop_off_ok(c))
    lock_misuse(c, lk);
#if SANITIZE
  rank_note_release(c, lk);
#endif
  lk->cpu = 0;
  __sync_synchronize();
  __sync_lock_release(&lk->locked);
  c->noff--; /* pop_off_cpu(c), already checked */
  if (c->noff == 0 && c->intena)
    intr_on();
}

void
push_off(void)
{
  push_off_cpu();
}

void
pop_off(void)
{
  pop_off_cpu(mycpu());
}

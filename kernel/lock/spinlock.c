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
#include "kernel/proc/proc.h"

void
spinlock_init(struct spinlock *lk, const char *name)
{
  lk->locked = 0;
  lk->name = name;
  lk->cpu = 0;
}

void
acquire(struct spinlock *lk)
{
  push_off();
  if (holding(lk))
    panic("acquire: hart already holds lock '%s'", lk->name);
  while (__sync_lock_test_and_set(&lk->locked, 1) != 0)
    ;
  __sync_synchronize();
  lk->cpu = mycpu();
}

void
release(struct spinlock *lk)
{
  if (!holding(lk))
    panic("release: hart does not hold lock '%s'", lk->name);
  lk->cpu = 0;
  __sync_synchronize();
  __sync_lock_release(&lk->locked);
  pop_off();
}

/* Does this hart hold lk?  Call with interrupts off. */
int
holding(struct spinlock *lk)
{
  return lk->locked && lk->cpu == mycpu();
}

void
push_off(void)
{
  int was_on = intr_get();
  intr_off();
  struct cpu *c = mycpu();
  if (c->noff == 0)
    c->intena = was_on;
  c->noff++;
}

void
pop_off(void)
{
  struct cpu *c = mycpu();
  if (intr_get())
    panic("pop_off: interrupts are on");
  if (c->noff < 1)
    panic("pop_off: not pushed");
  c->noff--;
  if (c->noff == 0 && c->intena)
    intr_on();
}

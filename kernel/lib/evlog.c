/*
 * The event log: one ring buffer per hart, written only by that hart with
 * interrupts off, so recording an event takes no lock: a time read and a
 * few stores, cheap enough to leave on all the time (evlog_record is inline,
 * in kernel/lib/lib.h, as it runs on every trap).  evlog_drain() hands
 * every ring's events out (oldest first, hart by hart) and empties them;
 * the evlog() system call (kernel/proc/sysproc.c) copies them to the user.
 * A reader may see a half-written event from a hart that is recording at
 * that moment; for a debugging aid that is an accepted race.
 */
#include "kernel/lib/lib.h"
#include "kernel/evlog.h"
#include "kernel/param.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/csr.h"

struct evring evlog_rings[NCPU];

/* Hand every unread event to put(e, n, arg), n counting from 0, oldest
 * first hart by hart, at most max of them, and mark them read; stops with
 * -1 when put fails (the events of that hart stay unread).  Returns how
 * many were handed over. */
int
evlog_drain(int max, int (*put)(const struct event *e, int n, void *arg),
            void *arg)
{
  int n = 0;
  for (int h = 0; h < NCPU && n < max; h++) {
    uint64 head = evlog_rings[h].head;
    uint64 from = evlog_rings[h].tail;
    if (head - from > EVLOG_PER_HART)
      from = head - EVLOG_PER_HART;
    for (; from < head && n < max; from++, n++) {
      /* Straight from the ring: a copy on the stack would be a copyout
       * from a kernel stack, which SANITIZE builds check (mm.h). */
      const struct event *e = &evlog_rings[h].ev[from % EVLOG_PER_HART];
      if (put(e, n, arg) < 0)
        return -1;
    }
    evlog_rings[h].tail = from;
  }
  return n;
}

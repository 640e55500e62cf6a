/*
 * The scheduler, the context switch, and sleep/wakeup.
 *
 * The scheduler's decision: every hart runs scheduler(), which takes the
 * process at the head of one shared FIFO run queue (round robin: a process
 * that yields goes to the tail) and switches to it with swtch().  A hart
 * with nothing to run waits in wfi.  Making a process runnable while more
 * processes wait than harts are busy sends an inter-processor interrupt
 * to one idle hart so it need not wait for its next timer tick (see
 * runqueue_add).  rq_pop() is the decision, wherever it is made.
 *
 * Direct hand-off: a process that gives the hart up (sched(): it sleeps,
 * yields or exits) makes the scheduler's decision itself, with the same
 * rq_pop(), and switches straight to the process chosen, instead of
 * switching to the scheduler loop only for the loop to switch again.  A
 * pipe's reader that wakes the writer and sleeps thus hands its hart to
 * the writer in one switch.  Only when nothing is runnable does the hart
 * go back to scheduler(), to wait.  The outcome is the loop's: the same
 * process runs next, picked by the same rq_pop().
 *
 * Address spaces: the scheduler loads the next process's page table with
 * proc_switch_vm(), and mm decides when the TLB must be flushed (vm_load
 * in kernel/mm/vm.c: ASIDs and TLB generations).  A hart that goes idle
 * may keep the last page table loaded; that is safe because a slot's root
 * table and trapframe are allocated once and never freed.
 *
 * Locks (order: p->lock -> rq.lock).  p->lock is held across swtch() in
 * both directions: the scheduler takes it before running p, and p holds it
 * when it calls sched() to give the hart back.  In a direct hand-off the
 * hart holds both processes' locks across the switch; the new process
 * drops the old one's as it lands (sched_landed).  Holding one p->lock,
 * sched() only tries the next one's (try_acquire): waiting for it could
 * deadlock with another hart handing off the other way (two processes
 * that yield at once, each next in the queue for the other's hart).  If
 * it is busy, the scheduler loop starts that process instead, after it
 * has dropped the old one's lock.
 */
#include "kernel/proc/proc.h"
#include "kernel/arch/csr.h"
#include "kernel/arch/sbi.h"
#include "kernel/evlog.h"
#include "kernel/lib/lib.h"

/* The run queue: RUNNABLE processes in the order they will run. */
static struct {
  struct spinlock lock;
  struct proc *head, *tail;
  int len; /* processes on the queue */
} rq;
static volatile uint64 idle_harts; /* bit per hart id waiting in wfi */
_Static_assert(NCPU <= 64, "idle_harts has one bit (1UL << hartid) per hart");

void
sched_init(void)
{
  spinlock_init_ranked(&rq.lock, "runqueue", LOCK_RANK_RUNQ);
}

/*
 * Time during which every hart sat idle, in the instret counter's units
 * (idletime()).  Under -icount that counter is QEMU's virtual clock, which
 * advances by the instructions of whichever hart runs (QEMU runs one at a
 * time) and also while all of them wait in wfi for the disk, as fast as the
 * host answers; bench subtracts this time to count instructions only.
 */
static struct {
  struct spinlock lock;
  int harts;    /* harts in their scheduler loop */
  int idle;     /* ... of which idle */
  uint64 since; /* instret when the last of them went idle */
  uint64 total; /* instret units with every hart idle */
} allidle = {.lock = SPINLOCK_INIT("allidle", LOCK_RANK_DEFAULT)};

/* ---------------------------------------------------------------- run queue */

/*
 * Make p (RUNNABLE, p->lock held) wait for a hart.
 *
 * While every hart is busy, a process woken by another (a pipe's reader
 * by its writer, a child at fork, a parent at exit) waits in this hart's
 * c->woken and runs here next: the waker mostly gives the hart up soon
 * after (the writer goes on to read and sleeps, the parent waits), so the
 * two stay on one hart and nothing else need know.  A second one, a
 * process that yields (it must let the others run first) and anything
 * woken while some hart is idle go to the shared queue instead.  c->woken
 * is left at the next sched() or tick, which bounds its wait by the
 * waker's quantum, as for a process on the queue.
 *
 * If more processes wait on the queue than there are busy harts, an idle
 * hart is woken to run one; one waiting process per busy hart is left to
 * that hart, which comes to the queue soon for the same reason, and an
 * idle hart looks at the queue at its next timer tick anyway.  An IPI
 * goes through OpenSBI on both harts: it was a fifth of a pipe round
 * trip's instructions on two harts.  Under -icount QEMU would run the
 * woken hart only after this one's time slice, by when this hart has run
 * the waiting processes itself and the work never spreads (four pipe
 * pairs ran on one hart of four, sending an IPI a round trip), so the
 * sender pauses (hart_pause).
 */
void
runqueue_add(struct proc *p)
{
  assert(holding(&p->lock));
  struct cpu *c = mycpu();
  /* Looks without allidle's lock: a stale count costs an IPI, a tick's
   * wait or a quantum's, nothing more. */
  int busy = __atomic_load_n(&allidle.harts, __ATOMIC_RELAXED) -
             __atomic_load_n(&allidle.idle, __ATOMIC_RELAXED);
  uint64 idle = idle_harts & ~(1UL << c->hartid);
  if (idle_harts == 0 && c->woken == 0 && p != c->proc) {
    c->woken = p;
    return;
  }

  acquire(&rq.lock);
  int waiting = ++rq.len;
  p->runnext = 0;
  if (rq.tail)
    rq.tail->runnext = p;
  else
    rq.head = p;
  rq.tail = p;
  release(&rq.lock);

  if (idle && waiting > busy) {
    sbi_send_ipi(idle & -idle); /* the lowest idle hart */
    hart_pause(); /* under -icount, let it run now, as hardware would */
  }
}

/* The next process to run on this hart, or 0: the one woken here, else
 * the head of the shared queue. */
static struct proc *
rq_pop(void)
{
  push_off(); /* an interrupt handler may fill c->woken */
  struct cpu *c = mycpu();
  struct proc *p = c->woken;
  c->woken = 0;
  pop_off();
  if (p)
    return p;
  acquire(&rq.lock);
  p = rq.head;
  if (p) {
    rq.head = p->runnext;
    rq.len--;
    if (rq.head == 0)
      rq.tail = 0;
  }
  release(&rq.lock);
  return p;
}

/* ---------------------------------------------------------------- vm */

/* Load p's page table on this hart, flushing p's stale TLB entries if any
 * (the policy is mm's: vm_load). */
void
proc_switch_vm(struct proc *p)
{
  vm_load(p->pagetable, p->asid, p->tlb_gen);
}

/* p's mappings changed: other harts must flush before running p again. */
void
proc_tlb_changed(struct proc *p)
{
  p->tlb_gen = vm_tlb_generation();
  push_off();
  if (mycpu()->proc == p)
    proc_switch_vm(p);
  pop_off();
}

/* ---------------------------------------------------------------- sleepers */

/* One bit per process slot that is (or just was) SLEEPING, in one of
 * ASLEEP_SETS sets chosen by its channel, so wakeup(chan) looks only at
 * the sleepers whose channel is in chan's set: most wake-ups find their
 * set empty at once.  A bit is set and cleared in the set of p->chan, and
 * changes only under p->lock; a bit left set for a process that is awake
 * (a kill woke it) costs wakeup one look. */
#define ASLEEP_SET_BITS 6
#define ASLEEP_SETS (1 << ASLEEP_SET_BITS)
#define ASLEEP_WORDS ((NPROC + 63) / 64)
static uint64 asleep[ASLEEP_SETS][ASLEEP_WORDS];

/* chan's set: a multiplicative (Fibonacci) hash of the address, whose
 * top bits depend on all of it.  Channels are kernel addresses, some only
 * 4 bytes apart (a pipe's two counters), so bits 0-1 are dropped. */
static inline uint64 *
asleep_set(void *chan)
{
  uint32 h = (uint32)((uint64)chan >> 2) * 0x9E3779B1u;
  return asleep[h >> (32 - ASLEEP_SET_BITS)];
}

static inline void
asleep_mark(struct proc *p, int on)
{
  uint64 *set = asleep_set(p->chan);
  int i = p - procs;
  uint64 bit = 1UL << (i % 64);
  if (on)
    __atomic_fetch_or(&set[i / 64], bit, __ATOMIC_RELAXED);
  else
    __atomic_fetch_and(&set[i / 64], ~bit, __ATOMIC_RELAXED);
}

/* ---------------------------------------------------------------- switching */

/*
 * Start p, just taken off the run queue by the scheduler's decision, on
 * this hart: mark it running, load its address space.  The caller holds
 * p->lock and then switches to p's context; p drops the lock once it
 * runs.  from_pid: the process handing the hart over directly, or 0 from
 * the scheduler loop.
 */
static void
start(struct cpu *c, struct proc *p, int from_pid)
{
  if (p->state != RUNNABLE)
    panic("sched: pid %d on the run queue in state %d", p->pid, p->state);
  p->state = RUNNING;
  c->proc = p;
  proc_switch_vm(p);
  evlog_record(EV_SWITCH, p->pid, from_pid);
}

/*
 * A process's kernel thread has just been switched to (in sched(), or in
 * forkret() on its first run).  If the process before it handed the hart
 * over directly, that one's lock is still held: drop it.
 */
void
sched_landed(void)
{
  struct cpu *c = mycpu();
  struct proc *from = c->handed_over;
  if (from) {
    c->handed_over = 0;
    release(&from->lock);
  }
}

/*
 * Give this hart up.  The caller holds p->lock (and no other lock) and
 * has already changed p->state.  The next process to run is decided here,
 * as scheduler() would decide it (rq_pop), and this hart switches to it
 * directly; with nothing runnable it goes back to scheduler() to wait
 * (and if next's lock is busy, scheduler() starts next).
 * intena belongs to this kernel thread, not to the hart, so it is saved
 * across the switch.
 */
void
sched(void)
{
  struct proc *p = myproc();
  struct cpu *c = mycpu();
  if (!holding(&p->lock))
    panic("sched: p->lock not held");
  if (c->noff != 1)
    panic("sched: %d locks held", c->noff);
  if (p->state == RUNNING)
    panic("sched: process still RUNNING");
  if (intr_get())
    panic("sched: interrupts enabled");
  int intena = c->intena;
  struct proc *next = rq_pop();
  if (next == p) {
    /* p yielded and is the one to run: it goes on, no switch. */
    p->state = RUNNING;
    return;
  }
  if (next && try_acquire(&next->lock)) {
    start(c, next, p->pid);
    c->handed_over = p; /* next drops p->lock once p's context is saved */
    swtch(&p->context, &next->context);
  } else {
    c->picked = next; /* 0, or the one to start once p->lock is dropped */
    swtch(&p->context, &c->context); /* to scheduler() */
  }
  sched_landed();
  mycpu()->intena = intena;
}

/* Give up the hart for one round (the timer says the quantum is over). */
void
yield(void)
{
  struct proc *p = myproc();
  acquire(&p->lock);
  p->state = RUNNABLE;
  runqueue_add(p);
  sched();
  release(&p->lock);
}

/* ---------------------------------------------------------------- idle time */

/* This hart goes idle (d = 1), wakes (d = -1) or joins (d = 0). */
static void
allidle_change(int d)
{
  acquire(&allidle.lock);
  if (d == 0)
    allidle.harts++;
  else if (d < 0 && allidle.idle-- == allidle.harts)
    allidle.total += csr_read(instret) - allidle.since;
  else if (d > 0 && ++allidle.idle == allidle.harts)
    allidle.since = csr_read(instret);
  release(&allidle.lock);
}

/* Instret units spent with every hart idle since boot (idletime()). */
uint64
sched_idletime(void)
{
  acquire(&allidle.lock);
  uint64 t = allidle.total;
  release(&allidle.lock);
  return t;
}

/*
 * The per-hart scheduler loop: decide who runs next and switch to it.
 * It never returns.  It runs on the hart's boot stack.
 */
void
scheduler(void)
{
  struct cpu *c = mycpu();
  uint64 me = 1UL << c->hartid;
  c->proc = 0;
  allidle_change(0);
  for (;;) {
    intr_on();                  /* let devices interrupt between processes */
    struct proc *p = c->picked; /* decided by sched(), see there */
    c->picked = 0;
    if (p == 0)
      p = rq_pop();
    if (p == 0) {
      /* Nothing to run.  Announce that we are idle, look once more, then
       * wait: wfi returns on any pending interrupt even with SIE off, so
       * a wake-up IPI sent after the check is not lost. */
      intr_off();
      allidle_change(1);
      __sync_fetch_and_or(&idle_harts, me);
      /* A look without the lock: a process queued after this load
       * finds our bit in idle_harts and sends the IPI wfi waits for. */
      if (__atomic_load_n(&rq.head, __ATOMIC_ACQUIRE) == 0 && c->woken == 0)
        wfi();
      __sync_fetch_and_and(&idle_harts, ~me);
      allidle_change(-1);
      continue;
    }
    acquire(&p->lock);
    start(c, p, 0);
    swtch(&c->context, &p->context); /* the context switch */
    /* Back from the process that gave the hart up with nothing else to
     * run: p, or one that p (or its successors) handed the hart to. */
    p = c->proc;
    evlog_record(EV_SWITCH, 0, p->pid);
    c->proc = 0;
    release(&p->lock);
  }
}

/*
 * Sleep on chan until wakeup(chan), releasing lk (never p->lock) meanwhile.  p->chan and
 * p->state are set before lk is released, so a waker holding lk always
 * sees this process asleep: no wake-up is lost.
 */
void
sleep(void *chan, struct spinlock *lk)
{
  struct proc *p = myproc();
  acquire(&p->lock);
  p->chan = chan;
  p->state = SLEEPING;
  asleep_mark(p, 1);
  release(lk);
  sched();
  asleep_mark(p, 0); /* if a kill, not a wakeup, made us RUNNABLE */
  p->chan = 0;
  release(&p->lock);
  acquire(lk);
}

/* wakeup()'s search of chan's set, which has a bit set: out of line, so
 * that the common wake-up with nobody asleep in the set needs no frame. */
static void __attribute__((noinline)) wake_set(void *chan, uint64 *set)
{
  struct proc *me = myproc();
  for (int w = 0; w < ASLEEP_WORDS; w++) {
    uint64 bits = __atomic_load_n(&set[w], __ATOMIC_RELAXED);
    for (int i = w * 64; bits; i++, bits >>= 1) {
      while ((bits & 0xff) == 0) { /* skip empty bytes at once */
        bits >>= 8;
        i += 8;
      }
      struct proc *p = &procs[i];
      if ((bits & 1) == 0 || p == me ||
          *(volatile enum procstate *)&p->state != SLEEPING ||
          *(void *volatile *)&p->chan != chan)
        continue;
      acquire(&p->lock);
      if (p->state == SLEEPING && p->chan == chan) {
        p->state = RUNNABLE;
        asleep_mark(p, 0);
        runqueue_add(p);
      }
      release(&p->lock);
    }
  }
}

/*
 * Wake every process sleeping on chan.  The caller holds the lock its
 * sleepers passed to sleep(), so the unlocked first look at the bitmap,
 * state and chan is safe (see sleep); the look is confirmed under p->lock.
 * Only slots marked asleep in chan's set are looked at, not all NPROC.
 */
void
wakeup(void *chan)
{
  uint64 *set = asleep_set(chan);
  for (int w = 0; w < ASLEEP_WORDS; w++) {
    if (__atomic_load_n(&set[w], __ATOMIC_RELAXED)) {
      wake_set(chan, set);
      return;
    }
  }
}

/*
 * Pipes: a one-page ring buffer between a read end and a write end.
 *
 * Interface (file.h): pipealloc() makes the two struct files; piperead()
 * and pipewrite() move bytes to and from user memory; pipeclose() drops
 * one end and frees the pipe when both are gone.
 *
 * Invariants: nread and nwrite count bytes ever read and written; they
 * wrap together, 0 <= nwrite - nread <= PIPESIZE, and byte k lives at
 * data[k % PIPESIZE] (PIPESIZE is a power of two, so the wrap of the
 * counters is harmless).  Bytes move in at most two contiguous pieces per
 * wakeup, with copyin/copyout, never one at a time.
 *
 * A reader sleeps while the pipe is empty and a writer exists; a writer
 * sleeps while it is full and a reader exists; a writer with no reader
 * gets -1.  A killed process stops waiting and gets -1.  A write cut short
 * (the reader gone, killed, a bad address) returns the bytes it put in,
 * or -1 if none.
 *
 * Locks: pi->lock (spin) guards everything in the pipe and is held across
 * copyin/copyout, which walk the page table and never fault or sleep.
 * pipetable.lock guards only the used flags; never held with a pi->lock.
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "kernel/fs/file.h"
#include "kernel/lib/lib.h"
#include "kernel/lock/lock.h"
#include "kernel/mm/mm.h"
#include "kernel/proc/proc.h"

_Static_assert(PIPESIZE == PGSIZE, "PIPESIZE: the buffer is one page");

_Static_assert((PIPESIZE & (PIPESIZE - 1)) == 0, "PIPESIZE: a power of two");

struct pipe {
  struct spinlock lock;
  char *data;    /* PIPESIZE bytes, one kalloc'd page */
  uint nread;    /* bytes read */
  uint nwrite;   /* bytes written */
  int readopen;  /* the read end is open */
  int writeopen; /* the write end is open */
  int used;      /* this slot holds a pipe; guarded by pipetable.lock */
};

/* Each live pipe has at least one open file, so NFILE slots suffice.
 * Set up statically: the boot sequence has no pipe_init(). */
static struct {
  struct spinlock lock;
  struct pipe pipe[NFILE];
} pipetable = {.lock = SPINLOCK_INIT("pipetable", LOCK_RANK_DEFAULT)};

static struct pipe *
pipe_slot(void)
{
  struct pipe *pi = 0;

  acquire(&pipetable.lock);
  for (int i = 0; i < NFILE; i++) {
    if (!pipetable.pipe[i].used) {
      pi = &pipetable.pipe[i];
      pi->used = 1;
      /* Nobody else touches an unused slot's lock. */
      spinlock_init(&pi->lock, "pipe");
      pi->data = 0;
      break;
    }
  }
  release(&pipetable.lock);
  return pi;
}

static void
pipe_slot_free(struct pipe *pi)
{
  acquire(&pipetable.lock);
  pi->used = 0;
  release(&pipetable.lock);
}

int
pipealloc(struct file **f0, struct file **f1)
{
  struct pipe *pi;

  *f0 = *f1 = 0;
  if ((pi = pipe_slot()) == 0)
    return -1;
  if ((pi->data = kalloc()) == 0)
    goto bad;
  if ((*f0 = filealloc()) == 0 || (*f1 = filealloc()) == 0)
    goto bad;
  pi->nread = pi->nwrite = 0;
  pi->readopen = pi->writeopen = 1;

  (*f0)->type = FD_PIPE;
  (*f0)->readable = 1;
  (*f0)->writable = 0;
  (*f0)->pipe = pi;
  (*f1)->type = FD_PIPE;
  (*f1)->readable = 0;
  (*f1)->writable = 1;
  (*f1)->pipe = pi;
  return 0;

bad:
  /* Files not yet typed as pipes close without touching pi. */
  if (*f0)
    fileclose(*f0);
  if (*f1)
    fileclose(*f1);
  *f0 = *f1 = 0;
  if (pi->data)
    kfree(pi->data);
  pi->data = 0;
  pipe_slot_free(pi);
  return -1;
}

void
pipeclose(struct pipe *pi, int writable)
{
  acquire(&pi->lock);
  if (writable) {
    pi->writeopen = 0;
    wakeup(&pi->nread);
  } else {
    pi->readopen = 0;
    wakeup(&pi->nwrite);
  }
  if (pi->readopen || pi->writeopen) {
    release(&pi->lock);
    return;
  }
  release(&pi->lock);
  kfree(pi->data);
  pi->data = 0;
  pipe_slot_free(pi);
}

int
pipewrite(struct pipe *pi, uint64 addr, int n)
{
  struct proc *p = myproc();
  int done = 0;

  if (n < 0)
    return -1;
  acquire(&pi->lock);
  while (done < n) {
    if (!pi->readopen || proc_killed(p)) {
      release(&pi->lock);
      return done > 0 ? done : -1; /* what went in stays in */
    }
    uint space = PIPESIZE - (pi->nwrite - pi->nread);
    if (space == 0) {
      wakeup(&pi->nread);
      sleep(&pi->nwrite, &pi->lock);
      continue;
    }
    uint at = pi->nwrite % PIPESIZE;
    uint m = MIN((uint)(n - done), MIN(space, PIPESIZE - at));
    if (copyin(p->pagetable, pi->data + at, addr + done, m) < 0) {
      if (done == 0)
        done = -1;
      break;
    }
    pi->nwrite += m;
    done += m;
  }
  wakeup(&pi->nread);
  release(&pi->lock);
  return done;
}

int
piperead(struct pipe *pi, uint64 addr, int n)
{
  struct proc *p = myproc();
  int done = 0;

  if (n < 0)
    return -1;
  acquire(&pi->lock);
  while (pi->nread == pi->nwrite && pi->writeopen) {
    if (proc_killed(p)) {
      release(&pi->lock);
      return -1;
    }
    sleep(&pi->nread, &pi->lock);
  }
  /* At most two pieces: up to the end of the buffer, then from its start. */
  while (done < n && pi->nread != pi->nwrite) {
    uint at = pi->nread % PIPESIZE;
    uint avail = pi->nwrite - pi->nread;
    uint m = MIN((uint)(n - done), MIN(avail, PIPESIZE - at));
    if (copyout(p->pagetable, addr + done, pi->data + at, m) < 0) {
      if (done == 0)
        done = -1;
      break;
    }
    pi->nread += m;
    done += m;
  }
  wakeup(&pi->nwrite);
  release(&pi->lock);
  return done;
}

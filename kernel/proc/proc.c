/*
 * Processes: their table and their life.
 *
 * A process is a slot in procs[]: a user address space, a kernel stack
 * (a fixed slot from kvm_kstack(), with a guard page below it), a trapframe
 * page and a saved kernel context.  Its life: UNUSED -> USED (being built)
 * -> RUNNABLE <-> RUNNING <-> SLEEPING -> ZOMBIE (exited, waiting for its
 * parent's wait) -> UNUSED.  Running, switching, sleeping and waking are
 * in sched.c.
 *
 * A slot's root page table and trapframe page are allocated at boot and
 * kept for good (see sched.c for why a stale satp is then safe).
 *
 * Privileged targets (the policy is stated in kernel/procinfo.h): init
 * cannot be killed, and only processes near init in the family tree (its
 * shell and the shell's own commands: the console user) hold the console
 * privilege that halt and evlog require.  Depth is fixed at fork, so an
 * orphan handed to init gains nothing.
 *
 * Locks (order: wait_lock -> p->lock -> runqueue lock), see proc.h for
 * the fields each guards.
 */
#include "kernel/proc/proc.h"
#include "kernel/arch/boot.h"
#include "kernel/arch/csr.h"
#include "kernel/arch/sbi.h"
#include "kernel/evlog.h"
#include "kernel/lib/lib.h"
#include "kernel/memlayout.h"

struct proc procs[NPROC];
static struct proc *initproc;
static const struct proc_hooks *hooks;

/* Registered by kmain() before the first process runs. */
void
proc_set_hooks(const struct proc_hooks *h)
{
  hooks = h;
}
static int nextpid = 1;
static struct spinlock wait_lock;

static void forkret(void);

void
proc_init(void)
{
  spinlock_init_ranked(&wait_lock, "wait_lock", LOCK_RANK_WAIT);
  for (int i = 0; i < NPROC; i++) {
    struct proc *p = &procs[i];
    spinlock_init_ranked(&p->lock, "proc", LOCK_RANK_PROC);
    p->state = UNUSED;
    p->kstack = kvm_kstack(i);
    p->asid = i + 1; /* ASID 0 is the kernel's */
    /* The slot's trapframe and root page table live as long as the
     * kernel: a hart may keep a root in satp after the process is gone
     * (sched.c), and free-page counts stay the same across process
     * lifetimes, which lets tests check that memory comes back. */
    if ((p->trapframe = kalloc()) == 0 ||
        (p->pagetable = uvm_create((uint64)p->trapframe)) == 0)
      panic("proc_init: no memory for process slot %d", i);
  }
  uvm_set_lazy_hook(proc_fault_in); /* copies allocate lazy pages too */
  sched_init();
}

/* ---------------------------------------------------------------- life */

/*
 * Find an unused slot and give it a pid, a cleared trapframe and its
 * (empty) address space; its context starts at forkret.  Returns with
 * p->lock held, or 0 if every slot is in use.
 */
static struct proc *
proc_alloc(void)
{
  struct proc *p;
  for (p = procs; p < &procs[NPROC]; p++) {
    acquire(&p->lock);
    if (p->state == UNUSED)
      goto found;
    release(&p->lock);
  }
  return 0;

found:
  p->pid = __sync_fetch_and_add(&nextpid, 1);
  p->state = USED;
  p->killed = 0;
  p->xstate = 0;
  p->chan = 0;
  p->sz = 0;
  p->heap_start = 0;
  p->tracemask = (struct tracemask){0};
  p->fp_used = 0;
  p->depth = 0;
  memset(p->trapframe, 0, PGSIZE);
  proc_tlb_changed(p); /* a new address space in this ASID */
  memset(&p->context, 0, sizeof(p->context));
  p->context.ra = (uint64)forkret;
  p->context.sp = p->kstack + KSTACK_PAGES * PGSIZE;
  return p;
}

/* Release p's user memory and mark the slot free; p->lock held.  The
 * root table and the trapframe page belong to the slot (proc_init). */
static void
proc_free(struct proc *p)
{
  assert(holding(&p->lock));
  uvm_clear(p->pagetable);
  p->sz = 0;
  p->pid = 0;
  p->parent = 0;
  p->name[0] = 0;
  p->chan = 0;
  p->killed = 0;
  p->xstate = 0;
  p->state = UNUSED;
}

/*
 * The first process.  It is built here, in the kernel, with an empty
 * address space; on its first run (forkret) it mounts the root file system
 * and execs /init.
 */
void
userinit(void)
{
  struct proc *p = proc_alloc();
  if (p == 0)
    panic("userinit: no memory for the first process");
  initproc = p;
  safestrcpy(p->name, "init", sizeof(p->name));
  p->state = RUNNABLE;
  runqueue_add(p);
  release(&p->lock);
}

/* Where every new process starts running, in the kernel, via swtch(). */
static void
forkret(void)
{
  static int first = 1;
  struct proc *p = myproc();
  sched_landed();
  release(&p->lock); /* taken by the scheduler's decision (sched.c) */

  if (first) {
    /* File-system setup sleeps on disk I/O, so it runs in a process. */
    first = 0;
    hooks->first_run(p);
  }
  hooks->user_return();
}

int
proc_fork(void)
{
  struct proc *p = myproc();
  struct proc *np = proc_alloc();
  if (np == 0)
    return -1;
  /* np is USED: no other hart touches it, so it can be filled in without
   * its lock (holding it would put the file-table lock under p->lock). */
  release(&np->lock);
  if (uvm_copy(p->pagetable, np->pagetable, p->sz) < 0) {
    acquire(&np->lock);
    proc_free(np);
    release(&np->lock);
    return -1;
  }
  np->sz = p->sz;
  np->heap_start = p->heap_start;
  *np->trapframe = *p->trapframe;
  np->trapframe->a0 = 0; /* fork returns 0 in the child */
  hooks->fork_files(p, np);
  safestrcpy(np->name, p->name, sizeof(np->name));
  np->tracemask = p->tracemask;
  np->depth = MIN(p->depth + 1, CONSOLE_DEPTH + 1); /* saturates */
  np->fp = p->fp; /* saved at this system call's entry, so current */
  np->fp_used = p->fp_used;
  np->fp_gen++;
  int pid = np->pid;

  acquire(&wait_lock);
  np->parent = p;
  release(&wait_lock);

  acquire(&np->lock);
  np->state = RUNNABLE;
  runqueue_add(np);
  release(&np->lock);
  return pid;
}

/* Give p's children to init.  wait_lock held. */
static void
reparent(struct proc *p)
{
  assert(holding(&wait_lock));
  for (struct proc *pp = procs; pp < &procs[NPROC]; pp++) {
    if (pp->parent == p) {
      pp->parent = initproc;
      wakeup(initproc);
    }
  }
}

void
proc_exit(int status)
{
  struct proc *p = myproc();
  if (p == initproc)
    panic("init exiting (status %d)", status);

  hooks->exit_files(p);

  acquire(&wait_lock);
  reparent(p);
  wakeup(p->parent);
  acquire(&p->lock);
  p->xstate = status;
  p->state = ZOMBIE;
  evlog_record(EV_EXIT, p->pid, status);
  release(&wait_lock);

  sched();
  panic("zombie exit");
}

/* Wait for a child to exit; store its status at user address addr (if not
 * 0) and return its pid.  -1 if there are no children or we are killed. */
int
proc_wait(uint64 addr)
{
  struct proc *p = myproc();
  acquire(&wait_lock);
  for (;;) {
    int havekids = 0;
    for (struct proc *pp = procs; pp < &procs[NPROC]; pp++) {
      if (pp->parent != p)
        continue;
      acquire(&pp->lock);
      havekids = 1;
      if (pp->state == ZOMBIE) {
        int pid = pp->pid;
        if (addr != 0 &&
            copyout(p->pagetable, addr, &pp->xstate, sizeof(pp->xstate)) < 0) {
          release(&pp->lock);
          release(&wait_lock);
          return -1;
        }
        proc_free(pp);
        release(&pp->lock);
        release(&wait_lock);
        return pid;
      }
      release(&pp->lock);
    }
    if (!havekids || proc_killed(p)) {
      release(&wait_lock);
      return -1;
    }
    sleep(p, &wait_lock);
  }
}

/* Mark process pid killed.  -1 if there is none, or it is init: init
 * keeps the machine usable (it restarts the shell), so nobody ends it. */
int
proc_kill(int pid)
{
  if (pid == initproc->pid)
    return -1;
  for (struct proc *p = procs; p < &procs[NPROC]; p++) {
    acquire(&p->lock);
    if (p->pid == pid && p->state != UNUSED && p->state != ZOMBIE) {
      p->killed = 1;
      if (p->state == SLEEPING) {
        p->state = RUNNABLE; /* it notices when it returns to user mode */
        runqueue_add(p);
      }
      release(&p->lock);
      return 0;
    }
    release(&p->lock);
  }
  return -1;
}

#if SANITIZE
/* Fill the calling process's kernel stack below this function's frame
 * with KMARK (mm.h), so that whatever a system call leaves unwritten reads
 * as marker bytes.  A plain loop, not memset: a call would put its frame
 * in the very bytes being filled. */
void
proc_mark_stack(void)
{
  uint64 sp;
  __asm__ volatile("mv %0, sp" : "=r"(sp));
  uint64 mark = KMARK * 0x0101010101010101UL;
  for (volatile uint64 *w = (uint64 *)myproc()->kstack; (uint64)w < sp; w++)
    *w = mark; /* sp is 16-aligned, the stack page-aligned */
}
#endif

/* Does p hold the console privilege (may halt and read the event log)? */
int
proc_console(struct proc *p)
{
  return p->depth <= CONSOLE_DEPTH;
}

void
proc_set_killed(struct proc *p)
{
  acquire(&p->lock);
  p->killed = 1;
  release(&p->lock);
}

/*
 * sbrk: grow or shrink user memory by n bytes.  A lazy grow only moves the
 * break: the new pages appear on first touch (proc_fault_in).  Shrinking
 * frees whatever pages the released range has, lazy or not.
 */
int
proc_grow(int n, int lazy)
{
  struct proc *p = myproc();
  uint64 sz = p->sz;
  if (n > 0) {
    if (sz + n > USERTOP)
      return -1;
    if (!lazy && uvm_alloc(p->pagetable, sz, sz + n, PTE_R | PTE_W) < 0) {
      uvm_dealloc(p->pagetable, sz, sz + n);
      return -1;
    }
    p->sz = sz + n;
    if (!lazy)
      proc_tlb_changed(p);
  } else if (n < 0) {
    uint64 down = (uint64)(-(long)n);
    if (down > sz - p->heap_start)
      return -1;
    uvm_dealloc(p->pagetable, sz - down, sz);
    p->sz = sz - down;
    proc_tlb_changed(p);
  }
  return 0;
}

/*
 * The first touch of a lazy heap page, by user code (a page fault) or by a
 * system call's copy (vm.c's hook): the unmapped part of [heap_start, sz)
 * is the heap sbrklazy grew, and a page there gets a zeroed frame.
 * Returns 0 once va's page is mapped, PROC_FAULT_NOTLAZY if va is not a
 * lazy page of the current process (mapped, or outside its heap), and
 * PROC_FAULT_NOMEM if memory ran out.  Only the process itself changes its
 * page table, so no lock is needed.
 */
int
proc_fault_in(pagetable_t pt, uint64 va)
{
  struct proc *p = myproc();
  if (p == 0 || p->pagetable != pt || va < p->heap_start || va >= p->sz)
    return PROC_FAULT_NOTLAZY;
  uint64 page = PGROUNDDOWN(va);
  pte_t *pte = vm_walk(pt, page, 0);
  if (pte && (*pte & PTE_V))
    return PROC_FAULT_NOTLAZY; /* present: the fault is about permissions */
  if (uvm_alloc(pt, page, page + PGSIZE, PTE_R | PTE_W) < 0)
    return PROC_FAULT_NOMEM; /* a table it made stays until exit or exec */
  /* A hart may have cached the invalid entry: flush before p runs again. */
  proc_tlb_changed(p);
  return 0;
}

/* ---------------------------------------------------------------- copies */

int
either_copyout(int user_dst, uint64 dst, const void *src, uint64 len)
{
  if (user_dst)
    return copyout(myproc()->pagetable, dst, src, len);
  memmove((void *)dst, src, len);
  return 0;
}

int
either_copyin(void *dst, int user_src, uint64 src, uint64 len)
{
  if (user_src)
    return copyin(myproc()->pagetable, dst, src, len);
  memmove(dst, (void *)src, len);
  return 0;
}

/* ---------------------------------------------------------------- reports */

static const char *const state_names[] = {
    [UNUSED] = "unused",     [USED] = "used",   [SLEEPING] = "sleep",
    [RUNNABLE] = "runnable", [RUNNING] = "run", [ZOMBIE] = "zombie",
};

/* Copy up to max struct procinfo to user address dst; returns the count.
 * Each record is cleared first: padding and the bytes after the name's
 * NUL would otherwise carry old kernel-stack contents to the user. */
int
proc_list(uint64 dst, int max)
{
  int n = 0;
  for (struct proc *p = procs; p < &procs[NPROC] && n < max; p++) {
    struct procinfo info;
#if SANITIZE
    /* Boot option test=leak: leave the record uncleared, to show the
     * copyout check (kernel/mm/vm.c) catch the leak clearing prevents. */
    if (!bootarg_has("test=leak"))
#endif
      memset(&info, 0, sizeof(info));
    acquire(&p->lock);
    if (p->state == UNUSED) {
      release(&p->lock);
      continue;
    }
    info.pid = p->pid;
    info.state = p->state;
    info.console = proc_console(p);
    info.size = p->sz;
    safestrcpy(info.name, p->name, sizeof(info.name));
    release(&p->lock);
    acquire(&wait_lock);
    info.ppid = p->parent ? p->parent->pid : 0;
    release(&wait_lock);
    if (copyout(myproc()->pagetable, dst + n * sizeof(info), &info,
                sizeof(info)) < 0)
      return -1;
    n++;
  }
  return n;
}

/* Ctrl-P on the console: list processes.  No locks, so it works even
 * when the kernel is stuck. */
void
proc_dump(void)
{
  printf("\n");
  for (struct proc *p = procs; p < &procs[NPROC]; p++) {
    if (p->state == UNUSED)
      continue;
    const char *st =
        (uint)p->state < NELEM(state_names) ? state_names[p->state] : "???";
    printf("%d %s %s\n", p->pid, st, p->name);
  }
}

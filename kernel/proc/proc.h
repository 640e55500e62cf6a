/*
 * Processes, the scheduler, sleep locks, and the process system calls.
 * The per-hart record (struct cpu, mycpu) is below, in kernel/arch/cpu.h;
 * what processes need from the layers above (files at fork and exit, the
 * first process's start, the return to user mode) comes through struct
 * proc_hooks.
 *
 * Each hart runs scheduler() in its own loop: it takes the next RUNNABLE
 * process from the run queue and swtch()es to its kernel thread.  A process
 * gives the hart back through sched(): on a timer interrupt (yield), when
 * it sleeps, or when it exits.
 *
 * Locking (order: wait_lock -> p->lock -> runqueue lock):
 *   p->lock    guards p->state, p->chan, p->killed, p->xstate, p->pid and
 *              p->runnext; it is held across swtch() between a process and
 *              the scheduler.
 *   wait_lock  guards every p->parent, so that exit() and wait() see a
 *              consistent family tree.
 *   fields marked "private" are touched only by the process itself (or by
 *              its creator before it first runs).
 */
#ifndef LDX_PROC_H
#define LDX_PROC_H

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/procinfo.h"
#include "kernel/syscall.h"
#include "kernel/arch/csr.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/frame.h"
#include "kernel/lock/lock.h"
#include "kernel/mm/mm.h"

struct file;
struct inode;

/* Which system calls trace() and tracemask() print (kernel/trap/syscall.c);
 * a struct so that fork copies it by assignment. */
struct tracemask {
  uint64 bits[(NSYSCALL + 63) / 64];
};

struct proc {
  struct spinlock lock;

  /* guarded by p->lock */
  enum procstate state;
  void *chan; /* sleeping on chan, if SLEEPING */
  int killed; /* exit at the next return to user mode */
  int xstate; /* exit status for the parent's wait() */
  int pid;
  struct proc *runnext; /* run-queue link (also guarded by the queue lock) */

  /* guarded by wait_lock */
  struct proc *parent;

  /* set by fork before the process first runs, never changed after */
  int depth; /* forks below init, saturating at CONSOLE_DEPTH + 1 */

  /* private */
  uint64 kstack;               /* bottom of the kernel stack */
  uint64 sz;                   /* user memory is [0, sz), minus holes */
  uint64 heap_start;           /* sbrk may not shrink below this; unmapped
                                * pages in [heap_start, sz) are lazy */
  pagetable_t pagetable;       /* user page table */
  uint16 asid;                 /* address-space id, fixed per slot */
  uint64 tlb_gen;              /* bumped when mappings are removed */
  struct trapframe *trapframe; /* saved user registers (TRAPFRAME page) */
  struct context context;      /* swtch() here to run this process */
  struct file *ofile[NOFILE];  /* open files */
  struct inode *cwd;           /* current directory */
  char name[16];               /* for debugging and ps */
  struct tracemask tracemask;  /* bit n traces system call n */
  struct fpstate fp;           /* saved FP registers, valid if fp_used */
  int fp_used;                 /* the program has used the FPU */
  uint64 fp_gen;               /* bumped at every save of fp (see fpu.c) */
};

/*
 * The process running on this hart, or 0.  A process's kernel thread gets
 * itself wherever it runs: this is one load relative to tp, which always
 * holds the record of the hart the code runs on, so no interrupt (and no
 * move to another hart) can come between finding the hart and reading
 * its proc.
 */
static inline struct proc *
myproc(void)
{
  struct proc *p;
  __asm__ volatile("ld %0, %1(tp)"
                   : "=r"(p)
                   : "i"(__builtin_offsetof(struct cpu, proc)));
  return p;
}

/* Has p been killed?  killed only ever goes from 0 to 1, so a plain
 * atomic read is enough; this runs twice on every system call. */
static inline int
proc_killed(struct proc *p)
{
  return __atomic_load_n(&p->killed, __ATOMIC_RELAXED);
}

/* What processes need from the layers above them, registered by kmain()
 * before the first process runs (proc_set_hooks). */
struct proc_hooks {
  /* The first process, in its own kernel thread before its first return
   * to user mode: mount the root file system and exec /init (kmain). */
  void (*first_run)(struct proc *p);
  /* fork: give the child the parent's open files and directory (fs). */
  void (*fork_files)(struct proc *parent, struct proc *child);
  /* exit: close p's files and let go of its directory (fs). */
  void (*exit_files)(struct proc *p);
  /* Return-from-trap to user mode (trap: usertrap_return). */
  __attribute__((noreturn)) void (*user_return)(void);
};

/* proc.c */
void proc_set_hooks(const struct proc_hooks *h);
void proc_init(void);
void userinit(void);
int proc_fork(void);
__attribute__((noreturn)) void proc_exit(int status);
int proc_wait(uint64 status_addr);
int proc_kill(int pid);
int proc_console(struct proc *p);
void proc_mark_stack(void); /* SANITIZE builds only */
void proc_set_killed(struct proc *p);
int proc_grow(int n, int lazy);
int proc_fault_in(pagetable_t pt, uint64 va);
enum { PROC_FAULT_NOTLAZY = -1, PROC_FAULT_NOMEM = -2 };
int proc_list(uint64 dst, int max);
void proc_dump(void);
/* Copy to/from a user address (user != 0) or a kernel address. */
int either_copyout(int user_dst, uint64 dst, const void *src, uint64 len);
int either_copyin(void *dst, int user_src, uint64 src, uint64 len);

extern struct proc procs[NPROC];

/* sched.c */
void sched_init(void);
void runqueue_add(struct proc *p);
void sched(void);
void sched_landed(void);

/* Sleep on chan, releasing lk while asleep; lk is held again on return. */
void sleep(void *chan, struct spinlock *lk);
void wakeup(void *chan);
void yield(void);
__attribute__((noreturn)) void scheduler(void);
/* Instret units with every hart idle, since boot (idletime()). */
uint64 sched_idletime(void);
/* Load p's page table on this hart; p's mappings changed (vm_load). */
void proc_switch_vm(struct proc *p);
void proc_tlb_changed(struct proc *p);

/* sleeplock.c: locks a process may hold while it waits for the disk; a
 * waiter sleeps instead of spinning.  Never take one while holding a
 * spinlock. */
struct sleeplock {
  uint locked;        /* guarded by lk */
  struct spinlock lk; /* protects this sleep lock's fields */
  const char *name;
  int pid; /* holder, for debugging */
};

void sleeplock_init(struct sleeplock *lk, const char *name);
void acquiresleep(struct sleeplock *lk);
void releasesleep(struct sleeplock *lk);
int holdingsleep(struct sleeplock *lk);

/* exec.c */
int exec(char *path, char **argv);

/* swtch.S: save callee-saved registers in *old, load them from *new. */
void swtch(struct context *old, struct context *new);

#endif

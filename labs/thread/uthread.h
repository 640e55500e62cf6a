/*
 * The thread lab's user-level thread package: its interface.
 *
 * Threads here live inside ONE process.  The kernel knows nothing of them:
 * it sees one process running, and the package switches among its threads
 * in user mode, with no system call.  A thread runs until it calls
 * thread_yield() or thread_exit() (or returns from its function): the
 * cooperative approach, so a thread that never yields keeps the others
 * from ever running again.
 *
 * The handout (labs/thread/README.md) says what each function must do;
 * the student writes them in labs/thread/uthread.c and the switch in
 * labs/thread/uthread_switch.S.  This file is not the student's to change:
 * the grader's program (labs/thread/user/threadtest.c) is built against it.
 */
#ifndef LDX_UTHREAD_H
#define LDX_UTHREAD_H

#include "kernel/types.h"

#define MAX_THREADS 8     /* thread slots, the main thread's included */
#define THREAD_STACK 8192 /* bytes of stack per created thread */

/*
 * What thread_switch() saves of a thread that is not running: the
 * registers a called function must leave as it found them (RISC-V
 * calling convention: s0..s11, and sp), and ra, where the thread goes on
 * when it is switched back to.  The offsets are fixed: uthread_switch.S
 * uses them (ra at 0, sp at 8, s0..s11 at 16..104).
 */
struct thread_context {
  uint64 ra;
  uint64 sp;
  uint64 s[12];
};

/* Save the running thread's registers in *old, load those of *new: the
 * ret at its end returns into the thread *new describes. */
void thread_switch(struct thread_context *old, struct thread_context *new);

/* Start a thread running fn(arg), after the threads that are already
 * runnable; -1 if every slot is taken.  Returns the new thread's id
 * (1..MAX_THREADS-1; the main thread is 0).  The new thread first runs
 * when some thread yields. */
int thread_create(void (*fn)(void *), void *arg);

/* Let the next runnable thread (in slot order, round robin) run; returns
 * when this thread's turn comes again.  Returns at once if no other
 * thread is runnable. */
void thread_yield(void);

/* End the running thread (a thread's function returning does the same).
 * Its slot is free for thread_create again. */
void __attribute__((noreturn)) thread_exit(void);

/* The running thread's id. */
int thread_self(void);

/* In the main thread: run the created threads until all have exited. */
void thread_join_all(void);

#endif

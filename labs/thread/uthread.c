/*
 * The thread lab's user-level threads (interface: labs/thread/uthread.h).
 *
 * A table of MAX_THREADS slots; slot 0 is the main thread, which runs on
 * the process's own stack.  Each created thread gets a stack of its own
 * (a static array: no allocation can fail) and a saved context.
 * Switching is thread_switch() in uthread_switch.S; choosing whom to run
 * is thread_yield()'s round robin over the slots.
 *
 * The student's file: the handout (labs/thread/README.md) says what each
 * function marked "your code here" must do.
 */
#include "kernel/types.h"
#include "user/user.h"
#include "labs/thread/uthread.h"

enum thread_state { FREE, RUNNABLE, RUNNING };

struct thread {
  enum thread_state state;
  struct thread_context context; /* valid while the thread is not running */
  void (*fn)(void *);
  void *arg;
  char stack[THREAD_STACK] __attribute__((aligned(16)));
};

static struct thread threads[MAX_THREADS];
static int current; /* the running thread's slot; 0 is main */

/* A created thread's first instructions: thread_create() makes its first
 * switch "return" here, on the thread's own stack. */
static void __attribute__((unused)) thread_start(void)
{
  struct thread *t = &threads[current];
  t->fn(t->arg);
  thread_exit();
}

int
thread_self(void)
{
  return current;
}

int
thread_create(void (*fn)(void *), void *arg)
{
  /* Your code here (step 2 of the handout). */
  return -1;
}

void
thread_yield(void)
{
  /* Your code here (step 3). */
}

void
thread_exit(void)
{
  /* Your code here (step 4); until then a thread ends the process. */
  exit(1);
}

void
thread_join_all(void)
{
  /* Your code here (step 5). */
}

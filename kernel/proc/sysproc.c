/*
 * System calls about processes, time and the machine.  Each checks its
 * arguments and returns -1 on anything it cannot do.
 */
#include "kernel/trap/trap.h"
#include "kernel/evlog.h"
#include "kernel/arch/sbi.h"
#include "kernel/fs/file.h"
#include "kernel/lib/lib.h"
#include "kernel/mm/mm.h"
#include "kernel/proc/proc.h"
#include "kernel/trap/sysdecl.h"
#include "kernel/vm.h"

uint64
sys_exit(void)
{
  int status;
  argint(0, &status);
  proc_exit(status);
}

/* ldx: the instret counter's advance while every hart sat idle, since boot
 * (see sched_idletime). */
uint64
sys_idletime(void)
{
  return sched_idletime();
}

uint64
sys_getpid(void)
{
  return myproc()->pid;
}

uint64
sys_fork(void)
{
  return proc_fork();
}

uint64
sys_wait(void)
{
  uint64 status;
  argaddr(0, &status);
  return proc_wait(status);
}

/* sbrk(n, how): move the break by n bytes, allocating the new pages now
 * (SBRK_EAGER) or at first touch (SBRK_LAZY); returns the old break. */
uint64
sys_sbrk(void)
{
  int n, how;
  argint(0, &n);
  argint(1, &how);
  if (how != SBRK_EAGER && how != SBRK_LAZY)
    return -1;
  uint64 old = myproc()->sz;
  if (proc_grow(n, how == SBRK_LAZY) < 0)
    return -1;
  return old;
}

uint64
sys_sleep(void)
{
  int n;
  argint(0, &n);
  if (n < 0)
    n = 0;
  acquire(&tickslock);
  uint start = ticks;
  while (ticks - start < (uint)n) {
    if (proc_killed(myproc())) {
      release(&tickslock);
      return -1;
    }
    sleep((void *)&ticks, &tickslock);
  }
  release(&tickslock);
  return 0;
}

uint64
sys_uptime(void)
{
  return ticks;
}

uint64
sys_kill(void)
{
  int pid;
  argint(0, &pid);
  return proc_kill(pid);
}

/* ldx: power the machine off, for the console user only (procinfo.h).
 * Every file-system call has committed by the time it returns, so nothing
 * is lost; emptying the log as well leaves a disk with nothing to replay. */
uint64
sys_halt(void)
{
  if (!proc_console(myproc()))
    return -1;
  printf("ldx: halt requested by pid %d\n", myproc()->pid);
  log_sync();
  sbi_shutdown(0);
}

/* ldx: free physical pages, so tests can check that memory comes back. */
uint64
sys_freepages(void)
{
  return kalloc_free_pages();
}

/* ldx: fill a user array of struct procinfo; returns how many. */
uint64
sys_getprocs(void)
{
  uint64 buf;
  int max;
  if (argarray(&buf, &max) < 0)
    return -1;
  return proc_list(buf, max);
}

/* evlog_drain's put: copy event n out to the user array at *(uint64 *)dst. */
static int
evlog_copyout(const struct event *e, int n, void *dst)
{
  return copyout(myproc()->pagetable, *(uint64 *)dst + n * sizeof(*e), e,
                 sizeof(*e));
}

/* int evlog(struct event *buf, int max): copy out and clear; returns count.
 * The console user's call (procinfo.h): the log shows every process's
 * activity, and reading it empties it for everyone. */
uint64
sys_evlog(void)
{
  uint64 buf;
  int max;
  if (!proc_console(myproc()) || argarray(&buf, &max) < 0)
    return -1;
  return evlog_drain(max, evlog_copyout, &buf);
}

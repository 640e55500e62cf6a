/*
 * One process as getprocs() reports it (used by ps), and the rule for the
 * privileged calls.  Shared with user programs; an ldx extension, not part
 * of the xv6 interface.
 *
 * Privileged calls (README "Privileged calls"; enforced in kernel/proc/):
 *   - init (pid 1) cannot be killed: kill(1) returns -1 for everyone.
 *   - halt() and evlog() belong to the person at the console: they work
 *     for init, the shell init starts and the commands that shell runs
 *     itself, that is, processes at most CONSOLE_DEPTH forks below init
 *     (counted when each process is forked, so a reparented orphan gains
 *     nothing).  Anything those commands start gets -1.  getprocs()
 *     reports the privilege as procinfo.console.
 */
#ifndef LDX_PROCINFO_H
#define LDX_PROCINFO_H

#include "kernel/types.h"

enum procstate { UNUSED, USED, SLEEPING, RUNNABLE, RUNNING, ZOMBIE };

#define CONSOLE_DEPTH 2 /* init 0, its shell 1, the shell's commands 2 */

struct procinfo {
  int pid;
  int ppid; /* 0 for init */
  enum procstate state;
  int console;   /* 1: may call halt() and evlog() (see above) */
  uint64 size;   /* bytes of user memory */
  char name[16]; /* NUL-terminated; the bytes after the NUL are 0 */
};

#endif

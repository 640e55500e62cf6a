/*
 * One process as getprocs() reports it (used by ps).  Shared with user
 * programs; an ldx extension, not part of the xv6 interface.
 */
#ifndef LDX_PROCINFO_H
#define LDX_PROCINFO_H

#include "kernel/types.h"

enum procstate { UNUSED, USED, SLEEPING, RUNNABLE, RUNNING, ZOMBIE };

struct procinfo {
  int pid;
  int ppid; /* 0 for init */
  enum procstate state;
  uint64 size; /* bytes of user memory */
  char name[16];
};

#endif

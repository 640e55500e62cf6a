/*
 * The kernel event log: what each hart did, with timestamps, for tracing
 * and for the timeline picture (tools/timeline.py).  Shared with user
 * programs, which read the log with evlog().  An ldx extension.
 */
#ifndef LDX_EVLOG_H
#define LDX_EVLOG_H

#include "kernel/types.h"

enum evtype {
  EV_TRAP =
      1, /* a trap from user mode other than a system call; arg = scause */
  EV_SYSCALL = 2, /* a system call entered; arg = its number */
  EV_SWITCH = 3,  /* the hart switched to pid (0: back to the scheduler) */
  EV_TIMER = 4,   /* a timer interrupt */
  EV_EXIT = 5,    /* pid exited; arg = status */
};

struct event {
  uint64 time; /* the time CSR (10 MHz on QEMU virt) */
  uint64 arg;
  int pid; /* the process running (or switched to) */
  ushort hart;
  ushort type; /* enum evtype */
};

#define EVLOG_PER_HART                                                         \
  2048 /* events kept per hart; older ones are overwritten */

#endif

/*
 * evdump: print the kernel's event log (kernel/evlog.h), one line per
 * event, for people and for tools/timeline.py.
 *
 *   evdump         print (and thereby clear) what the rings hold now
 *   evdump -w      clear the rings, run a small workload on all harts,
 *                  then print the events it caused
 *
 * The workload (-w) runs for DEMO_MS: two "spinners" that only compute
 * (the timer has to take the hart from them) and one "caller" that makes
 * system calls between bursts of computing and sleeps once (it gives the
 * hart up by itself).  Three runnable processes on two harts show
 * preemption, the scheduler moving processes between harts, and system
 * calls on one timeline.
 *
 * Output:
 *   evdump: hz HZ events N               first line
 *   evname PID NAME                      names for the workload's pids
 *   ev TIME HART TYPE PID ARG [NOTE]     one per event
 *   evdump: end                          last line
 * TIME is the time CSR, HZ its rate (timebase()); TYPE is trap, syscall, switch, timer
 * or exit; ARG is decimal (scause for trap, the call's number for syscall,
 * the previous pid for a switch (0: from the scheduler), the status for exit); NOTE is
 * the system call's name or the trap cause's (kernel/evlog.h, with '-' for
 * spaces: load-page-fault, timer-interrupt).  Events come hart by hart,
 * each hart's oldest first.
 *
 * The whole log is read with one evlog() call before anything is printed:
 * printing makes system calls, which add events, and reading in pieces
 * while printing would chase its own tail.
 */
#include "kernel/types.h"
#include "kernel/evlog.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "user/user.h"

#define TICKS_PER_MS (hz / 1000)
#define DEMO_MS 300 /* how long the workload runs */
#define BURST_MS 3  /* the caller computes this long between calls */
#define MAXEV (NCPU * EVLOG_PER_HART)
#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static uint64 hz; /* the time CSR's rate, asked of the kernel */

static const char *const callnames[] = {
#define SYSCALL(num, name, ret, params) [num] = #name,
#include "kernel/syscall_table.h"
#undef SYSCALL
};
#define NCALLNAMES NELEM(callnames)

static const char *const typenames[] = {
    [EV_TRAP] = "trap",   [EV_SYSCALL] = "syscall", [EV_SWITCH] = "switch",
    [EV_TIMER] = "timer", [EV_EXIT] = "exit",
};
#define NTYPENAMES NELEM(typenames)

static void
compute_until(uint64 t)
{
  while (r_time() < t)
    ;
}

/* The note for event e (the call's or the trap cause's name, one word:
 * spaces become '-') into buf; returns buf, or 0 when there is none. */
static const char *
note(struct event *e, char *buf, int size)
{
  const char *s = 0;
  if (e->type == EV_SYSCALL && e->arg < (uint64)NCALLNAMES && callnames[e->arg])
    s = callnames[e->arg];
  else if (e->type == EV_TRAP)
    s = trap_cause_name(e->arg);
  if (s == 0)
    return 0;
  int i = 0;
  for (; i < size - 1 && s[i]; i++)
    buf[i] = s[i] == ' ' ? '-' : s[i];
  buf[i] = '\0';
  return buf;
}

static int
dump(void)
{
  struct event *ev = malloc(MAXEV * sizeof(struct event));
  if (ev == 0) {
    fprintf(2, "evdump: out of memory\n");
    return 1;
  }
  int n = evlog(ev, MAXEV);
  if (n < 0) {
    fprintf(2, "evdump: evlog failed\n");
    return 1;
  }
  printf("evdump: hz %lu events %d\n", hz, n);
  for (int i = 0; i < n; i++) {
    struct event *e = &ev[i];
    const char *type = e->type < NTYPENAMES && typenames[e->type]
                           ? typenames[e->type]
                           : "unknown";
    char notebuf[40];
    const char *s = note(e, notebuf, sizeof(notebuf));
    printf("ev %lu %d %s %d %lu%s%s\n", e->time, e->hart, type, e->pid, e->arg,
           s ? " " : "", s ? s : "");
  }
  printf("evdump: end\n");
  free(ev);
  return 0;
}

/* Start a child that runs fn(end) and exits; its pid, or -1. */
static int
start(void (*fn)(uint64), uint64 end, const char *name)
{
  int pid = fork();
  if (pid == 0) {
    fn(end);
    exit(0);
  }
  if (pid < 0)
    fprintf(2, "evdump: fork failed\n");
  else
    printf("evname %d %s\n", pid, name);
  return pid;
}

static void
spinner(uint64 end)
{
  compute_until(end);
}

static void
caller(uint64 end)
{
  uint64 half = end - DEMO_MS / 2 * TICKS_PER_MS;
  int slept = 0;
  while (r_time() < end) {
    getpid();
    uptime();
    compute_until(r_time() + BURST_MS * TICKS_PER_MS);
    if (!slept && r_time() >= half) {
      sleep(1); /* one tick: gives the hart up by itself */
      slept = 1;
    }
  }
}

static int
workload(void)
{
  int n = 0;
  printf("evname %d evdump\n", getpid());
  /* Empty the rings.  Every evlog() call logs itself first, so a call
   * never returns 0: stop at the first one that does not fill junk. */
  struct event junk[16];
  while (evlog(junk, NELEM(junk)) == NELEM(junk))
    ;
  uint64 end = r_time() + DEMO_MS * TICKS_PER_MS;
  n += start(spinner, end, "spin-a") > 0;
  n += start(spinner, end, "spin-b") > 0;
  n += start(caller, end, "caller") > 0;
  while (n-- > 0)
    wait(0);
  return 0;
}

int
main(int argc, char *argv[])
{
  hz = timebase();
  if (argc == 2 && strcmp(argv[1], "-w") == 0) {
    workload();
    return dump();
  }
  if (argc != 1) {
    fprintf(2, "usage: evdump [-w]\n");
    return 1;
  }
  return dump();
}

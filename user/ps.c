/*
 * ps: list the processes (an ldx extension, using getprocs()).
 *
 * One line per process: pid, parent pid, state, memory size in bytes and
 * name, under a header line.
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/procinfo.h"
#include "user/user.h"

static struct procinfo procs[NPROC];

static const char *
statename(enum procstate s)
{
  switch (s) {
  case UNUSED:
    return "unused";
  case USED:
    return "used";
  case SLEEPING:
    return "sleeping";
  case RUNNABLE:
    return "runnable";
  case RUNNING:
    return "running";
  case ZOMBIE:
    return "zombie";
  }
  return "?";
}

int
main(int argc, char *argv[])
{
  if (argc != 1) {
    fprintf(2, "usage: ps\n");
    exit(1);
  }
  int n = getprocs(procs, NPROC);
  if (n < 0) {
    fprintf(2, "ps: getprocs failed\n");
    exit(1);
  }
  printf("PID   PPID  STATE     SIZE      NAME\n");
  for (int i = 0; i < n && i < NPROC; i++) {
    struct procinfo *p = &procs[i];
    p->name[sizeof(p->name) - 1] = 0;
    printf("%-5d %-5d %-9s %-9lu %s\n", p->pid, p->ppid, statename(p->state),
           p->size, p->name);
  }
  exit(0);
}

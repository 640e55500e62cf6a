/*
 * kill: ask the kernel to end processes.
 *
 *   kill PID...
 *
 * Exits 1 if an argument is not a number or names no process the caller
 * may kill (init, pid 1, may not be killed: see README "Privileged calls").
 */
#include "kernel/types.h"
#include "user/user.h"

static int
isnumber(const char *s)
{
  if (*s == 0)
    return 0;
  for (; *s; s++)
    if (*s < '0' || *s > '9')
      return 0;
  return 1;
}

int
main(int argc, char *argv[])
{
  int status = 0;

  if (argc < 2) {
    fprintf(2, "usage: kill PID...\n");
    exit(1);
  }
  for (int i = 1; i < argc; i++) {
    if (!isnumber(argv[i])) {
      fprintf(2, "kill: %s is not a process id\n", argv[i]);
      status = 1;
    } else if (kill(atoi(argv[i])) < 0) {
      fprintf(2, "kill: cannot kill %s (no such process, or init)\n", argv[i]);
      status = 1;
    }
  }
  exit(status);
}

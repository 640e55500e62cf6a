/*
 * sleep: wait for a number of clock ticks.
 *
 *   sleep TICKS
 */
#include "kernel/types.h"
#include "user/user.h"

int
main(int argc, char *argv[])
{
  const char *s = argc == 2 ? argv[1] : "";
  if (*s == 0) {
    fprintf(2, "usage: sleep TICKS\n");
    exit(1);
  }
  for (const char *p = s; *p; p++) {
    if (*p < '0' || *p > '9') {
      fprintf(2, "usage: sleep TICKS\n");
      exit(1);
    }
  }
  if (sleep(atoi(s)) < 0) {
    fprintf(2, "sleep: interrupted\n");
    exit(1);
  }
  exit(0);
}

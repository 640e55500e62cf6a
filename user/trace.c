/*
 * trace: run a command with system-call tracing on.
 *
 *   trace MASK COMMAND [ARG ...]
 *
 * MASK has bit n set for system call number n (kernel/syscall.h), in
 * decimal or 0x-hex: 32 = read, 65536 = write, 2147483647 = all of
 * 0..30.  trace sets the mask on itself with trace() and then execs the
 * command, so the mask stays with the process through exec and is
 * inherited by every child it forks.  The kernel prints one console line
 * per traced call as it returns:
 *   [pid 5 grep] read(3, 0x2f40, 1023) = 1023
 */
#include "kernel/types.h"
#include "user/user.h"

static void
usage(void)
{
  fprintf(2, "usage: trace MASK COMMAND [ARG ...]\n");
  exit(1);
}

/* MASK as a non-negative decimal or 0x-hex number; -1 if it is not one. */
static long
parse_mask(const char *s)
{
  long v = 0;
  int base = 10;
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s += 2;
  }
  if (*s == '\0')
    return -1;
  for (; *s; s++) {
    int d;
    if (*s >= '0' && *s <= '9')
      d = *s - '0';
    else if (base == 16 && *s >= 'a' && *s <= 'f')
      d = *s - 'a' + 10;
    else if (base == 16 && *s >= 'A' && *s <= 'F')
      d = *s - 'A' + 10;
    else
      return -1;
    v = v * base + d;
    if (v > 0xffffffffL) /* the mask is 32 bits wide */
      return -1;
  }
  return v;
}

int
main(int argc, char *argv[])
{
  if (argc < 3)
    usage();
  long mask = parse_mask(argv[1]);
  if (mask < 0)
    usage();
  if (trace((int)mask) < 0) {
    fprintf(2, "trace: trace(%s) failed\n", argv[1]);
    exit(1);
  }
  exec(argv[2], argv + 2);
  fprintf(2, "trace: cannot run %s\n", argv[2]);
  exit(1);
}

/*
 * trace: run a command with system-call tracing on.
 *
 *   trace MASK COMMAND [ARG ...]
 *   trace NAME[,NAME...] COMMAND [ARG ...]
 *
 * MASK has bit n set for system call number n (kernel/syscall.h), in
 * decimal or 0x-hex, as in the xv6 lab: 32 = read, 65536 = write,
 * 2147483647 = all of 0..30; it is set with trace().  Names reach every
 * call, ldx's own from 64 up too: "trace read,getprocs ps", and "all"
 * means every call; they are set with tracemask().  The names and numbers
 * come from kernel/sysdesc.h, generated from the system-call table, so a
 * second name (pause for sleep) works as well.
 *
 * trace sets the mask on itself and then execs the command, so the mask
 * stays with the process through exec and is inherited by every child it
 * forks.  The kernel prints one console line per traced call as it
 * returns:
 *   5: syscall read -> 1023 (3, 0x2f40, 1023) [grep]
 */
#include "kernel/types.h"
#include "kernel/sysdesc.h"
#include "user/user.h"

static void
usage(void)
{
  fprintf(2, "usage: trace MASK COMMAND [ARG ...]\n"
             "       trace NAME[,NAME...] COMMAND [ARG ...]\n");
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
    if (v > 0xffffffffL) /* trace() takes a 32-bit mask */
      return -1;
  }
  return v;
}

/* The number of the call named by the n bytes at s, or -1. */
static int
call_number(const char *s, int n)
{
  for (int num = 0; num < NSYSCALL; num++) {
    const struct sysdesc *d = sysdesc(num);
    if (d && strlen(d->name) == (uint)n && memcmp(d->name, s, n) == 0)
      return num;
  }
  const struct sysalias *a;
  for (int i = 0; (a = sysalias(i)) != 0; i++)
    if (strlen(a->name) == (uint)n && memcmp(a->name, s, n) == 0)
      return a->num;
  return -1;
}

/* Set bits in mask for the comma-separated names in s ("all": every
 * call); -1 and a message for a name that is no call. */
static int
parse_names(const char *s, uchar *mask)
{
  for (;;) {
    const char *comma = strchr(s, ',');
    int n = comma ? comma - s : (int)strlen(s);
    if (n == 3 && memcmp(s, "all", 3) == 0) {
      for (int num = 0; num < NSYSCALL; num++)
        if (sysdesc(num))
          mask[num / 8] |= 1 << (num % 8);
    } else {
      int num = call_number(s, n);
      if (num < 0) {
        char name[32];
        int k = n < (int)sizeof(name) - 1 ? n : (int)sizeof(name) - 1;
        memmove(name, s, k);
        name[k] = '\0';
        fprintf(2, "trace: no system call named '%s'\n", name);
        return -1;
      }
      mask[num / 8] |= 1 << (num % 8);
    }
    if (!comma)
      return 0;
    s = comma + 1;
  }
}

int
main(int argc, char *argv[])
{
  if (argc < 3)
    usage();
  const char *m = argv[1];
  if (m[0] >= '0' && m[0] <= '9') {
    long mask = parse_mask(m);
    if (mask < 0)
      usage();
    if (trace((int)mask) < 0) {
      fprintf(2, "trace: trace(%s) failed\n", m);
      exit(1);
    }
  } else {
    static uchar mask[(NSYSCALL + 7) / 8];
    if (parse_names(m, mask) < 0)
      exit(1);
    if (tracemask(mask, sizeof(mask)) < 0) {
      fprintf(2, "trace: tracemask failed\n");
      exit(1);
    }
  }
  exec(argv[2], argv + 2);
  fprintf(2, "trace: cannot run %s\n", argv[2]);
  exit(1);
}

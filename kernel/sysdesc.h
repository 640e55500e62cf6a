/*
 * What every system call takes and returns, generated from
 * kernel/syscall_table.h at compile time: the kernel's trace prints
 * arguments and results by these kinds, user/trace.c turns names into
 * numbers, and the fuzzer (user/fuzz/) draws each argument by its kind
 * and fuzzes every call listed, so a call added to the table is traced
 * and fuzzed correctly with no other edit.  Shared with user programs.
 *
 * sysdesc(num) is the description of call num, or 0 for a number with no
 * call; sysdesc_nargs() counts its arguments; sysalias(i) is the i-th
 * second name (0 past the last).  Both are
 * static inline so that only the programs that use them carry the table.
 */
#ifndef LDX_SYSDESC_H
#define LDX_SYSDESC_H

#include "kernel/types.h"
#include "kernel/evlog.h"
#include "kernel/procinfo.h"
#include "kernel/stat.h"
#include "kernel/syscall.h"

/* Argument kinds: the table's A_KIND; kernel/syscall_table.h says what
 * each one means. */
enum sysargkind {
  SA_NONE, /* past the last argument */
  SA_INT,
  SA_FD,
  SA_CLOSEFD,
  SA_PID,
  SA_TICKS,
  SA_OFLAGS,
  SA_ENUM,
  SA_DEV,
  SA_GROW,
  SA_MASK,
  SA_PATH,
  SA_NEWPATH,
  SA_ARGV,
  SA_BUFIN,
  SA_BUFOUT,
  SA_MASKIN,
  SA_LEN,
  SA_OUT,
  SA_FDPAIR,
  SA_ARRAY,
  SA_COUNT,
};

/* Result kinds: the table's R_KIND. */
enum sysretkind { SR_INT, SR_FD, SR_PID, SR_FORK, SR_REAP, SR_ADDR, SR_NONE };

#define SYSARG_MAX 6 /* a0..a5 */

struct sysarg {
  uchar kind;      /* enum sysargkind */
  signed char ref; /* the length's or count's argument; -1: none */
  ushort size;     /* A_OUT, A_FDPAIR, A_ARRAY: bytes per record; A_ENUM: max */
};

struct sysdesc {
  const char *name;
  uchar ret;                     /* enum sysretkind */
  struct sysarg arg[SYSARG_MAX]; /* SA_NONE after the last */
};

struct sysalias {
  const char *name;
  int num;
};

static inline const struct sysdesc *
sysdesc(int num)
{
  static const struct sysdesc table[NSYSCALL] = {
#define SYSARG(kind, type, ref, size)                                          \
  {                                                                            \
    SA_##kind, ref, size                                                       \
  }
#define SYSRET(kind, type) SR_##kind
#define SYSCALL(num, name, ret, params)                                        \
  [num] = {#name, ret, {SYSARGS_LIST_ params}},
#define SYSARGS_LIST_(...) __VA_ARGS__
#include "kernel/syscall_table.h"
#undef SYSCALL
#undef SYSARGS_LIST_
#undef SYSRET
#undef SYSARG
  };
  if (num < 0 || num >= NSYSCALL || table[num].name == 0)
    return 0;
  return &table[num];
}

static inline int
sysdesc_nargs(const struct sysdesc *d)
{
  int n = 0;
  while (n < SYSARG_MAX && d->arg[n].kind != SA_NONE)
    n++;
  return n;
}

static inline const struct sysalias *
sysalias(int i)
{
  static const struct sysalias aliases[] = {
#define SYSCALL(num, name, ret, params)
#define SYSCALL_ALIAS(num, alias, name) {#alias, num},
#include "kernel/syscall_table.h"
#undef SYSCALL_ALIAS
#undef SYSCALL
      {0, 0},
  };
  if (i < 0 || i >= (int)(sizeof(aliases) / sizeof(aliases[0])))
    return 0;
  return aliases[i].name ? &aliases[i] : 0;
}

#endif

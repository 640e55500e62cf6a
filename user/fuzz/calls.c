/*
 * The calls the workers make and the rules for their arguments, derived
 * from the system-call table (kernel/sysdesc.h): every call listed there
 * is fuzzed, each argument is drawn from the pool its kind names, and
 * what a result teaches the worker (new descriptors, pipes, children,
 * memory) is read off the same kinds.  A call added to the table is
 * fuzzed correctly with no edit here.
 *
 * The rules that are about the run rather than about one call:
 *   - a call that never returns (exit) is chosen rarely, apart;
 *   - a forked child makes only calls that cannot block or leave: no
 *     fork, no exec (argv), no sleep (ticks), no read or write of a
 *     descriptor, nothing that never returns;
 *   - a worker has at most MAXCHILD children at once: at the cap its fork
 *     becomes the call that reaps one (wait);
 *   - a trace mask is set rarely, for a burst of a few calls, and while
 *     it is on, string arguments are only our own paths or unmapped
 *     pointers (trace prints strings on the console);
 *   - a read of an empty pipe or a write to a full one that the worker
 *     holds both ends of is steered off (fds.c).
 * Privileged targets (the policy is stated in kernel/procinfo.h): init may
 * be named wherever a pid goes and every such call must be refused; halt
 * and evlog, from a worker (well below the console user), must be
 * refused too.  A call that succeeds is a "fuzz: FAIL" line; a halt that
 * succeeds stops the machine, which the host reports.
 */
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/memlayout.h"
#include "kernel/riscv.h"
#include "user/user.h"
#include "user/ecall.h"
#include "user/fuzz/fuzz.h"

static int known[NSYSCALL];  /* every call in the table */
static int weight[NSYSCALL]; /* relative frequency, by number */
static int nknown, totalweight;
static int noreturn[NSYSCALL]; /* calls that never return (exit) */
static int nnoreturn;
static int reapcall = -1; /* the call that reaps a child (wait) */
static int maskcall = -1; /* the call that sets a trace mask (trace) */
static uint64 pathbits;   /* mask bits of calls below 32 that take paths */
static uchar maskbuf[(NSYSCALL + 7) / 8]; /* a bitmap for A_MASKIN calls */
static int burst; /* this call's mask starts a trace burst */

static int
has_kind(const struct sysdesc *d, int kind)
{
  for (int i = 0; i < sysdesc_nargs(d); i++)
    if (d->arg[i].kind == kind)
      return 1;
  return 0;
}

/* The index of d's first argument of this kind, or -1. */
static int
arg_of(const struct sysdesc *d, int kind)
{
  for (int i = 0; i < sysdesc_nargs(d); i++)
    if (d->arg[i].kind == kind)
      return i;
  return -1;
}

/* How often a call comes up: the calls on descriptors most, then those on
 * paths and memory, then processes; exit never by this route. */
static int
weight_of(const struct sysdesc *d)
{
  if (d->ret == SR_NONE)
    return 0;
  if (d->ret == SR_FD || has_kind(d, SA_FD) || has_kind(d, SA_CLOSEFD))
    return 6;
  if (d->ret == SR_FORK || d->ret == SR_REAP || has_kind(d, SA_ARGV) ||
      has_kind(d, SA_PID) || has_kind(d, SA_FDPAIR))
    return 2;
  if (has_kind(d, SA_PATH) || has_kind(d, SA_NEWPATH) || has_kind(d, SA_GROW))
    return 3;
  return 1;
}

/* May a forked child make this call?  Not if it could block or leave. */
static int
child_safe(const struct sysdesc *d)
{
  int io =
      has_kind(d, SA_FD) && (has_kind(d, SA_BUFIN) || has_kind(d, SA_BUFOUT));
  return !(d->ret == SR_FORK || d->ret == SR_NONE || has_kind(d, SA_ARGV) ||
           has_kind(d, SA_TICKS) || io);
}

void
calls_init(void)
{
  for (int num = 0; num < NSYSCALL; num++) {
    const struct sysdesc *d = sysdesc(num);
    if (!d)
      continue;
    known[nknown++] = num;
    weight[num] = weight_of(d);
    totalweight += weight[num];
    if (d->ret == SR_NONE)
      noreturn[nnoreturn++] = num;
    if (d->ret == SR_REAP && reapcall < 0)
      reapcall = num;
    if (sysdesc_nargs(d) == 1 && d->arg[0].kind == SA_MASK && maskcall < 0)
      maskcall = num;
    if (num < 32 && (has_kind(d, SA_PATH) || has_kind(d, SA_NEWPATH)))
      pathbits |= 1ULL << num;
  }
}

static int
pick_known(void)
{
  int r = below(totalweight);
  for (int i = 0; i < nknown; i++) {
    r -= weight[known[i]];
    if (r < 0)
      return known[i];
  }
  return SYS_getpid;
}

/* A number with no system call: the table says which have one. */
static uint64
pick_unknown(void)
{
  static const uint64 nums[] = {0,
                                23,
                                24,
                                27,
                                31,
                                32,
                                33,
                                39,
                                63,
                                69,
                                100,
                                127,
                                128,
                                255,
                                256,
                                1000,
                                -1,
                                INT_MAX,
                                0xffffffffULL,
                                0x100000000ULL + SYS_getpid,
                                1ULL << 63};
  uint64 n = one_in(4) ? rnd() : PICK(nums);
  if (n < NSYSCALL && sysdesc(n))
    n = 0;
  return n;
}

/* ---------------------------------------------------------------- arguments */

/* Should this worker start a trace burst now? */
static int
burst_now(void)
{
  burst = !ischild && tracing == 0 && maskcall >= 0 && one_in(50);
  return burst;
}

static uint64
pick_mask(void)
{
  return burst_now() ? (uint)(rnd() | pathbits) : 0;
}

/* A bitmap of calls: ours (empty, or a burst's random bits), or a pointer
 * the kernel cannot read, never memory of unknown content. */
static uint64
pick_maskin(void)
{
  static const uint64 bad[] = {0, KERNBASE, MAXVA, TRAPFRAME, ~0ULL};
  if (one_in(4))
    return one_in(2) ? guardpage() : PICK(bad);
  int on = burst_now();
  for (uint i = 0; i < sizeof(maskbuf); i++)
    maskbuf[i] = on ? rnd() : 0;
  if (on)
    for (int num = 0; num < 32; num++)
      if ((pathbits >> num) & 1)
        maskbuf[num / 8] |= 1 << (num % 8);
  return (uint64)maskbuf;
}

static uint64
pick_oflags(void)
{
  static const uint64 modes[] = {O_RDONLY,
                                 O_WRONLY,
                                 O_RDWR,
                                 O_CREATE | O_RDWR,
                                 O_CREATE | O_WRONLY,
                                 O_CREATE,
                                 O_TRUNC | O_WRONLY,
                                 O_CREATE | O_TRUNC | O_RDWR,
                                 3,
                                 0xffffffff,
                                 O_CREATE | 0x8000,
                                 O_TRUNC,
                                 -1,
                                 0x100000000ULL | O_RDONLY};
  return PICK(modes);
}

/* Does an open with these flags only read (so any existing file will do)? */
static int
oflags_readonly(uint64 flags)
{
  return ((int)flags & (O_WRONLY | O_RDWR | O_CREATE | O_TRUNC)) == 0;
}

static uint64
pick_ticks(void)
{
  static const uint64 naps[] = {0, -1, INT_MIN, 0x100000000ULL};
  return one_in(20) ? 1 : PICK(naps);
}

static uint64
pick_enum(int max)
{
  if (one_in(4))
    return one_in(2) ? pick_int() : (uint64)(max + 1);
  return below(max + 1);
}

static uint64
pick_dev(void)
{
  /* never the console's major: a worker reading it would eat typing */
  static const uint64 majors[] = {0,        2,  3,     9,      NDEV,
                                  NDEV + 1, -1, 32767, -32768, 0x10000};
  return PICK(majors);
}

static uint64
pick_count(void)
{
  static const uint64 counts[] = {0, 1, 2, NPROC, NPROC + 1, -1, INT_MAX, 1000};
  return PICK(counts);
}

static uint64
pick_fdpair(void)
{
  if (one_in(3) || brk - heapstart < 64)
    return pick_wptr();
  return heapstart + 8 * below(8);
}

/* Argument i of c, from the pool its kind names; *paths counts the path
 * arguments so far (a second one is built in the second buffer). */
static uint64
draw_arg(struct call *c, int i, int *paths)
{
  const struct sysarg *a = &c->d->arg[i];
  switch (a->kind) {
  case SA_FD:
  case SA_CLOSEFD:
    return pick_fd();
  case SA_PID:
    return pick_pid();
  case SA_TICKS:
    return pick_ticks();
  case SA_OFLAGS:
    return pick_oflags();
  case SA_ENUM:
    return pick_enum(a->size);
  case SA_DEV:
    return pick_dev();
  case SA_GROW:
    return pick_sbrk();
  case SA_MASK:
    return pick_mask();
  case SA_PATH:
    return pick_str((*paths)++ & 1, 0);
  case SA_NEWPATH:
    return pick_str((*paths)++ & 1, 1);
  case SA_ARGV:
    return pick_argv();
  case SA_BUFIN:
    return pick_rptr();
  case SA_BUFOUT:
  case SA_ARRAY:
    return pick_wptr();
  case SA_MASKIN:
    return pick_maskin();
  case SA_LEN:
    return pick_len();
  case SA_OUT:
    return one_in(3) ? 0 : pick_wptr();
  case SA_FDPAIR:
    return pick_fdpair();
  case SA_COUNT:
    return pick_count();
  default: /* SA_INT, and any kind this fuzzer does not know yet */
    return pick_int();
  }
}

/* Rules between the arguments of one call, read off their kinds. */
static void
relate_args(struct call *c)
{
  const struct sysdesc *d = c->d;
  int path = arg_of(d, SA_PATH), newpath = arg_of(d, SA_NEWPATH);
  int flags = arg_of(d, SA_OFLAGS), maskin = arg_of(d, SA_MASKIN);
  /* a program to run: now and then one that exists */
  if (has_kind(d, SA_ARGV) && path >= 0 && one_in(50))
    c->a[path] = (uint64) "/echo";
  /* an open that only reads may name any existing file */
  if (newpath >= 0 && flags >= 0 && oflags_readonly(c->a[flags]) && one_in(2))
    c->a[newpath] = pick_str(0, 0);
  /* our bitmap is this long */
  if (maskin >= 0 && c->a[maskin] == (uint64)maskbuf && d->arg[maskin].ref >= 0)
    c->a[d->arg[maskin].ref] = sizeof(maskbuf);
}

/* Choose the next call and its arguments.  Registers past the arguments
 * hold junk: the kernel must not care. */
void
call_choose(struct call *c)
{
  for (int i = 0; i < SYSARG_MAX; i++)
    c->a[i] = rnd();
  burst = 0;
  if (one_in(100)) {
    c->num = pick_unknown();
    c->d = 0;
    return;
  }
  if (!ischild && nnoreturn > 0 && one_in(20000))
    c->num = noreturn[below(nnoreturn)];
  else
    c->num = pick_known();
  c->d = sysdesc(c->num);
  if (c->d->ret == SR_FORK && (ischild || nchildren >= MAXCHILD) &&
      reapcall >= 0) {
    c->num = reapcall;
    c->d = sysdesc(reapcall);
  }
  int paths = 0;
  for (int i = 0; i < sysdesc_nargs(c->d); i++)
    c->a[i] = draw_arg(c, i, &paths);
  relate_args(c);
}

/* ---------------------------------------------------------------- steering */

static void
make_harmless(struct call *c)
{
  c->num = SYS_getpid;
  c->d = sysdesc(SYS_getpid);
}

/* Keep children to calls that cannot block or leave, and keep everyone
 * off blocking on their own pipes, mostly (see fds.c). */
void
call_steer(struct call *c)
{
  const struct sysdesc *d = c->d;
  if (!d)
    return;
  if (ischild && !child_safe(d)) {
    make_harmless(c);
    return;
  }
  int fd = arg_of(d, SA_FD);
  if (fd < 0)
    return;
  int in = arg_of(d, SA_BUFOUT), out = arg_of(d, SA_BUFIN), p;
  if (in >= 0 && (p = fd_pipe_of(c->a[fd], 0)) >= 0 && pipe_bytes(p) == 0 &&
      pipe_writers(p) > 0 && !one_in(BLOCK_ODDS))
    make_harmless(c);
  if (out >= 0 && d->arg[out].ref >= 0 && (p = fd_pipe_of(c->a[fd], 1)) >= 0 &&
      pipe_readers(p) > 0) {
    uint64 *len = &c->a[d->arg[out].ref];
    int room = PIPESIZE - pipe_bytes(p);
    if ((int)*len > room && !one_in(BLOCK_ODDS)) {
      *len = room;
      if (room == 0)
        make_harmless(c);
    }
  }
}

/* ---------------------------------------------------------------- results */

/* The policy for privileged targets (kernel/procinfo.h). */
static void
check_policy(struct call *c, uint64 r)
{
  const struct sysdesc *d = c->d;
  int pid = arg_of(d, SA_PID);
  if (pid >= 0 && (int)c->a[pid] == INIT_PID && (int)r != -1)
    fail("%s(%d) returned %d: nobody may act on init", d->name, INIT_PID,
         (int)r);
  if ((c->num == SYS_halt || c->num == SYS_evlog) && (int)r != -1)
    fail("%s() returned %d in a worker, below the console user", d->name,
         (int)r);
}

/* What the result of c says through its argument i (fd: the index of its
 * descriptor argument, or -1). */
static void
learn_arg(struct call *c, int i, int fd, uint64 r)
{
  int kind = c->d->arg[i].kind, p;
  if (kind == SA_CLOSEFD && (int)r == 0)
    fd_forget((int)c->a[i]);
  if (kind == SA_BUFOUT && fd >= 0 && (int)r > 0 &&
      (p = fd_pipe_of(c->a[fd], 0)) >= 0)
    pipe_moved(p, -(int)r);
  if (kind == SA_BUFIN && fd >= 0 && (int)r > 0 &&
      (p = fd_pipe_of(c->a[fd], 1)) >= 0)
    pipe_moved(p, (int)r);
  if (kind == SA_FDPAIR && (int)r == 0) {
    int *fds = (int *)c->a[i]; /* the kernel wrote it: it is mapped */
    fd_newpipe(fds[0], fds[1]);
    remember_fd(fds[0]);
    remember_fd(fds[1]);
  }
  if (kind == SA_GROW)
    refresh_brk();
  if ((kind == SA_MASK || kind == SA_MASKIN) && burst && (int)r == 0)
    tracing = 3; /* a few calls traced, then off (tracing_off) */
}

/* What the result says about our descriptors, pipes, children and memory
 * (a fork's child goes off to child() here and never comes back). */
void
call_learn(struct call *c, uint64 r)
{
  const struct sysdesc *d = c->d;
  if (!d)
    return;
  check_policy(c, r);
  int fd = arg_of(d, SA_FD);
  for (int i = 0; i < sysdesc_nargs(d); i++)
    learn_arg(c, i, fd, r);
  switch (d->ret) {
  case SR_FORK:
    if (r == 0)
      child();
    if ((int)r > 0) {
      nchildren++;
      kidpids[below(NELEM(kidpids))] = (int)r;
    }
    break;
  case SR_REAP:
    if ((int)r > 0 && nchildren > 0)
      nchildren--;
    else if ((int)r < 0)
      nchildren = 0; /* none left (or killed ones were reaped) */
    break;
  case SR_FD:
    if ((int)r >= 0)
      fd_dup((int)r, fd >= 0 ? (int)c->a[fd] : -1);
    remember_fd((int)r);
    break;
  case SR_ADDR: {
    /* memory of a length the call was given (not sbrk's break) */
    int len = arg_of(d, SA_LEN);
    if (r != (uint64)-1 && len >= 0 && arg_of(d, SA_GROW) < 0)
      remember_region(r, c->a[len]);
    break;
  }
  }
}

/* For fuzz -c: every call the workers make, with its weight and whether a
 * forked child may make it, one line each: "fuzz: call NUM NAME WEIGHT
 * child|nochild". */
void
calls_list(void)
{
  for (int i = 0; i < nknown; i++) {
    const struct sysdesc *d = sysdesc(known[i]);
    printf("fuzz: call %d %s %d %s\n", known[i], d->name, weight[known[i]],
           child_safe(d) ? "child" : "nochild");
  }
}

/* End a trace burst: the mask call with an empty mask turns every bit off. */
void
tracing_off(void)
{
  if (maskcall >= 0)
    rawsyscall(maskcall, 0, 0, 0, 0, 0, 0);
}

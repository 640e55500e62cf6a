/*
 * fuzz: a seeded, replayable system-call fuzzer.
 *
 *   fuzz [-w WORKERS] [-t SECONDS] [-v] SEED NCALLS
 *
 * Runs WORKERS (default 8) processes that together make NCALLS system
 * calls with arguments drawn from hostile pools: bad and boundary
 * pointers, boundary lengths, stale and random descriptors, odd paths,
 * and numbers that are not system calls at all.  Its promise to the host
 * (tests/fuzz.py watches the console):
 *   "fuzz: heartbeat CALLS"          about once a second
 *   "fuzz: FAIL ..."                 something the fuzzer itself caught
 *   "fuzz: stats ..."                respawns and hung workers killed
 *   "fuzz: done CALLS calls, B -> A" at the end, B and A being freepages()
 *                                    before and after; equal when nothing
 *                                    leaked
 * -t stops the run after SECONDS even if fewer calls were made.
 * -v prints every call before making it (use it with -w 1 to replay one
 * worker's sequence exactly).
 *
 * Processes:
 *   parent P     reads fixed-size messages from one pipe, prints the
 *                heartbeat, kills workers that stop making progress
 *                (blocked on a pipe they hold both ends of, say), and at
 *                the end removes every file the workers made.
 *   ticker       writes a TICK message every clock tick, so P never waits
 *                for long even if every worker is stuck.
 *   supervisor i forks worker i, forwards its progress to P, and when it
 *                dies (done, faulted, killed, or replaced by exec) forks a
 *                fresh one (next generation) until slot i's share of calls
 *                is done.
 *   worker i.g   its PRNG is seeded from (SEED, i, g), so the calls it makes
 *                depend only on those and on the results of its own calls.
 *                Reports every REPORT_EVERY calls through REPORTFD.
 *
 * What the workers may not do (so the run stays a test of the kernel and
 * not of the machine around it): halt; kill init, the shell, P, the
 * ticker or a supervisor (pids up to protectpid); touch the descriptors REPORTFD and LOGFD; create, write, link
 * or remove anything whose last name does not start with "fz" (the real
 * files stay read-only to them; every name they can create starts with
 * "fz", so P finds and removes them all); fork more than MAXCHILD children
 * at once (children make a few calls that cannot block, then exit); grow
 * memory past HEAPCAP except by requests too large to succeed.
 */
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "kernel/memlayout.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "kernel/stat.h"
#include "kernel/syscall.h"
#include "kernel/vm.h"
#include "user/user.h"
#include "user/ecall.h"

#define DEFWORKERS 8
#define MAXWORKERS 16
#define REPORTFD 15          /* worker -> supervisor progress pipe */
#define LOGFD 14             /* console, kept by workers only with -v */
#define REPORT_EVERY 32      /* calls between progress reports */
#define STALE_TICKS 30       /* no progress for this long: kill the worker */
#define STUCK_KILLS 10       /* a worker still there after this many kills */
#define BEAT_TICKS 10        /* ticks between heartbeats (1 s) */
#define MAXCHILD 4           /* forked children a worker may have at once */
#define CHILDCALLS 4         /* calls a forked child makes before it exits */
#define HEAPBASE (64 * 1024) /* scratch heap each worker starts with */
#define HEAPCAP (4 * 1024 * 1024) /* a worker grows no further */
#define SETTLE_TICKS 50           /* how long P waits for memory to come back */
#define MAXDEPTH 256              /* directory depth the cleanup can handle */
#define INT_MAX 0x7fffffff
#define INT_MIN (-INT_MAX - 1)

/* Messages to P: fixed size, so a read never splits one (a pipe write
 * this small goes in whole while the pipe has room). */
enum { M_TICK = 1, M_SPAWN, M_CALLS, M_DONE, M_NOFORK };
struct msg {
  int kind;
  int slot;
  int pid;
  int n;
};

extern char end[]; /* end of data and bss (user.ld) */

static uint64 seed;
static int nworkers = DEFWORKERS;
static int verbose;
static int deadline; /* uptime() at which to stop; 0: none */
static int parentpid, tickerpid;
static int protectpid; /* P, the ticker and the supervisors are <= this */

/* ---------------------------------------------------------------- PRNG */

/* splitmix64: a good 64-bit mix, also used to derive worker seeds. */
static uint64
mix(uint64 x)
{
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

static uint64 rng;

static uint64
rnd(void)
{
  rng = mix(rng);
  return rng;
}

/* A number in [0, n). */
static uint64
below(uint64 n)
{
  return n ? rnd() % n : 0;
}

/* True with probability 1/n. */
static int
one_in(uint64 n)
{
  return below(n) == 0;
}

#define PICK(arr) ((arr)[below(NELEM(arr))])
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------- worker state */

static int slot, gen;
static long quota;  /* calls this worker makes before it exits */
static long ncalls; /* calls made so far */
static int unreported;
static uint64 heapstart, brk;
static int nchildren;
static int ischild;
static int tracing; /* calls left in a trace burst */
static int fdpool[32];
static int nfdpool;
static int kidpids[8];

/*
 * What the worker knows about its own descriptors, from the results of
 * its own calls: which are pipe ends, and how many bytes each pipe holds.
 * A read of an empty pipe whose write end it holds itself (or a write to
 * a full one) would block for good; the worker lets that happen only once
 * in BLOCK_ODDS tries, as a test of kill, because P needs STALE_TICKS to
 * notice and that slot makes no calls meanwhile.
 */
#define BLOCK_ODDS 1000
static struct {
  int pipe; /* index in pipes[], or -1 */
  int wend; /* the write end */
} fdk[NOFILE];
static struct {
  int bytes;  /* bytes in the pipe */
  int nr, nw; /* descriptors this process has on each end */
} pipes[NOFILE];

static void
fd_forget(int fd)
{
  if (fd < 0 || fd >= NOFILE || fdk[fd].pipe < 0)
    return;
  int p = fdk[fd].pipe;
  if (fdk[fd].wend)
    pipes[p].nw--;
  else
    pipes[p].nr--;
  fdk[fd].pipe = -1;
}

static void
fd_pipe(int fd, int p, int wend)
{
  if (fd < 0 || fd >= NOFILE)
    return;
  fd_forget(fd);
  fdk[fd].pipe = p;
  fdk[fd].wend = wend;
  if (wend)
    pipes[p].nw++;
  else
    pipes[p].nr++;
}

static int
pipe_slot(void)
{
  for (int p = 0; p < NOFILE; p++)
    if (pipes[p].nr == 0 && pipes[p].nw == 0) {
      pipes[p].bytes = 0;
      return p;
    }
  return -1;
}

static int
fd_pipe_of(uint64 fd, int wend)
{
  int f = (int)fd;
  if (f < 0 || f >= NOFILE || fdk[f].pipe < 0 || fdk[f].wend != wend)
    return -1;
  return fdk[f].pipe;
}

/* Paths are built here; the kernel only reads them. */
static char pathbuf[2][512];

static void
report(int final)
{
  if (ischild || (unreported == 0 && !final))
    return;
  int n = unreported;
  write(REPORTFD, &n, sizeof(n));
  unreported = 0;
}

static void
remember_fd(int fd)
{
  if (fd < 0 || fd >= NOFILE)
    return;
  fdpool[nfdpool % NELEM(fdpool)] = fd;
  nfdpool++;
}

/* A descriptor: recent results (open or closed since: stale), small
 * numbers, and numbers no table has.  Never REPORTFD or LOGFD. */
static uint64
pick_fd(void)
{
  static const uint64 odd[] = {
      -1,      NOFILE,         NOFILE + 1,    100,         INT_MAX,
      INT_MIN, 0x100000003ULL, 0xffffffffULL, (uint64)-16, 1ULL << 63};
  uint64 fd;
  switch (below(4)) {
  case 0:
  case 1:
    if (nfdpool) {
      uint64 n = nfdpool < (int)NELEM(fdpool) ? nfdpool : NELEM(fdpool);
      fd = fdpool[below(n)];
      break;
    }
    /* fall through */
  case 2:
    fd = below(LOGFD);
    break;
  default:
    fd = PICK(odd);
  }
  if ((int)fd == REPORTFD || (int)fd == LOGFD)
    fd = -1;
  return fd;
}

/* The current end of memory; kept in brk because only this process
 * changes it (re-read after any call that might have). */
static void
refresh_brk(void)
{
  brk = rawsyscall(SYS_sbrk, 0, SBRK_EAGER, 0, 0, 0, 0);
}

static uint64
guardpage(void)
{
  return PGROUNDUP((uint64)end);
}

/* A pointer the kernel will WRITE through: into the scratch heap (which
 * sits above everything the worker keeps, so an overrun only reaches
 * unmapped memory) or somewhere it must refuse. */
static uint64
pick_wptr(void)
{
  uint64 g = guardpage();
  uint64 size = brk > heapstart ? brk - heapstart : 0;
  switch (below(24)) {
  case 0:
    return 0;
  case 1:
    return 1;
  case 2:
    return 0x1000; /* program text: mapped, not writable */
  case 3:
    return g; /* the guard page */
  case 4:
    return g + PGSIZE - 8; /* straddles guard page and stack */
  case 5:
    return brk; /* just past the heap (mapped to the end of its page) */
  case 6:
    return brk - 1 >= heapstart ? brk - 1 : brk;
  case 7:
    return brk - 8 >= heapstart ? brk - 8 : brk;
  case 8:
    return KERNBASE;
  case 9:
    return KERNBASE - 1;
  case 10:
    return KERNBASE - 8;
  case 11:
    return TRAPFRAME;
  case 12:
    return TRAMPOLINE;
  case 13:
    return MAXVA - 1;
  case 14:
    return MAXVA;
  case 15:
    return ~0ULL;
  case 16:
    return rnd();
  case 17:
    return 1ULL << 63;
  case 18: {
    /* random below 4 GiB, but not into the worker's own variables */
    uint64 r = (uint)rnd();
    if (r < heapstart)
      r &= PGSIZE - 1; /* text: the kernel must refuse to write it */
    return r;
  }
  default:
    if (size == 0)
      return heapstart;
    /* valid, sometimes misaligned, sometimes near the top */
    if (one_in(3))
      return brk - 1 - below(size < 5000 ? size : 5000);
    return heapstart + below(size);
  }
}

/* A pointer the kernel will READ through: any of the above, plus the
 * program's own text and data, and the stack. */
static uint64
pick_rptr(void)
{
  switch (below(6)) {
  case 0:
    return (uint64)pathbuf[0];
  case 1:
    return (uint64)&pick_rptr; /* text */
  case 2:
    return r_sp() + below(64);
  default:
    return pick_wptr();
  }
}

static uint64
pick_len(void)
{
  static const uint64 lens[] = {0,
                                1,
                                2,
                                7,
                                8,
                                15,
                                16,
                                63,
                                64,
                                511,
                                512,
                                513,
                                1023,
                                1024,
                                4095,
                                4096,
                                4097,
                                8191,
                                8192,
                                65536,
                                INT_MAX,
                                INT_MIN,
                                -1,
                                -4096,
                                0x100000010ULL,
                                0xffffffff00000001ULL,
                                1ULL << 62};
  if (one_in(3))
    return below(300);
  return PICK(lens);
}

/* An int-sized argument that is not a length or descriptor. */
static uint64
pick_int(void)
{
  static const uint64 ints[] = {0,
                                1,
                                2,
                                3,
                                -1,
                                -2,
                                16,
                                64,
                                INT_MAX,
                                INT_MIN,
                                0x8000,
                                0xffff,
                                0x100000000ULL};
  if (one_in(4))
    return rnd();
  return PICK(ints);
}

/* ---------------------------------------------------------------- paths */

/*
 * Names: every one a worker may create starts with "fz".  LONG14 is
 * exactly DIRSIZ long (no NUL on disk), LONG15 one more (the kernel
 * truncates or refuses), and the huge one exceeds MAXPATH.
 */
static const char *const names[] = {
    "fza",
    "fzb",
    "fzc",
    "fzd",
    "fze",
    "fzd/",
    "fzlongname1234" /* 14 */,
    "fzlongname12345" /* 15 */,
    ".",
    "..",
    "",
};
static const char *const prefixes[] = {
    "",         "",    "/",       "/fz/",    "fz/",      "/fz/fzd/",     "fzd/",
    "./",       "../", "//fz///", "/fz/../", "fzd/fzd/", "/fz/fzd/fzd/", "fza/",
    "/fz/fza/",
};
/* Existing things, only for calls that cannot change them. */
static const char *const readonly[] = {
    "/",
    ".",
    "..",
    "/README.md",
    "README.md",
    "/echo",
    "/nonexistent/x",
    "/README.md/x",
    "/fz/..",
    "/init/..",
};

/* Build a path in pathbuf[which]; destructive = it may create or remove. */
static char *
pick_path(int which, int destructive)
{
  char *p = pathbuf[which];
  int n = 0;
  int kind = below(16);
  if (!destructive && kind == 0) {
    strcpy(p, PICK(readonly));
    return p;
  }
  if (kind == 1) {
    /* many slashes, sometimes right at the MAXPATH limit */
    int len = MAXPATH - 4 + below(5); /* MAXPATH-4 .. MAXPATH */
    p[n++] = '/';
    while (n < len - 3)
      p[n++] = '/';
    strcpy(p + n, "fza");
    return p;
  }
  if (kind == 2) {
    /* one name far longer than MAXPATH */
    int len = MAXPATH + below(300);
    p[0] = 'f';
    p[1] = 'z';
    for (n = 2; n < len; n++)
      p[n] = 'a' + n % 26;
    p[n] = 0;
    return p;
  }
  const char *pre = PICK(prefixes);
  const char *nm = PICK(names);
  strcpy(p, pre);
  n = strlen(p);
  strcpy(p + n, nm);
  return p;
}

/*
 * A string pointer: mostly a real path, sometimes a bad pointer, or a
 * string with no NUL before the end of the heap or the data segment.
 */
static uint64
pick_str(int which, int destructive)
{
  if (tracing > 0) {
    /* trace prints string arguments on the console: only our own paths
     * and unmapped pointers, never memory that might hold file text */
    static const uint64 unmapped[] = {KERNBASE, MAXVA, TRAPFRAME, ~0ULL};
    if (one_in(4))
      return one_in(2) ? guardpage() : PICK(unmapped);
    return (uint64)pick_path(which, destructive);
  }
  switch (below(12)) {
  case 0:
    return pick_wptr();
  case 1: {
    uint64 size = brk - heapstart;
    if (size >= 256 && brk - heapstart <= HEAPCAP) {
      char *q = (char *)(brk - 256);
      memset(q, destructive ? 'z' : 'a', 256);
      q[0] = 'f';
      q[1] = 'z';
      return (uint64)q;
    }
    return pick_wptr();
  }
  case 2: {
    /* the end of the last data page, up against the guard page */
    uint64 g = guardpage();
    if (g - (uint64)end >= 32) {
      char *q = (char *)(g - 16);
      memset(q, 'z', 16);
      q[0] = 'f';
      q[1] = 'z';
      return (uint64)q;
    }
    return pick_wptr();
  }
  default:
    return (uint64)pick_path(which, destructive);
  }
}

/* An argv for exec: valid, too long, unterminated, or with bad entries. */
static uint64
pick_argv(void)
{
  static char *okargv[] = {"echo", "fz", 0};
  uint64 size = brk - heapstart;
  if (one_in(4) || size < (MAXARG + 8) * sizeof(uint64))
    return one_in(2) ? (uint64)okargv : pick_wptr();
  uint64 *v = (uint64 *)heapstart;
  int n = below(MAXARG + 4);
  for (int i = 0; i < n; i++)
    v[i] = one_in(8) ? pick_wptr() : (uint64)okargv[i % 2];
  v[n] = one_in(6) ? 1 : 0;
  if (one_in(6)) {
    /* no terminator before the end of the heap */
    uint64 *top = (uint64 *)(brk & ~7ULL);
    uint64 *q = top - 4;
    for (int i = 0; i < 4; i++)
      q[i] = (uint64)okargv[0];
    return (uint64)q;
  }
  return (uint64)v;
}

static uint64
pick_pid(void)
{
  /* Never init, the shell or anything else older than P, nor P or the
   * ticker: only ourselves, our children, other fuzz processes, and
   * numbers no process has. */
  static const uint64 odd[] = {
      0,       -1,      INT_MIN,
      INT_MAX, 1000000, 0x100000000ULL}; /* kill takes an int: 0 */
  int me = getpid();
  int pid;
  switch (below(5)) {
  case 0:
    pid = one_in(4) ? me : -1;
    break;
  case 1:
    pid = kidpids[below(NELEM(kidpids))];
    break;
  case 2:
    pid = me + 1 + below(20);
    break;
  case 3:
    pid = me - 1 - below(20);
    break;
  default:
    return PICK(odd);
  }
  if (pid <= protectpid)
    pid = -1;
  return (uint64)(uint)pid; /* upper bits clear: argint sees pid itself */
}

static uint64
pick_sbrk(void)
{
  static const long small[] = {0,  1,  7,     4095,  4096,   4097,    65536,
                               -1, -7, -4096, -4097, -65536, -1000000};
  long n;
  int r = below(40);
  if (r == 0)
    return INT_MAX; /* beyond USERTOP */
  if (r == 1)
    return INT_MIN;
  if (r == 2 && one_in(30))
    return 1 << 30; /* more than the machine has: must fail and give back */
  if (r == 3)
    return -(long)(brk - heapstart); /* all of the heap */
  n = small[below(NELEM(small))];
  if (n > 0 && brk - heapstart + n > HEAPCAP)
    n = -n;
  return (uint64)n;
}

/* ---------------------------------------------------------------- one call */

static const int known[] = {
    SYS_fork,   SYS_exit,  SYS_wait,      SYS_pipe,     SYS_read,
    SYS_kill,   SYS_exec,  SYS_fstat,     SYS_chdir,    SYS_dup,
    SYS_getpid, SYS_sbrk,  SYS_sleep,     SYS_uptime,   SYS_open,
    SYS_write,  SYS_mknod, SYS_unlink,    SYS_link,     SYS_mkdir,
    SYS_close,  SYS_trace, SYS_freepages, SYS_getprocs, SYS_evlog,
};

/* Relative frequency of each call, by number (the rest get 1). */
static int
weight(int num)
{
  switch (num) {
  case SYS_exit:
    return 0; /* chosen separately, rarely */
  case SYS_exec:
  case SYS_fork:
  case SYS_wait:
  case SYS_kill:
  case SYS_pipe:
    return 2;
  case SYS_read:
  case SYS_write:
  case SYS_open:
  case SYS_close:
  case SYS_dup:
  case SYS_fstat:
    return 6;
  case SYS_link:
  case SYS_unlink:
  case SYS_mkdir:
  case SYS_chdir:
  case SYS_mknod:
  case SYS_sbrk:
    return 3;
  default:
    return 1;
  }
}

static int totalweight;

static int
pick_known(void)
{
  if (totalweight == 0)
    for (uint i = 0; i < NELEM(known); i++)
      totalweight += weight(known[i]);
  int r = below(totalweight);
  for (uint i = 0; i < NELEM(known); i++) {
    r -= weight(known[i]);
    if (r < 0)
      return known[i];
  }
  return SYS_getpid;
}

/* A number with no system call (halt excluded by construction). */
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
                                68,
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
  if (n == SYS_halt || (n < 32 && n >= 1 && n <= SYS_trace) ||
      (n >= SYS_halt && n <= SYS_tracemask))
    n = 0;
  return n;
}

static void child(void);

/* Make one call; returns its number (for accounting only). */
static void
fuzz_one(void)
{
  uint64 a[6];
  uint64 num;
  for (int i = 0; i < 6; i++)
    a[i] = rnd(); /* registers past the arguments: junk */

  if (one_in(100)) {
    num = pick_unknown();
  } else if (!ischild && one_in(20000)) {
    num = SYS_exit;
    a[0] = pick_int();
  } else {
    num = pick_known();
  }

  switch (num) {
  case SYS_fork:
    if (ischild || nchildren >= MAXCHILD) {
      num = SYS_wait;
      a[0] = one_in(2) ? 0 : pick_wptr();
    }
    break;
  case SYS_wait:
    a[0] = one_in(3) ? 0 : pick_wptr();
    break;
  case SYS_pipe:
    a[0] = one_in(3) ? pick_wptr() : heapstart + 8 * below(8);
    if (brk - heapstart < 64)
      a[0] = pick_wptr();
    break;
  case SYS_read:
    a[0] = pick_fd();
    a[1] = pick_wptr();
    a[2] = pick_len();
    break;
  case SYS_write:
    a[0] = pick_fd();
    a[1] = pick_rptr();
    a[2] = pick_len();
    break;
  case SYS_kill:
    a[0] = pick_pid();
    break;
  case SYS_exec:
    if (one_in(50))
      a[0] = (uint64) "/echo";
    else
      a[0] = pick_str(0, 1);
    a[1] = pick_argv();
    break;
  case SYS_fstat:
    a[0] = pick_fd();
    a[1] = pick_wptr();
    break;
  case SYS_chdir:
    a[0] = pick_str(0, 0);
    break;
  case SYS_dup:
  case SYS_close:
    a[0] = pick_fd();
    break;
  case SYS_sbrk: {
    static const uint64 hows[] = {SBRK_EAGER, SBRK_LAZY, 0, -1};
    a[0] = pick_sbrk();
    a[1] = one_in(10) ? PICK(hows) : one_in(2) ? SBRK_EAGER : SBRK_LAZY;
    break;
  }
  case SYS_sleep: {
    static const uint64 naps[] = {0, -1, INT_MIN, 0x100000000ULL};
    a[0] = one_in(20) ? 1 : PICK(naps);
    break;
  }
  case SYS_open: {
    static const uint64 ro[] = {O_RDONLY, 0x100000000ULL | O_RDONLY};
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
                                   -1};
    if (one_in(4)) {
      a[0] = pick_str(0, 0);
      a[1] = PICK(ro);
    } else {
      a[0] = pick_str(0, 1);
      a[1] = PICK(modes);
    }
    break;
  }
  case SYS_mknod: {
    /* never the console's major: a worker reading it would eat typing */
    static const uint64 majors[] = {0,        2,  3,     9,      NDEV,
                                    NDEV + 1, -1, 32767, -32768, 0x10000};
    a[0] = pick_str(0, 1);
    a[1] = PICK(majors);
    a[2] = pick_int();
    break;
  }
  case SYS_unlink:
  case SYS_mkdir:
    a[0] = pick_str(0, 1);
    break;
  case SYS_link:
    a[0] = pick_str(0, 1);
    a[1] = pick_str(1, 1);
    break;
  case SYS_trace:
    /* A short burst of traced calls, then off: tracing formats string
     * arguments with fetchstr, another way in for bad pointers. */
    if (!ischild && tracing == 0 && one_in(50)) {
      a[0] = rnd() | (1 << SYS_open) | (1 << SYS_unlink);
      tracing = 3;
    } else {
      a[0] = 0;
    }
    break;
  case SYS_getprocs:
  case SYS_evlog: {
    static const uint64 counts[] = {0,         1,  2,       NPROC,
                                    NPROC + 1, -1, INT_MAX, 1000};
    a[0] = pick_wptr();
    a[1] = PICK(counts);
    break;
  }
  case SYS_exit:
  case SYS_getpid:
  case SYS_uptime:
  case SYS_freepages:
    break;
  default:
    break; /* not a system call: the junk registers stay */
  }

  /* a child may not block, fork, exec or exit early */
  if (ischild && (num == SYS_read || num == SYS_write || num == SYS_wait ||
                  num == SYS_exec || num == SYS_sleep || num == SYS_pipe ||
                  num == SYS_fork || num == SYS_exit))
    num = SYS_getpid;

  /* Steer clear of blocking on our own pipes, mostly (see fdk). */
  int bp;
  if (num == SYS_read && (bp = fd_pipe_of(a[0], 0)) >= 0 &&
      pipes[bp].bytes == 0 && pipes[bp].nw > 0 && !one_in(BLOCK_ODDS))
    num = SYS_getpid;
  if (num == SYS_write && (bp = fd_pipe_of(a[0], 1)) >= 0 && pipes[bp].nr > 0 &&
      (int)a[2] > PIPESIZE - pipes[bp].bytes && !one_in(BLOCK_ODDS)) {
    a[2] = PIPESIZE - pipes[bp].bytes;
    if (a[2] == 0)
      num = SYS_getpid;
  }

  if (verbose)
    fprintf(LOGFD, "fuzz: w%d.%d #%ld: %ld (%lx, %lx, %lx, %lx)\n", slot, gen,
            ncalls, (long)num, a[0], a[1], a[2], a[3]);
  uint64 r = rawsyscall(num, a[0], a[1], a[2], a[3], a[4], a[5]);
  if (verbose)
    fprintf(LOGFD, "fuzz: w%d.%d #%ld = %ld\n", slot, gen, ncalls, (long)r);
  ncalls++;
  if (!ischild && ++unreported >= REPORT_EVERY)
    report(0);

  if (tracing > 0 && --tracing == 0)
    rawsyscall(SYS_trace, 0, 0, 0, 0, 0, 0);

  switch (num) {
  case SYS_fork:
    if (r == 0) {
      child(); /* never returns */
    } else if ((int)r > 0) {
      nchildren++;
      kidpids[below(NELEM(kidpids))] = (int)r;
    }
    break;
  case SYS_wait:
    if ((int)r > 0 && nchildren > 0)
      nchildren--;
    else if ((int)r < 0)
      nchildren = 0; /* none left (or killed ones were reaped) */
    break;
  case SYS_open:
    fd_forget((int)r);
    remember_fd((int)r);
    break;
  case SYS_dup:
    if ((int)r >= 0 && (int)r < NOFILE) {
      int old = (int)a[0];
      fd_forget((int)r);
      if (old >= 0 && old < NOFILE && fdk[old].pipe >= 0)
        fd_pipe((int)r, fdk[old].pipe, fdk[old].wend);
    }
    remember_fd((int)r);
    break;
  case SYS_close:
    if ((int)r == 0)
      fd_forget((int)a[0]);
    break;
  case SYS_read:
    if ((int)r > 0 && (bp = fd_pipe_of(a[0], 0)) >= 0) {
      pipes[bp].bytes -= (int)r;
      if (pipes[bp].bytes < 0)
        pipes[bp].bytes = 0;
    }
    break;
  case SYS_write:
    if ((int)r > 0 && (bp = fd_pipe_of(a[0], 1)) >= 0)
      pipes[bp].bytes += (int)r;
    break;
  case SYS_pipe:
    if ((int)r == 0) { /* the kernel wrote the array: it is mapped */
      int *fds = (int *)a[0];
      int p = pipe_slot();
      if (p >= 0) {
        fd_pipe(fds[0], p, 0);
        fd_pipe(fds[1], p, 1);
      }
      remember_fd(fds[0]);
      remember_fd(fds[1]);
    }
    break;
  case SYS_sbrk:
    refresh_brk();
    break;
  }
}

/* A forked child: drop every descriptor but the report pipe (so nothing it
 * does can block), make a few calls, exit. */
static void
child(void)
{
  ischild = 1;
  nchildren = 0;
  for (int fd = 0; fd < NOFILE; fd++)
    fdk[fd].pipe = -1;
  for (int fd = 0; fd < NOFILE; fd++)
    if (fd != REPORTFD && fd != LOGFD)
      close(fd);
  nfdpool = 0;
  int n = below(CHILDCALLS + 1);
  for (int i = 0; i < n; i++)
    fuzz_one();
  exit(below(3));
}

static void
worker(void)
{
  rng = mix(seed ^ mix(0x5107ULL + slot) ^ mix(0x9e11ULL * (gen + 1)));
  for (int fd = 0; fd < NOFILE; fd++)
    if (fd != REPORTFD && !(verbose && fd == LOGFD))
      close(fd);
  for (int fd = 0; fd < NOFILE; fd++)
    fdk[fd].pipe = -1;
  heapstart = (uint64)sbrk(0);
  if ((uint64)sbrk(HEAPBASE) != heapstart) {
    report(1);
    exit(1);
  }
  refresh_brk();
  memset((void *)heapstart, 0, HEAPBASE);
  while (ncalls < quota) {
    fuzz_one();
    if (deadline && ncalls % REPORT_EVERY == 0 && uptime() >= deadline)
      break;
  }
  report(1);
  exit(0);
}

/* ---------------------------------------------------------------- supervisor */

static int mainpipe[2];

/* Make descriptor `to` a copy of `from` (there is no dup2: dup takes the
 * lowest free number, so fill the ones below `to` and give them back). */
static int
dup_to(int from, int to)
{
  int held[NOFILE];
  int k = 0, fd;
  close(to);
  while ((fd = dup(from)) >= 0 && fd < to)
    held[k++] = fd;
  while (k > 0)
    close(held[--k]);
  if (fd != to) {
    if (fd >= 0)
      close(fd);
    return -1;
  }
  return 0;
}

static void
send(int kind, int s, int pid, int n)
{
  struct msg m = {kind, s, pid, n};
  write(mainpipe[1], &m, sizeof(m));
}

static void
supervisor(int s, long share, int startfd)
{
  long done = 0;
  close(mainpipe[0]);
  /* P sends the last supervisor's pid once every supervisor exists */
  if (read(startfd, &protectpid, sizeof(protectpid)) != sizeof(protectpid))
    exit(1);
  close(startfd);
  slot = s;
  for (gen = 0; done < share && !(deadline && uptime() >= deadline); gen++) {
    int p[2];
    if (pipe(p) < 0) {
      send(M_NOFORK, s, 0, 0);
      sleep(1);
      continue;
    }
    int pid = fork();
    if (pid < 0) {
      close(p[0]);
      close(p[1]);
      send(M_NOFORK, s, 0, 0);
      sleep(1);
      continue;
    }
    if (pid == 0) {
      close(p[0]);
      close(mainpipe[1]);
      if (p[1] != REPORTFD) {
        if (dup_to(p[1], REPORTFD) < 0)
          exit(1);
        close(p[1]);
      }
      if (verbose)
        dup_to(1, LOGFD);
      quota = share - done;
      worker();
    }
    close(p[1]);
    send(M_SPAWN, s, pid, gen);
    int n;
    int got;
    while ((got = read(p[0], &n, sizeof(n))) == sizeof(n)) {
      if (n > 0) {
        done += n;
        send(M_CALLS, s, pid, n);
      }
    }
    close(p[0]);
    /* The worker, and any child still holding the pipe, are gone; reap the
     * worker (children went to init). */
    while (wait(0) >= 0)
      ;
  }
  send(M_DONE, s, 0, 0);
  exit(0);
}

static void
ticker(void)
{
  close(mainpipe[0]);
  for (;;) {
    sleep(1);
    send(M_TICK, -1, 0, 0);
  }
}

/* ---------------------------------------------------------------- cleanup */

static int
is_fz(const char *name)
{
  return name[0] == 'f' && name[1] == 'z';
}

static int
typeof_path(const char *name)
{
  struct stat st;
  int fd = open(name, O_RDONLY);
  if (fd < 0)
    return -1;
  int r = fstat(fd, &st);
  close(fd);
  return r < 0 ? -1 : st.type;
}

/*
 * Remove every "fz" name in the tree below the current directory, walking
 * with chdir so that depth is not limited by MAXPATH.  Iterative: the
 * position in each directory on the way down is kept in pos[].
 */
static int
clean_tree(void)
{
  static int pos[MAXDEPTH];
  static char nm[MAXDEPTH][DIRSIZ + 1];
  static int fzdir[MAXDEPTH];
  int depth = 0;
  int removed = 0;
  pos[0] = 0;
  fzdir[0] = 0;
  for (;;) {
    int fd = open(".", O_RDONLY);
    if (fd < 0)
      return -1;
    struct dirent de;
    int idx = 0, descended = 0;
    while (read(fd, &de, sizeof(de)) == sizeof(de)) {
      if (idx++ < pos[depth])
        continue;
      pos[depth] = idx;
      if (de.inum == 0)
        continue;
      char name[DIRSIZ + 1];
      memmove(name, de.name, DIRSIZ);
      name[DIRSIZ] = 0;
      if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        continue;
      int t = typeof_path(name);
      if (t == T_DIR && depth + 1 < MAXDEPTH && chdir(name) == 0) {
        depth++;
        strcpy(nm[depth], name);
        fzdir[depth] = fzdir[depth - 1] || is_fz(name);
        pos[depth] = 0;
        descended = 1;
        break;
      }
      if ((fzdir[depth] || is_fz(name)) && unlink(name) == 0)
        removed++;
    }
    close(fd);
    if (descended)
      continue;
    if (depth == 0)
      return removed;
    chdir("..");
    if (fzdir[depth] && unlink(nm[depth]) == 0)
      removed++;
    depth--;
  }
}

/* ---------------------------------------------------------------- parent */

static uint64
parse_u64(const char *s, int *ok)
{
  uint64 v = 0;
  *ok = *s != 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') {
      *ok = 0;
      return 0;
    }
    v = v * 10 + (*s - '0');
  }
  return v;
}

static void
usage(void)
{
  fprintf(2, "usage: fuzz [-w WORKERS] [-t SECONDS] [-v] SEED NCALLS\n");
  exit(1);
}

int
main(int argc, char *argv[])
{
  int i = 1, ok;
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (strcmp(argv[i], "-v") == 0) {
      verbose = 1;
    } else if (strcmp(argv[i], "-w") == 0 && i + 1 < argc) {
      nworkers = atoi(argv[++i]);
      if (nworkers < 1 || nworkers > MAXWORKERS)
        usage();
    } else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc) {
      deadline = atoi(argv[++i]) * TICKS_PER_SEC;
      if (deadline <= 0)
        usage();
    } else {
      usage();
    }
  }
  if (argc - i != 2)
    usage();
  seed = parse_u64(argv[i], &ok);
  if (!ok)
    usage();
  long total = (long)parse_u64(argv[i + 1], &ok);
  if (!ok)
    usage();

  parentpid = getpid();
  if (deadline)
    deadline += uptime();
  int before = freepages();
  printf("fuzz: seed %lu, %ld calls, %d workers, %d free pages\n", seed, total,
         nworkers, before);

  mkdir("/fz");
  if (pipe(mainpipe) < 0) {
    printf("fuzz: FAIL cannot make a pipe\n");
    exit(1);
  }
  tickerpid = fork();
  if (tickerpid == 0)
    ticker();
  if (tickerpid < 0) {
    printf("fuzz: FAIL cannot fork\n");
    exit(1);
  }

  static int wpid[MAXWORKERS], lastseen[MAXWORKERS], kills[MAXWORKERS];
  static int finished[MAXWORKERS];
  int nsup = 0;
  int start[2];
  if (pipe(start) < 0) {
    printf("fuzz: FAIL cannot make a pipe\n");
    exit(1);
  }
  protectpid = tickerpid;
  for (int s = 0; s < nworkers; s++) {
    long share = total / nworkers + (s < total % nworkers);
    int pid = fork();
    if (pid == 0) {
      close(start[1]);
      supervisor(s, share, start[0]);
    }
    if (pid < 0) {
      printf("fuzz: FAIL cannot fork supervisor %d\n", s);
      finished[s] = 1;
      continue;
    }
    if (pid > protectpid)
      protectpid = pid;
    nsup++;
  }
  close(start[0]);
  for (int s = 0; s < nsup; s++)
    write(start[1], &protectpid, sizeof(protectpid));
  close(start[1]);
  close(mainpipe[1]);

  long calls = 0;
  int now = 0, lastbeat = 0, ndone = 0, respawns = 0, hangkills = 0;
  int nofork = 0, t0 = uptime();
  struct msg m;
  while (ndone < nsup && read(mainpipe[0], &m, sizeof(m)) == sizeof(m)) {
    int s = m.slot;
    if (m.kind != M_TICK && (s < 0 || s >= nworkers)) {
      printf("fuzz: FAIL bad message kind %d slot %d\n", m.kind, s);
      continue;
    }
    switch (m.kind) {
    case M_TICK:
      now++;
      break;
    case M_SPAWN:
      if (m.n > 0)
        respawns++;
      wpid[s] = m.pid;
      lastseen[s] = now;
      kills[s] = 0;
      break;
    case M_CALLS:
      calls += m.n;
      lastseen[s] = now;
      kills[s] = 0;
      break;
    case M_DONE:
      finished[s] = 1;
      ndone++;
      break;
    case M_NOFORK:
      nofork++;
      lastseen[s] = now;
      break;
    }
    if (m.kind != M_TICK)
      continue;
    for (s = 0; s < nworkers; s++) {
      if (finished[s] || wpid[s] == 0 || now - lastseen[s] < STALE_TICKS)
        continue;
      /* Blocked (on a pipe whose other end it holds, say): kill it; the
       * supervisor starts the next generation. */
      if (verbose)
        printf("fuzz: worker %d pid %d: no progress for %d ticks, killed\n", s,
               wpid[s], STALE_TICKS);
      kill(wpid[s]);
      hangkills++;
      lastseen[s] = now;
      if (++kills[s] == STUCK_KILLS)
        printf("fuzz: FAIL worker %d (pid %d, seed %lu) is still there after "
               "%d kills\n",
               s, wpid[s], seed, STUCK_KILLS);
    }
    if (now - lastbeat >= BEAT_TICKS) {
      lastbeat = now;
      printf("fuzz: heartbeat %ld\n", calls);
    }
  }
  int elapsed = uptime() - t0;

  kill(tickerpid);
  close(mainpipe[0]);
  while (wait(0) >= 0)
    ;

  chdir("/");
  int removed = clean_tree();
  if (unlink("/fz") == 0)
    removed++;

  /* Orphaned children of workers are init's to reap; give it a moment. */
  int after = freepages();
  for (int t = 0; t < SETTLE_TICKS && after != before; t++) {
    sleep(1);
    after = freepages();
  }
  printf("fuzz: stats %d ticks, %d respawns, %d hung workers killed, "
         "%d failed forks, %d names removed\n",
         elapsed, respawns, hangkills, nofork, removed);
  printf("fuzz: done %ld calls, %d -> %d\n", calls, before, after);
  exit(after == before ? 0 : 1);
}

/*
 * Hostile values, one pool per kind of argument: pointers the kernel
 * writes or reads through (bad, boundary, and good ones into the scratch
 * heap or into memory a call returned), lengths, plain numbers, descriptors, paths, argv arrays, pids and
 * memory sizes.  calls.c picks the pool by the argument's kind in the
 * system-call table.
 */
#include "kernel/types.h"
#include "kernel/memlayout.h"
#include "kernel/riscv.h"
#include "user/user.h"
#include "user/fuzz/fuzz.h"

extern char end[]; /* end of data and bss (user.ld) */

/* Paths are built here; the kernel only reads them. */
static char pathbuf[2][512];

/* A descriptor: recent results (open or closed since: stale), small
 * numbers, and numbers no table has.  Never REPORTFD or LOGFD. */
uint64
pick_fd(void)
{
  static const uint64 odd[] = {
      -1,      NOFILE,         NOFILE + 1,    100,         INT_MAX,
      INT_MIN, 0x100000003ULL, 0xffffffffULL, (uint64)-16, 1ULL << 63};
  uint64 fd;
  switch (below(4)) {
  case 0:
  case 1:
    if ((int)(fd = recent_fd()) >= 0)
      break;
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

uint64
guardpage(void)
{
  return USER_GUARD(end); /* kernel/memlayout.h */
}

/* Memory a call gave the worker besides the heap (an address result with
 * a length: a file mapping a lab adds): the last few, which the kernel
 * may have to page in when a call reads or writes there.  Stale ones (the
 * memory was given back since) are bad pointers like any other.  None in
 * a kernel without such a call: then no draw is spent on them. */
#define NREGIONS 4
static struct {
  uint64 start, len;
} regions[NREGIONS];
static int nregions, nextregion;

void
remember_region(uint64 start, uint64 len)
{
  if (len == 0 || start + len < start)
    return;
  regions[nextregion].start = start;
  regions[nextregion].len = len;
  nextregion = (nextregion + 1) % NREGIONS;
  if (nregions < NREGIONS)
    nregions++;
}

/* A pointer the kernel will WRITE through: into the scratch heap (which
 * sits above everything the worker keeps, so an overrun only reaches
 * unmapped memory), into a remembered region, or somewhere it must
 * refuse. */
uint64
pick_wptr(void)
{
  if (nregions > 0 && one_in(6)) {
    int i = below(nregions);
    return regions[i].start + below(regions[i].len);
  }
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
uint64
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

uint64
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
uint64
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
static const char *const readonly_paths[] = {
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
    strcpy(p, PICK(readonly_paths));
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
 * string with no NUL before the end of the heap or the data segment
 * (starting "fz": a name the cleanup finds).
 */
uint64
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
    /* Any pointer for a lookup; for a name that may be created only one
     * the kernel cannot read: the program's text (at 0) and heap bytes
     * could spell any name, and every name a worker makes must start
     * with "fz". */
    if (destructive) {
      static const uint64 bad[] = {KERNBASE,    MAXVA, TRAPFRAME,
                                   TRAMPOLINE,  ~0ULL, 1ULL << 63,
                                   KERNBASE - 1};
      return one_in(3) ? guardpage() : PICK(bad);
    }
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
uint64
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

uint64
pick_pid(void)
{
  /* Ourselves, our children, other fuzz processes, numbers no process has,
   * and init, which nobody may kill (calls.c checks the refusal); never
   * the shell or anything else older than P, nor P, the ticker or a
   * supervisor: they run the test. */
  static const uint64 odd[] = {
      0,       -1,      INT_MIN,
      INT_MAX, 1000000, 0x100000000ULL}; /* kill takes an int: 0 */
  int me = getpid();
  int pid;
  switch (below(6)) {
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
  case 4:
    if (one_in(4))
      return INIT_PID;
    /* fall through */
  default:
    return PICK(odd);
  }
  if (pid <= protectpid && pid != INIT_PID)
    pid = -1;
  return (uint64)(uint)pid; /* upper bits clear: argint sees pid itself */
}

uint64
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

/*
 * bench: measure what limited direct execution costs, from inside the
 * guest, with the time CSR (10 MHz on QEMU virt; the kernel lets user mode
 * read it through scounteren.TM, so timing needs no system call).
 *
 *   bench [-r ROUNDS] [NAME ...]     default: every benchmark, 9 rounds
 *   bench -n OPS NAME ...            run OPS ops of each, once, untimed
 *   bench -p N [-n OPS] NAME ...     N workers at once (run_parallel)
 *                                    (for profiling: tools/kprofile.py)
 *
 * Benchmarks (one "op" each):
 *   loop     LOOPCHUNK iterations of the calibration loop: pure user code,
 *            no system calls, so it runs at the same speed under any
 *            kernel; tests/bench.py divides every other figure by it
 *   getpid   a null system call: trap in, dispatch, return-from-trap
 *   pipe     a one-byte round trip to a child through two pipes: two
 *            context switches (and two sleeps and wake-ups) per op
 *   fork     fork + exit + wait
 *   exec     fork + exec of /true + exit + wait
 *   files    one of 100 files: create, write 4 KiB, read back, delete
 *            (the 100 files are made, then read, then deleted, in phases)
 *   bigfile  write a 200 KiB file, read it back, delete it
 *   sbrk     grow the heap by 16 MiB, touch every page, shrink it back
 *
 * Stability: a benchmark first runs once untimed (warm caches), then its
 * op count is doubled until one round lasts at least MINROUND; then it
 * runs ROUNDS rounds of that many ops.  The heavy ones have a fixed
 * count (files: 100 per round).
 *
 * The calibration loop runs before the first benchmark and again after
 * each one, so every figure has a calibration taken moments before and
 * after it (the host's speed for QEMU drifts with its load).
 *
 * Output, one line per benchmark, for tests/bench.py to parse:
 *   bench NAME OPS TOTAL_US PER_OP_US BEST_US MEDIAN_US MEDIAN_INSN
 * OPS and TOTAL_US sum every timed round; PER_OP_US = TOTAL_US / OPS;
 * BEST_US and MEDIAN_US are the per-op times of the fastest and of the
 * median round; MEDIAN_INSN is the instret counter's advance per op in
 * the median round, less the time every hart sat idle (idletime()).  That
 * counter means something only when QEMU runs with -icount (make bench
 * ICOUNT=1): it then follows QEMU's virtual clock, which advances by one
 * for each instruction any hart executes and also while every hart waits
 * for the disk (at the host's pace, hence the subtraction), so the figure
 * counts the instructions every hart executed; otherwise QEMU feeds it
 * from the host's cycle counter and the host ignores it.  On a busy host the median is the figure to trust: the
 * mean takes every moment QEMU lost its host CPU.  A benchmark whose
 * work went wrong (a short read, bad data, a failed fork) prints
 *   bench NAME FAIL why
 * instead.  The first line is "bench-start INSNS", the same count from
 * reset to main()'s start; the last line is "bench: done".  Exit status 1 if any failed.
 *
 * The program keeps its own memory small (4 KiB buffers, no malloc),
 * because fork copies it and the fork figures should be those of a small
 * process.
 */
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/riscv.h"
#include "user/user.h"

#define NS_PER_SEC 1000000000UL
#define MINROUND (hz / 10) /* a round lasts at least 100 ms */
#define DEFROUNDS 9
#define MAXROUNDS 50
#define MAXOPS (1 << 24) /* calibration stops doubling here */

#define NFILES 100           /* files per round of "files" */
#define SMALLSIZE 4096       /* bytes in each of them */
#define BIGSIZE (200 * 1024) /* bytes in the "bigfile" file */
#define CHUNK 4096           /* write/read size for the big file */
#define HEAPGROW (16 * 1024 * 1024)
#define LOOPCHUNK 1000 /* calibration-loop iterations per "loop" op */
#define LOOPROUNDS 5   /* rounds of each calibration */

static uint64 hz; /* the time CSR's rate, asked of the kernel */
static char buf[CHUNK];
static char rbuf[CHUNK];
static char failmsg[64];

/* A reading of the counters busy() subtracts. */
struct count {
  uint64 insns, idle;
};

/* Start a count: idletime() first, so its call falls outside. */
static struct count
count_start(void)
{
  struct count c;
  c.idle = idletime();
  c.insns = r_instret();
  return c;
}

/* instret's advance since c less the time every hart sat idle (which,
 * under -icount, QEMU's clock spends waiting for the disk at the host's
 * pace): under -icount, the instructions every hart executed. */
static uint64
busy(struct count c)
{
  uint64 insns = r_instret() - c.insns;
  return insns - (idletime() - c.idle);
}

/* Record why a benchmark failed; the op functions return -1 after it. */
static int
fail(const char *why)
{
  strcpy(failmsg, why);
  return -1;
}

/* ------------------------------------------------------------ the ops */

/* The calibration loop of the xv6 reference figures (platform.md), as
 * written there: a dependent multiply-add, four instructions an
 * iteration.  noinline keeps its code the same wherever it is used. */
static volatile uint64 loop_x = 1;

static void __attribute__((noinline)) calibration_loop(long n)
{
  uint64 v = loop_x;
  for (long i = 0; i < n; i++)
    v = v * 6364136223846793005ULL + 1442695040888963407ULL;
  loop_x = v;
}

static int
op_loop(int n)
{
  calibration_loop((long)n * LOOPCHUNK);
  return 0;
}

static int
op_getpid(int n)
{
  for (int i = 0; i < n; i++)
    getpid();
  return 0;
}

static int
op_pipe(int n)
{
  int to[2], from[2];
  if (pipe(to) < 0)
    return fail("pipe");
  if (pipe(from) < 0) {
    close(to[0]);
    close(to[1]);
    return fail("pipe");
  }
  int pid = fork();
  if (pid < 0)
    return fail("fork");
  if (pid == 0) {
    char c;
    close(to[1]);
    close(from[0]);
    while (read(to[0], &c, 1) == 1)
      if (write(from[1], &c, 1) != 1)
        exit(1);
    exit(0);
  }
  close(to[0]);
  close(from[1]);
  int ok = 1;
  for (int i = 0; i < n && ok; i++) {
    char c = (char)i, r = 0;
    if (write(to[1], &c, 1) != 1 || read(from[0], &r, 1) != 1 || r != c)
      ok = 0;
  }
  close(to[1]); /* the child sees end-of-file and exits */
  close(from[0]);
  int status = -1;
  wait(&status);
  if (!ok)
    return fail("bad round trip");
  return status == 0 ? 0 : fail("child failed");
}

static int
op_fork(int n)
{
  for (int i = 0; i < n; i++) {
    int pid = fork();
    if (pid < 0)
      return fail("fork");
    if (pid == 0)
      exit(0);
    int status = -1;
    if (wait(&status) != pid || status != 0)
      return fail("wait");
  }
  return 0;
}

static int
op_exec(int n)
{
  char *argv[] = {"true", 0};
  for (int i = 0; i < n; i++) {
    int pid = fork();
    if (pid < 0)
      return fail("fork");
    if (pid == 0) {
      exec("/true", argv);
      exit(1);
    }
    int status = -1;
    if (wait(&status) != pid || status != 0)
      return fail("exec /true failed");
  }
  return 0;
}

/* Fill buf with a pattern that differs for each file and offset. */
static void
pattern(char *b, int len, int seed)
{
  for (int i = 0; i < len; i++)
    b[i] = (char)(seed * 7 + i * 13 + (i >> 8));
}

static void
filename(char *name, int i)
{
  name[0] = 'b';
  name[1] = 'f';
  name[2] = '0' + (i / 10) % 10;
  name[3] = '0' + i % 10;
  name[4] = '\0';
}

static int
op_files(int n)
{
  char name[8];
  for (int i = 0; i < n; i++) {
    filename(name, i);
    int fd = open(name, O_CREATE | O_WRONLY | O_TRUNC);
    if (fd < 0)
      return fail("create");
    pattern(buf, SMALLSIZE, i);
    int w = write(fd, buf, SMALLSIZE);
    close(fd);
    if (w != SMALLSIZE)
      return fail("short write");
  }
  for (int i = 0; i < n; i++) {
    filename(name, i);
    int fd = open(name, O_RDONLY);
    if (fd < 0)
      return fail("open");
    int r = read(fd, rbuf, SMALLSIZE);
    close(fd);
    pattern(buf, SMALLSIZE, i);
    if (r != SMALLSIZE || memcmp(buf, rbuf, SMALLSIZE) != 0)
      return fail("read back wrong data");
  }
  for (int i = 0; i < n; i++) {
    filename(name, i);
    if (unlink(name) < 0)
      return fail("unlink");
  }
  return 0;
}

static int
bigfile_once(void)
{
  int fd = open("bigfile", O_CREATE | O_WRONLY | O_TRUNC);
  if (fd < 0)
    return fail("create");
  for (int off = 0; off < BIGSIZE; off += CHUNK) {
    pattern(buf, CHUNK, off / CHUNK);
    if (write(fd, buf, CHUNK) != CHUNK) {
      close(fd);
      return fail("short write");
    }
  }
  close(fd);
  if ((fd = open("bigfile", O_RDONLY)) < 0)
    return fail("open");
  for (int off = 0; off < BIGSIZE; off += CHUNK) {
    pattern(buf, CHUNK, off / CHUNK);
    if (read(fd, rbuf, CHUNK) != CHUNK || memcmp(buf, rbuf, CHUNK) != 0) {
      close(fd);
      return fail("read back wrong data");
    }
  }
  close(fd);
  if (unlink("bigfile") < 0)
    return fail("unlink");
  return 0;
}

static int
op_bigfile(int n)
{
  for (int i = 0; i < n; i++)
    if (bigfile_once() < 0)
      return -1;
  return 0;
}

static int
op_sbrk(int n)
{
  for (int i = 0; i < n; i++) {
    char *p = sbrk(HEAPGROW);
    if (p == (char *)-1)
      return fail("sbrk grow");
    for (int off = 0; off < HEAPGROW; off += PGSIZE)
      p[off] = (char)off;
    for (int off = 0; off < HEAPGROW; off += PGSIZE * 512)
      if (p[off] != (char)off)
        return fail("heap lost a write");
    if (sbrk(-HEAPGROW) == (char *)-1)
      return fail("sbrk shrink");
  }
  return 0;
}

/* ------------------------------------------------------------ driver */

struct bench {
  const char *name;
  int (*op)(int n);
  int fixed; /* ops per round if fixed, else 0: calibrate */
  int par;   /* ops per worker with -p, 0 if it has no parallel form */
};

static const struct bench calibration = {"loop", op_loop, 0, 0};

static const struct bench benches[] = {
    {"getpid", op_getpid, 0, 0},     {"pipe", op_pipe, 0, 500},
    {"fork", op_fork, 0, 100},       {"exec", op_exec, 0, 50},
    {"files", op_files, NFILES, 20}, {"bigfile", op_bigfile, 1, 0},
    {"sbrk", op_sbrk, 1, 0},
};
#define NBENCH ((int)(sizeof(benches) / sizeof(benches[0])))

/* Print ticks (of the time CSR) per op as microseconds with three
 * decimals. */
static void
print_us(uint64 ticks, uint64 ops)
{
  uint64 ns = ticks * NS_PER_SEC / hz / ops;
  printf(" %lu.%lu%lu%lu", ns / 1000, ns / 100 % 10, ns / 10 % 10, ns % 10);
}

/* What one round took. */
struct round {
  uint64 ticks; /* of the time CSR */
  uint64 insns; /* instret's advance */
};

/* Time one round of n ops; -1 if the work failed. */
static int
round_of(const struct bench *b, int n, struct round *t)
{
  struct count c0 = count_start();
  uint64 t0 = r_time();
  int r = b->op(n);
  t->ticks = r_time() - t0;
  t->insns = busy(c0);
  return r;
}

static int
run(const struct bench *b, int rounds)
{
  struct round t, times[MAXROUNDS];
  failmsg[0] = '\0';
  int n = b->fixed ? b->fixed : 1;
  if (round_of(b, n, &t) < 0) /* warm-up, untimed */
    goto failed;
  if (!b->fixed) {
    while (t.ticks < MINROUND && n < MAXOPS) {
      n *= 2;
      if (round_of(b, n, &t) < 0)
        goto failed;
    }
  }
  uint64 total = 0;
  for (int r = 0; r < rounds; r++) {
    if (round_of(b, n, &t) < 0)
      goto failed;
    total += t.ticks;
    /* insertion sort: times[] stays ordered, fastest first */
    int i = r;
    for (; i > 0 && times[i - 1].ticks > t.ticks; i--)
      times[i] = times[i - 1];
    times[i] = t;
  }
  uint64 ops = (uint64)n * rounds;
  printf("bench %s %lu %lu", b->name, ops, total * NS_PER_SEC / hz / 1000);
  print_us(total, ops);
  print_us(times[0].ticks, n);
  print_us(times[rounds / 2].ticks, n);
  printf(" %lu\n", times[rounds / 2].insns / n);
  return 0;

failed:
  printf("bench %s FAIL %s\n", b->name, failmsg);
  return -1;
}

/*
 * -p N: N workers at once, each in its own process (and, for files, its
 * own directory p0, p1, ...) doing b->par ops (or -n OPS).  Prints
 *   bench-par NAME N OPS INSN_PER_OP NS_PER_OP
 * where OPS counts every worker's ops and INSN_PER_OP is the instructions
 * of all harts (busy(), under -icount) per op: with independent work on N harts it
 * stays flat when nothing in the kernel serialises the workers.
 */
static int
run_parallel(const struct bench *b, int nworkers, int n)
{
  char dir[4] = "p0";
  if (b->op == op_files)
    for (int w = 0; w < nworkers; w++, dir[1]++)
      if (mkdir(dir) < 0)
        return fail("mkdir");
  failmsg[0] = '\0';
  struct count c0 = count_start();
  uint64 t0 = r_time();
  for (int w = 0; w < nworkers; w++) {
    int pid = fork();
    if (pid < 0)
      return fail("fork");
    if (pid == 0) {
      dir[1] = '0' + w;
      if (b->op == op_files && chdir(dir) < 0)
        exit(1);
      exit(b->op(n) < 0 ? 1 : 0);
    }
  }
  int ok = 1;
  for (int w = 0; w < nworkers; w++) {
    int status = -1;
    if (wait(&status) < 0 || status != 0)
      ok = 0;
  }
  uint64 ticks = r_time() - t0, insns = busy(c0);
  if (b->op == op_files)
    for (dir[1] = '0'; dir[1] < '0' + nworkers; dir[1]++)
      unlink(dir);
  if (!ok) {
    printf("bench %s FAIL a worker failed\n", b->name);
    return -1;
  }
  uint64 ops = (uint64)nworkers * n;
  printf("bench-par %s %d %lu %lu %lu\n", b->name, nworkers, ops, insns / ops,
         ticks * NS_PER_SEC / hz / ops);
  return 0;
}

static void
usage(void)
{
  fprintf(
      2, "usage: bench [-r ROUNDS | -n OPS] [-p WORKERS] [NAME ...]\n  names:");
  for (int i = 0; i < NBENCH; i++)
    fprintf(2, " %s", benches[i].name);
  fprintf(2, "\n");
  exit(1);
}

int
main(int argc, char *argv[])
{
  int rounds = DEFROUNDS;
  int first = 1;
  int once = 0; /* -n OPS: run each benchmark once, OPS ops, untimed */
  int par = 0;  /* -p N: N workers at once (run_parallel) */
  hz = timebase();
  while (argc > first + 1 && argv[first][0] == '-') {
    if (strcmp(argv[first], "-r") == 0)
      rounds = atoi(argv[first + 1]);
    else if (strcmp(argv[first], "-n") == 0)
      once = atoi(argv[first + 1]);
    else if (strcmp(argv[first], "-p") == 0)
      par = atoi(argv[first + 1]);
    else
      usage();
    if (rounds < 1 || rounds > MAXROUNDS || once < 0 || par < 0 || par > 8)
      usage();
    first += 2;
  }
  for (int i = first; i < argc; i++) {
    int found = 0;
    for (int j = 0; j < NBENCH; j++)
      found |= strcmp(argv[i], benches[j].name) == 0;
    if (!found)
      usage();
  }

  /* Under -icount: every instruction from reset (OpenSBI, boot, init, the
   * shell, this command's fork and exec) up to here. */
  printf("bench-start %lu\n", r_instret() - idletime());
  int failed = 0;
  if (!once && !par)
    run(&calibration, LOOPROUNDS);
  for (int j = 0; j < NBENCH; j++) {
    int wanted = first == argc;
    for (int i = first; i < argc; i++)
      wanted |= strcmp(argv[i], benches[j].name) == 0;
    if (!wanted)
      continue;
    if (par) {
      if (benches[j].par &&
          run_parallel(&benches[j], par, once ? once : benches[j].par) < 0)
        failed = 1;
      continue;
    }
    if (once) {
      if (benches[j].op(once) < 0) {
        printf("bench %s FAIL %s\n", benches[j].name, failmsg);
        failed = 1;
      }
      continue;
    }
    if (run(&benches[j], rounds) < 0)
      failed = 1;
    run(&calibration, LOOPROUNDS);
  }
  printf("bench: done\n");
  exit(failed);
}

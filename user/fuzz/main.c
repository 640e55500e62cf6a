/*
 * fuzz: a seeded, replayable system-call fuzzer.
 *
 *   fuzz [-w WORKERS] [-t SECONDS] [-l SCALE] [-v] SEED NCALLS
 *   fuzz -c
 *
 * Runs WORKERS (default 8) processes that together make NCALLS system
 * calls with arguments drawn from hostile pools: bad and boundary
 * pointers, boundary lengths, stale and random descriptors, odd paths,
 * and numbers that are not system calls at all.  Which calls exist and
 * what each argument is come from the system-call table (calls.c).  Then
 * it drives the kernel's tables and counters to their limits (limits.c;
 * -l 0: not at all, -l 2: the slow ones too).  Its promise to the host
 * (tests/fuzz.py watches the console):
 *   "fuzz: heartbeat CALLS"          about once a second
 *   "fuzz: FAIL ..."                 something the fuzzer itself caught
 *   "fuzz: stats ..."                respawns and hung workers killed
 *   "fuzz: limits: ..."              what each limit sequence reached
 *   "fuzz: done CALLS calls, B -> A" at the end, B and A being freepages()
 *                                    before and after; equal when nothing
 *                                    leaked
 * -t stops the random calls after SECONDS even if fewer were made.
 * -v prints every call before making it (use it with -w 1 to replay one
 * worker's sequence exactly).  -c lists the calls the workers make, as
 * derived from the table, and exits.
 *
 * Processes:
 *   parent P     reads fixed-size messages from one pipe, prints the
 *                heartbeat, kills workers that stop making progress
 *                (blocked on a pipe they hold both ends of, say), and at
 *                the end removes every file the workers made, runs the
 *                limit sequences and checks that init is still there.
 *   ticker, supervisors (supervisor.c), workers (worker.c).
 * The parts are listed in fuzz.h.
 */
#include "kernel/types.h"
#include "kernel/procinfo.h"
#include "user/user.h"
#include "user/fuzz/fuzz.h"

uint64 seed;
int verbose;
int deadline;
int protectpid;
int failfd = 1;
static int nworkers = DEFWORKERS;
static int limscale = 1;
static long calls; /* made by the workers, as reported */

void
fail(const char *fmt, ...)
{
  __builtin_va_list ap;
  __builtin_va_start(ap, fmt);
  char line[200];
  vsnprintf(line, sizeof(line), fmt, ap);
  __builtin_va_end(ap);
  if (slot >= 0 && failfd == LOGFD)
    fprintf(failfd, "fuzz: FAIL w%d.%d (seed %lu): %s\n", slot, gen, seed,
            line);
  else
    fprintf(failfd, "fuzz: FAIL (seed %lu): %s\n", seed, line);
}

/* The host wants a growing count at least every 30 s.  After the random
 * calls the count goes on with the clock, which grows in every process
 * (a limit sequence beats from a child of P). */
void
limits_beat(void)
{
  printf("fuzz: heartbeat %ld\n", calls + uptime());
}

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
  fprintf(2, "usage: fuzz [-w WORKERS] [-t SECONDS] [-l SCALE] [-v] SEED "
             "NCALLS\n       fuzz -c\n");
  exit(1);
}

/* Options and the two numbers; the total number of calls. */
static long
parse_args(int argc, char *argv[])
{
  int i = 1, ok;
  if (argc == 2 && strcmp(argv[1], "-c") == 0) {
    calls_init();
    calls_list();
    exit(0);
  }
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
    } else if (strcmp(argv[i], "-l") == 0 && i + 1 < argc) {
      limscale = atoi(argv[++i]);
      if (limscale < 0 || limscale > 2)
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
  return total;
}

static int tickerpid;
static int wpid[MAXWORKERS], lastseen[MAXWORKERS], kills[MAXWORKERS];
static int finished[MAXWORKERS];

/* Fork the ticker and one supervisor per slot, each with its share of the
 * calls; they learn protectpid (the last of them) through a pipe.  The
 * number of supervisors running. */
static int
start(long total)
{
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
  int nsup = 0;
  int startp[2];
  if (pipe(startp) < 0) {
    printf("fuzz: FAIL cannot make a pipe\n");
    exit(1);
  }
  protectpid = tickerpid;
  for (int s = 0; s < nworkers; s++) {
    long share = total / nworkers + (s < total % nworkers);
    int pid = fork();
    if (pid == 0) {
      close(startp[1]);
      supervisor(s, share, startp[0]);
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
  close(startp[0]);
  for (int s = 0; s < nsup; s++)
    write(startp[1], &protectpid, sizeof(protectpid));
  close(startp[1]);
  close(mainpipe[1]);
  return nsup;
}

static int now, respawns, hangkills, nofork;

/* Kill the workers that made no progress for STALE_TICKS (blocked on a
 * pipe they hold both ends of, say); the supervisor starts the next
 * generation. */
static void
kill_stale(void)
{
  for (int s = 0; s < nworkers; s++) {
    if (finished[s] || wpid[s] == 0 || now - lastseen[s] < STALE_TICKS)
      continue;
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
}

/* Read messages until every supervisor is done; heartbeats on the way. */
static void
watch(int nsup)
{
  int lastbeat = 0, ndone = 0;
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
    kill_stale();
    if (now - lastbeat >= BEAT_TICKS) {
      lastbeat = now;
      printf("fuzz: heartbeat %ld\n", calls);
    }
  }
}

/* Init survived whatever the workers did to it (kill(1) is refused). */
static void
check_init(void)
{
  static struct procinfo procs[NPROC];
  int n = getprocs(procs, NPROC);
  for (int i = 0; i < n; i++)
    if (procs[i].pid == INIT_PID && procs[i].state != ZOMBIE)
      return;
  printf("fuzz: FAIL (seed %lu) init (pid %d) is gone\n", seed, INIT_PID);
}

int
main(int argc, char *argv[])
{
  long total = parse_args(argc, argv);
  slot = -1;
  if (deadline)
    deadline += uptime();
  int before = freepages();
  printf("fuzz: seed %lu, %ld calls, %d workers, %d free pages\n", seed, total,
         nworkers, before);

  mkdir("/fz");
  int t0 = uptime();
  watch(start(total));
  int elapsed = uptime() - t0;

  kill(tickerpid);
  close(mainpipe[0]);
  while (wait(0) >= 0)
    ;
  chdir("/");
  int removed = clean_tree();
  if (unlink("/fz") == 0)
    removed++;
  check_init();
  printf("fuzz: stats %d ticks, %d respawns, %d hung workers killed, "
         "%d failed forks, %d names removed\n",
         elapsed, respawns, hangkills, nofork, removed);

  /* Orphaned children of workers are init's to reap; give it a moment. */
  int after = freepages();
  for (int t = 0; t < SETTLE_TICKS && after != before; t++) {
    sleep(1);
    after = freepages();
  }
  if (limscale > 0 && after == before) {
    limits_run(limscale);
    check_init();
    after = freepages();
  }
  printf("fuzz: done %ld calls, %d -> %d\n", calls, before, after);
  exit(after == before ? 0 : 1);
}

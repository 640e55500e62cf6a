/*
 * schedtest: tests and measurements of the sched lab's schedulers.
 *
 *   schedtest api             settickets/getpinfo behaviour ("api: OK")
 *   schedtest lottery [Q]     three CPU-bound children with 30, 20 and 10
 *                             tickets until they have run Q quanta (400)
 *                             between them; prints each one's
 *                             "lottery: tickets T ticks N"
 *   schedtest sample SECS     the same, printing every child's ticks ten
 *                             times a second ("sample UPTIME PID TICKETS
 *                             TICKS ..."), for make schedplot
 *   schedtest response        four CPU-bound children run while two other
 *                             processes play ping-pong over pipes; prints
 *                             "response: R round trips in N ticks"
 *   schedtest starve          one long CPU-bound job while a stream of
 *                             new jobs of 2 quanta each arrives; prints
 *                             "starve: the long job ran N ticks in S
 *                             seconds"
 *
 * The numbers are judged by the grader (labs/sched/grade.py), which knows
 * the tolerances; this program only measures.  Ticks are quanta, as
 * getpinfo counts them; time is uptime() (100 ms units).
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/memlayout.h"
#include "kernel/pstat.h"
#include "user/user.h"
#include "labs/labtest.h"

static struct pstat ps;

static void
info(void)
{
  expect(getpinfo(&ps) == 0, "getpinfo(&ps) failed");
}

/* The slot of pid in ps, or -1. */
static int
slot(int pid)
{
  for (int i = 0; i < NPROC; i++)
    if (ps.inuse[i] && ps.pid[i] == pid)
      return i;
  return -1;
}

static void __attribute__((noreturn)) hog(void)
{
  for (;;)
    for (volatile int i = 0; i < 1000000; i++)
      ;
}

/* Fork a CPU-bound child holding n tickets; its pid. */
static int
spawn_hog(int n)
{
  int pid = fork();
  if (pid < 0) {
    printf("schedtest: fork failed\n");
    exit(1);
  }
  if (pid == 0) {
    if (n > 0 && settickets(n) != 0)
      printf("schedtest: settickets(%d) failed\n", n);
    hog();
  }
  return pid;
}

static void
reap(int *pids, int n)
{
  for (int i = 0; i < n; i++)
    kill(pids[i]);
  for (int i = 0; i < n; i++)
    wait(0);
}

/* ---------------------------------------------------------------- api */

static void
t_api(void)
{
  int bad[] = {0, -1, -100, 1000001, 0x7fffffff};
  for (int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    expect(settickets(bad[i]) == -1, "settickets(%d) did not fail", bad[i]);
  expect(settickets(7) == 0, "settickets(7) failed");
  info();
  int me = slot(getpid());
  expect(me >= 0, "getpinfo does not list the caller (pid %d) as in use",
         getpid());
  expect(ps.tickets[me] == 7, "tickets %d after settickets(7)", ps.tickets[me]);
  int used = 0;
  for (int i = 0; i < NPROC; i++)
    used += ps.inuse[i];
  expect(used >= 3, "only %d slots in use (init, sh, schedtest at least)",
         used);

  int before = ps.ticks[me];
  int start = uptime();
  while (uptime() - start < 3)
    for (volatile int i = 0; i < 100000; i++)
      ;
  info();
  expect(ps.ticks[me] > before, "300 ms of work added no ticks (%d -> %d)",
         before, ps.ticks[me]);

  int fds[2];
  expect(pipe(fds) == 0, "pipe failed");
  int pid = fork();
  expect(pid >= 0, "fork failed");
  if (pid == 0) {
    struct pstat *mine = malloc(sizeof(*mine));
    int t = -1;
    if (mine && getpinfo(mine) == 0)
      for (int i = 0; i < NPROC; i++)
        if (mine->inuse[i] && mine->pid[i] == getpid())
          t = mine->tickets[i];
    settickets(3);
    write(fds[1], &t, sizeof(t));
    exit(0);
  }
  int t = 0;
  read(fds[0], &t, sizeof(t));
  wait(0);
  expect(t == 7, "the child of fork has %d tickets; its parent had 7", t);
  info();
  expect(ps.tickets[slot(getpid())] == 7,
         "the child's settickets changed the parent's tickets");

  char *top = sbrk(0);
  uint64 badptr[] = {0, KERNBASE, (uint64)top, (uint64)top - 8,
                     0xffffffffffffff00UL};
  for (int i = 0; i < sizeof(badptr) / sizeof(badptr[0]); i++)
    expect(getpinfo((struct pstat *)badptr[i]) == -1,
           "getpinfo(%p) did not fail", (void *)badptr[i]);
}

/* ---------------------------------------------------------------- lottery */

static const int shares[] = {30, 20, 10};
#define NHOG 3

/* The children's quanta since base[]; prints a sample line if asked. */
static int
lottery_ticks(const int *pids, const int *base, int t, int print)
{
  int total = 0;
  info();
  if (print)
    printf("sample %d", t);
  for (int i = 0; i < NHOG; i++) {
    int s = slot(pids[i]);
    total += ps.ticks[s] - base[i];
    if (print)
      printf(" %d %d %d", pids[i], ps.tickets[s], ps.ticks[s] - base[i]);
  }
  if (print)
    printf("\n");
  return total;
}

/* Three CPU-bound children with 30, 20 and 10 tickets, until they have
 * run `quanta` quanta between them (at most 30 s), or for `secs` seconds
 * printing samples. */
static void
lottery(int quanta, int secs)
{
  int pids[NHOG], base[NHOG];
  settickets(100); /* the parent mostly sleeps; it takes little */
  for (int i = 0; i < NHOG; i++)
    pids[i] = spawn_hog(shares[i]);
  sleep(2); /* let every child set its tickets */
  info();
  for (int i = 0; i < NHOG; i++)
    base[i] = ps.ticks[slot(pids[i])];
  for (int t = 1; t <= 300; t++) {
    sleep(1);
    int total = lottery_ticks(pids, base, t, secs > 0);
    if (secs > 0 ? t >= secs * 10 : total >= quanta)
      break;
  }
  info();
  for (int i = 0; i < NHOG; i++) {
    int s = slot(pids[i]);
    printf("lottery: tickets %d ticks %d\n", ps.tickets[s],
           ps.ticks[s] - base[i]);
  }
  reap(pids, NHOG);
  printf("lottery: done\n");
}

/* ---------------------------------------------------------------- mlfq */

static void
response(void)
{
  int pids[4];
  for (int i = 0; i < 4; i++)
    pids[i] = spawn_hog(0);
  sleep(10); /* one second: the hogs use up their allotments and sink */
  int ping[2], pong[2];
  pipe(ping);
  pipe(pong);
  int rounds = 50;
  int pid = fork();
  if (pid == 0) {
    char c;
    for (int i = 0; i < rounds; i++) {
      read(ping[0], &c, 1);
      write(pong[1], &c, 1);
    }
    exit(0);
  }
  int start = uptime();
  char c = 'x';
  for (int i = 0; i < rounds; i++) {
    write(ping[1], &c, 1);
    read(pong[0], &c, 1);
  }
  int took = uptime() - start;
  wait(0);
  reap(pids, 4);
  printf("response: %d round trips in %d ticks\n", rounds, took);
}

/* This process's quanta so far. */
static int
myticks(void)
{
  info();
  return ps.ticks[slot(getpid())];
}

/* A stream of short jobs until the deadline, each one new (so it starts
 * at the top level) and each running for 2 quanta, one after another.
 * The process making them hands the job on to a fresh copy of itself
 * every 10 jobs, so it never collects enough quanta to sink either. */
static void __attribute__((noreturn)) stream(int deadline)
{
  while (uptime() <= deadline) {
    for (int n = 0; n < 10; n++) {
      int pid = fork();
      if (pid == 0) {
        int start = myticks();
        while (myticks() - start < 2)
          for (volatile int i = 0; i < 5000; i++)
            ;
        exit(0);
      }
      if (pid < 0) {
        printf("schedtest: fork failed\n");
        exit(1);
      }
      wait(0);
    }
    if (fork() != 0)
      exit(0); /* the fresh copy goes on; init reaps this one */
  }
  exit(0);
}

static void
starve(void)
{
  int secs = 4;
  int hog_pid = spawn_hog(0);
  sleep(10); /* it sinks to the bottom */
  int deadline = uptime() + 2 + secs * 10 + 5;
  int pid = fork();
  if (pid == 0)
    stream(deadline);
  sleep(2);
  info();
  int before = ps.ticks[slot(hog_pid)];
  sleep(secs * 10);
  info();
  int got = ps.ticks[slot(hog_pid)] - before;
  reap(&hog_pid, 1);
  wait(0); /* the stream, at its deadline */
  printf("starve: the long job ran %d ticks in %d seconds\n", got, secs);
}

static const struct labtest tests[] = {{"api", t_api}, {0, 0}};

int
main(int argc, char *argv[])
{
  labtest_current = argc > 1 ? argv[1] : "schedtest";
  int n = argc > 2 ? atoi(argv[2]) : 0;
  if (argc >= 2 && strcmp(argv[1], "lottery") == 0)
    lottery(n >= 10 && n <= 10000 ? n : 400, 0);
  else if (argc >= 2 && strcmp(argv[1], "sample") == 0)
    lottery(0, n >= 1 && n <= 30 ? n : 6);
  else if (argc >= 2 && strcmp(argv[1], "response") == 0)
    response();
  else if (argc >= 2 && strcmp(argv[1], "starve") == 0)
    starve();
  else
    return labtest_main(argc, argv, tests);
  return 0;
}

/*
 * The supervisors and the ticker.
 *
 *   supervisor i  forks worker i, forwards its progress to P, and when it
 *                 dies (done, faulted, killed, or replaced by exec) forks
 *                 a fresh one (next generation) until slot i's share of
 *                 calls is done.
 *   ticker        writes a TICK message every clock tick, so P never
 *                 waits for long even if every worker is stuck.
 */
#include "kernel/types.h"
#include "user/user.h"
#include "user/fuzz/fuzz.h"

int mainpipe[2];

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

void
send(int kind, int s, int pid, int n)
{
  struct msg m = {kind, s, pid, n};
  write(mainpipe[1], &m, sizeof(m));
}

void
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
      dup_to(1, LOGFD); /* the console, for -v and FAIL lines */
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

void
ticker(void)
{
  close(mainpipe[0]);
  for (;;) {
    sleep(1);
    send(M_TICK, -1, 0, 0);
  }
}

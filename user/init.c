/*
 * init: the first user process.
 *
 * Makes sure the console device file exists, opens it as descriptors 0, 1
 * and 2 (every later process inherits them), then keeps one shell running:
 * it starts /sh, waits, and starts a new one whenever the shell exits.
 * The kernel hands init every orphaned process, so wait() also returns
 * those; init just lets them go.
 *
 * init must never exit (the kernel panics if it does): a fork that fails
 * (the process table or memory full) is retried after a pause, reaping
 * any orphan that has exited meanwhile, since its slot and memory come
 * back only when init waits for it.
 */
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/param.h"
#include "kernel/procinfo.h"
#include "user/user.h"

#define RESPAWN_PAUSE 10 /* ticks: a shell that dies sooner is failing */
#define FORK_PAUSE 10    /* ticks between attempts at a failed fork */

static char *shargv[] = {"sh", 0};
static struct procinfo procs[NPROC]; /* too big for init's stack */

/* Reap every child of init that has already exited, without blocking. */
static void
reap_exited(void)
{
  int n = getprocs(procs, NPROC);
  for (int i = 0; i < n; i++)
    if (procs[i].ppid == 1 && procs[i].state == ZOMBIE)
      wait(0); /* returns at once: there is a zombie to take */
}

/* fork(), retried until it works. */
static int
fork_retrying(void)
{
  int pid, said = 0;
  while ((pid = fork()) < 0) {
    if (!said)
      printf("init: fork failed; retrying every %d ticks\n", FORK_PAUSE);
    said = 1;
    reap_exited();
    sleep(FORK_PAUSE);
  }
  return pid;
}

int
main(void)
{
  if (open("console", O_RDWR) < 0) {
    mknod("console", CONSOLE, 0);
    if (open("console", O_RDWR) < 0)
      exit(1); /* no console: nowhere to even say so */
  }
  dup(0); /* stdout */
  dup(0); /* stderr */

  for (;;) {
    printf("init: starting sh\n");
    int started = uptime();
    int pid = fork_retrying();
    if (pid == 0) {
      exec("/sh", shargv);
      printf("init: exec /sh failed\n");
      exit(1);
    }
    int status = 0;
    for (;;) {
      int w = wait(&status);
      if (w == pid)
        break;
      if (w < 0) {
        printf("init: wait failed\n"); /* cannot happen: sh is a child */
        break;
      }
      /* An orphan that exited: nothing to do. */
    }
    if (status != 0)
      printf("init: sh exited with status %d\n", status);
    /* A shell that cannot start would otherwise respawn in a tight loop. */
    if (uptime() - started < RESPAWN_PAUSE)
      sleep(RESPAWN_PAUSE);
  }
}

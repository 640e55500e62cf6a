/*
 * init: the first user process.
 *
 * Makes sure the console device file exists, opens it as descriptors 0, 1
 * and 2 (every later process inherits them), then keeps one shell running:
 * it starts /sh, waits, and starts a new one whenever the shell exits.
 * The kernel hands init every orphaned process, so wait() also returns
 * those; init just lets them go.
 */
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/param.h"
#include "user/user.h"

#define RESPAWN_PAUSE 10 /* ticks: a shell that dies sooner is failing */

static char *shargv[] = {"sh", 0};

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
    int pid = fork();
    if (pid < 0) {
      printf("init: fork failed\n");
      exit(1);
    }
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
        printf("init: wait failed\n");
        exit(1);
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

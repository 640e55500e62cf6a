/*
 * utests' runner: one test, isolated, timed and accounted for.
 *
 * utest_run forks a watchdog (a child that sleeps for the test's time
 * limit) and the test's own child, which works in the scratch directory
 * SCRATCH.  The runner waits: whichever child comes back first decides.
 * The test passed if its child exited 0; a test reports a failure with
 * fail(), which writes the reason into a pipe the runner reads and exits
 * FAILCODE; any other status (say -1, killed by the kernel) fails the test
 * with that status.  After the child, the runner empties SCRATCH (a test
 * that left files behind fails: later tests need the disk space) and
 * compares the free page count (freepages()) with the count before the
 * test: every test must give all memory back, so the kernel's error paths
 * are checked for leaks too.
 *
 * Output: exactly one line per test, "utest PASS name" or
 * "utest FAIL name: reason" (tests/test_guest.py counts them).
 */
#include "user/utests/utest.h"

#define REASONMAX 200 /* longest failure reason printed */

int utest_reasonfd = -1;

/* Remove everything inside directory dir; returns how many entries. */
int
utest_rmtree(const char *dir, int depth)
{
  char path[MAXPATH];
  struct dirent de;
  struct stat st;
  int n = 0;
  int fd = open(dir, O_RDONLY);
  if (fd < 0)
    return 0;
  while (read(fd, &de, sizeof(de)) == sizeof(de)) {
    if (de.inum == 0)
      continue;
    char name[DIRSIZ + 1];
    memmove(name, de.name, DIRSIZ);
    name[DIRSIZ] = '\0';
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
      continue;
    if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
      continue;
    if (stat(path, &st) == 0 && st.type == T_DIR && depth < 8)
      n += utest_rmtree(path, depth + 1);
    unlink(path);
    n++;
  }
  close(fd);
  return n;
}

/* The failure reason the test's child wrote into the pipe fd, on one line
 * (later lines, from other processes of the test, join it). */
static void
readreason(int fd, char *reason)
{
  int n = read(fd, reason, REASONMAX);
  if (n < 0)
    n = 0;
  reason[n] = '\0';
  while (n > 0 && reason[n - 1] == '\n')
    reason[--n] = '\0';
  for (int i = 0; i < n; i++)
    if (reason[i] == '\n' || reason[i] == '\r')
      reason[i] = ';';
  if (n == 0)
    snprintf(reason, REASONMAX + 1, "failed");
}

/* Run one test; print its line; returns 1 if it passed. */
int
utest_run(const struct utest *t)
{
  char reason[REASONMAX + 1];
  int p[2];
  reason[0] = '\0';

  int before = freepages();
  if (pipe(p) < 0) {
    printf("utest FAIL %s: the runner cannot make a pipe\n", t->name);
    return 0;
  }
  int wd = fork();
  if (wd == 0) {
    close(p[0]);
    close(p[1]);
    sleep(t->secs * TICKS_PER_SEC);
    exit(0);
  }
  int pid = fork();
  if (pid == 0) {
    close(p[0]);
    utest_reasonfd = p[1];
    if (chdir(SCRATCH) < 0)
      fail("cannot chdir to %s", SCRATCH);
    t->fn();
    exit(0);
  }
  close(p[1]);
  int st = -12345, timedout = 0;
  if (pid < 0) {
    snprintf(reason, sizeof(reason), "the runner cannot fork");
  } else {
    int w = wait(&st);
    if (w == wd && wd > 0) {
      timedout = 1;
      kill(pid);
      while ((w = wait(0)) != pid && w >= 0)
        ;
      wd = -1;
    }
  }
  if (wd > 0) {
    kill(wd);
    while (wait(0) >= 0)
      ;
  }
  if (pid >= 0 && !timedout && st == FAILCODE)
    readreason(p[0], reason);
  else if (timedout)
    snprintf(reason, sizeof(reason), "timed out after %d s", t->secs);
  else if (pid >= 0 && st != 0)
    snprintf(reason, sizeof(reason), "exited with status %d%s", st,
             st == -1 ? " (killed)" : "");
  close(p[0]);

  int left = utest_rmtree(SCRATCH, 0);
  if (reason[0] == '\0' && left > 0)
    snprintf(reason, sizeof(reason), "left %d files in " SCRATCH, left);
  int after = settle(before);
  if (reason[0] == '\0' && after < before)
    snprintf(reason, sizeof(reason), "leaked %d pages of memory",
             before - after);
  if (reason[0] == '\0') {
    printf("utest PASS %s\n", t->name);
    return 1;
  }
  printf("utest FAIL %s: %s\n", t->name, reason);
  return 0;
}

/*
 * syscounttest: tests of the syscall lab's syscount() call.
 *
 *   syscounttest [TEST...]    (every test when none is named)
 *
 * Each test prints "NAME: OK" or "NAME: FAIL why" (labs/labtest.h).
 */
#include "kernel/types.h"
#include "kernel/syscall.h"
#include "user/user.h"
#include "labs/labtest.h"

/* Counts calls as they are made. */
static void
t_count(void)
{
  int a = syscount(SYS_getpid);
  expect(a >= 0, "syscount(SYS_getpid) returned %d", a);
  for (int i = 0; i < 10; i++)
    getpid();
  int b = syscount(SYS_getpid);
  expect(b == a + 10, "10 getpid calls took the count from %d to %d", a, b);
  int c = syscount(SYS_syscount);
  int d = syscount(SYS_syscount);
  expect(d == c + 1, "one syscount call took its own count from %d to %d", c,
         d);
  int w = syscount(SYS_write);
  printf("(a line of output)\n");
  expect(syscount(SYS_write) > w, "printf made no write that was counted");
}

/* Anything that is not a system-call number gives -1. */
static void
t_bad(void)
{
  int bad[] = {0, -1, -1000, 1 << 30, 0x7fffffff, (int)0x80000000, 39, 63, 200};
  for (int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    int r = syscount(bad[i]);
    expect(r == -1, "syscount(%d) returned %d, not -1", bad[i], r);
  }
}

/* A child starts with its parent's counts and then counts on its own. */
static void
t_fork(void)
{
  for (int i = 0; i < 7; i++)
    getpid();
  int fds[2];
  expect(pipe(fds) == 0, "pipe failed");
  int before = syscount(SYS_getpid);
  int forks = syscount(SYS_fork);
  int pid = fork();
  expect(pid >= 0, "fork failed");
  if (pid == 0) {
    int mine = syscount(SYS_getpid);
    int myforks = syscount(SYS_fork);
    for (int i = 0; i < 3; i++)
      getpid();
    int later = syscount(SYS_getpid);
    int msg[3] = {mine, myforks, later};
    write(fds[1], msg, sizeof(msg));
    exit(0);
  }
  int msg[3];
  expect(read(fds[0], msg, sizeof(msg)) == sizeof(msg),
         "no answer from the child");
  wait(0);
  expect(msg[0] == before,
         "the child's getpid count is %d, the parent's was %d", msg[0], before);
  expect(msg[1] == forks + 1,
         "the child's fork count is %d; the parent had made %d forks, plus "
         "the one that made the child",
         msg[1], forks);
  expect(msg[2] == before + 3, "3 getpid calls in the child: %d -> %d", msg[0],
         msg[2]);
  expect(syscount(SYS_getpid) == before,
         "the child's calls changed the parent's count (%d -> %d)", before,
         syscount(SYS_getpid));
}

/* A new process never sees the counts of a dead one whose slot it got. */
static void
t_fresh(void)
{
  for (int round = 0; round < 3; round++) {
    int pid = fork();
    expect(pid >= 0, "fork failed");
    if (pid == 0) {
      for (int i = 0; i < 500; i++)
        getpid();
      exit(0);
    }
    wait(0);
  }
  int mine = syscount(SYS_getpid);
  int pid = fork();
  expect(pid >= 0, "fork failed");
  if (pid == 0)
    exit(syscount(SYS_getpid) == mine ? 0 : 1);
  int st = -1;
  wait(&st);
  expect(st == 0, "a new child's getpid count is not its parent's (%d)", mine);
}

/* exec keeps the process, and so its counts. */
static void
t_exec(void)
{
  for (int i = 0; i < 5; i++)
    getpid();
  int n = syscount(SYS_getpid);
  char num[16];
  snprintf(num, sizeof(num), "%d", n);
  char *argv[] = {"syscounttest", "--after-exec", num, 0};
  exec("/syscounttest", argv);
  expect(0, "exec /syscounttest failed");
}

static int
after_exec(int n)
{
  int now = syscount(SYS_getpid);
  int execs = syscount(SYS_exec);
  labtest_current = "exec";
  expect(now == n, "after exec the getpid count is %d, before it was %d", now,
         n);
  expect(execs >= 1, "after exec the exec count is %d", execs);
  return 0;
}

static const struct labtest tests[] = {
    {"count", t_count}, {"bad", t_bad},   {"fork", t_fork},
    {"fresh", t_fresh}, {"exec", t_exec}, {0, 0},
};

int
main(int argc, char *argv[])
{
  if (argc == 3 && strcmp(argv[1], "--after-exec") == 0)
    return after_exec(atoi(argv[2]));
  return labtest_main(argc, argv, tests);
}

/*
 * utests, processes: fork, exit, wait, kill, the process table's limit,
 * sleep and uptime, ldx's own process calls (getprocs, freepages), and the
 * privileged calls' policy (kill of init, halt, evlog).
 */
#include "user/utests/utest.h"

static void
t_fork_wait(void)
{
  static const int codes[] = {0, 1, 42, 255, -7, 100000};
  enum { N = sizeof(codes) / sizeof(codes[0]) };
  int pids[N], seen[N];

  for (int i = 0; i < N; i++) {
    pids[i] = xfork();
    if (pids[i] == 0)
      exit(codes[i]);
    if (pids[i] == getpid())
      fail("fork returned the parent's own pid");
    seen[i] = 0;
  }
  for (int n = 0; n < N; n++) {
    int st = -12345, w = wait(&st), i = 0;
    while (i < N && pids[i] != w)
      i++;
    if (i == N)
      fail("wait returned %d, not one of the children", w);
    if (seen[i]++)
      fail("wait returned pid %d twice", w);
    if (st != codes[i])
      fail("child exited with %d, wait reported %d", codes[i], st);
  }
  int pid = xfork();
  if (pid == 0)
    exit(getpid());
  int st = waitfor(pid);
  if (st != pid)
    fail("the child's getpid() is %d, fork said %d", st, pid);
  pid = xfork();
  if (pid == 0)
    exit(3);
  if (wait(0) != pid)
    fail("wait(0) did not return the child");
  int w = wait(&st);
  if (w != -1)
    fail("wait with no children returned %d", w);
  if (getpid() <= 0 || getpid() != getpid())
    fail("getpid is not a stable positive number");
}

static void
t_fork_copy(void)
{
  static int global = 11;
  char *heap = xsbrk(2 * PGSIZE);
  fillpat(heap, 2 * PGSIZE, 1, 0);
  int local = 22;
  int p[2];
  if (pipe(p) < 0)
    fail("pipe failed");
  int pid = xfork();
  if (pid == 0) {
    if (global != 11 || local != 22 || checkpat(heap, 2 * PGSIZE, 1, 0) >= 0)
      fail("the child's memory is not a copy of the parent's");
    global = 1;
    local = 2;
    memset(heap, 0, 2 * PGSIZE);
    /* The child writes through a descriptor it inherited. */
    xwrite(p[1], "c", 1);
    exit(0);
  }
  expect_status(pid, 0, "child");
  if (global != 11 || local != 22 || checkpat(heap, 2 * PGSIZE, 1, 0) >= 0)
    fail("the child's writes changed the parent's memory");
  char c = 0;
  if (read(p[0], &c, 1) != 1 || c != 'c')
    fail("the inherited pipe did not carry the child's byte");
  close(p[0]);
  close(p[1]);
}

static void
t_wait_badptr(void)
{
  char *heapend = alignbrk();
  int *bad[] = {
      (int *)KERNBASE,      (int *)(MAXVA - 2),   (int *)(uint64)main,
      (int *)unmapped(),    (int *)(heapend - 2), (int *)TRAPFRAME,
      (int *)(USERTOP - 2),
  };
  int pid = xfork();
  if (pid == 0)
    exit(5);
  for (uint i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    int w = wait(bad[i]);
    if (w != -1)
      fail("wait(%p) returned %d, expected -1", bad[i], w);
  }
  int st = waitfor(pid);
  if (st != 5)
    fail("after the bad waits the child's status is %d, expected 5", st);
}

static void
t_exit_orphan(void)
{
  int p[2];
  if (pipe(p) < 0)
    fail("pipe failed");
  int pid = xfork();
  if (pid == 0) {
    if (xfork() == 0) {
      /* The grandchild outlives its parent: it is re-parented to init. */
      sleep(3);
      xwrite(p[1], "g", 1);
      exit(0);
    }
    exit(9);
  }
  close(p[1]);
  int st = waitfor(pid);
  if (st != 9)
    fail("child status %d, expected 9", st);
  int w = wait(0);
  if (w != -1)
    fail("wait returned %d: a grandchild is not our child", w);
  char c = 0;
  if (read(p[0], &c, 1) != 1 || c != 'g')
    fail("the orphaned grandchild did not run on");
  close(p[0]);
}

static void
t_kill(void)
{
  static const int bad[] = {-1, 0, 1000000, -100000};
  for (uint i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    if (kill(bad[i]) != -1)
      fail("kill(%d) did not return -1", bad[i]);

  /* A process computing in user space. */
  int pid = xfork();
  if (pid == 0)
    spin();
  sleep(1);
  if (kill(pid) != 0)
    fail("kill of a running child failed");
  if (waitfor(pid) != -1)
    fail("a killed spinning child did not exit with -1");

  /* A process asleep in sleep(). */
  pid = xfork();
  if (pid == 0) {
    sleep(100000);
    exit(0);
  }
  sleep(1);
  int t0 = uptime();
  if (kill(pid) != 0)
    fail("kill of a sleeping child failed");
  if (waitfor(pid) != -1)
    fail("a killed sleeping child did not exit with -1");
  if (uptime() - t0 > 3 * TICKS_PER_SEC)
    fail("a killed sleeper took %d ticks to die", uptime() - t0);

  /* A process blocked reading an empty pipe. */
  int p[2];
  if (pipe(p) < 0)
    fail("pipe failed");
  pid = xfork();
  if (pid == 0) {
    char c;
    close(p[1]);
    read(p[0], &c, 1);
    exit(0);
  }
  sleep(1);
  kill(pid);
  if (waitfor(pid) != -1)
    fail("a killed pipe reader did not exit with -1");

  /* A process blocked in wait() for its own sleeping child. */
  pid = xfork();
  if (pid == 0) {
    int g = xfork();
    if (g == 0) {
      char c;
      close(p[1]);
      read(p[0], &c, 1); /* until the test closes the pipe */
      exit(0);
    }
    wait(0);
    exit(0);
  }
  sleep(1);
  kill(pid);
  if (waitfor(pid) != -1)
    fail("a killed waiting child did not exit with -1");
  close(p[1]); /* lets the grandchild finish */
  close(p[0]);
}

static void
t_nproc(void)
{
  int counts[2];
  for (int round = 0; round < 2; round++) {
    int p[2];
    if (pipe(p) < 0)
      fail("pipe failed");
    int n = 0;
    for (;;) {
      int pid = fork();
      if (pid < 0)
        break;
      if (pid == 0) {
        char c;
        close(p[1]);
        read(p[0], &c, 1); /* until the parent closes the pipe */
        exit(0);
      }
      if (++n > NPROC)
        fail("fork succeeded %d times, more than NPROC", n);
    }
    close(p[1]);
    close(p[0]);
    for (int i = 0; i < n; i++) {
      int st = -12345;
      if (wait(&st) < 0)
        fail("wait failed after %d of %d children", i, n);
      if (st != 0)
        fail("a child exited with %d", st);
    }
    if (wait(0) != -1)
      fail("children left over");
    if (n < NPROC - 8)
      fail("fork failed after only %d children (NPROC %d)", n, NPROC);
    counts[round] = n;
    int pid = xfork();
    if (pid == 0)
      exit(0);
    expect_status(pid, 0, "fork after the table was full");
  }
  if (counts[0] != counts[1])
    fail("first %d forks, then %d: process slots were lost", counts[0],
         counts[1]);
}

static void
t_sleep_uptime(void)
{
  int t0 = uptime();
  if (sleep(5) != 0)
    fail("sleep(5) did not return 0");
  int t1 = uptime();
  if (t1 - t0 < 5)
    fail("sleep(5) returned after %d ticks", t1 - t0);
  if (t1 - t0 > 5 + 5 * TICKS_PER_SEC)
    fail("sleep(5) took %d ticks", t1 - t0);
  if (sleep(0) != 0)
    fail("sleep(0) did not return 0");
  t0 = uptime();
  sleep(-5);
  if (uptime() - t0 > TICKS_PER_SEC)
    fail("sleep(-5) slept %d ticks", uptime() - t0);
}

static void
t_getprocs(void)
{
  static struct procinfo info[NPROC];
  int n = getprocs(info, NPROC);
  if (n < 3 || n > NPROC)
    fail("getprocs returned %d", n);
  int me = -1;
  for (int i = 0; i < n; i++)
    if (info[i].pid == getpid())
      me = i;
  if (me < 0)
    fail("getprocs does not list the caller");
  if (info[me].state != RUNNING || strcmp(info[me].name, "utests") != 0)
    fail("getprocs says the caller is '%s' in state %d", info[me].name,
         info[me].state);
  if (getprocs(info, 1) != 1)
    fail("getprocs(buf, 1) did not return 1");
  if (getprocs((struct procinfo *)KERNBASE, NPROC) != -1)
    fail("getprocs(KERNBASE) did not return -1");
  if (getprocs(info, -1) != -1)
    fail("getprocs(buf, -1) did not return -1");
  /* The other ldx extensions that can run inside a test. */
  if (freepages() <= 0)
    fail("freepages returned %d", freepages());
  if (trace(0) != 0)
    fail("trace(0) did not return 0");
  /* evlog is the console user's (see t_privileged): a test may lack it. */
  if (evlog((struct event *)info, 0) != (info[me].console ? 0 : -1))
    fail("evlog(buf, 0) by a process with console %d returned %d",
         info[me].console, evlog((struct event *)info, 0));
  if (evlog((struct event *)info, -1) != -1)
    fail("evlog(buf, -1) did not return -1");
  /* timebase() is the time CSR's rate: two seconds of ticks (which follow
   * that CSR) must advance it by about twice that (a rate off by a factor
   * of two fails; a late wake-up needs almost two seconds to). */
  uint64 hz = timebase(), t0 = r_time();
  if (hz < 1000)
    fail("timebase() returned %lu", hz);
  /* idletime() counts instret while every hart is idle: the sleep leaves
   * them idle for a while, and that while is within instret's advance. */
  uint64 idle0 = idletime(), in0 = r_instret();
  sleep(2 * TICKS_PER_SEC);
  uint64 t1 = r_time(), in1 = r_instret(), idle1 = idletime();
  if (t1 - t0 < 2 * hz * 9 / 10 || t1 - t0 > 2 * hz * 19 / 10)
    fail("a 2 s sleep took %lu time units at timebase() %lu Hz", t1 - t0, hz);
  if (idle1 <= idle0 || idle1 - idle0 > in1 - in0)
    fail("idletime() went from %lu to %lu while instret advanced %lu", idle0,
         idle1, in1 - in0);
}

/* getprocs copies whole records: every byte after a name's NUL is 0,
 * whatever the buffer held before (kernel bytes must not leak). */
static void
t_getprocs_clean(void)
{
  static struct procinfo info[NPROC];
  for (int round = 0; round < 20; round++) {
    memset(info, 0xa5, sizeof(info));
    int n = getprocs(info, NPROC);
    if (n < 3)
      fail("getprocs returned %d", n);
    for (int i = 0; i < n; i++) {
      const char *nm = info[i].name;
      uint len = 0;
      while (len < sizeof(info[i].name) && nm[len])
        len++;
      if (len == sizeof(info[i].name))
        fail("pid %d: the name has no NUL", info[i].pid);
      for (uint k = len; k < sizeof(info[i].name); k++)
        if (nm[k] != 0)
          fail("pid %d (%s): name byte %d after the NUL is 0x%x", info[i].pid,
               nm, k, (uchar)nm[k]);
      if (info[i].console != 0 && info[i].console != 1)
        fail("pid %d: console is %d", info[i].pid, info[i].console);
    }
  }
}

/* This process's getprocs record; fails if missing. */
static struct procinfo
myinfo(void)
{
  static struct procinfo info[NPROC];
  int n = getprocs(info, NPROC);
  for (int i = 0; i < n; i++)
    if (info[i].pid == getpid())
      return info[i];
  fail("getprocs does not list pid %d", getpid());
}

/* Below `levels` more forks, the privileged calls must be refused. */
static void
refused_below(int levels)
{
  if (levels > 0) {
    int pid = xfork();
    if (pid == 0) {
      refused_below(levels - 1);
      exit(0);
    }
    expect_status(pid, 0, "a descendant");
    return;
  }
  struct event ev[4];
  if (myinfo().console != 0)
    fail("a process %d forks below a test has the console privilege",
         CONSOLE_DEPTH + 1);
  if (kill(1) != -1)
    fail("kill(1) did not return -1");
  if (evlog(ev, 4) != -1)
    fail("evlog by a process without the console privilege worked");
  if (halt() != -1) /* on a kernel that allows it, the suite ends here */
    fail("halt by a process without the console privilege returned");
}

/* The privileged calls (kernel/procinfo.h): nobody kills init; halt and
 * evlog only for the console user (init, its shell, the shell's commands). */
static void
t_privileged(void)
{
  static struct procinfo info[NPROC];
  if (kill(1) != -1)
    fail("kill(1) did not return -1");
  int n = getprocs(info, NPROC), init = -1;
  for (int i = 0; i < n; i++)
    if (info[i].pid == 1)
      init = i;
  if (init < 0 || info[init].state == ZOMBIE)
    fail("init is gone after kill(1)");
  if (info[init].console != 1)
    fail("init does not have the console privilege");
  /* A test runs at least one fork below init, so CONSOLE_DEPTH more forks
   * are certainly past the console's reach. */
  refused_below(CONSOLE_DEPTH);
  /* An orphan handed to init gains nothing.  It answers through q: a
   * byte when it was refused everything, nothing if it failed. */
  int p[2], q[2];
  if (pipe(p) < 0 || pipe(q) < 0)
    fail("pipe failed");
  int pid = xfork();
  if (pid == 0) {
    if (xfork() == 0) {
      char c;
      close(p[1]);
      close(q[0]);
      read(p[0], &c, 1); /* the parent is gone: now init's child */
      refused_below(CONSOLE_DEPTH - 1);
      xwrite(q[1], "y", 1);
      exit(0);
    }
    exit(0);
  }
  expect_status(pid, 0, "the orphan's parent");
  close(p[0]);
  close(p[1]); /* lets the orphan go on */
  close(q[1]);
  char c = 0;
  if (read(q[0], &c, 1) != 1 || c != 'y')
    fail("the orphan was not refused the privileged calls");
  close(q[0]);
}

const struct utest utests_proc[] = {
    {t_fork_wait, "fork_wait", 1, 30},
    {t_fork_copy, "fork_copy", 1, 30},
    {t_wait_badptr, "wait_badptr", 1, 30},
    {t_exit_orphan, "exit_orphan", 1, 30},
    {t_kill, "kill", 1, 60},
    {t_nproc, "nproc", 1, 60},
    {t_sleep_uptime, "sleep_uptime", 1, 30},
    {t_getprocs, "ldx_calls", 1, 30},
    {t_getprocs_clean, "getprocs_clean", 1, 30},
    {t_privileged, "privileged", 1, 30},
    {0, 0, 0, 0},
};

/*
 * utests, tables and counters at their limits: the kernel's fixed-size
 * file-system tables (in-memory inodes, open files, the block cache and
 * the log) driven to full from several processes at once.  A call that
 * meets a full table fails with -1 and changes nothing: a full inode table
 * is not "no such name", so link() does not add a second entry and a
 * failed create leaves no inode allocated.  Also: O_TRUNC truncates only
 * for a writer.  The process table and the pipes, the same way: fork and
 * pipe at a full table return -1, take nothing (no descriptor, no slot,
 * no page) and the next round fits exactly as many.  A file's reference
 * count through dup and fork: the last of many references closes it.
 */
#include "user/utests/utest.h"

#define NWRITERS 6       /* processes writing at once */
#define SHORTW "/shortw" /* t_short_write's file, left for the host */

/* Free inodes on the disk: files made in a directory until one fails. */
static int
free_inodes(void)
{
  char name[16];
  int n = 0;

  if (mkdir("fi") < 0)
    fail("mkdir fi failed");
  for (;; n++) {
    snprintf(name, sizeof(name), "fi/%d", n);
    int fd = open(name, O_CREATE | O_RDWR);
    if (fd < 0)
      break;
    close(fd);
  }
  for (int i = 0; i < n; i++) {
    snprintf(name, sizeof(name), "fi/%d", i);
    xunlink(name);
  }
  xunlink("fi");
  return n + 1; /* and the directory */
}

/* Entries named name (shorter than DIRSIZ) in the current directory. */
static int
count_entries(const char *name)
{
  struct dirent de;
  int n = 0, fd = xopen(".", O_RDONLY);

  while (read(fd, &de, sizeof(de)) == sizeof(de)) {
    de.name[DIRSIZ - 1] = 0;
    n += de.inum != 0 && strcmp(de.name, name) == 0;
  }
  close(fd);
  return n;
}

/* Wait for n children, which must all exit with status 0. */
static void
wait_all(int n, const char *what)
{
  for (int i = 0; i < n; i++) {
    int st;
    if (wait(&st) < 0)
      fail("%s: wait failed", what);
    if (st != 0)
      fail("%s: a child exited with status %d", what, st);
  }
}

/* Each of n children writes one byte to the pipe rfd reads: their sum. */
static int
gather(int rfd, int n)
{
  int total = 0;
  for (int i = 0; i < n; i++) {
    char c;
    if (read(rfd, &c, 1) != 1)
      fail("a child died");
    total += c;
  }
  return total;
}

/*
 * nproc children each open files until open fails or one descriptor is
 * left (files named prefix<i>_<j>, or prefix<i>_0 again and again unless
 * distinct), tell the parent whether an open failed, and wait; then,
 * with the table full, each runs probe(i), and all exit together once
 * every probe is done (an early exit would empty the table under the
 * others).  The parent lets them go by writing a byte per child into a
 * pipe for each step (closing one would free a file-table slot).
 */
static void
hold_and_probe(const char *prefix, int nproc, int distinct, void (*probe)(int),
               int *nfull)
{
  int ready[2], go[2], go2[2];
  char name[24];

  if (pipe(ready) < 0 || pipe(go) < 0 || pipe(go2) < 0)
    fail("pipe failed");
  for (int i = 0; i < nproc; i++) {
    if (xfork() == 0) {
      close(ready[0]);
      close(go[1]);
      close(go2[1]);
      char n = 0, nopen = freefds() - 1;
      while (n < nopen) {
        snprintf(name, sizeof(name), "%s%d_%d", prefix, i, distinct ? n : 0);
        if (open(name, O_CREATE | O_RDWR) < 0)
          break;
        n++;
      }
      char full = n < nopen;
      write(ready[1], &full, 1);
      if (read(go[0], &n, 1) != 1)
        fail("no go");
      probe(i);
      write(ready[1], "", 1);
      if (read(go2[0], &n, 1) != 1)
        fail("no go");
      exit(0);
    }
  }
  close(ready[1]);
  close(go[0]);
  close(go2[0]);
  *nfull = gather(ready[0], nproc);
  for (int i = 0; i < nproc; i++)
    write(go[1], "g", 1);
  gather(ready[0], nproc);
  for (int i = 0; i < nproc; i++)
    write(go2[1], "g", 1);
  wait_all(nproc, "a process probing the full table");
  close(ready[0]);
  close(go[1]);
  close(go2[1]);
}

static void
probe_itable(int i)
{
  char name[16];

  if (link("a", "b") != -1)
    fail("link over an existing name worked with the inode table full");
  snprintf(name, sizeof(name), "c%d", i);
  if (open(name, O_CREATE | O_RDWR) != -1)
    fail("create worked with the inode table full");
  snprintf(name, sizeof(name), "d%d", i);
  if (mkdir(name) != -1)
    fail("mkdir worked with the inode table full");
}

static void
t_itable_full(void)
{
  char name[24];
  int nfull;

  int fa = xopen("a", O_CREATE | O_RDWR); /* "a" stays in the table */
  mkfile("b", 10, 1);                     /* "b" is not in it */
  int before = free_inodes();
  /* With 8 or more descriptors each, these processes fill the table. */
  int nproc = NINODE / 8 + 2;
  hold_and_probe("h", nproc, 1, probe_itable, &nfull);
  if (nfull == 0)
    fail("the inode table never filled");
  for (int i = 0; i < nproc; i++) {
    for (int j = 0; j < NOFILE; j++) {
      snprintf(name, sizeof(name), "h%d_%d", i, j);
      unlink(name);
    }
    snprintf(name, sizeof(name), "c%d", i);
    if (exists(name))
      fail("%s was created although its create failed", name);
    snprintf(name, sizeof(name), "d%d", i);
    if (exists(name))
      fail("%s was created although its mkdir failed", name);
  }
  if (count_entries("b") != 1)
    fail("%d entries named b", count_entries("b"));
  struct stat st;
  xstat("a", &st);
  if (st.nlink != 1)
    fail("a has %d links after failed link() calls", st.nlink);
  int after = free_inodes();
  if (after != before)
    fail("%d free inodes before, %d after: failed creates leaked inodes",
         before, after);
  close(fa);
  xunlink("a");
  xunlink("b");
}

static void
probe_ftable(int i)
{
  char name[16];

  snprintf(name, sizeof(name), "n%d", i);
  if (open(name, O_CREATE | O_RDWR) != -1)
    fail("open worked with the file table full");
  if (open("data", O_RDWR | O_TRUNC) != -1)
    fail("open of data worked with the file table full");
}

static void
t_ftable_full(void)
{
  char name[16];
  int nfull;
  struct stat st;

  mkfile("data", 3000, 2);
  /* With 8 or more descriptors each, these processes fill the table. */
  int nproc = NFILE / 8 + 2;
  hold_and_probe("f", nproc, 0, probe_ftable, &nfull);
  if (nfull == 0)
    fail("the file table never filled");
  for (int i = 0; i < nproc; i++) {
    snprintf(name, sizeof(name), "f%d_0", i);
    unlink(name);
    snprintf(name, sizeof(name), "n%d", i);
    if (exists(name))
      fail("%s was created although its open failed", name);
  }
  xstat("data", &st);
  if (st.size != 3000)
    fail("data truncated to %d by a failed open", (int)st.size);
  xunlink("data");
}

static void
t_fds_full_nocreate(void)
{
  int fds[NOFILE], n = 0;

  while (n < NOFILE && (fds[n] = dup(0)) >= 0)
    n++;
  if (open("nofd", O_CREATE | O_RDWR) != -1)
    fail("open worked with every descriptor in use");
  for (int i = 0; i < n; i++)
    close(fds[i]);
  if (exists("nofd"))
    fail("an open that failed for want of a descriptor created its file");
}

static void
t_trunc_rdonly(void)
{
  static char buf[3000];
  struct stat st;

  mkfile("t", sizeof(buf), 3);
  int fd = xopen("t", O_RDONLY | O_TRUNC);
  fstat(fd, &st);
  if (st.size != sizeof(buf))
    fail("O_RDONLY | O_TRUNC truncated the file to %d bytes", (int)st.size);
  if (read(fd, buf, sizeof(buf)) != sizeof(buf) ||
      checkpat(buf, sizeof(buf), 3, 0) >= 0)
    fail("the data is not intact");
  close(fd);
  fd = xopen("t", O_WRONLY | O_TRUNC);
  fstat(fd, &st);
  if (st.size != 0)
    fail("O_WRONLY | O_TRUNC left %d bytes", (int)st.size);
  close(fd);
  xunlink("t");
}

/* Block cache and log: NWRITERS processes each write and check files of
 * several blocks, all at once; every call waits its turn, none fails. */
static void
t_cache_log_storm(void)
{
  static char buf[6 * BSIZE];

  for (int i = 0; i < NWRITERS; i++) {
    if (xfork() == 0) {
      char name[8];
      snprintf(name, sizeof(name), "s%d", i);
      for (int round = 0; round < 4; round++) {
        fillpat(buf, sizeof(buf), i * 10 + round, 0);
        int fd = xopen(name, O_CREATE | O_TRUNC | O_RDWR);
        xwrite(fd, buf, sizeof(buf));
        close(fd);
        fd = xopen(name, O_RDONLY);
        if (read(fd, buf, sizeof(buf)) != sizeof(buf) ||
            checkpat(buf, sizeof(buf), i * 10 + round, 0) >= 0)
          fail("%s: bad data in round %d", name, round);
        close(fd);
      }
      xunlink(name);
      exit(0);
    }
  }
  wait_all(NWRITERS, "a writer");
}

/* Processes in the table now, from getprocs. */
static int
nprocs(void)
{
  static struct procinfo info[NPROC];
  return getprocs(info, NPROC);
}

/*
 * NFILLERS children fork at once until fork fails; the grandchildren
 * wait on a pipe.  Each filler checks that its failed fork changed
 * nothing (the table's count) and that a second fork fails too, then
 * reports how many it got.  Returns the total; all are gone on return.
 */
#define NFILLERS 4
static int
fill_proctable(void)
{
  int ready[2], hold[2], start[2];
  if (pipe(ready) < 0 || pipe(hold) < 0 || pipe(start) < 0)
    fail("pipe failed");
  for (int i = 0; i < NFILLERS; i++) {
    if (xfork() == 0) {
      close(ready[0]);
      close(hold[1]);
      char n = 0;
      read(start[0], &n, 1); /* all fillers exist before any fills */
      for (;;) {
        int pid = fork();
        if (pid < 0)
          break;
        if (pid == 0) {
          char c;
          read(hold[0], &c, 1); /* until the test closes hold[1] */
          exit(0);
        }
        n++;
      }
      /* Once every filler has stopped the table stays full: a failed
       * fork must change nothing. */
      sleep(5);
      int before = nprocs(), pid = fork();
      if (pid == 0)
        exit(0);
      if (pid > 0)
        fail("fork worked with the process table full");
      if (before != NPROC || nprocs() != before)
        fail("table full: %d processes, then %d after a failed fork", before,
             nprocs());
      write(ready[1], &n, 1);
      while (wait(0) >= 0)
        ;
      exit(0);
    }
  }
  close(ready[1]);
  close(hold[0]);
  close(start[0]);
  for (int i = 0; i < NFILLERS; i++)
    write(start[1], "s", 1);
  close(start[1]);
  int total = gather(ready[0], NFILLERS);
  close(hold[1]); /* lets every grandchild go */
  close(ready[0]);
  wait_all(NFILLERS, "a filler");
  return total;
}

static void
t_proctable_full(void)
{
  int first = fill_proctable();
  int second = fill_proctable();
  /* More may fit the second time (a process of an earlier test was still
   * exiting during the first); fewer means a failed fork kept a slot. */
  if (second < first)
    fail("%d processes fit, then %d: slots were lost", first, second);
  int pid = xfork();
  if (pid == 0)
    exit(0);
  expect_status(pid, 0, "fork after the table was full");
}

/*
 * NPIPERS children make pipes at once until pipe() fails (the file table
 * fills: each pipe takes two of its NFILE entries).  A failed pipe() must
 * leave the caller's descriptors as they were and fill nothing in; each
 * reports how many pipes it made.  Returns the total.
 */
#define NPIPERS 10
static int
fill_pipes(void)
{
  int ready[2], go[2];
  if (pipe(ready) < 0 || pipe(go) < 0)
    fail("pipe failed");
  for (int i = 0; i < NPIPERS; i++) {
    if (xfork() == 0) {
      close(ready[0]);
      close(go[1]);
      char n = 0;
      int p[2];
      for (;;) {
        int nfree = freefds();
        p[0] = p[1] = -7;
        if (pipe(p) < 0) {
          if (freefds() != nfree)
            fail("a failed pipe() took descriptors (%d free, then %d)", nfree,
                 freefds());
          if (p[0] != -7 || p[1] != -7)
            fail("a failed pipe() wrote descriptors %d, %d", p[0], p[1]);
          break;
        }
        n++;
      }
      write(ready[1], &n, 1);
      read(go[0], &n, 1);
      exit(0);
    }
  }
  close(ready[1]);
  close(go[0]);
  int total = gather(ready[0], NPIPERS);
  close(go[1]); /* lets them go */
  close(ready[0]);
  wait_all(NPIPERS, "a pipe maker");
  return total;
}

static void
t_pipes_full(void)
{
  int first = fill_pipes();
  if (first * 2 > NFILE || first < NPIPERS)
    fail("%d pipes at once, for a table of %d files", first, NFILE);
  int second = fill_pipes();
  /* More may fit the second time (a process of an earlier test still held
   * files during the first); fewer means a failed pipe() kept slots. */
  if (second < first)
    fail("%d pipes fit, then %d: file or pipe slots were lost", first, second);
  /* One descriptor left: pipe() fails and leaves it free. */
  int fds[NOFILE], n = 0;
  while (freefds() > 1 && (fds[n] = dup(0)) >= 0)
    n++;
  int p[2];
  if (pipe(p) != -1)
    fail("pipe() with one free descriptor worked");
  if (freefds() != 1)
    fail("the failed pipe() took the last descriptor");
  for (int i = 0; i < n; i++)
    close(fds[i]);
}

/* One pipe's write end held NOFILE times by each of several processes:
 * the reader sees end-of-file only once the last of them is closed. */
static void
t_file_refs(void)
{
  enum { NHOLDERS = 6, HOLD = 5 };
  int p[2], fds[NOFILE], n = 0;
  if (pipe(p) < 0)
    fail("pipe failed");
  while ((fds[n] = dup(p[1])) >= 0)
    n++;
  for (int i = 0; i < NHOLDERS; i++) {
    if (xfork() == 0) {
      close(p[0]);
      sleep(HOLD + i);
      exit(0); /* drops n + 1 references */
    }
  }
  for (int i = 0; i < n; i++)
    close(fds[i]);
  close(p[1]);
  int t0 = uptime();
  char c;
  if (read(p[0], &c, 1) != 0)
    fail("the pipe's read end got data");
  if (uptime() - t0 < HOLD)
    fail("end-of-file after %d ticks, before every holder exited",
         uptime() - t0);
  wait_all(NHOLDERS, "a holder");
  close(p[0]);
}

/*
 * A write from a bad address that stops at the end of a file, at a block
 * boundary and at the first indirect block: it must give back the blocks
 * it got for the bytes it could not copy.  The file stays, as /shortw,
 * for the host to fsck (test_fsimage.py short_write_trims).
 */
static void
t_short_write(void)
{
  static char buf[BSIZE];
  unlink(SHORTW);
  int fd = xopen(SHORTW, O_CREATE | O_RDWR);
  fillpat(buf, BSIZE, 4, 0);
  xwrite(fd, buf, BSIZE);
  if (write(fd, unmapped(), 100) > 0)
    fail("a write from an unmapped address wrote");
  for (int i = 1; i < NDIRECT; i++)
    xwrite(fd, buf, BSIZE);
  if (write(fd, unmapped(), 100) > 0)
    fail("a write from an unmapped address wrote");
  struct stat st;
  fstat(fd, &st);
  if (st.size != NDIRECT * BSIZE)
    fail("size %d after the failed writes", (int)st.size);
  close(fd);
}

const struct utest utests_limits[] = {
    {t_itable_full, "itable_full", 1, 120},
    {t_ftable_full, "ftable_full", 1, 60},
    {t_fds_full_nocreate, "fds_full_nocreate", 1, 30},
    {t_trunc_rdonly, "trunc_rdonly", 1, 30},
    {t_proctable_full, "proctable_full", 1, 60},
    {t_pipes_full, "pipes_full", 1, 60},
    {t_file_refs, "file_refs", 1, 30},
    {t_cache_log_storm, "cache_log_storm", 0, 120},
    {t_short_write, "short_write", 0, 30},
    {0, 0, 0, 0},
};

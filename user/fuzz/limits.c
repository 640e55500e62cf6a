/*
 * Long sequences that drive the kernel's tables and counters to their
 * limits, where random single calls never stay long enough: descriptors
 * (per process and the system-wide file table), pipes, processes,
 * in-memory inodes, a file's link count, a file's size, memory.  Each
 * sequence fills its table until the kernel says -1, checks that the
 * refused call changed nothing (no name created, no descriptor or page
 * taken, the break where it was), cleans up, and then P checks that every
 * free page came back.  The tables that are system-wide are filled by
 * several processes at once, and a last round runs the per-process ones in
 * several processes at the same time.
 *
 * P runs them after the random calls, when nothing else is running, so
 * exact counts and free pages can be compared.  Each sequence runs in a
 * child of P (whatever it forgets is reclaimed when it exits, so a leak
 * is the kernel's).  scale 1 is make test's; scale 2 also pushes a link
 * count all the way to the point where link() refuses (MAXLINK: slow).
 */
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "kernel/riscv.h"
#include "kernel/stat.h"
#include "user/user.h"
#include "user/fuzz/fuzz.h"

#define LINKS_SHORT 300     /* links made at scale 1 */
#define LINKS_PER_DIR 10000 /* a directory holds this many names of ours */
#define GROW_STEP (1024 * 1024)
/* Processes filling a system-wide table together: each has NOFILE - 5
 * descriptors free (the console and two pipe ends are taken), and together
 * they want more than the file table holds. */
#define CHILDREN (NFILE / (NOFILE - 5) + 2)

static int nfailed;

static void
lfail(const char *what, const char *fmt, int a, int b)
{
  char msg[160];
  snprintf(msg, sizeof(msg), fmt, a, b);
  fail("limits %s: %s", what, msg);
  nfailed++;
}

/* A name of ours: "fzlim" + tag + n. */
static char *
limname(char *buf, const char *tag, int n)
{
  snprintf(buf, 32, "fzlim%s%d", tag, n);
  return buf;
}

static int
exists(const char *path)
{
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return 0;
  close(fd);
  return 1;
}

static int keepfd = -1; /* the pipe a sequence reports on (in_child) */

/* Close every descriptor from fd up, except the report pipe. */
static void
close_from(int fd)
{
  for (; fd < NOFILE; fd++)
    if (fd != keepfd)
      close(fd);
}

/* ---------------------------------------------------------------- descriptors */

/* Open until -1; the count.  The table being full, a create, a dup and a
 * pipe are refused too, and change nothing. */
static int
lim_fds(const char *tag)
{
  close_from(3);
  int n = 0, room = NOFILE - 3 - (keepfd >= 0), fd, last = -1;
  while ((fd = open("/README.md", O_RDONLY)) >= 0)
    n++, last = fd;
  if (n != room)
    lfail("fds", "%d opens succeeded, the table has room for %d", n, room);
  char name[32];
  limname(name, tag, 0);
  if (open(name, O_CREATE | O_RDWR) >= 0)
    lfail("fds", "a create succeeded with all %d descriptors in use", NOFILE,
          0);
  if (dup(0) >= 0)
    lfail("fds", "dup succeeded with all %d descriptors in use", NOFILE, 0);
  int fds[2] = {-7, -7};
  if (pipe(fds) >= 0 || fds[0] != -7 || fds[1] != -7)
    lfail("fds", "a refused pipe wrote descriptors %d, %d", fds[0], fds[1]);
  close(last);
  if (exists(name)) {
    lfail("fds", "the refused create made the file (%d descriptors in use)",
          NOFILE, 0);
    unlink(name);
  }
  close_from(3);
  if (open("/README.md", O_RDONLY) != 3)
    lfail("fds", "after closing all, open did not return %d", 3, 0);
  close_from(3);
  return n;
}

/* pipe() until -1; each takes two descriptors and a page. */
static int
lim_pipes(void)
{
  close_from(3);
  int n = 0, fds[2];
  while (pipe(fds) == 0)
    n++;
  int room = (NOFILE - 3 - (keepfd >= 0)) / 2;
  if (n != room)
    lfail("pipes", "%d pipes made, %d expected", n, room);
  close_from(3);
  if (pipe(fds) != 0)
    lfail("pipes", "no pipe after closing all %d", n, 0);
  close_from(3);
  return n;
}

/* How many entries of the current directory are called name. */
static int
entries_named(const char *name)
{
  struct dirent de;
  char nm[DIRSIZ + 1];
  int fd = open(".", O_RDONLY), n = 0;
  nm[DIRSIZ] = '\0';
  while (fd >= 0 && read(fd, &de, sizeof(de)) == sizeof(de)) {
    memmove(nm, de.name, DIRSIZ);
    n += de.inum != 0 && strcmp(nm, name) == 0;
  }
  close(fd);
  return n;
}

/* CHILDREN processes holding files open together (fill_together). */
struct fillers {
  int counts[2];     /* each child writes {its index, files it opened} */
  int release[2];    /* closing the write end lets them all go */
  int got[CHILDREN]; /* files child k opened; -1: no word from it */
  int kids, total, short_ones;
};

/* Child k: open until -1 (files of its own when distinct), say how many,
 * hold them until the parent lets go. */
static void __attribute__((noreturn))
filler(struct fillers *f, int k, int distinct, int heldfd)
{
  close(f->counts[0]);
  close(f->release[1]);
  close(heldfd);
  if (keepfd >= 0)
    close(keepfd); /* NOFILE - 5 free now */
  int n = 0;
  for (;;) {
    char nm[32];
    int fd = distinct
                 ? open(limname(nm, "i", k * NOFILE + n), O_CREATE | O_RDWR)
                 : open("/README.md", O_RDONLY);
    if (fd < 0)
      break;
    n++;
  }
  int msg[2] = {k, n};
  write(f->counts[1], msg, sizeof(msg));
  char c;
  read(f->release[0], &c, 1); /* 0: the parent let go */
  exit(0);
}

/* Start the fillers and wait until each has filled what it could. */
static int
fillers_start(struct fillers *f, int distinct, int heldfd)
{
  if (pipe(f->counts) < 0)
    return -1;
  if (pipe(f->release) < 0) {
    close(f->counts[0]);
    close(f->counts[1]);
    return -1;
  }
  f->kids = f->total = f->short_ones = 0;
  for (int k = 0; k < CHILDREN; k++) {
    f->got[k] = -1;
    int pid = fork();
    if (pid == 0)
      filler(f, k, distinct, heldfd);
    f->kids += pid > 0;
  }
  close(f->counts[1]);
  close(f->release[0]);
  int msg[2];
  for (int i = 0;
       i < f->kids && read(f->counts[0], msg, sizeof(msg)) == sizeof(msg);
       i++) {
    if (msg[0] >= 0 && msg[0] < CHILDREN)
      f->got[msg[0]] = msg[1];
    f->total += msg[1];
    f->short_ones += msg[1] < NOFILE - 5;
  }
  return 0;
}

static void
fillers_release(struct fillers *f)
{
  close(f->release[1]);
  close(f->counts[0]);
  while (wait(0) >= 0)
    ;
}

/*
 * CHILDREN processes open files until -1 each, together more than the
 * system-wide table holds (distinct: each opens files of its own, created
 * for it, so the in-memory inode table fills first).  With the table
 * full, our own create is refused and leaves nothing, and a link over a
 * name that exists is refused (a full table is not "no such name") and
 * writes no second entry.  After, no refused create has left its name.
 */
static int
fill_together(const char *what, int distinct)
{
  struct fillers f;
  char name[32], old[32], taken[32];
  close_from(3);
  /* old is held open, so its inode stays in the table; taken exists */
  int oldfd = open(limname(old, "o", 0), O_CREATE | O_RDWR);
  close(open(limname(taken, "n", 0), O_CREATE | O_RDWR));
  if (oldfd < 0 || fillers_start(&f, distinct, oldfd) < 0) {
    lfail(what, "cannot set up (%d)", oldfd, 0);
    close(oldfd);
    return 0;
  }
  if (!f.short_ones)
    lfail(what, "%d processes opened %d files and none was refused early",
          f.kids, f.total);
  int fd = open(limname(name, distinct ? "x" : "f", 0), O_CREATE | O_RDWR);
  if (link(old, taken) == 0)
    lfail(what,
          "link over an existing name succeeded with the table full "
          "(%d open)",
          f.total, 0);
  fillers_release(&f);
  if (fd >= 0)
    close(fd);
  else if (exists(name))
    lfail(what, "a create refused with the table full made the file (%d, %d)",
          f.total, 0);
  if (entries_named(taken) != 1)
    lfail(what, "%d directory entries named the same after a link (%d)",
          entries_named(taken), 0);
  unlink(name);
  for (int k = 0; k < CHILDREN; k++) {
    if (distinct && f.got[k] >= 0 &&
        exists(limname(name, "i", k * NOFILE + f.got[k])))
      lfail(what, "process %d's refused create (file %d) left its name", k,
            f.got[k]);
    for (int i = 0; distinct && i < NOFILE; i++)
      unlink(limname(name, "i", k * NOFILE + i));
  }
  close(oldfd);
  unlink(old);
  unlink(taken);
  if (open("/README.md", O_RDONLY) < 0)
    lfail(what, "open still refused after every holder exited (%d, %d)", 0, 0);
  close_from(3);
  return f.total;
}

/* ---------------------------------------------------------------- processes */

/* fork until -1, every child waiting for the word to exit. */
static int
lim_procs(void)
{
  int release[2];
  close_from(3);
  if (pipe(release) < 0) {
    lfail("procs", "no pipe to start with (%d)", 0, 0);
    return 0;
  }
  int n = 0, pid;
  while ((pid = fork()) > 0)
    n++;
  if (pid == 0) {
    close(release[1]);
    char c;
    read(release[0], &c, 1);
    exit(0);
  }
  if (n == 0 || n >= NPROC)
    lfail("procs", "%d forks succeeded with %d slots", n, NPROC);
  if ((pid = fork()) == 0)
    exit(0);
  if (pid > 0)
    lfail("procs", "a fork succeeded after the table was full (%d)", n, 0);
  close(release[1]);
  close(release[0]);
  int reaped = 0;
  while (wait(0) >= 0)
    reaped++;
  if (reaped != n)
    lfail("procs", "%d children reaped of %d", reaped, n);
  pid = fork();
  if (pid == 0)
    exit(0);
  if (pid < 0)
    lfail("procs", "fork still refused after all %d exited", n, 0);
  wait(0);
  return n;
}

/* ---------------------------------------------------------------- counters */

static int
nlink_of(const char *path)
{
  struct stat st;
  if (stat(path, &st) < 0)
    return -1;
  return st.nlink;
}

/* link() one file under many names until refused (scale 2) or max names;
 * nlink follows every step, a refused link changes nothing, and removing
 * the names brings it back to 1. */
static int
lim_links(const char *tag, int max)
{
  char file[32], dir[32], path[64];
  limname(file, tag, 0);
  int fd = open(file, O_CREATE | O_RDWR);
  if (fd < 0) {
    lfail("links", "cannot create the file (%d)", 0, 0);
    return 0;
  }
  close(fd);
  int n = 0, ndirs = 0;
  for (; n < max; n++) {
    if (n % LINKS_PER_DIR == 0) {
      limname(dir, tag, 1 + ndirs++);
      if (mkdir(dir) < 0)
        break;
    }
    snprintf(path, sizeof(path), "%s/%d", dir, n % LINKS_PER_DIR);
    if (link(file, path) < 0) {
      if (nlink_of(file) != n + 1)
        lfail("links", "a refused link moved nlink to %d (was %d)",
              nlink_of(file), n + 1);
      if (exists(path))
        lfail("links", "a refused link made its name (at %d)", n, 0);
      break;
    }
    if (n % 97 == 0 && nlink_of(file) != n + 2)
      lfail("links", "nlink %d after %d links", nlink_of(file), n + 1);
    if (n % 1000 == 999)
      limits_beat();
  }
  if (n == max && max > LINKS_SHORT && nlink_of(file) <= 0)
    lfail("links", "nlink is %d after %d links", nlink_of(file), n);
  for (int i = 0; i < n; i++) {
    snprintf(path, sizeof(path), "%s/%d",
             limname(dir, tag, 1 + i / LINKS_PER_DIR), i % LINKS_PER_DIR);
    unlink(path);
    if (i % 1000 == 999)
      limits_beat();
  }
  for (int d = 1; d <= ndirs; d++)
    unlink(limname(dir, tag, d));
  if (nlink_of(file) != 1)
    lfail("links", "nlink %d after removing all %d names", nlink_of(file), n);
  unlink(file);
  return n;
}

/* Write one file to MAXFILE blocks; the size stops there exactly and a
 * write past it is refused without changing it.  A layout whose largest
 * file the image cannot hold (the fs lab's 64 MiB on FSSIZE blocks)
 * writes a quarter of the image and stops: the disk would refuse first,
 * and a full disk is another sequence's limit. */
static int
lim_filesize(void)
{
  static char buf[4 * BSIZE];
  const int atmax = MAXFILE <= FSSIZE / 2;
  const int want = atmax ? MAXFILE : FSSIZE / 4 / 4 * 4; /* whole bufs */
  char name[32];
  limname(name, "big", 0);
  int fd = open(name, O_CREATE | O_RDWR | O_TRUNC);
  if (fd < 0) {
    lfail("filesize", "cannot create the file (%d)", 0, 0);
    return 0;
  }
  memset(buf, 'z', sizeof(buf));
  for (int n = 0; atmax || n < want; n += sizeof(buf) / BSIZE) {
    if (write(fd, buf, sizeof(buf)) != sizeof(buf))
      break;
  }
  struct stat st;
  fstat(fd, &st);
  int blocks = st.size / BSIZE;
  if (st.size != (uint64)want * BSIZE)
    lfail("filesize", "the file stopped at %d bytes, not %d", (int)st.size,
          want * BSIZE);
  if (atmax && write(fd, buf, 1) > 0)
    lfail("filesize", "a write past %d blocks succeeded", MAXFILE, 0);
  fstat(fd, &st);
  if (st.size != (uint64)blocks * BSIZE)
    lfail("filesize", "a refused write changed the size to %d", (int)st.size,
          0);
  close(fd);
  unlink(name);
  return blocks;
}

/* sbrk until -1, in big steps and then in pages: a refused grow moves
 * nothing; the memory is usable to the last page; shrinking gives it all
 * back (P counts the pages). */
static int
lim_sbrk(void)
{
  char *start = sbrk(0);
  long grown = 0;
  for (int step = GROW_STEP; step >= PGSIZE; step /= 16) {
    for (;;) {
      char *before = sbrk(0);
      if (sbrk(step) == (char *)-1) {
        if (sbrk(0) != before)
          lfail("sbrk", "a refused sbrk(%d) moved the break by %d", step,
                (int)(sbrk(0) - before));
        break;
      }
      grown += step;
      before[step - 1] = 1; /* the new memory is there */
    }
  }
  if (grown == 0)
    lfail("sbrk", "no memory at all (%d)", 0, 0);
  if (sbrk(-grown) == (char *)-1 || sbrk(0) != start)
    lfail("sbrk", "shrinking by %d MiB did not restore the break (%d)",
          (int)(grown >> 20), 0);
  return grown >> 20;
}

/* ---------------------------------------------------------------- rounds */

/* Run f in a child of P and wait; -1 if it could not run. */
static int
in_child(int (*f)(void))
{
  int p[2];
  if (pipe(p) < 0)
    return -1;
  int pid = fork();
  if (pid == 0) {
    close(p[0]);
    keepfd = p[1];
    int r = f();
    write(p[1], &r, sizeof(r));
    write(p[1], &nfailed, sizeof(nfailed));
    exit(0);
  }
  close(p[1]);
  int r = -1, nf = 0;
  if (pid > 0) {
    read(p[0], &r, sizeof(r));
    read(p[0], &nf, sizeof(nf));
    wait(0);
  }
  close(p[0]);
  nfailed += nf;
  return r;
}

static int limscale;

static int
seq_fds(void)
{
  return lim_fds("d");
}

static int
seq_files(void)
{
  return fill_together("files", 0);
}

static int
seq_inodes(void)
{
  return fill_together("inodes", 1);
}

static int
seq_links(void)
{
  return lim_links("l", limscale > 1 ? 4 * LINKS_PER_DIR : LINKS_SHORT);
}

/* Several processes at once, each on its own per-process tables. */
static int
seq_together(void)
{
  char tag[8];
  for (int k = 0; k < 3; k++) {
    if (fork() == 0) {
      snprintf(tag, sizeof(tag), "t%d", k);
      lim_fds(tag);
      lim_pipes();
      snprintf(tag, sizeof(tag), "u%d", k);
      lim_links(tag, LINKS_SHORT / 3);
      exit(nfailed);
    }
  }
  int st, n = 0;
  while (wait(&st) >= 0)
    n++, nfailed += st;
  return n;
}

static const struct {
  const char *name;
  int (*run)(void);
  const char *unit;
} seqs[] = {
    {"fds", seq_fds, ""},
    {"pipes", lim_pipes, ""},
    {"files", seq_files, " open"},
    {"inodes", seq_inodes, " files"},
    {"procs", lim_procs, ""},
    {"links", seq_links, ""},
    {"filesize", lim_filesize, " blocks"},
    {"sbrk", lim_sbrk, " MiB"},
    {"together", seq_together, " processes"},
};

/* Wait up to SETTLE_TICKS for the free-page count to be back at want. */
static int
settled_pages(int want)
{
  int now = freepages();
  for (int t = 0; t < SETTLE_TICKS && now != want; t++) {
    sleep(1);
    now = freepages();
  }
  return now;
}

/* Run every sequence; heartbeat is called after each (the host wants a
 * sign of life).  Returns the number of failures. */
long
limits_run(int scale)
{
  char line[256];
  int len = snprintf(line, sizeof(line), "fuzz: limits:");
  limscale = scale;
  for (uint i = 0; i < NELEM(seqs); i++) {
    int before = freepages();
    int r = in_child(seqs[i].run);
    int after = settled_pages(before);
    if (after != before)
      lfail(seqs[i].name, "free pages %d before, %d after", before, after);
    len += snprintf(line + len, sizeof(line) - len, " %s %d%s,", seqs[i].name,
                    r, seqs[i].unit);
    limits_beat();
  }
  printf("%s %d failures\n", line, nfailed);
  return nfailed;
}

/*
 * utests, big and many: a file up to MAXFILE blocks, many files in one
 * directory, processes racing on shared names, and filling the disk's
 * blocks and inodes (each must be usable again afterwards).
 */
#include "user/utests/utest.h"

/* s (size bytes) = prefix followed by n in at least width digits. */
static char *
numname(char *s, int size, const char *prefix, int n, int width)
{
  snprintf(s, size, "%s%0*d", prefix, width, n);
  return s;
}

/*
 * A file of the largest size, written and read back, and a write past it
 * refused.  A layout whose largest file the image cannot hold (the fs
 * lab's 64 MiB, on FSSIZE blocks) gets a file of a quarter of the image
 * instead, which still reaches past the indirect block; that lab's grader
 * writes the largest one, on a disk big enough.
 */
static void
t_bigfile(void)
{
  static char buf[5000];
  const int atmax = MAXFILE <= FSSIZE / 2;
  const int total = (atmax ? MAXFILE : FSSIZE / 4) * BSIZE;
  int fd = xopen("big", O_CREATE | O_RDWR);
  const int last = 1000; /* written by a write asking for more */
  for (int off = 0; off < total - last;) {
    int m = total - last - off < (int)sizeof(buf) ? total - last - off
                                                  : (int)sizeof(buf);
    fillpat(buf, m, 14, off);
    int r = write(fd, buf, m);
    if (r != m)
      fail("write of %d bytes at offset %d returned %d", m, off, r);
    off += m;
  }
  fillpat(buf, 3 * last, 14, total - last);
  int w = write(fd, buf, atmax ? 3 * last : last);
  if (w != last)
    fail("a write of %d bytes %d before MAXFILE returned %d",
         atmax ? 3 * last : last, last, w);
  if (atmax && write(fd, "x", 1) != -1)
    fail("a write past MAXFILE blocks did not return -1");
  struct stat st;
  fstat(fd, &st);
  if (st.size != (uint64)total)
    fail("size %d, expected %d", (int)st.size, total);
  close(fd);
  fd = xopen("big", O_RDONLY);
  for (int off = 0; off < total;) {
    int r = read(fd, buf, BSIZE + 100);
    if (r <= 0)
      fail("read at offset %d returned %d", off, r);
    int bad = checkpat(buf, r, 14, off);
    if (bad >= 0)
      fail("byte %d is wrong", off + bad);
    off += r;
  }
  if (read(fd, buf, 1) != 0)
    fail("read at the end did not return 0");
  close(fd);
  xunlink("big");
}

static void
t_manyfiles(void)
{
  enum { N = 120 };
  static char seen[N];
  char name[32];
  if (mkdir("many") < 0)
    fail("mkdir failed");
  for (int i = 0; i < N; i++) {
    numname(name, sizeof(name), "many/f", i, 3);
    int fd = xopen(name, O_CREATE | O_WRONLY);
    xwrite(fd, &i, sizeof(i));
    close(fd);
  }
  struct dirent de;
  int fd = xopen("many", O_RDONLY), others = 0;
  while (read(fd, &de, sizeof(de)) == sizeof(de)) {
    if (de.inum == 0)
      continue;
    if (de.name[0] == 'f') {
      int i = atoi(de.name + 1);
      if (i < 0 || i >= N || seen[i]++)
        fail("unexpected or repeated entry '%s'", de.name);
    } else {
      others++;
    }
  }
  close(fd);
  if (others != 2)
    fail("%d entries besides the files (expected '.' and '..')", others);
  for (int i = 0; i < N; i++) {
    if (!seen[i])
      fail("file %d is missing from the directory", i);
    numname(name, sizeof(name), "many/f", i, 3);
    int v = -1;
    fd = xopen(name, O_RDONLY);
    if (read(fd, &v, sizeof(v)) != sizeof(v) || v != i)
      fail("%s holds %d", name, v);
    close(fd);
  }
  for (int i = 0; i < N; i++)
    xunlink(numname(name, sizeof(name), "many/f", i, 3));
  fd = xopen("many", O_RDONLY);
  while (read(fd, &de, sizeof(de)) == sizeof(de))
    if (de.inum != 0 && de.name[0] != '.')
      fail("entry '%s' left after unlinking everything", de.name);
  close(fd);
  xunlink("many");
}

static uint
rnd(uint *s)
{
  *s = *s * 1103515245 + 12345;
  return (*s >> 16) & 0x7fff;
}

static void
t_concurrent(void)
{
  enum { NPROCS = 4, NNAMES = 6, ROUNDS = 150 };
  char name[8], other[8];
  for (int c = 0; c < NPROCS; c++) {
    if (xfork() == 0) {
      uint seed = getpid() * 7919 + c;
      for (int r = 0; r < ROUNDS; r++) {
        numname(name, sizeof(name), "c", rnd(&seed) % NNAMES, 1);
        numname(other, sizeof(other), "c", rnd(&seed) % NNAMES, 1);
        int fd;
        switch (rnd(&seed) % 5) {
        case 0:
        case 1:
          fd = open(name, O_CREATE | O_RDWR);
          if (fd >= 0) {
            write(fd, "data", 4);
            close(fd);
          }
          break;
        case 2:
          unlink(name);
          break;
        case 3:
          link(name, other);
          break;
        case 4:
          numname(name, sizeof(name), "d", rnd(&seed) % 3, 1);
          if (rnd(&seed) % 2)
            mkdir(name);
          else
            unlink(name);
          break;
        }
      }
      exit(0);
    }
  }
  for (int c = 0; c < NPROCS; c++) {
    int st = -12345;
    if (wait(&st) < 0 || st != 0)
      fail("a worker exited with %d", st);
  }
  /* Every surviving name's link count must match the names that point to
   * its inode (all links were made among these names). */
  struct stat st[NNAMES];
  int present[NNAMES];
  for (int i = 0; i < NNAMES; i++) {
    present[i] = stat(numname(name, sizeof(name), "c", i, 1), &st[i]) == 0;
    if (present[i] && st[i].type != T_FILE)
      fail("%s has type %d", name, st[i].type);
  }
  for (int i = 0; i < NNAMES; i++) {
    if (!present[i])
      continue;
    int names = 0;
    for (int j = 0; j < NNAMES; j++)
      if (present[j] && st[j].ino == st[i].ino)
        names++;
    if (st[i].nlink != names)
      fail("inode %d has nlink %d but %d names", st[i].ino, st[i].nlink, names);
  }
  for (int i = 0; i < NNAMES; i++)
    if (present[i])
      xunlink(numname(name, sizeof(name), "c", i, 1));
  for (int i = 0; i < 3; i++) {
    numname(name, sizeof(name), "d", i, 1);
    if (exists(name))
      xunlink(name);
  }
}

/* Fill the disk with files d00, d01, ...; returns the blocks written and
 * the number of files in *nfiles. */
static int
filldisk(int *nfiles)
{
  static char buf[4 * BSIZE];
  char name[8];
  int blocks = 0, full = 0, n = 0;
  memset(buf, 0x6b, sizeof(buf));
  while (!full && n < 99) {
    int fd = open(numname(name, sizeof(name), "d", n, 2), O_CREATE | O_WRONLY);
    if (fd < 0)
      break; /* no inode or no room in the directory */
    n++;
    int size = 0;
    for (;;) {
      int r = write(fd, buf, sizeof(buf));
      if (r == (int)sizeof(buf)) {
        size += r;
        continue;
      }
      struct stat st;
      fstat(fd, &st);
      size = st.size;
      if (size < MAXFILE * BSIZE)
        full = 1; /* short: out of blocks, not past MAXFILE */
      break;
    }
    blocks += size / BSIZE;
    close(fd);
  }
  if (!full)
    fail("the disk never filled up (%d files, %d blocks)", n, blocks);
  *nfiles = n;
  return blocks;
}

static void
emptydisk(int n)
{
  char name[8];
  for (int i = 0; i < n; i++)
    xunlink(numname(name, sizeof(name), "d", i, 2));
}

static void
t_diskfull(void)
{
  int n1, n2;
  int b1 = filldisk(&n1);
  if (b1 < 200)
    fail("only %d blocks could be written", b1);
  /* The full disk stays usable: a new file can be made (no data). */
  int fd = open("extra", O_CREATE | O_RDWR);
  if (fd >= 0) {
    if (write(fd, "x", 1) == 1) {
      /* possible: a partial block was freed up elsewhere */
    }
    close(fd);
    unlink("extra");
  }
  emptydisk(n1);
  int b2 = filldisk(&n2);
  emptydisk(n2);
  if (b2 < b1)
    fail("%d blocks the first time, only %d after emptying the disk", b1, b2);
}

static int
fillinodes(void)
{
  char name[16];
  int n = 0;
  for (;;) {
    int fd = open(numname(name, sizeof(name), "in/i", n, 3), O_CREATE | O_RDWR);
    if (fd < 0)
      break;
    close(fd);
    if (++n > 5000)
      fail("created 5000 files without running out of inodes");
  }
  return n;
}

static void
t_inodefull(void)
{
  char name[16];
  if (mkdir("in") < 0)
    fail("mkdir failed");
  int n1 = fillinodes();
  if (n1 < 20)
    fail("only %d files could be created", n1);
  if (mkdir("in/dir") != -1)
    fail("mkdir worked with no inodes left");
  for (int i = 0; i < n1; i++)
    xunlink(numname(name, sizeof(name), "in/i", i, 3));
  int n2 = fillinodes();
  for (int i = 0; i < n2; i++)
    xunlink(numname(name, sizeof(name), "in/i", i, 3));
  xunlink("in");
  if (n2 < n1)
    fail("%d files the first time, only %d after removing them", n1, n2);
}

const struct utest utests_disk[] = {
    {t_bigfile, "bigfile", 0, 120},       {t_manyfiles, "manyfiles", 0, 120},
    {t_concurrent, "concurrent", 0, 120}, {t_diskfull, "diskfull", 0, 240},
    {t_inodefull, "inodefull", 0, 180},   {0, 0, 0, 0},
};

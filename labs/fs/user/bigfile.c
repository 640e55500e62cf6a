/*
 * bigfile: tests of the fs lab's large files (labs/fs/README.md, part 1).
 *
 *   bigfile [TEST...]    (every test when none is named, in this order)
 *
 *   max      write /big.dat to the largest size of the lab's layout, check
 *            that a write past it is refused, read it all back; the file
 *            is kept for the next tests
 *   rm       remove /big.dat; its blocks must all come back (the grader
 *            checks the disk with fsck afterwards)
 *   shrink   a file that needs the doubly-indirect block, written, read
 *            back and cut to nothing with O_TRUNC, twice; then removed
 *   mid      a file of MIDBLOCKS blocks (in the doubly-indirect range),
 *            written, read back and kept as /mid.dat (for the fsck part)
 *
 * Each test prints "NAME: OK" or "NAME: FAIL why" (labs/labtest.h).  Every
 * block holds its own block number in every word, so a block that two
 * file blocks share, or one read from the wrong place, shows.
 */
#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "user/user.h"
#include "labs/labtest.h"

/* The largest file of the lab's layout (README step 1): 11 direct
 * blocks, an indirect block of 256 and a doubly-indirect one of 256 * 256.
 * The grader's number, whatever kernel/fs.h says. */
#define WANT (11 + 256 + 256 * 256)
#define CHUNK 8                             /* blocks per write call */
#define MIDBLOCKS (11 + 256 + 3 * 256 + 17) /* four of its indirect blocks */

static uint buf[CHUNK * BSIZE / sizeof(uint)];

/* Fill n blocks of buf as file blocks bn, bn + 1, ... */
static void
stamp(uint bn, int n)
{
  for (int i = 0; i < n * BSIZE / (int)sizeof(uint); i++)
    buf[i] = (bn + i / (BSIZE / sizeof(uint))) << 8 | (i & 0xff);
}

/* The first word of n blocks of buf that is not file block bn's, or -1. */
static int
unstamped(uint bn, int n)
{
  for (int i = 0; i < n * BSIZE / (int)sizeof(uint); i++) {
    if (buf[i] != ((bn + i / (BSIZE / sizeof(uint))) << 8 | (i & 0xff)))
      return i;
  }
  return -1;
}

/* Write blocks [0, nblocks) of fd; the number of whole blocks written. */
static int
write_blocks(int fd, int nblocks)
{
  int bn = 0;
  while (bn < nblocks) {
    int n = nblocks - bn < CHUNK ? nblocks - bn : CHUNK;
    stamp(bn, n);
    int r = write(fd, buf, n * BSIZE);
    if (r > 0)
      bn += r / BSIZE;
    if (r != n * BSIZE)
      break;
  }
  return bn;
}

/* Read blocks [0, nblocks) of path back and check each one. */
static void
check_blocks(const char *path, int nblocks)
{
  int fd = open(path, O_RDONLY);
  expect(fd >= 0, "cannot open %s to read it back", path);
  for (int bn = 0; bn < nblocks;) {
    int n = nblocks - bn < CHUNK ? nblocks - bn : CHUNK;
    int r = read(fd, buf, n * BSIZE);
    expect(r == n * BSIZE, "reading %s: %d bytes at block %d, want %d", path, r,
           bn, n * BSIZE);
    int bad = unstamped(bn, n);
    expect(bad < 0,
           "%s: block %d holds 0x%x in word %d, not what was written "
           "(0x%x): a wrong block, or one shared",
           path, bn + bad / (BSIZE / 4), buf[bad], bad % (BSIZE / 4),
           (bn + bad / (BSIZE / 4)) << 8 | (bad & 0xff));
    bn += n;
  }
  char c;
  expect(read(fd, &c, 1) == 0, "%s: a read at the end did not return 0", path);
  close(fd);
}

static uint
size_of(const char *path)
{
  struct stat st;
  int fd = open(path, O_RDONLY);
  expect(fd >= 0 && fstat(fd, &st) == 0, "cannot stat %s", path);
  close(fd);
  return st.size;
}

static void
t_max(void)
{
  unlink("/big.dat");
  int fd = open("/big.dat", O_CREATE | O_RDWR);
  expect(fd >= 0, "cannot create /big.dat");
  int n = write_blocks(fd, WANT);
  printf("wrote %d blocks\n", n);
  expect(n == WANT, "the file stopped at %d blocks; the lab's largest is %d", n,
         WANT);
  expect(write(fd, buf, 1) <= 0,
         "a write past %d blocks was not refused (the largest file)", WANT);
  close(fd);
  uint size = size_of("/big.dat");
  expect(size == (uint)WANT * BSIZE, "size %d after the writes, want %d", size,
         WANT * BSIZE);
  check_blocks("/big.dat", WANT);
}

static void
t_rm(void)
{
  uint size = size_of("/big.dat");
  expect(size == (uint)WANT * BSIZE,
         "/big.dat is %d bytes, not the %d the max test leaves", size,
         WANT * BSIZE);
  expect(unlink("/big.dat") == 0, "unlink /big.dat failed");
  expect(open("/big.dat", O_RDONLY) < 0, "/big.dat opens after unlink");
}

/* O_TRUNC of a file with blocks in the doubly-indirect range, twice. */
static void
t_shrink(void)
{
  unlink("/shrink.dat");
  for (int round = 0; round < 2; round++) {
    int fd = open("/shrink.dat", O_CREATE | O_RDWR | O_TRUNC);
    expect(fd >= 0, "cannot open /shrink.dat with O_TRUNC");
    expect(size_of("/shrink.dat") == 0, "O_TRUNC left %d bytes",
           size_of("/shrink.dat"));
    int n = write_blocks(fd, MIDBLOCKS);
    close(fd);
    expect(n == MIDBLOCKS, "only %d of %d blocks could be written", n,
           MIDBLOCKS);
    check_blocks("/shrink.dat", MIDBLOCKS);
  }
  int fd = open("/shrink.dat", O_RDWR | O_TRUNC);
  expect(fd >= 0, "cannot open /shrink.dat with O_TRUNC");
  close(fd);
  expect(size_of("/shrink.dat") == 0, "O_TRUNC left %d bytes",
         size_of("/shrink.dat"));
  expect(unlink("/shrink.dat") == 0, "unlink /shrink.dat failed");
}

static void
t_mid(void)
{
  unlink("/mid.dat");
  int fd = open("/mid.dat", O_CREATE | O_RDWR);
  expect(fd >= 0, "cannot create /mid.dat");
  int n = write_blocks(fd, MIDBLOCKS);
  close(fd);
  expect(n == MIDBLOCKS, "/mid.dat stopped at %d of %d blocks", n, MIDBLOCKS);
  check_blocks("/mid.dat", MIDBLOCKS);
}

static const struct labtest tests[] = {
    {"max", t_max}, {"rm", t_rm}, {"shrink", t_shrink}, {"mid", t_mid}, {0, 0},
};

int
main(int argc, char *argv[])
{
  return labtest_main(argc, argv, tests);
}

/*
 * mmaptest: tests of the mmap lab's mmap() and munmap().
 *
 *   mmaptest [TEST...]     (every test when none is named)
 *
 * Each test prints "NAME: OK" or "NAME: FAIL why" (labs/labtest.h).  The
 * files they map hold byte pattern(i) at offset i, so a page read from the
 * wrong offset shows.  A test that expects an access to kill the process
 * makes it in a child and checks the child's exit status (-1: killed);
 * the kernel prints its usual line for that child on the console.
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fcntl.h"
#include "kernel/riscv.h"
#include "kernel/stat.h"
#include "kernel/fs.h"
#include "user/user.h"
#include "labs/labtest.h"

#define FAILED ((char *)-1) /* what mmap returns on failure */
#define HALF (PGSIZE / 2)

static char buf[4 * PGSIZE];

static char
pattern(uint64 i)
{
  return (char)('!' + i % 89); /* 4096 % 89 != 0: pages differ */
}

/* Make file name with n bytes of the pattern. */
static void
makefile(const char *name, int n)
{
  unlink(name);
  int fd = open(name, O_CREATE | O_WRONLY);
  expect(fd >= 0, "cannot create %s", name);
  for (int i = 0; i < n; i++)
    buf[i % sizeof(buf)] = pattern(i);
  for (int done = 0; done < n;) {
    int m = n - done < (int)sizeof(buf) ? n - done : (int)sizeof(buf);
    for (int i = 0; i < m; i++)
      buf[i] = pattern(done + i);
    expect(write(fd, buf, m) == m, "cannot write %s", name);
    done += m;
  }
  close(fd);
}

static int
xopen(const char *name, int mode)
{
  int fd = open(name, mode);
  expect(fd >= 0, "cannot open %s", name);
  return fd;
}

static char *
xmmap(uint64 len, int prot, int flags, int fd, int off, const char *what)
{
  char *p = mmap(0, len, prot, flags, fd, off);
  expect(p != FAILED, "mmap of %s returned -1", what);
  expect((uint64)p % PGSIZE == 0, "mmap returned %p, not page-aligned", p);
  return p;
}

static void
xmunmap(char *p, uint64 len, const char *what)
{
  expect(munmap(p, len) == 0, "munmap(%p, %lu) (%s) did not return 0", p, len,
         what);
}

/* p[0..n) holds the file's bytes from offset off, for a file of size
 * bytes, and zeros past its end. */
static void
check_map(const char *p, int n, int off, int size, const char *what)
{
  for (int i = 0; i < n; i++) {
    char want = off + i < size ? pattern(off + i) : 0;
    expect(p[i] == want,
           "%s: byte %d is 0x%x, expected 0x%x (file offset "
           "%d, file size %d)",
           what, i, (uchar)p[i], (uchar)want, off + i, size);
  }
}

/* The file's bytes [off, off+n) into buf; returns how many were read. */
static int
file_bytes(const char *name, int off, int n)
{
  int fd = xopen(name, O_RDONLY);
  int got = 0, r;
  while (got < off &&
         (r = read(fd, buf, off - got < PGSIZE ? off - got : PGSIZE)) > 0)
    got += r;
  got = 0;
  while (got < n && (r = read(fd, buf + got, n - got)) > 0)
    got += r;
  close(fd);
  return got;
}

static int
file_size(const char *name)
{
  struct stat st;
  expect(stat(name, &st) == 0, "stat %s failed", name);
  return (int)st.size;
}

/* Run fn in a child; 1 if the child was killed (exit status -1). */
static int
dies(void (*fn)(char *), char *arg)
{
  int pid = fork();
  expect(pid >= 0, "fork failed");
  if (pid == 0) {
    fn(arg);
    exit(0);
  }
  int st = 0;
  expect(wait(&st) == pid, "wait failed");
  return st == -1;
}

static void
do_read(char *p)
{
  printf("read %d\n", *(volatile char *)p);
}

static void
do_write(char *p)
{
  *(volatile char *)p = 'w';
}

/* ---------------------------------------------------------------- tests */

/* A read-only private mapping shows the file, zeros past its end, and is
 * gone after munmap. */
static void
t_basic(void)
{
  makefile("mm-basic", PGSIZE + HALF);
  int fd = xopen("mm-basic", O_RDONLY);
  char *p = xmmap(2 * PGSIZE, PROT_READ, MAP_PRIVATE, fd, 0, "mm-basic");
  check_map(p, 2 * PGSIZE, 0, PGSIZE + HALF, "a 1.5-page file mapped");
  xmunmap(p, 2 * PGSIZE, "the whole mapping");
  expect(dies(do_read, p), "a read of the unmapped first page did not kill");
  expect(dies(do_read, p + PGSIZE),
         "a read of the unmapped second page did not kill");
  /* an offset into the file */
  close(fd);
  makefile("mm-basic", 3 * PGSIZE);
  fd = xopen("mm-basic", O_RDONLY);
  char *q = xmmap(PGSIZE, PROT_READ, MAP_SHARED, fd, PGSIZE, "an offset");
  check_map(q, PGSIZE, PGSIZE, 3 * PGSIZE, "the page at offset 4096");
  xmunmap(q, PGSIZE, "the offset mapping");
  close(fd);
  unlink("mm-basic");
}

/* mmap reads nothing: pages come from the file at their first touch, one
 * at a time. */
static void
t_lazy(void)
{
  int n = 8;
  makefile("mm-lazy", n * PGSIZE);
  int fd = xopen("mm-lazy", O_RDWR);
  uint64 before = freepages();
  char *p =
      xmmap(n * PGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0, "mm-lazy");
  uint64 mapped = freepages();
  expect(before - mapped <= 2,
         "mmap of %d pages took %lu pages of memory (lazy: none but page "
         "tables)",
         n, before - mapped);
  /* Change the file after mmap: the mapping must show the change. */
  int w = xopen("mm-lazy", O_RDWR);
  expect(write(w, "LAZY", 4) == 4, "write to the file failed");
  close(w);
  expect(memcmp(p, "LAZY", 4) == 0,
         "the mapping shows \"%c%c%c%c\", not \"LAZY\" written after mmap: "
         "was the page read at mmap time?",
         p[0], p[1], p[2], p[3]);
  uint64 one = freepages();
  expect(before - one <= 3,
         "after touching 1 page of %d, %lu pages are in use (at most 3: "
         "the page and its tables)",
         n, before - one);
  check_map(p + 3 * PGSIZE, PGSIZE, 3 * PGSIZE, n * PGSIZE, "page 3");
  expect(one - freepages() == 1, "touching one more page took %lu pages",
         one - freepages());
  xmunmap(p, n * PGSIZE, "mm-lazy");
  close(fd);
  unlink("mm-lazy");
}

/* A private mapping may be written (even of a read-only file); the
 * writes never reach the file, on munmap or on exit. */
static void
t_private(void)
{
  makefile("mm-priv", PGSIZE + HALF);
  int fd = xopen("mm-priv", O_RDONLY);
  char *p = xmmap(2 * PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0,
                  "a read-only file, private and writable");
  for (int i = 0; i < 2 * PGSIZE; i++)
    p[i] = 'Z';
  for (int i = 0; i < 2 * PGSIZE; i++)
    expect(p[i] == 'Z',
           "byte %d of the private mapping reads 0x%x after "
           "writing 'Z'",
           i, (uchar)p[i]);
  xmunmap(p, 2 * PGSIZE, "the private mapping");
  expect(file_size("mm-priv") == PGSIZE + HALF, "the file's size changed to %d",
         file_size("mm-priv"));
  expect(file_bytes("mm-priv", 0, PGSIZE + HALF) == PGSIZE + HALF,
         "cannot read the file back");
  check_map(buf, PGSIZE + HALF, 0, PGSIZE + HALF,
            "the file after munmap of a written MAP_PRIVATE mapping");
  /* and on exit */
  int pid = fork();
  expect(pid >= 0, "fork failed");
  if (pid == 0) {
    char *q = mmap(0, PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (q == FAILED)
      exit(1);
    q[0] = 'Q';
    exit(0); /* without munmap */
  }
  int st;
  wait(&st);
  expect(st == 0, "the child could not map the file");
  file_bytes("mm-priv", 0, 1);
  expect(buf[0] == pattern(0),
         "a private mapping's write reached the file at exit (0x%x)",
         (uchar)buf[0]);
  close(fd);
  unlink("mm-priv");
}

/* A shared mapping's writes reach the file at munmap, without making the
 * file longer. */
static void
t_shared(void)
{
  makefile("mm-shared", PGSIZE + HALF);
  int fd = xopen("mm-shared", O_RDWR);
  char *p =
      xmmap(2 * PGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0, "mm-shared");
  close(fd);
  check_map(p, 2 * PGSIZE, 0, PGSIZE + HALF, "the shared mapping");
  memset(p, 'B', PGSIZE);
  memset(p + PGSIZE, 'C', PGSIZE);
  xmunmap(p, 2 * PGSIZE, "the shared mapping");
  expect(file_size("mm-shared") == PGSIZE + HALF,
         "the file is %d bytes after munmap, was %d: write-back must stop "
         "at the file's end",
         file_size("mm-shared"), PGSIZE + HALF);
  file_bytes("mm-shared", 0, PGSIZE + HALF);
  for (int i = 0; i < PGSIZE + HALF; i++)
    expect(buf[i] == (i < PGSIZE ? 'B' : 'C'),
           "byte %d of the file is 0x%x after munmap, expected '%c'", i,
           (uchar)buf[i], i < PGSIZE ? 'B' : 'C');
  unlink("mm-shared");
}

/* ... and at exit, without munmap. */
static void
t_sharedexit(void)
{
  makefile("mm-exit", PGSIZE);
  int pid = fork();
  expect(pid >= 0, "fork failed");
  if (pid == 0) {
    int fd = open("mm-exit", O_RDWR);
    char *p = mmap(0, PGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == FAILED)
      exit(1);
    memcpy(p + 100, "EXIT", 4);
    exit(0);
  }
  int st;
  wait(&st);
  expect(st == 0, "the child could not map the file");
  file_bytes("mm-exit", 100, 4);
  expect(memcmp(buf, "EXIT", 4) == 0,
         "a shared mapping's write did not reach the file when the process "
         "exited");
  unlink("mm-exit");
}

/* ... and at exec, which ends the old program's mappings. */
static void
t_sharedexec(void)
{
  makefile("mm-exec", PGSIZE);
  int pid = fork();
  expect(pid >= 0, "fork failed");
  if (pid == 0) {
    int fd = open("mm-exec", O_RDWR);
    char *p = mmap(0, PGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == FAILED)
      exit(1);
    close(fd);
    memcpy(p + 8, "EXEC", 4);
    char *argv[] = {"true", 0};
    exec("true", argv);
    exit(2);
  }
  int st;
  wait(&st);
  expect(st == 0, "the child could not map the file or exec (status %d)", st);
  file_bytes("mm-exec", 8, 4);
  expect(memcmp(buf, "EXEC", 4) == 0,
         "a shared mapping's write did not reach the file at exec");
  unlink("mm-exec");
}

/* PROT_ bits are enforced, for user code and for the kernel's copies;
 * a mapping may not allow more than the file's open mode does. */
static void
t_prot(void)
{
  makefile("mm-prot", PGSIZE);
  int fd = xopen("mm-prot", O_RDONLY);
  expect(mmap(0, PGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == FAILED,
         "a writable shared mapping of a file opened O_RDONLY was allowed");
  char *p = xmmap(PGSIZE, PROT_READ, MAP_SHARED, fd, 0, "read-only");
  expect(dies(do_write, p), "a write to a PROT_READ mapping did not kill");
  check_map(p, PGSIZE, 0, PGSIZE, "the PROT_READ mapping");
  expect(dies(do_write, p), "a write to a PROT_READ page, present, did not "
                            "kill");
  /* the kernel writes into it for read(): refused too */
  int src = xopen("mm-prot", O_RDONLY);
  expect(read(src, p, 10) == -1, "read() into a PROT_READ mapping did not "
                                 "return -1");
  close(src);
  check_map(p, PGSIZE, 0, PGSIZE, "the PROT_READ mapping after read()");
  xmunmap(p, PGSIZE, "read-only");
  close(fd);
  int wo = xopen("mm-prot", O_WRONLY);
  expect(mmap(0, PGSIZE, PROT_READ, MAP_SHARED, wo, 0) == FAILED,
         "a file opened O_WRONLY was mapped (its pages cannot be read in)");
  close(wo);
  unlink("mm-prot");
}

/* munmap may take pages off either end of a mapping, writing back each
 * part as it goes; not a hole in the middle. */
static void
t_unmap(void)
{
  makefile("mm-part", 3 * PGSIZE);
  int fd = xopen("mm-part", O_RDWR);
  char *p =
      xmmap(3 * PGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0, "3 pages");
  close(fd);
  memcpy(p, "FRONT", 5);
  memcpy(p + PGSIZE, "MIDDLE", 6);
  memcpy(p + 2 * PGSIZE, "BACK", 4);
  expect(munmap(p + PGSIZE, PGSIZE) == -1,
         "munmap of the middle page (a hole) did not return -1");
  expect(memcmp(p + PGSIZE, "MIDDLE", 6) == 0,
         "the middle page changed after a refused munmap");
  xmunmap(p, PGSIZE, "the first page");
  file_bytes("mm-part", 0, 5);
  expect(memcmp(buf, "FRONT", 5) == 0,
         "munmap of the first page did not write it back");
  expect(dies(do_read, p), "a read of the unmapped first page did not kill");
  expect(memcmp(p + PGSIZE, "MIDDLE", 6) == 0 &&
             memcmp(p + 2 * PGSIZE, "BACK", 4) == 0,
         "the rest of the mapping changed after unmapping its first page");
  xmunmap(p + 2 * PGSIZE, PGSIZE, "the last page");
  file_bytes("mm-part", 2 * PGSIZE, 4);
  expect(memcmp(buf, "BACK", 4) == 0,
         "munmap of the last page did not write it back");
  expect(dies(do_read, p + 2 * PGSIZE),
         "a read of the unmapped last page did not kill");
  expect(memcmp(p + PGSIZE, "MIDDLE", 6) == 0,
         "the middle page changed after unmapping both ends");
  check_map(p + PGSIZE + 6, PGSIZE - 6, PGSIZE + 6, 3 * PGSIZE,
            "the middle page");
  xmunmap(p + PGSIZE, PGSIZE, "the middle page, last");
  file_bytes("mm-part", PGSIZE, 6);
  expect(memcmp(buf, "MIDDLE", 6) == 0,
         "munmap of the last page left did not write it back");
  expect(dies(do_read, p + PGSIZE), "a read of the unmapped middle page "
                                    "did not kill");
  /* a front part of an untouched mapping of a later offset */
  makefile("mm-part", 4 * PGSIZE);
  fd = xopen("mm-part", O_RDONLY);
  char *q = xmmap(3 * PGSIZE, PROT_READ, MAP_PRIVATE, fd, PGSIZE, "offset");
  close(fd);
  xmunmap(q, PGSIZE, "the first page of an untouched mapping");
  check_map(q + PGSIZE, 2 * PGSIZE, 2 * PGSIZE, 4 * PGSIZE,
            "the rest, read after unmapping its front");
  xmunmap(q + PGSIZE, 2 * PGSIZE, "the rest");
  unlink("mm-part");
}

/* A child gets the parent's mappings: the pages as the parent left them,
 * its own private writes, its shared writes written back at its exit. */
static void
t_fork(void)
{
  makefile("mm-forkp", 2 * PGSIZE);
  makefile("mm-forks", 2 * PGSIZE);
  int fd = xopen("mm-forkp", O_RDONLY);
  char *pv =
      xmmap(2 * PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0, "private");
  close(fd);
  fd = xopen("mm-forks", O_RDWR);
  char *sh =
      xmmap(2 * PGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0, "shared");
  close(fd);
  pv[0] = 'P'; /* page 0 touched and changed; page 1 untouched */
  int pid = fork();
  expect(pid >= 0, "fork failed");
  if (pid == 0) {
    if (pv[0] != 'P') {
      printf("fork: child sees 0x%x at the private page the parent wrote\n",
             (uchar)pv[0]);
      exit(3);
    }
    for (int i = 1; i < 2 * PGSIZE; i++)
      if (pv[i] != pattern(i)) {
        printf("fork: child sees 0x%x at private byte %d\n", (uchar)pv[i], i);
        exit(4);
      }
    pv[1] = 'c';
    memcpy(sh + PGSIZE, "CHILD", 5);
    if (munmap(pv, PGSIZE) != 0)
      exit(5);
    exit(0); /* sh is written back now */
  }
  int st;
  wait(&st);
  expect(st == 0, "the child found its inherited mappings wrong (exit %d)", st);
  expect(pv[0] == 'P' && pv[1] == pattern(1),
         "after the child wrote its copy and unmapped it, the parent's "
         "private page holds 0x%x 0x%x",
         (uchar)pv[0], (uchar)pv[1]);
  file_bytes("mm-forks", PGSIZE, 5);
  expect(memcmp(buf, "CHILD", 5) == 0,
         "the child's write to an inherited shared mapping did not reach "
         "the file at its exit");
  expect(memcmp(sh + PGSIZE, "CHILD", 5) == 0,
         "the parent's untouched shared page does not show the file");
  xmunmap(pv, 2 * PGSIZE, "private");
  xmunmap(sh, 2 * PGSIZE, "shared");
  unlink("mm-forkp");
  unlink("mm-forks");
}

/* A mapping holds its file: closing the descriptor, even unlinking the
 * file, leaves it working; two files mapped at once stay apart. */
static void
t_files(void)
{
  makefile("mm-one", PGSIZE);
  int fd = xopen("mm-one", O_RDWR);
  char *a = xmmap(PGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0, "mm-one");
  close(fd);
  unlink("mm-one");
  check_map(a, PGSIZE, 0, PGSIZE,
            "a mapping whose fd was closed and file "
            "unlinked");
  unlink("mm-two");
  fd = xopen("mm-two", O_CREATE | O_RDWR);
  expect(write(fd, "67890", 5) == 5, "write failed");
  char *b = xmmap(PGSIZE, PROT_READ, MAP_PRIVATE, fd, 0, "mm-two");
  close(fd);
  expect(b + PGSIZE <= a || a + PGSIZE <= b, "two mappings overlap: %p and %p",
         a, b);
  expect(memcmp(b, "67890", 5) == 0 && b[5] == 0,
         "the second file's mapping is wrong");
  a[0] = 'X';
  xmunmap(a, PGSIZE, "the first file's (unlinked) mapping");
  expect(memcmp(b, "67890", 5) == 0,
         "the second mapping changed after munmap of the first");
  xmunmap(b, PGSIZE, "the second file's");
  unlink("mm-two");
}

/* Bad arguments return -1 and change nothing. */
static void
t_badargs(void)
{
  makefile("mm-bad", PGSIZE);
  int fd = xopen("mm-bad", O_RDWR);
  int pfd[2];
  expect(pipe(pfd) == 0, "pipe failed");
  int dir = xopen(".", O_RDONLY);
  struct {
    uint64 len;
    int prot, flags, fd, off;
    const char *what;
  } bad[] = {
      {PGSIZE, PROT_READ, MAP_SHARED, -1, 0, "fd -1"},
      {PGSIZE, PROT_READ, MAP_SHARED, NOFILE - 1, 0, "a closed fd"},
      {PGSIZE, PROT_READ, MAP_SHARED, NOFILE + 5, 0, "fd past NOFILE"},
      {0, PROT_READ, MAP_SHARED, fd, 0, "length 0"},
      {1UL << 40, PROT_READ, MAP_SHARED, fd, 0, "length 2^40"},
      {-1UL, PROT_READ, MAP_SHARED, fd, 0, "length -1"},
      {PGSIZE, PROT_READ, MAP_SHARED, fd, 100, "offset 100"},
      {PGSIZE, PROT_READ, MAP_SHARED, fd, -PGSIZE, "offset -4096"},
      {PGSIZE, PROT_READ, 0, fd, 0, "flags 0"},
      {PGSIZE, PROT_READ, MAP_SHARED | MAP_PRIVATE, fd, 0, "both flags"},
      {PGSIZE, PROT_READ, 0x10, fd, 0, "flags 0x10"},
      {PGSIZE, 0x8, MAP_SHARED, fd, 0, "prot 0x8"},
      {PGSIZE, PROT_READ, MAP_SHARED, pfd[0], 0, "a pipe"},
      {PGSIZE, PROT_READ, MAP_PRIVATE, dir, 0, "a directory"},
  };
  for (uint i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    expect(mmap(0, bad[i].len, bad[i].prot, bad[i].flags, bad[i].fd,
                bad[i].off) == FAILED,
           "mmap with %s did not return -1", bad[i].what);
  char *p =
      xmmap(2 * PGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0, "mm-bad");
  expect(munmap(p + 1, PGSIZE) == -1, "munmap of an unaligned address "
                                      "did not return -1");
  expect(munmap(p, 0) == -1, "munmap of length 0 did not return -1");
  expect(munmap((char *)-PGSIZE, PGSIZE) == -1,
         "munmap of the last page of the address space did not return -1");
  p[0] = 'k';
  expect(p[0] == 'k', "the mapping does not work after the bad calls");
  xmunmap(p, 2 * PGSIZE, "mm-bad");
  close(fd);
  close(dir);
  close(pfd[0]);
  close(pfd[1]);
  unlink("mm-bad");
}

/* The kernel's own copies (read, write, pipes, wait) page in a mapped page
 * that was never touched; the heap and the mappings stay apart. */
static void
t_kernel(void)
{
  makefile("mm-src", 2 * PGSIZE);
  int fd = xopen("mm-src", O_RDONLY);
  char *p = xmmap(2 * PGSIZE, PROT_READ, MAP_SHARED, fd, 0, "mm-src");
  close(fd);
  unlink("mm-dst");
  int out = xopen("mm-dst", O_CREATE | O_RDWR);
  expect(write(out, p, 2 * PGSIZE) == 2 * PGSIZE,
         "write() from an untouched mapping did not write 8192 bytes");
  close(out);
  file_bytes("mm-dst", 0, 2 * PGSIZE);
  check_map(buf, 2 * PGSIZE, 0, 2 * PGSIZE, "a file written from a mapping");
  makefile("mm-dst", 2 * PGSIZE);
  fd = xopen("mm-dst", O_RDONLY);
  char *q =
      xmmap(2 * PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0, "mm-dst");
  close(fd);
  int in = xopen("mm-src", O_RDONLY);
  expect(read(in, q + 100, PGSIZE) == PGSIZE,
         "read() into an untouched writable mapping did not read 4096 "
         "bytes");
  close(in);
  check_map(q + 100, PGSIZE, 0, PGSIZE, "a mapping read() into");
  check_map(q + 100 + PGSIZE, PGSIZE - 100, PGSIZE + 100, 2 * PGSIZE,
            "the mapping's bytes after what read() wrote");
  int pfd[2];
  expect(pipe(pfd) == 0, "pipe failed");
  expect(write(pfd[1], p + PGSIZE, 64) == 64, "write() to a pipe from a "
                                              "mapping failed");
  xmunmap(q, 2 * PGSIZE, "mm-dst");
  fd = xopen("mm-dst", O_RDONLY);
  q = xmmap(PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0, "mm-dst");
  close(fd);
  /* The page must come from the disk, not the block cache, while the
   * pipe's lock is held: push its blocks out first. */
  makefile("mm-evict", 2 * NBUF * BSIZE);
  file_bytes("mm-evict", 2 * NBUF * BSIZE - PGSIZE, PGSIZE);
  unlink("mm-evict");
  expect(read(pfd[0], q, 64) == 64, "read() from a pipe into an untouched "
                                    "mapping failed");
  check_map(q, 64, PGSIZE, 2 * PGSIZE, "a mapping a pipe was read into");
  int pid = fork();
  if (pid == 0)
    exit(7);
  xmunmap(q, PGSIZE, "mm-dst");
  fd = xopen("mm-dst", O_RDONLY);
  q = xmmap(PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0, "mm-dst");
  close(fd);
  int *st = (int *)(q + PGSIZE - 64);
  expect(wait(st) == pid && *st == 7,
         "wait() with the status in an untouched mapping failed");
  /* the heap grows below the mappings, never into them */
  char *brk = sbrk(0);
  expect(p > brk, "a mapping at %p lies below the heap's end %p", p, brk);
  expect(sbrk(PGSIZE) == brk, "sbrk failed beside a mapping");
  brk[PGSIZE - 1] = 'h';
  int over = (int)(p - brk) + PGSIZE;
  expect(sbrk(over) == SBRK_ERROR,
         "sbrk(%d) grew the heap over the mapping at %p", over, p);
  expect(sbrklazy(over) == SBRK_ERROR,
         "sbrklazy(%d) grew the heap over the mapping at %p", over, p);
  check_map(p, 2 * PGSIZE, 0, 2 * PGSIZE, "the mapping after sbrk");
  xmunmap(p, 2 * PGSIZE, "mm-src");
  xmunmap(q, PGSIZE, "mm-dst");
  close(pfd[0]);
  close(pfd[1]);
  unlink("mm-src");
  unlink("mm-dst");
}

/* Every page comes back: at munmap (page tables may stay until exit), and
 * at exit; and every file reference a mapping took is let go. */
static void
t_leak(void)
{
  int n = 16;
  makefile("mm-leak", n * PGSIZE);
  uint64 start = freepages();
  int pid = fork();
  expect(pid >= 0, "fork failed");
  if (pid == 0) {
    int fd = xopen("mm-leak", O_RDWR);
    uint64 before = freepages();
    for (int round = 0; round < 3; round++) {
      char *p = xmmap(n * PGSIZE, PROT_READ | PROT_WRITE,
                      round == 1 ? MAP_PRIVATE : MAP_SHARED, fd, 0, "leak");
      for (int i = 0; i < n; i++)
        p[i * PGSIZE] ^= 1;
      xmunmap(p, n * PGSIZE, "leak");
      uint64 after = freepages();
      expect(before - after <= 3,
             "munmap of %d touched pages left %lu pages in use (at most "
             "3 page tables may stay)",
             n, before - after);
    }
    char *p =
        xmmap(n * PGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0, "leak");
    for (int i = 0; i < n; i++)
      p[i * PGSIZE] ^= 1;
    int kid = fork(); /* a child with copies, which exits */
    if (kid == 0)
      exit(0);
    wait(0);
    exit(0); /* with the mapping still there */
  }
  int st;
  wait(&st);
  expect(st == 0, "the child failed (exit %d)", st);
  expect(freepages() == start,
         "%ld pages did not come back after the processes exited",
         (long)(start - freepages()));
  /* File references: more mappings made and dropped than the file table
   * has entries. */
  int fd = xopen("mm-leak", O_RDONLY);
  for (int i = 0; i < NFILE + 10; i++) {
    char *p = mmap(0, PGSIZE, PROT_READ, MAP_PRIVATE, fd, 0);
    expect(p != FAILED, "mmap number %d failed: file references leak?", i);
    expect(munmap(p, PGSIZE) == 0, "munmap number %d failed", i);
  }
  for (int i = 0; i < NFILE + 10; i++) {
    int kid = fork();
    expect(kid >= 0, "fork number %d failed", i);
    if (kid == 0) {
      char *p = mmap(0, PGSIZE, PROT_READ, MAP_SHARED, fd, 0);
      exit(p == FAILED ? 1 : 0); /* the mapping goes at exit */
    }
    wait(&st);
    expect(st == 0,
           "mmap in child number %d failed: file references leak "
           "at exit?",
           i);
  }
  close(fd);
  int again = open("mm-leak", O_RDONLY);
  expect(again >= 0, "open failed after the mappings: the file table is "
                     "full of mappings' references");
  close(again);
  expect(freepages() == start, "%ld pages lost after the loops",
         (long)(start - freepages()));
  unlink("mm-leak");
}

static const struct labtest tests[] = {
    {"basic", t_basic},
    {"lazy", t_lazy},
    {"private", t_private},
    {"shared", t_shared},
    {"sharedexit", t_sharedexit},
    {"sharedexec", t_sharedexec},
    {"prot", t_prot},
    {"unmap", t_unmap},
    {"fork", t_fork},
    {"files", t_files},
    {"badargs", t_badargs},
    {"kernel", t_kernel},
    {"leak", t_leak},
    {0, 0},
};

int
main(int argc, char *argv[])
{
  return labtest_main(argc, argv, tests);
}

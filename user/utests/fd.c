/*
 * utests, descriptors and I/O: bad descriptors, the direction a descriptor
 * was opened for, hostile buffers and lengths for read and write, and the
 * per-process (NOFILE) and system-wide (NFILE) limits.
 */
#include "user/utests/utest.h"

static void
t_badfd(void)
{
  char buf[8];
  struct stat st;
  int fd = xopen("bf", O_CREATE | O_RDWR);
  int closed = dup(fd);
  close(closed);
  const int bad[] = {-1, NOFILE, NOFILE + 1, 1000000, -1000000, closed};
  for (uint i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    int b = bad[i];
    if (read(b, buf, 1) != -1)
      fail("read(%d) did not return -1", b);
    if (write(b, "x", 1) != -1)
      fail("write(%d) did not return -1", b);
    if (close(b) != -1)
      fail("close(%d) did not return -1", b);
    if (dup(b) != -1)
      fail("dup(%d) did not return -1", b);
    if (fstat(b, &st) != -1)
      fail("fstat(%d) did not return -1", b);
  }
  close(fd);
  if (close(fd) != -1)
    fail("closing a descriptor twice did not return -1");
  xunlink("bf");
}

static void
t_rw_direction(void)
{
  char buf[8];
  mkfile("dir", 10, 4);
  int fd = xopen("dir", O_RDONLY);
  if (write(fd, "x", 1) != -1)
    fail("write to an O_RDONLY descriptor did not return -1");
  close(fd);
  fd = xopen("dir", O_WRONLY);
  if (read(fd, buf, 1) != -1)
    fail("read from an O_WRONLY descriptor did not return -1");
  close(fd);
  fd = xopen("dir", O_RDWR);
  if (read(fd, buf, 4) != 4 || write(fd, "xy", 2) != 2)
    fail("read and write on an O_RDWR descriptor failed");
  close(fd);
  int p[2];
  if (pipe(p) < 0)
    fail("pipe failed");
  if (write(p[0], "x", 1) != -1)
    fail("write to a pipe's read end did not return -1");
  if (read(p[1], buf, 1) != -1)
    fail("read from a pipe's write end did not return -1");
  close(p[0]);
  close(p[1]);
  xunlink("dir");
}

static void
t_read_badptr(void)
{
  char *heapend = alignbrk();
  mkfile("rb", 2 * PGSIZE, 5);
  char *bad[] = {
      (char *)KERNBASE,      (char *)(MAXVA - 1), (char *)(MAXVA - 8),
      (char *)(uint64)main,  unmapped(),          (char *)TRAPFRAME,
      (char *)(-16L),        heapend - 8,         (char *)(uint64)rodata_msg,
      (char *)(USERTOP - 8),
  };
  int fd = xopen("rb", O_RDONLY);
  for (uint i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    int r = read(fd, bad[i], 16);
    if (r != -1)
      fail("read(file, %p, 16) returned %d", bad[i], r);
  }
  /* A buffer that starts fine but runs past the end of memory. */
  int r = read(fd, heapend - PGSIZE, 2 * PGSIZE);
  if (r != -1)
    fail("read into a buffer straddling the end of memory returned %d", r);
  close(fd);
  /* The descriptor still works afterwards. */
  fd = xopen("rb", O_RDONLY);
  static char buf[100];
  if (read(fd, buf, 100) != 100 || checkpat(buf, 100, 5, 0) >= 0)
    fail("a good read after the bad ones failed");
  close(fd);

  int p[2];
  if (pipe(p) < 0)
    fail("pipe failed");
  for (uint i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    write(p[1], "0123456789abcdef", 16);
    r = read(p[0], bad[i], 16);
    if (r != -1)
      fail("read(pipe, %p, 16) returned %d", bad[i], r);
    read(p[0], buf, 100); /* drain what is left */
  }
  close(p[0]);
  close(p[1]);
  xunlink("rb");
}

static void
t_write_badptr(void)
{
  char *heapend = alignbrk();
  const char *bad[] = {
      (char *)KERNBASE, (char *)(MAXVA - 1),   (char *)(MAXVA - 8),
      unmapped(),       (char *)TRAPFRAME,     (char *)TRAMPOLINE,
      (char *)(-16L),   (char *)(USERTOP - 8),
  };
  int fd = xopen("wb", O_CREATE | O_RDWR);
  for (uint i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    int r = write(fd, bad[i], 16);
    if (r != -1)
      fail("write(file, %p, 16) returned %d", bad[i], r);
  }
  int p[2];
  if (pipe(p) < 0)
    fail("pipe failed");
  for (uint i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    int r = write(p[1], bad[i], 16);
    if (r != -1)
      fail("write(pipe, %p, 16) returned %d", bad[i], r);
  }
  close(p[0]);
  close(p[1]);
  /* Writing from text and read-only data is allowed: they are readable. */
  if (write(fd, (char *)(uint64)main, 16) != 16)
    fail("write from program text failed");
  close(fd);
  xunlink("wb");
  (void)heapend;
}

/* A write that stops part-way returns the bytes it wrote (they are
 * there), not -1: a source that runs into unmapped memory, a pipe whose
 * reader leaves. */
static void
t_write_partial(void)
{
  char *heapend = alignbrk();
  int fd = xopen("wp", O_CREATE | O_RDWR);
  /* One block's worth of good bytes, then unmapped memory (the kernel
   * copies a block at a time, so it stops at the block boundary). */
  int r = write(fd, heapend - BSIZE, 2 * BSIZE);
  if (r != BSIZE)
    fail("write(file) of %d good and %d unmapped bytes returned %d", BSIZE,
         BSIZE, r);
  struct stat st;
  if (fstat(fd, &st) < 0 || st.size != BSIZE)
    fail("after the partial write the file has %d bytes", (int)st.size);
  xwrite(fd, "z", 1); /* the offset moved by what was written */
  if (fstat(fd, &st) < 0 || st.size != BSIZE + 1)
    fail("the next write did not append: size %d", (int)st.size);
  close(fd);
  xunlink("wp");

  int p[2];
  /* The reader takes one pipeful and leaves while the writer waits. */
  enum { BIG = 3 * PGSIZE };
  char *buf = xsbrk(BIG);
  memset(buf, 'w', BIG);
  if (pipe(p) < 0)
    fail("pipe failed");
  int pid = xfork();
  if (pid == 0) {
    close(p[1]);
    int got = 0;
    while (got < PGSIZE) {
      int n = read(p[0], buf, PGSIZE - got);
      if (n <= 0)
        exit(1);
      got += n;
    }
    exit(0);
  }
  close(p[0]);
  r = write(p[1], buf, BIG);
  if (r < PGSIZE || r >= BIG)
    fail("write to a pipe whose reader left after %d bytes returned %d", PGSIZE,
         r);
  expect_status(pid, 0, "the reader");
  if (write(p[1], buf, 1) != -1)
    fail("a write with no reader left did not return -1");
  close(p[1]);
}

static void
t_rw_badlen(void)
{
  static char buf[64];
  mkfile("bl", 1000, 6);
  int fd = xopen("bl", O_RDWR);
  if (read(fd, buf, -1) != -1)
    fail("read of -1 bytes did not return -1");
  if (write(fd, buf, -1) != -1)
    fail("write of -1 bytes did not return -1");
  if (read(fd, buf, (int)0x80000000) != -1)
    fail("read of INT_MIN bytes did not return -1");
  if (read(fd, buf, 0) != 0 || write(fd, buf, 0) != 0)
    fail("zero-byte read or write did not return 0");
  close(fd);
  /* A huge length to read is fine when the file is short and the buffer
   * holds what the file has (or refused outright). */
  char *p = alignbrk();
  xsbrk(PGSIZE);
  fd = xopen("bl", O_RDWR);
  int r = read(fd, p, 0x7fffffff);
  if (r != 1000 && r != -1)
    fail("read(fd, buf, 0x7fffffff) from a 1000-byte file returned %d", r);
  /* A huge length from a small buffer: the range runs off user memory,
   * so the write stops there (or at MAXFILE) and says how far it got. */
  r = write(fd, buf, 0x7fffffff);
  if (r != -1 && (r <= 0 || r > MAXFILE * BSIZE - 1000))
    fail("write of 0x7fffffff bytes from a small buffer returned %d", r);
  close(fd);
  int q[2];
  if (pipe(q) < 0)
    fail("pipe failed");
  if (read(q[0], buf, -1) != -1 || write(q[1], buf, -1) != -1)
    fail("pipe read/write of -1 bytes did not return -1");
  close(q[0]);
  close(q[1]);
  xunlink("bl");
}

static void
t_nofile(void)
{
  int fds[NOFILE + 1], n = 0;
  int fd = xopen("nf", O_CREATE | O_RDWR);
  close(fd);
  int before = freefds();
  while (n <= NOFILE && (fds[n] = open("nf", O_RDONLY)) >= 0) {
    if (fds[n] >= NOFILE)
      fail("open returned descriptor %d >= NOFILE", fds[n]);
    n++;
  }
  if (n != before)
    fail("%d opens succeeded, %d descriptors were free", n, before);
  if (n < NOFILE - 5)
    fail("only %d descriptors could be opened", n);
  int p[2];
  if (dup(fds[0]) != -1)
    fail("dup with a full descriptor table did not return -1");
  if (pipe(p) != -1)
    fail("pipe with a full descriptor table did not return -1");
  /* One free slot: open gets it back; pipe (needing two) fails. */
  int freed = fds[n / 2];
  close(freed);
  if (pipe(p) != -1)
    fail("pipe with one free descriptor did not return -1");
  int again = open("nf", O_RDONLY);
  if (again != freed)
    fail("open returned %d, the lowest free descriptor is %d", again, freed);
  for (int i = 0; i < n; i++)
    close(fds[i]);
  if (freefds() != before)
    fail("%d descriptors free after closing, %d before", freefds(), before);
  xunlink("nf");
}

static void
t_nfile(void)
{
  enum { NCHILD = NFILE / (NOFILE - 4) + 2 };
  int go[2], ack[2];
  int fd = xopen("nfl", O_CREATE | O_RDWR);
  close(fd);
  if (pipe(go) < 0 || pipe(ack) < 0)
    fail("pipe failed");
  for (int c = 0; c < NCHILD; c++) {
    if (xfork() == 0) {
      close(go[1]);
      close(ack[0]);
      int n = 0, f = -1;
      while ((f = open("nfl", O_RDONLY)) >= 0)
        n++;
      /* dup needs no new open file: it works if open failed because the
       * system's file table, not ours, was full. */
      int d = dup(0);
      char r = d >= 0 ? 'S' : 'P';
      write(ack[1], &r, 1);
      char c2;
      read(go[0], &c2, 1);
      exit(0);
    }
  }
  int system = 0;
  for (int c = 0; c < NCHILD; c++) {
    char r = 0;
    if (read(ack[0], &r, 1) != 1)
      fail("a child did not answer");
    if (r == 'S')
      system++;
  }
  close(go[1]);
  for (int c = 0; c < NCHILD; c++) {
    int st = -12345;
    if (wait(&st) < 0 || st != 0)
      fail("a child exited with %d", st);
  }
  close(go[0]);
  close(ack[0]);
  close(ack[1]);
  if (system == 0)
    fail("%d processes opened files without filling the file table (NFILE)",
         NCHILD);
  fd = open("nfl", O_RDONLY);
  if (fd < 0)
    fail("open failed after the file table emptied");
  close(fd);
  xunlink("nfl");
}

const struct utest utests_fd[] = {
    {t_badfd, "badfd", 1, 30},
    {t_rw_direction, "rw_direction", 1, 30},
    {t_read_badptr, "read_badptr", 1, 30},
    {t_write_badptr, "write_badptr", 1, 30},
    {t_write_partial, "write_partial", 1, 30},
    {t_rw_badlen, "rw_badlen", 1, 30},
    {t_nofile, "nofile", 1, 30},
    {t_nfile, "nfile", 0, 60},
    {0, 0, 0, 0},
};

/*
 * utests, pipes: order and content, the ends closing (EOF, writes to a
 * pipe nobody reads), transfers far larger than the pipe's buffer, and
 * many pipes at once.
 */
#include "user/utests/utest.h"

static void
t_pipe_basic(void)
{
  int p[2];
  char buf[32];
  int before = freefds();
  if (pipe(p) != 0)
    fail("pipe failed");
  if (p[0] < 0 || p[1] < 0 || p[0] == p[1] || p[0] >= NOFILE || p[1] >= NOFILE)
    fail("pipe gave descriptors %d and %d", p[0], p[1]);
  xwrite(p[1], "0123456789", 10);
  if (read(p[0], buf, 4) != 4 || memcmp(buf, "0123", 4) != 0)
    fail("first read wrong");
  /* A read returns what is there without waiting for more. */
  if (read(p[0], buf, 32) != 6 || memcmp(buf, "456789", 6) != 0)
    fail("second read wrong");
  close(p[0]);
  close(p[1]);
  char *heapend = alignbrk();
  int *bad[] = {(int *)KERNBASE, (int *)(uint64)main, (int *)unmapped(),
                (int *)(heapend - 4), (int *)(MAXVA - 4)};
  for (uint i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    if (pipe(bad[i]) != -1)
      fail("pipe(%p) did not return -1", bad[i]);
  if (freefds() != before)
    fail("failed pipe calls used up descriptors (%d free, %d before)",
         freefds(), before);
}

static void
t_pipe_close(void)
{
  int p[2];
  char buf[16];
  /* All writers gone: the rest of the data, then 0. */
  if (pipe(p) < 0)
    fail("pipe failed");
  xwrite(p[1], "abcde", 5);
  close(p[1]);
  if (read(p[0], buf, 16) != 5 || read(p[0], buf, 16) != 0)
    fail("reads after the writer closed");
  close(p[0]);
  /* All readers gone: write fails, and the writer lives on. */
  if (pipe(p) < 0)
    fail("pipe failed");
  close(p[0]);
  if (write(p[1], "x", 1) != -1)
    fail("write with no reader did not return -1");
  close(p[1]);
  /* A reader blocked in another process wakes when the writer closes. */
  if (pipe(p) < 0)
    fail("pipe failed");
  int pid = xfork();
  if (pid == 0) {
    close(p[1]);
    exit(read(p[0], buf, 1) == 0 ? 0 : 1);
  }
  close(p[0]);
  sleep(2);
  close(p[1]);
  expect_status(pid, 0, "blocked reader");
  /* A writer blocked on a full pipe gets -1 when the reader closes. */
  if (pipe(p) < 0)
    fail("pipe failed");
  pid = xfork();
  if (pid == 0) {
    static char big[PIPESIZE];
    close(p[0]);
    for (int i = 0; i < 64; i++)
      if (write(p[1], big, sizeof(big)) < 0)
        exit(0);
    exit(1);
  }
  close(p[1]);
  sleep(2);
  read(p[0], buf, 16);
  close(p[0]);
  expect_status(pid, 0, "blocked writer");
}

static void
t_pipe_big(void)
{
  enum { TOTAL = 1 << 20 };
  static char buf[3001];
  int p[2];
  if (pipe(p) < 0)
    fail("pipe failed");
  int pid = xfork();
  if (pid == 0) {
    close(p[0]);
    for (int off = 0, k = 0; off < TOTAL; k++) {
      int m = 1 + (k * 997) % 3000;
      if (m > TOTAL - off)
        m = TOTAL - off;
      fillpat(buf, m, 15, off);
      xwrite(p[1], buf, m);
      off += m;
    }
    exit(0);
  }
  close(p[1]);
  int total = 0, r, k = 0;
  uint sum = 0;
  while ((r = read(p[0], buf, 1 + (k++ * 389) % 3000)) > 0) {
    int bad = checkpat(buf, r, 15, total);
    if (bad >= 0)
      fail("byte %d is wrong", total + bad);
    for (int i = 0; i < r; i++)
      sum = sum * 31 + (uchar)buf[i];
    total += r;
  }
  if (r < 0)
    fail("read returned %d", r);
  close(p[0]);
  expect_status(pid, 0, "writer");
  if (total != TOTAL)
    fail("%d bytes arrived, %d sent", total, TOTAL);
}

static void
t_pipe_many(void)
{
  enum { NW = 4, NR = 3, PERW = 64 * 1024 };
  int p[2], res[2];
  if (pipe(p) < 0 || pipe(res) < 0)
    fail("pipe failed");
  for (int w = 0; w < NW; w++) {
    if (xfork() == 0) {
      static char buf[777];
      close(p[0]);
      close(res[0]);
      close(res[1]);
      for (int off = 0; off < PERW;) {
        int m = PERW - off < (int)sizeof(buf) ? PERW - off : (int)sizeof(buf);
        fillpat(buf, m, 16 + w, off);
        xwrite(p[1], buf, m);
        off += m;
      }
      exit(0);
    }
  }
  for (int r = 0; r < NR; r++) {
    if (xfork() == 0) {
      static char buf[500];
      uint64 got[2] = {0, 0}; /* bytes, sum */
      int n;
      close(p[1]);
      close(res[0]);
      while ((n = read(p[0], buf, sizeof(buf))) > 0) {
        got[0] += n;
        for (int i = 0; i < n; i++)
          got[1] += (uchar)buf[i];
      }
      xwrite(res[1], got, sizeof(got));
      exit(n == 0 ? 0 : 1);
    }
  }
  close(p[0]);
  close(p[1]);
  close(res[1]);
  uint64 bytes = 0, sum = 0, want = 0, got[2];
  for (int r = 0; r < NR; r++) {
    if (read(res[0], got, sizeof(got)) != sizeof(got))
      fail("a reader did not report");
    bytes += got[0];
    sum += got[1];
  }
  close(res[0]);
  for (int i = 0; i < NW + NR; i++) {
    int st = -12345;
    if (wait(&st) < 0 || st != 0)
      fail("a reader or writer exited with %d", st);
  }
  for (int w = 0; w < NW; w++)
    for (int i = 0; i < PERW; i++)
      want += pat(16 + w, i);
  if (bytes != (uint64)NW * PERW || sum != want)
    fail("readers got %d bytes with sum %d; %d bytes with sum %d were sent",
         (int)bytes, (int)sum, NW * PERW, (int)want);
}

const struct utest utests_pipe[] = {
    {t_pipe_basic, "pipe_basic", 1, 30},
    {t_pipe_close, "pipe_close", 1, 30},
    {t_pipe_big, "pipe_big", 1, 60},
    {t_pipe_many, "pipe_many", 1, 60},
    {0, 0, 0, 0},
};

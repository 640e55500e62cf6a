/*
 * utests, the user library: malloc and free (alignment, contents kept,
 * free blocks merging back, an impossible request), snprintf (every
 * conversion, widths and flags, cutting short, the length it returns)
 * and printf's promise that one call's line is written in one piece.
 */
#include "user/utests/utest.h"

#define NBLOCKS 200

static void
t_malloc(void)
{
  static char *blk[NBLOCKS];
  static uint size[NBLOCKS];

  for (int round = 0; round < 3; round++) {
    for (int i = 0; i < NBLOCKS; i++) {
      size[i] = (i * 37 + round * 101) % 3000;
      blk[i] = malloc(size[i]);
      if (blk[i] == 0)
        fail("malloc(%u) returned 0", size[i]);
      if ((uint64)blk[i] % 16 != 0)
        fail("malloc returned %p, not 16-byte aligned", blk[i]);
      memset(blk[i], i & 0xff, size[i]);
    }
    /* Free every other block, then check the rest kept their bytes. */
    for (int i = 0; i < NBLOCKS; i += 2)
      free(blk[i]);
    for (int i = 1; i < NBLOCKS; i += 2) {
      for (uint j = 0; j < size[i]; j++)
        if ((uchar)blk[i][j] != (i & 0xff))
          fail("block %d was overwritten at byte %u", i, j);
      free(blk[i]);
    }
  }
  /* All freed: the pieces must have merged back into room for one big
   * block without growing the heap. */
  char *brk = sbrk(0);
  char *big = malloc(200 * 1000);
  if (big == 0)
    fail("malloc of a 200000-byte block failed");
  if (sbrk(0) != brk)
    fail("freed blocks were not merged (the heap grew)");
  free(big);
  if (malloc(0x7fffffff) != 0)
    fail("an impossible malloc succeeded");
}

/* snprintf(fmt, ...) must give want, and return its length. */
static void
expect_fmt(const char *want, const char *fmt, ...)
{
  char buf[64];
  __builtin_va_list ap;
  __builtin_va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof(buf), fmt, ap);
  __builtin_va_end(ap);
  if (strcmp(buf, want) != 0)
    fail("snprintf(\"%s\") gave \"%s\", expected \"%s\"", fmt, buf, want);
  if (n != (int)strlen(want))
    fail("snprintf(\"%s\") returned %d, expected %d", fmt, n, strlen(want));
}

static void
t_snprintf(void)
{
  expect_fmt("-42 42 7fffffff", "%d %u %x", -42, 42, 0x7fffffff);
  expect_fmt("-9223372036854775808", "%ld", (long)(1UL << 63));
  expect_fmt("18446744073709551615 ffffffffffffffff", "%lu %lx", ~0UL, ~0UL);
  expect_fmt("0x0000000000001000", "%p", (void *)0x1000);
  expect_fmt("[ab   ][   ab][007][-07]", "[%-5s][%5s][%03d][%03d]", "ab", "ab",
             7, -7);
  expect_fmt("[  x][x  ][0042]", "[%*c][%-*c][%0*d]", 3, 'x', 3, 'x', 4, 42);
  expect_fmt("(null) % %q", "%s %% %q", (char *)0);

  /* Cut short: at most size-1 characters and a NUL; the return value is
   * the length of the whole result. */
  char buf[8];
  memset(buf, 'z', sizeof(buf));
  int n = snprintf(buf, 5, "%s", "abcdefgh");
  if (n != 8 || strcmp(buf, "abcd") != 0 || buf[5] != 'z')
    fail("snprintf into 5 bytes: returned %d, gave \"%s\"", n, buf);
  buf[0] = 'z';
  n = snprintf(buf, 0, "%d", 12345);
  if (n != 5 || buf[0] != 'z')
    fail("snprintf into 0 bytes: returned %d or wrote", n);
}

/* Children print lines into one pipe at once: every line must arrive
 * whole (printf writes each call's output with one write). */
static void
t_printf_lines(void)
{
  enum { NCHILD = 4, NLINE = 20 };
  static const char tail[] = " abcdefghijklmnopqrstuvwxyz\n";
  int p[2];
  if (pipe(p) < 0)
    fail("pipe failed");
  for (int c = 0; c < NCHILD; c++) {
    if (xfork() == 0) {
      close(p[0]);
      for (int l = 0; l < NLINE; l++)
        fprintf(p[1], "child %d line %02d%s", c, l, tail);
      exit(0);
    }
  }
  close(p[1]);
  static char text[NCHILD * NLINE * 64];
  int len = 0, r;
  while (len < (int)sizeof(text) - 1 &&
         (r = read(p[0], text + len, sizeof(text) - 1 - len)) > 0)
    len += r;
  close(p[0]);
  text[len] = '\0';
  for (int c = 0; c < NCHILD; c++) {
    int st = -1;
    if (wait(&st) < 0 || st != 0)
      fail("a printing child exited with status %d", st);
  }
  int lines = 0;
  for (char *s = text; *s; lines++) {
    char *nl = strchr(s, '\n');
    int c, l;
    if (nl == 0)
      fail("the output ends in the middle of a line");
    *nl = '\0';
    char want[64];
    c = s[6] - '0'; /* "child C line LL ..." */
    l = atoi(s + 13);
    snprintf(want, sizeof(want), "child %d line %02d%s", c, l, tail);
    want[strlen(want) - 1] = '\0';
    if (strcmp(s, want) != 0)
      fail("line %d came out broken: \"%s\"", lines + 1, s);
    s = nl + 1;
  }
  if (lines != NCHILD * NLINE)
    fail("%d lines arrived, expected %d", lines, NCHILD * NLINE);
}

const struct utest utests_ulib[] = {
    {t_malloc, "malloc", 1, 30},
    {t_snprintf, "snprintf", 1, 30},
    {t_printf_lines, "printf_lines", 1, 30},
    {0, 0, 0, 0},
};

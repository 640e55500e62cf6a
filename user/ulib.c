/*
 * The user library's small routines: program start-up, strings, memory,
 * reading a line, stat(), atoi() and the two heap wrappers of sys_sbrk.
 *
 * _start is the entry point user.ld names: the kernel's exec jumps there
 * with a0 = argc, a1 = argv and sp at the top of the new stack, so it can
 * be an ordinary C function.  Whatever main returns goes to exit, which is
 * how "return n" from main equals "exit(n)".
 *
 * The string and memory functions are plain byte loops.  GCC may turn a
 * byte loop into a call to memset or memcpy, which inside memset itself
 * would recurse forever, so this file is compiled with that pattern
 * matching off.
 */
#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/vm.h"
#include "user/user.h"

#pragma GCC optimize("no-tree-loop-distribute-patterns")

int main(int, char **);
void _start(int, char **) __attribute__((noreturn));

__attribute__((section(".text.start"))) void
_start(int argc, char **argv)
{
  exit(main(argc, argv));
}

char *
strcpy(char *dst, const char *src)
{
  char *d = dst;
  while ((*d++ = *src++) != 0)
    ;
  return dst;
}

int
strcmp(const char *a, const char *b)
{
  while (*a && *a == *b) {
    a++;
    b++;
  }
  return (uchar)*a - (uchar)*b;
}

uint
strlen(const char *s)
{
  uint n = 0;
  while (s[n])
    n++;
  return n;
}

void *
memset(void *dst, int c, uint n)
{
  uchar *d = dst;
  for (uint i = 0; i < n; i++)
    d[i] = (uchar)c;
  return dst;
}

char *
strchr(const char *s, char c)
{
  for (; *s; s++)
    if (*s == c)
      return (char *)s;
  return 0;
}

/* Read a line from fd 0: stops after a newline (which is kept), at end of
 * input, or when max-1 bytes are in; always NUL-terminated. */
char *
gets(char *buf, int max)
{
  int i = 0;
  while (i + 1 < max) {
    char c;
    if (read(0, &c, 1) < 1)
      break;
    buf[i++] = c;
    if (c == '\n' || c == '\r')
      break;
  }
  if (max > 0)
    buf[i] = 0;
  return buf;
}

int
stat(const char *path, struct stat *st)
{
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return -1;
  int r = fstat(fd, st);
  close(fd);
  return r;
}

/* Decimal, with optional leading blanks and sign; stops at a non-digit. */
int
atoi(const char *s)
{
  int neg = 0, n = 0;
  while (*s == ' ' || *s == '\t')
    s++;
  if (*s == '-' || *s == '+')
    neg = *s++ == '-';
  while (*s >= '0' && *s <= '9')
    n = n * 10 + (*s++ - '0');
  return neg ? -n : n;
}

/* Copies correctly when the ranges overlap, in either direction. */
void *
memmove(void *dst, const void *src, int n)
{
  uchar *d = dst;
  const uchar *s = src;
  if (n <= 0 || d == s)
    return dst;
  if (d < s || d >= s + n) {
    for (int i = 0; i < n; i++)
      d[i] = s[i];
  } else {
    for (int i = n - 1; i >= 0; i--)
      d[i] = s[i];
  }
  return dst;
}

int
memcmp(const void *a, const void *b, uint n)
{
  const uchar *x = a, *y = b;
  for (uint i = 0; i < n; i++)
    if (x[i] != y[i])
      return x[i] - y[i];
  return 0;
}

void *
memcpy(void *dst, const void *src, uint n)
{
  return memmove(dst, src, (int)n);
}

/* The 2022 API's sbrk(n) is the 2025 call growing eagerly. */
char *
sbrk(int n)
{
  return sys_sbrk(n, SBRK_EAGER);
}

char *
sbrklazy(int n)
{
  return sys_sbrk(n, SBRK_LAZY);
}

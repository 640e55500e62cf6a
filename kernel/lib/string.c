/*
 * Memory and string functions.  GCC may also emit calls to memset, memcpy
 * and memmove on its own (struct copies, zeroing), so they must exist with
 * exactly these names.  Word-at-a-time loops, eight words a round, when
 * both pointers allow it: page zeroing and copying are on the fork and
 * exec paths.
 */
#include "kernel/lib/lib.h"

void *
memset(void *dst, int c, uint64 n)
{
  uchar *d = dst;
  if ((((uint64)d | n) & 7) == 0) {
    uint64 v = (uchar)c;
    v |= v << 8;
    v |= v << 16;
    v |= v << 32;
    uint64 *w = dst;
    for (; n >= 64; n -= 64, w += 8) { /* a whole page in 64 rounds */
      w[0] = v;
      w[1] = v;
      w[2] = v;
      w[3] = v;
      w[4] = v;
      w[5] = v;
      w[6] = v;
      w[7] = v;
    }
    for (; n; n -= 8)
      *w++ = v;
    return dst;
  }
  while (n--)
    *d++ = c;
  return dst;
}

void *
memmove(void *dst, const void *src, uint64 n)
{
  uchar *d = dst;
  const uchar *s = src;
  if (d == s || n == 0)
    return dst;
  if (d < s || d >= s + n) {
    if ((((uint64)d | (uint64)s | n) & 7) == 0) {
      uint64 *wd = dst;
      const uint64 *ws = src;
      for (; n >= 64; n -= 64, wd += 8, ws += 8) { /* eight words a round */
        uint64 a = ws[0], b = ws[1], c = ws[2], e = ws[3];
        uint64 f = ws[4], g = ws[5], h = ws[6], k = ws[7];
        wd[0] = a;
        wd[1] = b;
        wd[2] = c;
        wd[3] = e;
        wd[4] = f;
        wd[5] = g;
        wd[6] = h;
        wd[7] = k;
      }
      for (; n; n -= 8)
        *wd++ = *ws++;
    } else {
      while (n--)
        *d++ = *s++;
    }
  } else {
    /* Overlapping with dst above src: copy from the end. */
    d += n;
    s += n;
    while (n--)
      *--d = *--s;
  }
  return dst;
}

void *
memcpy(void *dst, const void *src, uint64 n)
{
  return memmove(dst, src, n);
}

int
memcmp(const void *a, const void *b, uint64 n)
{
  const uchar *x = a, *y = b;
  for (; n; n--, x++, y++)
    if (*x != *y)
      return *x - *y;
  return 0;
}

uint64
strlen(const char *s)
{
  uint64 n = 0;
  while (s[n])
    n++;
  return n;
}

int
strncmp(const char *a, const char *b, uint64 n)
{
  for (; n > 0; n--, a++, b++) {
    if (*a != *b)
      return (uchar)*a - (uchar)*b;
    if (*a == '\0')
      return 0;
  }
  return 0;
}

char *
strncpy(char *dst, const char *src, int n)
{
  char *d = dst;
  while (n > 0 && *src) {
    *d++ = *src++;
    n--;
  }
  while (n-- > 0)
    *d++ = '\0';
  return dst;
}

char *
safestrcpy(char *dst, const char *src, int n)
{
  if (n <= 0)
    return dst;
  int i = 0;
  for (; i < n - 1 && src[i]; i++)
    dst[i] = src[i];
  dst[i] = '\0';
  return dst;
}

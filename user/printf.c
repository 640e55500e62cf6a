/*
 * Formatted output for user programs: printf, fprintf, vprintf, vfprintf,
 * and formatting into memory: snprintf, vsnprintf.
 *
 * Conversions: %d %i %u %x %p %s %c %%, with an l or ll prefix for 64-bit
 * integers (%ld %lu %lx %lld ...), an optional '-' (left-justify) or '0'
 * (zero-pad) flag and a field width, as in "%-10s" or "%08x" (or "*": the
 * width is the next argument).  An unknown
 * conversion is printed as it was written.
 *
 * Output is collected in a buffer on the caller's stack and handed to
 * write() when the call ends (or the buffer fills), so a line printed by
 * one call reaches the console in one piece even while other processes
 * print: lines interleave, characters do not.
 *
 * One formatter (format()) serves both: it hands each character to put(),
 * which either buffers it for a descriptor or stores it into the caller's
 * string, so printf and snprintf can never disagree about a conversion.
 */
#include "kernel/types.h"
#include "user/user.h"

#define OUTBUF 256

/* Where formatted characters go: a descriptor (through buf) when fd >= 0,
 * else the string str of size bytes (len counts every character produced,
 * stored or not, as snprintf returns it). */
struct out {
  int fd;
  int n;
  char buf[OUTBUF];
  char *str;
  int size;
  int len;
};

static void
flush(struct out *o)
{
  if (o->fd >= 0 && o->n > 0)
    write(o->fd, o->buf, o->n);
  o->n = 0;
}

static void
put(struct out *o, char c)
{
  if (o->fd < 0) {
    if (o->len + 1 < o->size)
      o->str[o->len] = c;
    o->len++;
    return;
  }
  if (o->n == OUTBUF)
    flush(o);
  o->buf[o->n++] = c;
}

static void
pad(struct out *o, int count, char c)
{
  while (count-- > 0)
    put(o, c);
}

/* Emit s (len bytes) in a field of the given width. */
static void
field(struct out *o, const char *s, int len, int width, int left, char fill)
{
  if (!left) {
    /* Zero padding goes after a minus sign, not before it. */
    if (fill == '0' && len > 0 && s[0] == '-') {
      put(o, '-');
      s++;
      len--;
      width--;
    }
    pad(o, width - len, fill);
  }
  for (int i = 0; i < len; i++)
    put(o, s[i]);
  if (left)
    pad(o, width - len, ' ');
}

/* Digits of v in base into the end of tmp; returns where they start. */
static char *
digits(char *end, uint64 v, int base, int neg)
{
  static const char hex[] = "0123456789abcdef";
  char *p = end;
  do {
    *--p = hex[v % base];
    v /= base;
  } while (v != 0);
  if (neg)
    *--p = '-';
  return p;
}

/* Format fmt with the arguments ap into o. */
static void
format(struct out *o, const char *fmt, __builtin_va_list ap)
{
  char tmp[24]; /* 64-bit value in decimal with sign, or "0x" + 16 digits */
  char *end = tmp + sizeof(tmp);

  for (; *fmt; fmt++) {
    if (*fmt != '%') {
      put(o, *fmt);
      continue;
    }
    const char *start = fmt++;
    int left = 0, width = 0, longs = 0;
    char fill = ' ';
    for (; *fmt == '-' || *fmt == '0'; fmt++) {
      if (*fmt == '-')
        left = 1;
      else
        fill = '0';
    }
    if (*fmt == '*') {
      /* The width from the argument list; a negative one left-justifies. */
      width = __builtin_va_arg(ap, int);
      if (width < 0) {
        left = 1;
        width = -width;
      }
      fmt++;
    }
    while (*fmt >= '0' && *fmt <= '9')
      width = width * 10 + (*fmt++ - '0');
    while (*fmt == 'l') {
      longs++;
      fmt++;
    }
    if (left)
      fill = ' ';

    char *p;
    switch (*fmt) {
    case 'd':
    case 'i': {
      long v = longs ? __builtin_va_arg(ap, long) : __builtin_va_arg(ap, int);
      uint64 mag = v < 0 ? -(uint64)v : (uint64)v;
      p = digits(end, mag, 10, v < 0);
      field(o, p, end - p, width, left, fill);
      break;
    }
    case 'u':
    case 'x': {
      uint64 v = longs ? __builtin_va_arg(ap, unsigned long)
                       : __builtin_va_arg(ap, unsigned int);
      p = digits(end, v, *fmt == 'u' ? 10 : 16, 0);
      field(o, p, end - p, width, left, fill);
      break;
    }
    case 'p': {
      void *ptr = __builtin_va_arg(ap, void *);
      uint64 v = (uint64)ptr;
      p = end;
      for (int i = 0; i < 16; i++, v >>= 4)
        *--p = "0123456789abcdef"[v & 0xf];
      *--p = 'x';
      *--p = '0';
      field(o, p, end - p, width, left, ' ');
      break;
    }
    case 's': {
      const char *s = __builtin_va_arg(ap, const char *);
      if (s == 0)
        s = "(null)";
      field(o, s, strlen(s), width, left, ' ');
      break;
    }
    case 'c': {
      char c = (char)__builtin_va_arg(ap, int);
      field(o, &c, 1, width, left, ' ');
      break;
    }
    case '%':
      put(o, '%');
      break;
    case 0:
      /* A lone '%' at the end: print it and stop. */
      for (; start < fmt; start++)
        put(o, *start);
      fmt--;
      break;
    default:
      for (; start <= fmt; start++)
        put(o, *start);
      break;
    }
  }
}

void
vfprintf(int fd, const char *fmt, __builtin_va_list ap)
{
  struct out o;
  o.fd = fd;
  o.n = 0;
  o.str = 0;
  o.size = o.len = 0;
  format(&o, fmt, ap);
  flush(&o);
}

/* Like C's vsnprintf: at most size-1 characters and a NUL into str (nothing
 * when size is 0); returns how many characters the whole result has, so a
 * return >= size means it was cut short. */
int
vsnprintf(char *str, int size, const char *fmt, __builtin_va_list ap)
{
  struct out o;
  o.fd = -1;
  o.n = 0;
  o.str = str;
  o.size = size;
  o.len = 0;
  format(&o, fmt, ap);
  if (size > 0)
    str[o.len < size ? o.len : size - 1] = '\0';
  return o.len;
}

int
snprintf(char *str, int size, const char *fmt, ...)
{
  __builtin_va_list ap;
  __builtin_va_start(ap, fmt);
  int n = vsnprintf(str, size, fmt, ap);
  __builtin_va_end(ap);
  return n;
}

void
vprintf(const char *fmt, __builtin_va_list ap)
{
  vfprintf(1, fmt, ap);
}

void
fprintf(int fd, const char *fmt, ...)
{
  __builtin_va_list ap;
  __builtin_va_start(ap, fmt);
  vfprintf(fd, fmt, ap);
  __builtin_va_end(ap);
}

void
printf(const char *fmt, ...)
{
  __builtin_va_list ap;
  __builtin_va_start(ap, fmt);
  vfprintf(1, fmt, ap);
  __builtin_va_end(ap);
}

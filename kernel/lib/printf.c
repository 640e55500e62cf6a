/*
 * Kernel formatted output and panic.
 *
 * printf formats into a line buffer on the stack and hands each full
 * buffer to the console while holding the console lock for the whole call,
 * so a line from one hart never interleaves with another's.  After a panic
 * the lock is bypassed (its holder may be the hart that panicked) and the
 * other harts stop printing.
 *
 * printf and panic sit at the bottom of the kernel and call nothing above
 * it: the console, the way to stop the other harts and the power switch
 * come from struct lib_hooks, which kmain() registers before the first
 * line is printed (lib_set_hooks).  Until then printf prints nothing and
 * a panic only stops its hart.
 *
 * Locks: the console's output lock (hooks->console_lock), taken with
 * interrupts off; nothing is acquired inside it except the UART's transmit
 * path, which takes no lock.
 */
#include "kernel/lib/lib.h"
#include "kernel/arch/csr.h"
#include "kernel/memlayout.h"
#include "kernel/lock/lock.h"

volatile int panicking;
static const struct lib_hooks *hooks;

void
lib_set_hooks(const struct lib_hooks *h)
{
  hooks = h;
}

/* An output sink: a bounded buffer, flushed to the console when full. */
struct sink {
  char *buf;
  int size, len;
  int total;   /* characters produced, including those cut off */
  int console; /* flush to the console when full, instead of dropping */
};

static void
sink_flush(struct sink *s)
{
  if (s->console && s->len > 0 && hooks)
    hooks->console_write(s->buf, s->len);
  s->len = 0;
}

static void
put(struct sink *s, char c)
{
  s->total++;
  if (s->len == s->size) {
    if (!s->console)
      return;
    sink_flush(s);
  }
  s->buf[s->len++] = c;
}

static void
put_uint(struct sink *s, uint64 x, int base, int width)
{
  static const char digits[] = "0123456789abcdef";
  char tmp[24];
  int i = 0;
  do {
    tmp[i++] = digits[x % base];
    x /= base;
  } while (x);
  while (i < width)
    tmp[i++] = '0';
  while (i > 0)
    put(s, tmp[--i]);
}

static void
format(struct sink *s, const char *fmt, va_list ap)
{
  for (; *fmt; fmt++) {
    if (*fmt != '%') {
      put(s, *fmt);
      continue;
    }
    fmt++;
    int islong = 0;
    while (*fmt == 'l') {
      islong = 1;
      fmt++;
    }
    switch (*fmt) {
    case 'd': {
      long v = islong ? va_arg(ap, long) : va_arg(ap, int);
      if (v < 0) {
        put(s, '-');
        put_uint(s, -(uint64)v, 10, 0);
      } else {
        put_uint(s, v, 10, 0);
      }
      break;
    }
    case 'u':
      put_uint(s, islong ? va_arg(ap, uint64) : va_arg(ap, uint), 10, 0);
      break;
    case 'x':
      put_uint(s, islong ? va_arg(ap, uint64) : va_arg(ap, uint), 16, 0);
      break;
    case 'p':
      put(s, '0');
      put(s, 'x');
      put_uint(s, (uint64)va_arg(ap, void *), 16, 16);
      break;
    case 's': {
      const char *str = va_arg(ap, const char *);
      if (str == 0)
        str = "(null)";
      while (*str)
        put(s, *str++);
      break;
    }
    case 'c':
      put(s, (char)va_arg(ap, int));
      break;
    case '%':
      put(s, '%');
      break;
    case '\0':
      put(s, '%');
      return;
    default:
      /* Unknown directive: show it as written. */
      put(s, '%');
      put(s, *fmt);
      break;
    }
  }
}

int
vsnprintf(char *buf, int size, const char *fmt, va_list ap)
{
  if (size <= 0)
    return 0;
  struct sink s = {buf, size - 1, 0, 0, 0};
  format(&s, fmt, ap);
  buf[s.len] = '\0';
  return s.total;
}

int
snprintf(char *buf, int size, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, size, fmt, ap);
  va_end(ap);
  return n;
}

static void
vprint(const char *fmt, va_list ap)
{
  char line[128];
  struct sink s = {line, sizeof(line), 0, 0, 1};
  format(&s, fmt, ap);
  sink_flush(&s);
}

void
printf(const char *fmt, ...)
{
  va_list ap;
  if (hooks == 0)
    return;
  if (panicking) {
    /* Only the panicking hart prints; the others are being stopped. */
    if (holding(hooks->console_lock))
      ;
    else if (panicking != cpuid() + 1)
      for (;;)
        wfi();
  }
  int locked = !panicking;
  if (locked)
    acquire(hooks->console_lock);
  va_start(ap, fmt);
  vprint(fmt, ap);
  va_end(ap);
  if (locked)
    release(hooks->console_lock);
}

/* The function table added by the second link (tools/ksyms.sh). */
extern const uint64 ksyms_count;
extern const uint64 ksyms_addr[];
extern const char *const ksyms_name[];

const char *
ksym_name(uint64 pc, uint64 *offset)
{
  uint64 lo = 0, hi = ksyms_count;
  while (hi - lo > 1) {
    uint64 mid = (lo + hi) / 2;
    if (ksyms_addr[mid] <= pc)
      lo = mid;
    else
      hi = mid;
  }
  if (ksyms_count == 0 || ksyms_addr[lo] > pc)
    return 0;
  *offset = pc - ksyms_addr[lo];
  return ksyms_name[lo];
}

/* Print pc as name+offset when the table knows it. */
static void
print_pc(uint64 pc)
{
  uint64 off;
  const char *name = ksym_name(pc, &off);
  if (name)
    printf("  %p <%s+0x%lx>\n", (void *)pc, name, off);
  else
    printf("  %p\n", (void *)pc);
}

void
backtrace(void)
{
  /* With frame pointers, fp-8 holds the return address and fp-16 the
   * caller's fp.  Stop at anything that does not look like a kernel stack
   * frame rather than fault while reporting a fault. */
  uint64 fp = r_fp();
  uint64 lo = KERNBASE, hi = hooks ? hooks->ram_end : 0;
  printf("backtrace:\n");
  for (int depth = 0; depth < 32; depth++) {
    if (fp < lo + 16 || fp >= hi || (fp & 7))
      break;
    uint64 ra = *(uint64 *)(fp - 8);
    uint64 prev = *(uint64 *)(fp - 16);
    if (ra < KERNBASE || ra >= hi)
      break; /* reached user code or garbage */
    print_pc(ra - 4);
    if (prev <= fp)
      break;
    fp = prev;
  }
}

/* The end of a panic: power off as a failure, or (before the hooks are
 * set) stop here. */
static void __attribute__((noreturn)) halt_failed(void)
{
  if (hooks)
    hooks->power_off_failed();
  for (;;)
    wfi();
}

/* A line through the path that needs no lock and no driver. */
static void
raw_puts(const char *m)
{
  if (hooks)
    hooks->raw_puts(m);
}

void
panic(const char *fmt, ...)
{
  static char first[160]; /* the first panic's message, for a second one */
  char line[160];
  va_list ap;

  intr_off();
  int me = cpuid();
  va_start(ap, fmt);
  vsnprintf(line, sizeof(line), fmt, ap);
  va_end(ap);

  /* The first hart to panic wins; the others stop. */
  if (__sync_val_compare_and_swap(&panicking, 0, me + 1) != 0) {
    if (panicking == me + 1) {
      /* Panicked while reporting a panic: the console path itself may be
       * what broke, so report both through OpenSBI's console instead. */
      char hart[2] = {(char)('0' + me), 0};
      raw_puts("\nldx: panic while reporting a panic on hart ");
      raw_puts(hart);
      raw_puts("\n  first: ");
      raw_puts(first);
      raw_puts("\n  then:  ");
      raw_puts(line);
      raw_puts("\n");
      halt_failed();
    }
    for (;;)
      wfi();
  }
  safestrcpy(first, line, sizeof(first));
  if (hooks)
    hooks->stop_others(); /* the others see panicking and stop */
  printf("\npanic on hart %d: %s\n", me, line);
  backtrace();
  printf("ldx: halted after panic\n");
  halt_failed();
}

#if SANITIZE
/* Stack canaries (-fstack-protector-strong): a function whose frame was
 * overrun finds this value changed on return and calls the handler. */
uint64 __stack_chk_guard = 0x5a1d0c0ffee1dc0dUL;
__attribute__((noreturn)) void __stack_chk_fail(void);
void
__stack_chk_fail(void)
{
  panic("stack smashing detected (canary overwritten)");
}
#endif

/*
 * The kernel's small C library: formatted console output, panic, and the
 * string and memory functions the compiler and the kernel need.
 * printf() and panic() are safe to call from any hart at any time; a line
 * is formatted first and then written under the console lock, so lines
 * from different harts never interleave.
 */
#ifndef LDX_LIB_H
#define LDX_LIB_H

#include "kernel/types.h"
#include "kernel/arch/cpu.h" /* evlog_record: cpuid(), intr_save() */
#include <stdarg.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* printf.c: %d %u %x %p %s %c %% and the l-prefixed %ld %lu %lx. */
void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int snprintf(char *buf, int size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, int size, const char *fmt, va_list ap);

/* Print "panic on hart N: message", a backtrace, stop all harts, power off. */
__attribute__((noreturn)) void panic(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Print the return addresses of the current call chain (frame pointers). */
void backtrace(void);
/* The kernel function containing pc, and pc's offset in it; 0 if unknown. */
const char *ksym_name(uint64 pc, uint64 *offset);

/* Set once a hart panics: the others stop printing and halt. */
extern volatile int panicking;

/* printf.c: what printf and panic need from the layers above them,
 * registered once at boot by kmain() (the only place that knows them all). */
struct spinlock;
struct lib_hooks {
  /* The console (kernel/dev/console.c): write n bytes, with console_lock
   * held, for a whole printf call. */
  void (*console_write)(const char *s, int n);
  struct spinlock *console_lock;
  /* A path that needs no lock and no driver (OpenSBI's console), for a
   * panic during a panic. */
  void (*raw_puts)(const char *s);
  /* Interrupt every other hart: they see panicking and stop. */
  void (*stop_others)(void);
  /* Power off, telling QEMU that this was a failure. */
  __attribute__((noreturn)) void (*power_off_failed)(void);
  /* The end of RAM: a backtrace follows frame pointers only below it. */
  uint64 ram_end;
};
void lib_set_hooks(const struct lib_hooks *h);

/* evlog.c: the event log (kernel/evlog.h), one ring per hart, written
 * only by its own hart with interrupts off, so recording takes no lock. */
struct evring {
  uint64 head; /* events ever recorded; the newest is at (head-1) % size */
  uint64 tail; /* events before this one were read out or overwritten */
  struct event ev[EVLOG_PER_HART];
};
extern struct evring evlog_rings[NCPU];

/* Record an event on this hart's ring; any context.  Inline, and a time
 * read and a few stores: every trap from user mode records one. */
static inline __attribute__((always_inline)) void
evlog_record(int type, int pid, uint64 arg)
{
  uint64 s = intr_save(); /* push_off's bookkeeping costs more than this */
  int h = cpuid();
  struct evring *r = &evlog_rings[h];
  uint64 n = r->head;
  struct event *e = &r->ev[n % EVLOG_PER_HART];
  e->time = r_time();
  e->arg = arg;
  e->pid = pid;
  e->hart = h;
  e->type = type;
  r->head = n + 1;
  intr_restore(s);
}

int evlog_drain(int max, int (*put)(const struct event *e, int n, void *arg),
                void *arg);

#define assert(cond)                                                           \
  do {                                                                         \
    if (!(cond))                                                               \
      panic("assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__);        \
  } while (0)

/* string.c */
void *memset(void *dst, int c, uint64 n);
void *memmove(void *dst, const void *src, uint64 n);
void *memcpy(void *dst, const void *src, uint64 n);
int memcmp(const void *a, const void *b, uint64 n);
uint64 strlen(const char *s);
int strncmp(const char *a, const char *b, uint64 n);
char *strncpy(char *dst, const char *src, int n);
/* Like strncpy but always NUL-terminates. */
char *safestrcpy(char *dst, const char *src, int n);

#endif

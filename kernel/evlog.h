/*
 * The kernel event log: what each hart did, with timestamps, for tracing
 * and for the timeline picture (tools/timeline.py).  Shared with user
 * programs, which read the log with evlog().  An ldx extension.
 */
#ifndef LDX_EVLOG_H
#define LDX_EVLOG_H

#include "kernel/types.h"

enum evtype {
  EV_TRAP =
      1, /* a trap from user mode other than a system call; arg = scause */
  EV_SYSCALL = 2, /* a system call entered; arg = its number (a7) */
  EV_SWITCH = 3,  /* the hart switched to pid (0: back to the scheduler);
                   arg = the pid it switched from (0: the scheduler) */
  EV_TIMER = 4,   /* a timer interrupt */
  EV_EXIT = 5,    /* pid exited; arg = status */
};

struct event {
  uint64 time; /* the time CSR; timebase() gives its rate */
  uint64 arg;
  int pid; /* the process running (or switched to) */
  ushort hart;
  ushort type; /* enum evtype */
};

/*
 * Trap causes: the scause codes with their names, the one list behind the
 * kernel's SCAUSE_... and IRQ_S_... constants (kernel/arch/csr.h), its
 * messages ("load page fault at sepc=...") and the notes evdump prints
 * for EV_TRAP events.  X(constant, code, name); an interrupt's scause is
 * its code with bit 63 (SCAUSE_INTERRUPT) set.
 */
#define TRAP_EXCEPTIONS(X)                                                     \
  X(SCAUSE_MISALIGNED_FETCH, 0, "misaligned instruction fetch")                \
  X(SCAUSE_FETCH_ACCESS, 1, "instruction access fault")                        \
  X(SCAUSE_ILLEGAL_INSN, 2, "illegal instruction")                             \
  X(SCAUSE_BREAKPOINT, 3, "breakpoint")                                        \
  X(SCAUSE_MISALIGNED_LOAD, 4, "misaligned load")                              \
  X(SCAUSE_LOAD_ACCESS, 5, "load access fault")                                \
  X(SCAUSE_MISALIGNED_STORE, 6, "misaligned store")                            \
  X(SCAUSE_STORE_ACCESS, 7, "store access fault")                              \
  X(SCAUSE_ECALL_U, 8, "system call from user mode")                           \
  X(SCAUSE_ECALL_S, 9, "ecall from supervisor mode")                           \
  X(SCAUSE_FETCH_PAGE_FAULT, 12, "instruction page fault")                     \
  X(SCAUSE_LOAD_PAGE_FAULT, 13, "load page fault")                             \
  X(SCAUSE_STORE_PAGE_FAULT, 15, "store page fault")
#define TRAP_INTERRUPTS(X)                                                     \
  X(IRQ_S_SOFT, 1, "software interrupt")                                       \
  X(IRQ_S_TIMER, 5, "timer interrupt")                                         \
  X(IRQ_S_EXT, 9, "external interrupt")

#define SCAUSE_INTERRUPT (1UL << 63)
#define SCAUSE_CODE(c) ((c) & ~SCAUSE_INTERRUPT)

#define TRAP_CONST(constant, code, name) constant = code,
enum { TRAP_EXCEPTIONS(TRAP_CONST) TRAP_INTERRUPTS(TRAP_CONST) };
#undef TRAP_CONST

/* The name of trap cause scause, or "unknown trap". */
static inline const char *
trap_cause_name(uint64 scause)
{
#define TRAP_NAME(constant, code, name) [code] = name,
  static const char *const exceptions[] = {TRAP_EXCEPTIONS(TRAP_NAME)};
  static const char *const interrupts[] = {TRAP_INTERRUPTS(TRAP_NAME)};
#undef TRAP_NAME
  uint64 code = SCAUSE_CODE(scause);
  const char *name = 0;
  if (scause & SCAUSE_INTERRUPT) {
    if (code < sizeof(interrupts) / sizeof(interrupts[0]))
      name = interrupts[code];
  } else if (code < sizeof(exceptions) / sizeof(exceptions[0])) {
    name = exceptions[code];
  }
  return name ? name : "unknown trap";
}

#define EVLOG_PER_HART                                                         \
  2048 /* events kept per hart; older ones are overwritten */

#endif

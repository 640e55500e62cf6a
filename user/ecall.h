/*
 * A system call made by hand, for the programs that must make calls the
 * generated stubs (user/usys.c) cannot: unknown numbers, arguments of any
 * width, all six argument registers (utests, lde, fuzz).
 *
 * The contract is the kernel's (kernel/trap/syscall.c): the system-call
 * number in a7, arguments in a0..a5, ecall, the result in a0.
 */
#ifndef LDX_ECALL_H
#define LDX_ECALL_H

#include "kernel/types.h"

static inline uint64
rawsyscall(uint64 num, uint64 a0, uint64 a1, uint64 a2, uint64 a3, uint64 a4,
           uint64 a5)
{
  register uint64 r0 __asm__("a0") = a0;
  register uint64 r1 __asm__("a1") = a1;
  register uint64 r2 __asm__("a2") = a2;
  register uint64 r3 __asm__("a3") = a3;
  register uint64 r4 __asm__("a4") = a4;
  register uint64 r5 __asm__("a5") = a5;
  register uint64 r7 __asm__("a7") = num;
  __asm__ volatile("ecall"
                   : "+r"(r0)
                   : "r"(r1), "r"(r2), "r"(r3), "r"(r4), "r"(r5), "r"(r7)
                   : "memory");
  return r0;
}

#endif

/*
 * The page-size facts user programs may rely on, plus r_sp() and r_time().
 * This header must compile in a user program, so it holds no privileged
 * instructions; the kernel's CSR accessors live in kernel/arch/csr.h.
 */
#ifndef LDX_RISCV_H
#define LDX_RISCV_H

#define PGSIZE 4096 /* bytes per page */
#define PGSHIFT 12  /* bits of offset within a page */

#define PGROUNDUP(sz) (((sz) + PGSIZE - 1) & ~(PGSIZE - 1))
#define PGROUNDDOWN(a) (((a)) & ~(PGSIZE - 1))

/* A superpage: what one level-1 page-table entry maps (2 MiB).  ldx maps
 * only 4 KiB pages; the 2025 page-table lab uses these. */
#define SUPERPGSIZE (PGSIZE << 9) /* 512 pages: 2 MiB */
#define SUPERPGROUNDUP(sz) (((sz) + SUPERPGSIZE - 1) & ~(SUPERPGSIZE - 1))
#define SUPERPGROUNDDOWN(a) (((a)) & ~(SUPERPGSIZE - 1))

/*
 * One past the highest virtual address.  Sv39 allows 2^39, but addresses
 * with bit 38 set must be sign-extended; staying below 2^38 avoids that.
 */
#define MAXVA (1L << (9 + 9 + 9 + 12 - 1))

#ifndef __ASSEMBLER__
#include "kernel/types.h"

/* The current stack pointer (tests of the stack guard page use it). */
static inline uint64
r_sp(void)
{
  uint64 x;
  __asm__ volatile("mv %0, sp" : "=r"(x));
  return x;
}

/* The time CSR: timebase() ticks a second, readable in user mode (the
 * kernel sets scounteren.TM). */
static inline uint64
r_time(void)
{
  uint64 x;
  __asm__ volatile("rdtime %0" : "=r"(x));
  return x;
}

/* The instret CSR, readable in user mode (scounteren.IR).  Under -icount
 * it is QEMU's virtual clock: every instruction of every hart, and the
 * time all harts sit idle (idletime()). */
static inline uint64
r_instret(void)
{
  uint64 x;
  __asm__ volatile("rdinstret %0" : "=r"(x));
  return x;
}
#endif

#endif

/*
 * RISC-V supervisor-mode control and status registers: their bits by name,
 * and inline accessors.  Trap code says SCAUSE_ECALL_U, never 8.
 */
#ifndef LDX_CSR_H
#define LDX_CSR_H

/* sstatus */
#define SSTATUS_SIE (1L << 1)     /* interrupts enabled in S-mode */
#define SSTATUS_SPIE (1L << 5)    /* SIE before the trap; restored by sret */
#define SSTATUS_SPP (1L << 8)     /* mode before the trap: 1 = S, 0 = U */
#define SSTATUS_FS (3L << 13)     /* floating-point unit state: */
#define SSTATUS_FS_OFF (0L << 13) /*   FP instructions trap */
#define SSTATUS_FS_INITIAL (1L << 13) /*   registers hold their reset values */
#define SSTATUS_FS_CLEAN (2L << 13)   /*   unchanged since the last save */
#define SSTATUS_FS_DIRTY (3L << 13)   /*   changed since the last save */
#define SSTATUS_SUM (1L << 18)        /* S-mode may touch U pages */

/* sie / sip */
#define SIE_SSIE (1L << 1) /* software (inter-processor) interrupt */
#define SIE_STIE (1L << 5) /* timer interrupt */
#define SIE_SEIE (1L << 9) /* external interrupt, via the PLIC */

/* scause: bit 63 says interrupt; the rest is the code.  The codes
 * (SCAUSE_ILLEGAL_INSN, IRQ_S_TIMER, ...) and their names are one list in
 * kernel/evlog.h, shared with user programs that read the event log. */

/* satp */
#define SATP_MODE_SV39 (8UL << 60)
#define SATP_ASID_SHIFT 44
#define SATP_ASID_MASK 0xffffUL
#define MAKE_SATP(pt, asid)                                                    \
  (SATP_MODE_SV39 | ((uint64)(asid) << SATP_ASID_SHIFT) |                      \
   (((uint64)(pt)) >> 12))

/* scounteren: which counters U-mode may read. */
#define SCOUNTEREN_CY (1 << 0)
#define SCOUNTEREN_TM (1 << 1)
#define SCOUNTEREN_IR (1 << 2)

#ifndef __ASSEMBLER__
#include "kernel/types.h"
#include "kernel/evlog.h"
#include "kernel/riscv.h" /* r_time() */

#define csr_read(csr)                                                          \
  ({                                                                           \
    uint64 __v;                                                                \
    __asm__ volatile("csrr %0, " #csr : "=r"(__v));                            \
    __v;                                                                       \
  })
#define csr_write(csr, val)                                                    \
  __asm__ volatile("csrw " #csr ", %0" ::"rK"((uint64)(val)))
#define csr_set(csr, bits)                                                     \
  __asm__ volatile("csrs " #csr ", %0" ::"rK"((uint64)(bits)))
#define csr_clear(csr, bits)                                                   \
  __asm__ volatile("csrc " #csr ", %0" ::"rK"((uint64)(bits)))

static inline void
intr_on(void)
{
  csr_set(sstatus, SSTATUS_SIE);
}

static inline void
intr_off(void)
{
  csr_clear(sstatus, SSTATUS_SIE);
}

static inline int
intr_get(void)
{
  return (csr_read(sstatus) & SSTATUS_SIE) != 0;
}

/* Interrupts off for a few instructions, without push_off's bookkeeping:
 * s = intr_save(); ...; intr_restore(s).  The "memory" clobbers keep the
 * loads and stores of the section between the two. */
static inline uint64
intr_save(void)
{
  uint64 s;
  __asm__ volatile("csrrc %0, sstatus, %1"
                   : "=r"(s)
                   : "i"(SSTATUS_SIE)
                   : "memory");
  return s & SSTATUS_SIE;
}

static inline void
intr_restore(uint64 s)
{
  __asm__ volatile("csrs sstatus, %0" ::"r"(s) : "memory");
}

/* tp: in the kernel, the address of this hart's struct cpu (cpu.h); user
 * code may change tp, so the trap entry reloads it from the trapframe. */
static inline uint64
r_tp(void)
{
  uint64 x;
  __asm__ volatile("mv %0, tp" : "=r"(x));
  return x;
}

static inline void
w_tp(uint64 x)
{
  __asm__ volatile("mv tp, %0" ::"r"(x));
}

static inline uint64
r_fp(void)
{
  uint64 x;
  __asm__ volatile("mv %0, s0" : "=r"(x));
  return x;
}

/* Flush this hart's TLB: everything, or one address space. */
static inline void
sfence_vma(void)
{
  __asm__ volatile("sfence.vma zero, zero" ::: "memory");
}

static inline void
sfence_vma_asid(uint64 asid)
{
  __asm__ volatile("sfence.vma zero, %0" ::"r"(asid) : "memory");
}

static inline void
wfi(void)
{
  __asm__ volatile("wfi");
}

/*
 * Give other harts a turn: pend a software interrupt on this hart and wait
 * in wfi, which returns at once because an interrupt enabled in sie is
 * pending (even with sstatus.SIE off); the pending bit is later taken as a
 * spurious wake-up, which costs one trap.  On hardware, where the harts
 * run at once, it is a short pause.
 *
 * Why: QEMU's round-robin TCG, which -icount (make bench ICOUNT=1) uses,
 * runs one hart at a time and moves to the next only when the running one
 * halts in wfi or its time slice (up to a timer quantum) runs out.  A
 * fence or a CSR read does not end the turn (QEMU ends the translation
 * block but stays on the hart); wfi does.  Before trap set-up enables the
 * software interrupt (sie.SSIE) wfi could sleep for good, so it is skipped
 * then.
 */
static inline void
hart_pause(void)
{
  if (csr_read(sie) & SIE_SSIE) {
    csr_set(sip, SIE_SSIE);
    wfi();
  }
}

/*
 * One round of a spin-wait (a lock, a flag another hart will set): after
 * SPIN_YIELD_ROUNDS rounds, hart_pause().  Under -icount a hart spinning
 * on a lock whose holder QEMU was not running burnt its whole time slice:
 * a boot on two harts took 40 G instructions instead of 26 M.  *rounds
 * counts the caller's rounds; start it at 0.
 */
#define SPIN_YIELD_ROUNDS 32
static inline void
spin_relax(uint *rounds)
{
  if (++*rounds < SPIN_YIELD_ROUNDS)
    return;
  *rounds = 0;
  hart_pause();
}
#endif

#endif

/*
 * The trampoline: the one page mapped at the same address (TRAMPOLINE) in
 * the kernel's page table and in every process's, supervisor-only.  It
 * holds the two halves of limited direct execution's round trip:
 *
 *   uservec  the trap-table entry while a process runs in user mode
 *            (stvec points here, set by usertrap_return): saves the user
 *            registers into the trapframe and enters the kernel.
 *   userret  return-from-trap: restores the user registers and executes
 *            sret, which drops the hart back to user mode at sepc.
 *
 * ldx maps the kernel (supervisor-only) in every process's page table, so
 * neither half switches page tables: a system call costs a save, a C call
 * and a restore, not a TLB flush.  The page is still shared and placed as
 * in xv6 so the user address layout is the one course material expects.
 * The trapframe offsets (TF_*) are checked against the C struct in
 * kernel/arch/frame.h.
 */
#include "kernel/arch/frame.h"
#include "kernel/memlayout.h"

.section trampsec
.globl trampoline
trampoline:

/*
 * uservec: a trap from user mode.
 *   On entry: every register is the user's; sscratch = TRAPFRAME;
 *   sepc = user pc; scause/stval describe the trap; interrupts off.
 *   On exit:  jumps to usertrap() on the process's kernel stack with
 *             tp = this hart's struct cpu; sscratch = the user's a0.
 */
.align 4
.globl uservec
uservec:
        csrrw   a0, sscratch, a0        # a0 = trapframe, sscratch = user a0
        sd      ra, TF_X(1)(a0)
        sd      sp, TF_X(2)(a0)
        sd      gp, TF_X(3)(a0)
        sd      tp, TF_X(4)(a0)
        sd      t0, TF_X(5)(a0)
        sd      t1, TF_X(6)(a0)
        sd      t2, TF_X(7)(a0)
        sd      s0, TF_X(8)(a0)
        sd      s1, TF_X(9)(a0)
        sd      a1, TF_X(11)(a0)
        sd      a2, TF_X(12)(a0)
        sd      a3, TF_X(13)(a0)
        sd      a4, TF_X(14)(a0)
        sd      a5, TF_X(15)(a0)
        sd      a6, TF_X(16)(a0)
        sd      a7, TF_X(17)(a0)
        sd      s2, TF_X(18)(a0)
        sd      s3, TF_X(19)(a0)
        sd      s4, TF_X(20)(a0)
        sd      s5, TF_X(21)(a0)
        sd      s6, TF_X(22)(a0)
        sd      s7, TF_X(23)(a0)
        sd      s8, TF_X(24)(a0)
        sd      s9, TF_X(25)(a0)
        sd      s10, TF_X(26)(a0)
        sd      s11, TF_X(27)(a0)
        sd      t3, TF_X(28)(a0)
        sd      t4, TF_X(29)(a0)
        sd      t5, TF_X(30)(a0)
        sd      t6, TF_X(31)(a0)
        csrr    t0, sscratch
        sd      t0, TF_A0(a0)
        csrr    t0, sepc
        sd      t0, TF_EPC(a0)

        ld      sp, TF_KERNEL_SP(a0)
        ld      tp, TF_KERNEL_CPU(a0)
        ld      t0, TF_KERNEL_TRAP(a0)
        jr      t0                      # usertrap(), which never returns here

/*
 * void userret(uint64 trapframe: a0)
 *   Return-from-trap.  The caller (usertrap_return) has set stvec to
 *   uservec, sepc, and sstatus.SPP = user with SPIE set.  Restores every
 *   user register from the trapframe and executes sret.
 *
 *   First it drops any load reservation the hart holds: the program may
 *   have been stopped between an lr and its sc, and the kernel (or another
 *   process) ran since, so that sc must fail and the program retry.  An
 *   sc always clears the reservation; this one stores back the value it
 *   read, so it changes nothing even if it succeeds.  (QEMU happens to
 *   drop reservations at every privilege change; hardware need not.)
 */
.globl userret
userret:
        csrw    sscratch, a0            # for the next uservec
        addi    t0, a0, TF_A0           # any trapframe word will do
        ld      t1, 0(t0)
        sc.d    zero, t1, (t0)          # clears the reservation
        ld      ra, TF_X(1)(a0)
        ld      sp, TF_X(2)(a0)
        ld      gp, TF_X(3)(a0)
        ld      tp, TF_X(4)(a0)
        ld      t0, TF_X(5)(a0)
        ld      t1, TF_X(6)(a0)
        ld      t2, TF_X(7)(a0)
        ld      s0, TF_X(8)(a0)
        ld      s1, TF_X(9)(a0)
        ld      a1, TF_X(11)(a0)
        ld      a2, TF_X(12)(a0)
        ld      a3, TF_X(13)(a0)
        ld      a4, TF_X(14)(a0)
        ld      a5, TF_X(15)(a0)
        ld      a6, TF_X(16)(a0)
        ld      a7, TF_X(17)(a0)
        ld      s2, TF_X(18)(a0)
        ld      s3, TF_X(19)(a0)
        ld      s4, TF_X(20)(a0)
        ld      s5, TF_X(21)(a0)
        ld      s6, TF_X(22)(a0)
        ld      s7, TF_X(23)(a0)
        ld      s8, TF_X(24)(a0)
        ld      s9, TF_X(25)(a0)
        ld      s10, TF_X(26)(a0)
        ld      s11, TF_X(27)(a0)
        ld      t3, TF_X(28)(a0)
        ld      t4, TF_X(29)(a0)
        ld      t5, TF_X(30)(a0)
        ld      t6, TF_X(31)(a0)
        ld      a0, TF_A0(a0)
        sret                            # to user mode, at sepc

/*
 * kernelvec: the trap-table entry while the hart runs kernel code (stvec
 * points here except while a process runs in user mode).
 *
 *   On entry: any kernel context; sp is a valid kernel stack.
 *   Saves the caller-saved registers on the current stack (struct
 *   kernelframe: offsets KF_... in kernel/arch/frame.h), calls
 *   kerneltrap() (which saves and restores sepc and sstatus itself, since
 *   it may yield to another process), restores, and returns-from-trap with
 *   sret to where the kernel was interrupted.  Callee-saved registers are
 *   preserved by kerneltrap() per the C calling convention.
 */
#include "kernel/arch/frame.h"

.section .text
.align 4
.globl kernelvec
kernelvec:
        addi    sp, sp, -KF_SIZE
        sd      ra, KF_RA(sp)
        sd      gp, KF_GP(sp)
        sd      tp, KF_TP(sp)
        sd      t0, KF_T0(sp)
        sd      t1, KF_T1(sp)
        sd      t2, KF_T2(sp)
        sd      a0, KF_A(0)(sp)
        sd      a1, KF_A(1)(sp)
        sd      a2, KF_A(2)(sp)
        sd      a3, KF_A(3)(sp)
        sd      a4, KF_A(4)(sp)
        sd      a5, KF_A(5)(sp)
        sd      a6, KF_A(6)(sp)
        sd      a7, KF_A(7)(sp)
        sd      t3, KF_T3(sp)
        sd      t4, KF_T4(sp)
        sd      t5, KF_T5(sp)
        sd      t6, KF_T6(sp)

        call    kerneltrap

        ld      ra, KF_RA(sp)
        ld      gp, KF_GP(sp)
        /* not tp: the process may have moved to another hart */
        ld      t0, KF_T0(sp)
        ld      t1, KF_T1(sp)
        ld      t2, KF_T2(sp)
        ld      a0, KF_A(0)(sp)
        ld      a1, KF_A(1)(sp)
        ld      a2, KF_A(2)(sp)
        ld      a3, KF_A(3)(sp)
        ld      a4, KF_A(4)(sp)
        ld      a5, KF_A(5)(sp)
        ld      a6, KF_A(6)(sp)
        ld      a7, KF_A(7)(sp)
        ld      t3, KF_T3(sp)
        ld      t4, KF_T4(sp)
        ld      t5, KF_T5(sp)
        ld      t6, KF_T6(sp)
        addi    sp, sp, KF_SIZE
        sret

/*
 * void swtch(struct context *old: a0, struct context *new: a1)
 *
 * The context switch: saves the callee-saved registers, ra and sp of the
 * running kernel thread into *old and loads those of *new.  The "return"
 * at the end therefore lands wherever *new last called swtch() (or at the
 * ra a new process was given), on its own kernel stack.  Caller-saved
 * registers need no saving: the C caller already assumes swtch clobbers
 * them.  Offsets CTX_* are checked against struct context in frame.h.
 */
#include "kernel/arch/frame.h"

.section .text
.globl swtch
swtch:
        sd      ra, CTX_RA(a0)
        sd      sp, CTX_SP(a0)
        sd      s0, CTX_S(0)(a0)
        sd      s1, CTX_S(1)(a0)
        sd      s2, CTX_S(2)(a0)
        sd      s3, CTX_S(3)(a0)
        sd      s4, CTX_S(4)(a0)
        sd      s5, CTX_S(5)(a0)
        sd      s6, CTX_S(6)(a0)
        sd      s7, CTX_S(7)(a0)
        sd      s8, CTX_S(8)(a0)
        sd      s9, CTX_S(9)(a0)
        sd      s10, CTX_S(10)(a0)
        sd      s11, CTX_S(11)(a0)

        ld      ra, CTX_RA(a1)
        ld      sp, CTX_SP(a1)
        ld      s0, CTX_S(0)(a1)
        ld      s1, CTX_S(1)(a1)
        ld      s2, CTX_S(2)(a1)
        ld      s3, CTX_S(3)(a1)
        ld      s4, CTX_S(4)(a1)
        ld      s5, CTX_S(5)(a1)
        ld      s6, CTX_S(6)(a1)
        ld      s7, CTX_S(7)(a1)
        ld      s8, CTX_S(8)(a1)
        ld      s9, CTX_S(9)(a1)
        ld      s10, CTX_S(10)(a1)
        ld      s11, CTX_S(11)(a1)
        ret

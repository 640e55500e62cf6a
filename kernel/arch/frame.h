/*
 * Register save areas shared by C and assembly.  The offsets are KNOWN TO
 * THE ASSEMBLER (trampoline.S, kernel/arch/swtch.S, kernel/arch/kernelvec.S,
 * kernel/trap/fpu.S); the C structs below
 * are checked against them at compile time, so the two can never drift.
 */
#ifndef LDX_FRAME_H
#define LDX_FRAME_H

/*
 * struct trapframe: one page per process, mapped at TRAPFRAME.  uservec in
 * trampoline.S saves the user registers here; userret restores them.  The
 * kernel_* fields are filled in by the kernel before every return to user
 * mode and read by uservec on the next trap.
 * Register xN is at TF_X(N); x0 has no slot, so slot 0 holds sepc.
 */
#define TF_EPC 0 /* user pc saved from sepc */
#define TF_X(n) ((n)*8)
#define TF_RA TF_X(1)
#define TF_SP TF_X(2)
#define TF_GP TF_X(3)
#define TF_TP TF_X(4)
#define TF_A0 TF_X(10)
#define TF_A1 TF_X(11)
#define TF_A7 TF_X(17)
#define TF_KERNEL_SP (32 * 8)   /* top of this process's kernel stack */
#define TF_KERNEL_TRAP (33 * 8) /* address of usertrap() */
#define TF_KERNEL_CPU (34 * 8)  /* its hart's struct cpu, for tp */
#define TF_SIZE (35 * 8)

/* struct fpstate: a user program's floating-point registers (kernel/trap/fpu.S). */
#define FP_FCSR (32 * 8)
#define FP_SIZE (33 * 8)

/* struct context: what swtch() saves; ra, sp and s0-s11. */
#define CTX_RA 0
#define CTX_SP 8
#define CTX_S(n) (16 + (n)*8)
#define CTX_SIZE (14 * 8)

/* struct kernelframe: what kernelvec pushes on the kernel stack it was
 * running on when a trap came: the caller-saved registers (kerneltrap()
 * preserves the rest).  KF_SIZE keeps sp 16-byte aligned. */
#define KF_RA 0
#define KF_GP 8
#define KF_TP 16
#define KF_T0 24
#define KF_T1 32
#define KF_T2 40
#define KF_A(n) (48 + (n)*8) /* a0..a7 */
#define KF_T3 112
#define KF_T4 120
#define KF_T5 128
#define KF_T6 136
#define KF_SIZE 144

#ifndef __ASSEMBLER__
#include "kernel/types.h"

struct trapframe {
  uint64 epc;
  uint64 ra, sp, gp, tp;
  uint64 t0, t1, t2;
  uint64 s0, s1;
  uint64 a0, a1, a2, a3, a4, a5, a6, a7;
  uint64 s2, s3, s4, s5, s6, s7, s8, s9, s10, s11;
  uint64 t3, t4, t5, t6;
  uint64 kernel_sp;
  uint64 kernel_trap;
  uint64 kernel_cpu;
};

struct fpstate {
  uint64 f[32];
  uint64 fcsr;
};

/* Caller-saved registers of the interrupted kernel code (kernelvec). */
struct kernelframe {
  uint64 ra, gp, tp;
  uint64 t0, t1, t2;
  uint64 a[8];
  uint64 t3, t4, t5, t6;
};

/* Callee-saved registers of a kernel thread, for swtch(). */
struct context {
  uint64 ra;
  uint64 sp;
  uint64 s[12];
};

#define FRAME_CHECK(type, field, off)                                          \
  _Static_assert(__builtin_offsetof(struct type, field) == (off),              \
                 #type "." #field " does not match " #off)
FRAME_CHECK(trapframe, epc, TF_EPC);
FRAME_CHECK(trapframe, ra, TF_RA);
FRAME_CHECK(trapframe, sp, TF_SP);
FRAME_CHECK(trapframe, gp, TF_GP);
FRAME_CHECK(trapframe, tp, TF_TP);
FRAME_CHECK(trapframe, t0, TF_X(5));
FRAME_CHECK(trapframe, s0, TF_X(8));
FRAME_CHECK(trapframe, a0, TF_A0);
FRAME_CHECK(trapframe, a1, TF_A1);
FRAME_CHECK(trapframe, a7, TF_A7);
FRAME_CHECK(trapframe, s2, TF_X(18));
FRAME_CHECK(trapframe, t3, TF_X(28));
FRAME_CHECK(trapframe, t6, TF_X(31));
FRAME_CHECK(trapframe, kernel_sp, TF_KERNEL_SP);
FRAME_CHECK(trapframe, kernel_trap, TF_KERNEL_TRAP);
FRAME_CHECK(trapframe, kernel_cpu, TF_KERNEL_CPU);
_Static_assert(sizeof(struct trapframe) == TF_SIZE, "trapframe size");
FRAME_CHECK(context, ra, CTX_RA);
FRAME_CHECK(context, sp, CTX_SP);
FRAME_CHECK(context, s, CTX_S(0));
_Static_assert(sizeof(struct context) == CTX_SIZE, "context size");
FRAME_CHECK(kernelframe, ra, KF_RA);
FRAME_CHECK(kernelframe, gp, KF_GP);
FRAME_CHECK(kernelframe, tp, KF_TP);
FRAME_CHECK(kernelframe, t0, KF_T0);
FRAME_CHECK(kernelframe, t1, KF_T1);
FRAME_CHECK(kernelframe, t2, KF_T2);
FRAME_CHECK(kernelframe, a, KF_A(0));
FRAME_CHECK(kernelframe, t3, KF_T3);
FRAME_CHECK(kernelframe, t4, KF_T4);
FRAME_CHECK(kernelframe, t5, KF_T5);
FRAME_CHECK(kernelframe, t6, KF_T6);
_Static_assert(sizeof(struct kernelframe) == KF_SIZE, "kernelframe size");
_Static_assert(KF_SIZE % 16 == 0, "kernelvec must keep sp 16-byte aligned");
FRAME_CHECK(fpstate, fcsr, FP_FCSR);
_Static_assert(sizeof(struct fpstate) == FP_SIZE, "fpstate size");
#endif

#endif

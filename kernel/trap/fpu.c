/*
 * Floating point for user programs, switched lazily.
 *
 * The kernel never uses the FPU, so a user program's f0-f31 and fcsr can
 * stay in the hart while the kernel runs and even while other processes
 * that never use floating point run.  The hardware tracks whether the
 * registers changed (sstatus.FS becomes Dirty); only then does the trap
 * entry save them.  Before returning to user mode the registers are
 * loaded only if this hart does not already hold this process's latest
 * state.  A program that never touches the FPU costs nothing, and one that
 * does pays a save per trap in which it changed them.
 *
 * Each hart remembers whose registers it holds (fp_owner) and which save
 * of them (fp_gen, bumped at every save), so a process that moved between
 * harts is always reloaded.  fp_owner 0 means the registers are all zero,
 * what a program that has not used the FPU must see.
 */
#include "kernel/arch/csr.h"
#include "kernel/proc/proc.h"
#include "kernel/trap/trap.h"

void fpu_save(struct fpstate *fp);
void fpu_restore(struct fpstate *fp);

static struct fpstate zeros;

/* Boot: clear this hart's FP registers; the FPU stays off in the kernel. */
void
fpu_init_hart(void)
{
  csr_set(sstatus, SSTATUS_FS_INITIAL);
  fpu_restore(&zeros);
  csr_clear(sstatus, SSTATUS_FS);
  mycpu()->fp_owner = 0;
}

/* Trap entry from user mode: keep the program's registers if it changed
 * them, then turn the FPU off for the kernel. */
void
fpu_user_trap(struct proc *p)
{
  if ((csr_read(sstatus) & SSTATUS_FS) == SSTATUS_FS_DIRTY) {
    struct cpu *c = mycpu();
    fpu_save(&p->fp);
    p->fp_used = 1;
    p->fp_gen++;
    c->fp_owner = p;
    c->fp_owner_gen = p->fp_gen;
  }
  csr_clear(sstatus, SSTATUS_FS);
}

/* Load the registers owner must see (its own, or zeros for owner 0)
 * into this hart; returns the FS state for sret.  fpu_user_return
 * (trap.h) calls it when the hart holds someone else's. */
uint64
fpu_load(struct cpu *c, struct proc *owner)
{
  csr_set(sstatus, SSTATUS_FS_INITIAL);
  fpu_restore(owner ? &owner->fp : &zeros);
  c->fp_owner = owner;
  c->fp_owner_gen = owner ? owner->fp_gen : 0;
  return owner ? SSTATUS_FS_CLEAN : SSTATUS_FS_INITIAL;
}

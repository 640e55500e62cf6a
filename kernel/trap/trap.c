/*
 * Traps: how the kernel gets the CPU back.
 *
 * The trap table is stvec, set on every hart at boot (entry.S, then
 * trap_init_hart) and switched on each crossing:
 *   - while a process runs in user mode, stvec = uservec (trampoline.S),
 *     which saves the user registers and calls usertrap();
 *   - while the hart runs kernel code, stvec = kernelvec (kernelvec.S),
 *     which calls kerneltrap().
 * A trap is one of
 *   - a system call: user code executed ecall (SCAUSE_ECALL_U);
 *   - an interrupt: the timer (the scheduling quantum ran out), a device
 *     through the PLIC, or a software interrupt sent by another hart;
 *   - an exception: anything else the program did that it may not do.
 *     A user exception kills only that process; a kernel exception is a
 *     kernel bug and panics.
 * usertrap_return() is the way back: it sets stvec to uservec and jumps to
 * userret, the return-from-trap.
 *
 * Locks: none of its own.
 */
#include "kernel/trap/trap.h"
#include "kernel/arch/boot.h"
#include "kernel/arch/csr.h"
#include "kernel/dev/dev.h"
#include "kernel/evlog.h"
#include "kernel/lib/lib.h"
#include "kernel/memlayout.h"
#include "kernel/proc/proc.h"

#ifndef SANITIZE
#define SANITIZE 0
#endif

extern char trampoline[], uservec[], userret[];
void kernelvec(void);
void kerneltrap(void);

/* Addresses of trampoline code at its shared mapping. */
#define TRAMPOLINE_VA(sym) (TRAMPOLINE + ((uint64)(sym) - (uint64)trampoline))

enum intr_kind { INTR_NONE, INTR_TIMER, INTR_DEVICE, INTR_SOFT };

/* Set this hart's trap table for kernel mode and enable the interrupts
 * ldx uses (they are delivered only while sstatus.SIE is on). */
void
trap_init_hart(void)
{
  csr_write(stvec, (uint64)kernelvec);
  csr_set(sie, SIE_SEIE | SIE_STIE | SIE_SSIE);
  fpu_init_hart();
}

/* Handle an interrupt; say which kind it was. */
static enum intr_kind
devintr(uint64 scause)
{
  switch (SCAUSE_CODE(scause)) {
  case IRQ_S_TIMER:
    timer_intr();
    return INTR_TIMER;
  case IRQ_S_EXT: {
    int irq = plic_claim();
    if (irq == UART0_IRQ)
      uart_intr();
    else if (irq == VIRTIO0_IRQ)
      virtio_disk_intr();
    else if (irq)
      printf("devintr: unexpected interrupt source %d\n", irq);
    if (irq)
      plic_complete(irq);
    return INTR_DEVICE;
  }
  case IRQ_S_SOFT:
    /* Another hart woke us: to run new work, or because it panicked. */
    csr_clear(sip, SIE_SSIE);
    if (panicking)
      for (;;)
        wfi();
    return INTR_SOFT;
  default:
    return INTR_NONE;
  }
}

/* The process did something user code may not do: it dies, the kernel
 * goes on.  One line says who, what and where. */
static void
user_fault(struct proc *p, const char *what)
{
  printf("pid %d (%s): %s at sepc=%p stval=%p\n", p->pid, p->name, what,
         (void *)p->trapframe->epc, (void *)csr_read(stval));
  proc_set_killed(p);
}

/* A load or store page fault.  The first touch of a lazy heap page
 * (sbrklazy) gets its page and the instruction runs again; any other
 * address kills the process, and so does running out of memory. */
static void
user_page_fault(struct proc *p, uint64 scause)
{
  int r = proc_fault_in(p->pagetable, csr_read(stval));
  if (r == PROC_FAULT_NOMEM)
    user_fault(p, "out of memory for a lazy page");
  else if (r != 0)
    user_fault(p, trap_cause_name(scause));
}

/* Called from uservec (trampoline.S) on a trap from user mode. */
void
usertrap(void)
{
  if (csr_read(sstatus) & SSTATUS_SPP)
    panic("usertrap: not from user mode");
  csr_write(stvec, (uint64)kernelvec); /* we are in the kernel now */

  /* Interrupts are still off (the trap turned them off), so this thread
   * cannot move to another hart while it reads the hart's record. */
  struct proc *p = mycpu()->proc;
#if SANITIZE
  proc_mark_stack(); /* uninitialised bytes show as KMARK (mm.h) */
#endif
  fpu_user_trap(p);
  uint64 scause = csr_read(scause);
  /* The event log gets every trap: a system call with its number. */
  int is_call = scause == SCAUSE_ECALL_U;
  evlog_record(is_call ? EV_SYSCALL : EV_TRAP, p->pid,
               is_call ? p->trapframe->a7 : scause);

  if (scause & SCAUSE_INTERRUPT) {
    if (devintr(scause) == INTR_TIMER && timer_preempt)
      yield(); /* the quantum is over: let the scheduler decide */
  } else if (SCAUSE_CODE(scause) == SCAUSE_ECALL_U) {
    if (proc_killed(p))
      proc_exit(-1);
    p->trapframe->epc += 4; /* return past the ecall */
    intr_on();              /* system calls may take a while */
    syscall();
  } else if (scause == SCAUSE_LOAD_PAGE_FAULT ||
             scause == SCAUSE_STORE_PAGE_FAULT) {
    user_page_fault(p, scause);
  } else {
    user_fault(p, trap_cause_name(scause));
  }

  if (proc_killed(p))
    proc_exit(-1);
  usertrap_return();
}

/* Return-from-trap to the current process's user code. */
void
usertrap_return(void)
{
  /* From here until sret a trap would use the user trap table while still
   * in the kernel: keep interrupts off (which also keeps this thread on
   * this hart while it reads the hart's record). */
  intr_off();
  struct proc *p = mycpu()->proc;
  csr_write(stvec, TRAMPOLINE_VA(uservec));

  struct trapframe *tf = p->trapframe;
  tf->kernel_sp = p->kstack + KSTACK_PAGES * PGSIZE;
  tf->kernel_trap = (uint64)usertrap;
  tf->kernel_cpu = r_tp(); /* mycpu() */

  /* sret goes to user mode (SPP = 0) with interrupts on (SPIE = 1) and
   * the program's floating-point registers in place. */
  uint64 fs = fpu_user_return(p);
  uint64 s = csr_read(sstatus);
  s &= ~(SSTATUS_SPP | SSTATUS_FS);
  s |= SSTATUS_SPIE | fs;
  csr_write(sstatus, s);
  csr_write(sepc, tf->epc);

  void (*ret)(uint64) = (void (*)(uint64))TRAMPOLINE_VA(userret);
  ret(TRAPFRAME);
  __builtin_unreachable();
}

/* Called from kernelvec on a trap while the hart runs kernel code. */
void
kerneltrap(void)
{
  /* yield() may run other code that traps: keep our own copies. */
  uint64 sepc = csr_read(sepc);
  uint64 sstatus = csr_read(sstatus);
  uint64 scause = csr_read(scause);

  if ((sstatus & SSTATUS_SPP) == 0)
    panic("kerneltrap: not from supervisor mode");
  if (intr_get())
    panic("kerneltrap: interrupts enabled");

  if ((scause & SCAUSE_INTERRUPT) == 0) {
    uint64 off = 0;
    const char *fn = ksym_name(sepc, &off);
    /* The sanitizer build turns undefined behaviour into ebreak. */
    const char *what = SANITIZE && scause == SCAUSE_BREAKPOINT
                           ? "undefined behaviour (sanitizer trap)"
                           : trap_cause_name(scause);
    panic("kernel trap: %s at sepc=%p <%s+0x%lx> stval=%p", what, (void *)sepc,
          fn ? fn : "?", off, (void *)csr_read(stval));
  }

  if (devintr(scause) == INTR_TIMER && timer_preempt) {
    struct proc *p = myproc();
    if (p && p->state == RUNNING)
      yield();
  }

  csr_write(sepc, sepc);
  csr_write(sstatus, sstatus);
}

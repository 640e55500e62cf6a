/*
 * The platform-level interrupt controller: routes device interrupts (the
 * UART, the disk) to harts.  Each hart has an S-mode context with its own
 * enable bits, priority threshold and claim/complete register.  Every
 * hart enables both devices; the PLIC hands each interrupt to one hart,
 * which claims it, runs the driver, and completes it.
 */
#include "kernel/dev/dev.h"
#include "kernel/mm/mm.h"
#include "kernel/arch/cpu.h"

#define PLIC ((volatile uint8 *)DEV_VA(PLIC_PA))
#define PLIC_PRIORITY(irq) (PLIC + 4 * (irq))
#define PLIC_SENABLE(hart) (PLIC + 0x2080 + 0x100 * (hart))
#define PLIC_STHRESHOLD(hart) (PLIC + 0x201000 + 0x2000 * (hart))
#define PLIC_SCLAIM(hart) (PLIC + 0x201004 + 0x2000 * (hart))

#define REG(a) (*(volatile uint32 *)(a))

void
plic_init(void)
{
  /* Priority 0 would disable a source; 1 is the lowest that fires. */
  REG(PLIC_PRIORITY(UART0_IRQ)) = 1;
  REG(PLIC_PRIORITY(VIRTIO0_IRQ)) = 1;
}

void
plic_init_hart(void)
{
  int hart = cpuid();
  REG(PLIC_SENABLE(hart)) = (1 << UART0_IRQ) | (1 << VIRTIO0_IRQ);
  REG(PLIC_STHRESHOLD(hart)) = 0;
}

/* The highest-priority pending interrupt, now owned by this hart; 0 if none. */
int
plic_claim(void)
{
  return REG(PLIC_SCLAIM(cpuid()));
}

void
plic_complete(int irq)
{
  REG(PLIC_SCLAIM(cpuid())) = irq;
}

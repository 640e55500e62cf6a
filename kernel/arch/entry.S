/*
 * Kernel entry points.  OpenSBI enters in S-mode with paging off
 * (satp = 0) and interrupts disabled.
 *
 * void _entry(uint64 hartid: a0, uint64 dtb_pa: a1)
 *   The boot hart, whichever OpenSBI's lottery picked.  Sets the trap
 *   table first (a trap before that would go nowhere), takes the boot
 *   stack of its hart id, clears BSS and calls kmain(hartid, dtb_pa),
 *   whose first act, cpu_enter(), points tp at the hart's struct cpu.
 *   OpenSBI 1.1 now and then lets a second hart in here too (seen when a
 *   hart_start races with that hart's own start-up in OpenSBI), so the
 *   first hart claims the boot with an atomic swap; any later arrival is
 *   a stray and waits, without touching memory, until boot_ready says
 *   the kernel is set up, then joins as a secondary hart.
 *
 * void _secondary_entry(uint64 hartid: a0, uint64 opaque: a1)
 *   Where sbi_hart_start() sends every other hart; calls kmain_secondary.
 *
 * Boot stacks: NCPU slots of BOOT_STACK_SLOT bytes each; the lowest page of
 * each slot is a guard page that vm.c leaves unmapped, so an overflow
 * faults instead of corrupting the next hart's stack.
 */
#include "kernel/arch/boot.h"

.section .text.entry
.global _entry
_entry:
        la      t0, kernelvec
        csrw    stvec, t0
        li      t0, NCPU
        bgeu    a0, t0, park            # a hart id we have no slot for
        la      t0, boot_claimed
        li      t1, 1
        amoswap.w.aqrl t1, t1, (t0)
        bnez    t1, stray               # another hart is booting the kernel
        la      sp, boot_stacks
        li      t0, BOOT_STACK_SLOT
        addi    t1, a0, 1
        mul     t1, t1, t0
        add     sp, sp, t1              # top of this hart's slot
        la      t0, bss_start           # clear BSS (the stacks live there
        la      t1, bss_end             # too, but nothing is on them yet)
1:      bgeu    t0, t1, 2f
        sd      zero, 0(t0)
        addi    t0, t0, 8
        j       1b
2:      call    kmain
        j       park

.global _secondary_entry
_secondary_entry:
        la      t0, kernelvec
        csrw    stvec, t0
        li      t0, NCPU
        bgeu    a0, t0, park
        la      sp, boot_stacks
        li      t0, BOOT_STACK_SLOT
        addi    t1, a0, 1
        mul     t1, t1, t0
        add     sp, sp, t1
        call    kmain_secondary
park:
        wfi
        j       park

stray:
        la      t0, boot_ready          # spin without a stack: BSS (and
1:      lw      t1, 0(t0)               # the stacks in it) may still be
        beqz    t1, 1b                  # being cleared
        fence   r, rw
        j       _secondary_entry

.section .data
.balign 4
boot_claimed:                           # in .data: clearing BSS must not
        .word   0                       # reset it
.globl boot_ready
boot_ready:                             # set by kmain once secondary harts
        .word   0                       # may run kmain_secondary

.section .bss
.balign 4096
.global boot_stacks
boot_stacks:
        .space  BOOT_STACK_SLOT * NCPU

/*
 * The virtual address map every user program sees, the start of RAM, and
 * where QEMU virt's devices are.
 *
 *   0                 program text and data (ELF PT_LOAD segments)
 *                     a guard page, never mapped
 *                     the user stack (USERSTACK pages)
 *                     the heap, grown by sbrk() up to USERTOP
 *   USERTOP           first address user code can never map
 *   KERNBASE ...      the kernel's RAM and devices: present in every page
 *                     table but supervisor-only, so a trap needs no page-table
 *                     switch (see kernel/mm/vm.c)
 *   TRAPFRAME         this process's saved registers (supervisor-only)
 *   TRAMPOLINE        trap entry and return-from-trap code (trampoline.S)
 *   MAXVA
 */
#ifndef LDX_MEMLAYOUT_H
#define LDX_MEMLAYOUT_H

#include "kernel/riscv.h"

/* Start of RAM on QEMU virt; OpenSBI owns the first 2 MiB of it. */
#define KERNBASE 0x80000000L

/* User memory ends where the kernel's begins. */
#define USERTOP KERNBASE

/* What exec puts above the program's memory (which ends at end, its last
 * byte + 1): the guard page, never mapped, then USERSTACK stack pages. */
#define USER_GUARD(end) PGROUNDUP((uint64)(end))
#define USER_STACK_BASE(end) (USER_GUARD(end) + PGSIZE)

#define TRAMPOLINE (MAXVA - PGSIZE)
#define TRAPFRAME (TRAMPOLINE - PGSIZE)

/* Devices' physical addresses.  The kernel maps each at DEV_VA(pa), in the
 * part of every page table above the user's reach (kernel/mm/vm.c). */
#define UART0_PA 0x10000000L
#define VIRTIO0_PA 0x10001000L
#define PLIC_PA 0x0c000000L
#define PLIC_SIZE 0x400000L
/* QEMU's test device: writing FAIL | code << 16 makes QEMU exit(code). */
#define TESTDEV_PA 0x100000L
#define TESTDEV_FAIL 0x3333
#define DEVBASE 0x3F80000000L
#define DEV_VA(pa) (DEVBASE + (uint64)(pa))

#endif

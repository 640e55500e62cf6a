/*
 * The virtual address map every user program sees, and the start of RAM.
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

#define TRAMPOLINE (MAXVA - PGSIZE)
#define TRAPFRAME (TRAMPOLINE - PGSIZE)

#endif

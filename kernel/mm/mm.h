/*
 * Memory: the physical page allocator and Sv39 page tables.
 *
 * Physical pages come from kalloc()/kfree(), one 4096-byte page at a time.
 * Every page table maps the kernel (RAM identity-mapped, devices at
 * DEVBASE + physical address) supervisor-only, so entering the kernel from
 * user mode needs no page-table switch.  User memory lies in [0, USERTOP).
 * Copies between kernel and user memory walk the user page table in
 * software and fail with -1, never a fault, on any address the user may
 * not touch.
 */
#ifndef LDX_MM_H
#define LDX_MM_H

#include "kernel/types.h"
#include "kernel/riscv.h"
#include "kernel/memlayout.h"

typedef uint64 pte_t;
typedef uint64 *pagetable_t; /* 512 PTEs */

/* Page-table entry bits. */
#define PTE_V (1L << 0)
#define PTE_R (1L << 1)
#define PTE_W (1L << 2)
#define PTE_X (1L << 3)
#define PTE_U (1L << 4)
#define PTE_G (1L << 5)
#define PTE_A (1L << 6)
#define PTE_D (1L << 7)
#define PA2PTE(pa) ((((uint64)(pa)) >> 12) << 10)
#define PTE2PA(pte) (((pte) >> 10) << 12)
#define PTE_FLAGS(pte) ((pte)&0x3FF)
#define PXSHIFT(level) (PGSHIFT + (9 * (level)))
#define PX(level, va) ((((uint64)(va)) >> PXSHIFT(level)) & 0x1FF)

/* Devices are mapped at DEV_VA(pa) = DEVBASE + pa (kernel/memlayout.h). */

/*
 * SANITIZE builds: memory nobody has written yet holds KMARK bytes: the
 * free part of a process's kernel stack at every trap from user mode
 * (proc_mark_stack), so every local of a system call starts as KMARK,
 * padding included, and every page kalloc() hands out.  copyout() from a
 * kernel stack panics when it meets KMARK_RUN of them in a row: padding,
 * the tail of a string or a forgotten field is on its way to a user.
 * (gcc's -ftrivial-auto-var-init=pattern would not do: it zeroes padding.)
 */
#define KMARK 0xfe
#define KMARK_RUN 4

/* kalloc.c */
void kalloc_init(uint64 start, uint64 end);
void *kalloc(void);
void kfree(void *pa);
uint64 kalloc_free_pages(void);

/* vm.c: the kernel page table */
void kvm_init(uint64 ram_end);
void kvm_init_hart(void);
/* The bottom of process slot's kernel stack (KSTACK_PAGES pages above an
 * unmapped guard page). */
uint64 kvm_kstack(int slot);
extern pagetable_t kernel_pagetable;

/* vm.c: address spaces on the harts (ASIDs and TLB flushes) */
void vm_asid_init(void);
void vm_load(pagetable_t pt, int asid, uint64 gen);
uint64 vm_tlb_generation(void);

/* vm.c: page tables in general */
pte_t *vm_walk(pagetable_t pt, uint64 va, int alloc);
int vm_map(pagetable_t pt, uint64 va, uint64 size, uint64 pa, int perm);

/* vm.c: user address spaces */
pagetable_t uvm_create(uint64 trapframe_pa);
void uvm_destroy(pagetable_t pt);
void uvm_clear(pagetable_t pt);
void uvm_swap(pagetable_t a, pagetable_t b);
int uvm_alloc(pagetable_t pt, uint64 start, uint64 end, int perm);
void uvm_dealloc(pagetable_t pt, uint64 start, uint64 end);
int uvm_copy(pagetable_t from, pagetable_t to, uint64 sz);
/* fault_in(pt, va) maps a lazy page at va and returns 0, or returns -1 if
 * va is not a lazy page of pt or memory ran out (see vm.c). */
void uvm_set_lazy_hook(int (*fault_in)(pagetable_t pt, uint64 va));
int copyout(pagetable_t pt, uint64 dstva, const void *src, uint64 len);
int copyin(pagetable_t pt, void *dst, uint64 srcva, uint64 len);
int copyinstr(pagetable_t pt, char *dst, uint64 srcva, uint64 max);

#endif

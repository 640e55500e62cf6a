/*
 * Sv39 page tables: the kernel's, and one per process.
 *
 * The kernel page table maps
 *   - kernel text read+execute, read-only data read-only, and the rest of
 *     RAM read+write (never executable), identity-mapped (va == pa);
 *   - the devices at DEV_VA(pa) = DEVBASE + pa, read+write;
 *   - the trampoline page at TRAMPOLINE;
 * and leaves the guard page under every kernel stack unmapped.
 *
 * A process page table shares the kernel's second-level tables for RAM
 * and devices by copying their root entries (supervisor-only, global), so
 * a trap from user mode stays on the same page table: no satp write, no
 * TLB flush on the system-call path.  Its own entries cover user memory
 * [0, USERTOP) and the last gigabyte, where the trampoline (shared page)
 * and the process's trapframe sit.  The root entries that cover user
 * memory and that last gigabyte are the only ones a process owns.
 *
 * Locks: none.  The kernel table is built before other harts start and
 * never changes; a process table is changed only by its own process (or by
 * its parent before it first runs).
 */
#include "kernel/mm/mm.h"
#include "kernel/arch/boot.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/csr.h"
#include "kernel/lib/lib.h"
#include "kernel/memlayout.h"

pagetable_t kernel_pagetable;

extern char _entry[], etext[], erodata[], _trampoline[];

/* Root-table slots (one gigabyte each) that belong to a process. */
#define ROOT_SLOT(va) PX(2, va)
#define USER_SLOTS ROOT_SLOT(USERTOP) /* slots 0 .. USER_SLOTS-1 */
#define TOP_SLOT ROOT_SLOT(TRAMPOLINE)

static int
slot_is_private(int i)
{
  return i < (int)USER_SLOTS || i == (int)TOP_SLOT;
}

static pagetable_t
alloc_table(void)
{
  pagetable_t t = kalloc();
  if (t)
    memset(t, 0, PGSIZE);
  return t;
}

/* vm_walk from table pt at level on, creating the missing tables. */
static pte_t *__attribute__((noinline))
walk_alloc(pagetable_t pt, int level, uint64 va)
{
  for (; level > 0; level--) {
    pte_t *pte = &pt[PX(level, va)];
    if (*pte & PTE_V) {
      if (*pte & (PTE_R | PTE_W | PTE_X))
        return 0; /* a superpage: not used by ldx */
      pt = (pagetable_t)PTE2PA(*pte);
    } else {
      if ((pt = alloc_table()) == 0)
        return 0;
      *pte = PA2PTE(pt) | PTE_V;
    }
  }
  return &pt[PX(0, va)];
}

/*
 * The leaf PTE for va, creating intermediate tables if alloc is set.
 * Returns 0 if va is out of range or a table is missing (or cannot be
 * allocated).  The walk through tables that exist makes no call (every
 * copy to or from user memory walks): walk_alloc makes the missing ones.
 */
pte_t *
vm_walk(pagetable_t pt, uint64 va, int alloc)
{
  if (va >= MAXVA)
    return 0;
  for (int level = 2; level > 0; level--) {
    pte_t pte = pt[PX(level, va)];
    if ((pte & PTE_V) == 0)
      return alloc ? walk_alloc(pt, level, va) : 0;
    if (pte & (PTE_R | PTE_W | PTE_X))
      return 0; /* a superpage: not used by ldx */
    pt = (pagetable_t)PTE2PA(pte);
  }
  return &pt[PX(0, va)];
}

/* Map [va, va+size) to [pa, pa+size); both page-aligned. */
int
vm_map(pagetable_t pt, uint64 va, uint64 size, uint64 pa, int perm)
{
  if ((va % PGSIZE) || (pa % PGSIZE) || (size % PGSIZE) || size == 0)
    panic("vm_map: unaligned va %p pa %p size %p", (void *)va, (void *)pa,
          (void *)size);
  for (uint64 off = 0; off < size; off += PGSIZE) {
    pte_t *pte = vm_walk(pt, va + off, 1);
    if (pte == 0)
      return -1;
    if (*pte & PTE_V)
      panic("vm_map: %p is already mapped", (void *)(va + off));
    *pte = PA2PTE(pa + off) | perm | PTE_V | PTE_A | PTE_D;
  }
  return 0;
}

static void
kmap(uint64 va, uint64 pa, uint64 size, int perm)
{
  if (vm_map(kernel_pagetable, va, size, pa, perm | PTE_G) < 0)
    panic("kvm_init: out of memory for the kernel page table");
}

/* Unmap the guard page at the bottom of each stack slot in [base, +n*slot). */
static void
unmap_guards(uint64 base, int n, uint64 slot)
{
  for (int i = 0; i < n; i++) {
    pte_t *pte = vm_walk(kernel_pagetable, base + i * slot, 0);
    if (pte == 0)
      panic("kvm_init: no stack guard mapping");
    *pte = 0;
  }
}

/* Kernel stacks for the process slots, one slot each, each with a guard
 * page at its bottom that kvm_init() unmaps: an overflow faults instead of
 * running into the neighbour. */
__attribute__((aligned(PGSIZE))) static char kstacks[NPROC * BOOT_STACK_SLOT];

uint64
kvm_kstack(int slot)
{
  return (uint64)kstacks + slot * BOOT_STACK_SLOT + PGSIZE;
}

void
kvm_init(uint64 ram_end)
{
  uint64 kstart = (uint64)_entry;
  kernel_pagetable = alloc_table();
  if (kernel_pagetable == 0)
    panic("kvm_init: no memory");

  kmap(kstart, kstart, (uint64)etext - kstart, PTE_R | PTE_X);
  kmap((uint64)etext, (uint64)etext, (uint64)erodata - (uint64)etext, PTE_R);
  kmap((uint64)erodata, (uint64)erodata, ram_end - (uint64)erodata,
       PTE_R | PTE_W);
  unmap_guards((uint64)boot_stacks, NCPU, BOOT_STACK_SLOT);
  unmap_guards((uint64)kstacks, NPROC, BOOT_STACK_SLOT);

  kmap(DEV_VA(UART0_PA), UART0_PA, PGSIZE, PTE_R | PTE_W);
  kmap(DEV_VA(VIRTIO0_PA), VIRTIO0_PA, 8 * PGSIZE, PTE_R | PTE_W);
  kmap(DEV_VA(PLIC_PA), PLIC_PA, PLIC_SIZE, PTE_R | PTE_W);
  kmap(DEV_VA(TESTDEV_PA), TESTDEV_PA, PGSIZE, PTE_R | PTE_W);

  /* Same address as in every process: the code stays put across the
   * page-table switch that userret does not actually need (see trampoline.S). */
  kmap(TRAMPOLINE, (uint64)_trampoline, PGSIZE, PTE_R | PTE_X);
}

/* Turn paging on for this hart, with the kernel page table (ASID 0). */
void
kvm_init_hart(void)
{
  sfence_vma();
  csr_write(satp, MAKE_SATP(kernel_pagetable, 0));
  sfence_vma();
}

/* ---------------------------------------------------------------- user */

pagetable_t
uvm_create(uint64 trapframe_pa)
{
  pagetable_t pt = alloc_table();
  if (pt == 0)
    return 0;
  for (int i = 0; i < 512; i++)
    if (!slot_is_private(i))
      pt[i] = kernel_pagetable[i];
  if (vm_map(pt, TRAMPOLINE, PGSIZE, (uint64)_trampoline, PTE_R | PTE_X) < 0 ||
      vm_map(pt, TRAPFRAME, PGSIZE, trapframe_pa, PTE_R | PTE_W) < 0) {
    uvm_destroy(pt);
    return 0;
  }
  return pt;
}

/* The index of the first valid entry of table t in [i, lim), or lim.
 * Eight entries a test: fork and exit scan every table of a process, and
 * most entries are empty. */
static int
next_valid_below(pagetable_t t, int i, int lim)
{
  for (; i + 8 <= lim; i += 8) {
    const pte_t *e = &t[i];
    if ((e[0] | e[1] | e[2] | e[3] | e[4] | e[5] | e[6] | e[7]) & PTE_V)
      break;
  }
  for (; i < lim; i++)
    if (t[i] & PTE_V)
      break;
  return i;
}

static int
next_valid(pagetable_t t, int i)
{
  return next_valid_below(t, i, 512);
}

/* Free a subtree; leaves are freed too if free_leaves. */
static void
free_tree(pagetable_t t, int level, int free_leaves)
{
  for (int i = next_valid(t, 0); i < 512; i = next_valid(t, i + 1)) {
    pte_t pte = t[i];
    if (level > 0 && (pte & (PTE_R | PTE_W | PTE_X)) == 0)
      free_tree((pagetable_t)PTE2PA(pte), level - 1, free_leaves);
    else if (free_leaves)
      kfree((void *)PTE2PA(pte));
  }
  kfree(t);
}

/* Free all user memory pt maps, and the tables that map it; the root
 * stays (a hart may still have it in satp: see proc.c). */
void
uvm_clear(pagetable_t pt)
{
  for (int i = 0; i < (int)USER_SLOTS; i++) {
    if (pt[i] & PTE_V)
      free_tree((pagetable_t)PTE2PA(pt[i]), 1, 1);
    pt[i] = 0;
  }
}

/* Free a page table that was never loaded in satp, with its user memory.
 * The trapframe and trampoline pages are not freed (not the table's). */
void
uvm_destroy(pagetable_t pt)
{
  uvm_clear(pt);
  if (pt[TOP_SLOT] & PTE_V)
    free_tree((pagetable_t)PTE2PA(pt[TOP_SLOT]), 1, 0);
  kfree(pt);
}

/* Exchange the user memory of two page tables (exec's commit). */
void
uvm_swap(pagetable_t a, pagetable_t b)
{
  for (int i = 0; i < (int)USER_SLOTS; i++) {
    pte_t t = a[i];
    a[i] = b[i];
    b[i] = t;
  }
}

/*
 * Make every page overlapping [start, end) present with at least perm
 * (plus PTE_U).  New pages are zeroed.  On failure returns -1 with the
 * pages mapped so far left in place: the caller frees them.
 */
int
uvm_alloc(pagetable_t pt, uint64 start, uint64 end, int perm)
{
  if (end > USERTOP || start > end)
    return -1;
  for (uint64 va = PGROUNDDOWN(start); va < end; va += PGSIZE) {
    pte_t *pte = vm_walk(pt, va, 1);
    if (pte == 0)
      return -1;
    if (*pte & PTE_V) {
      *pte |= perm | PTE_U;
      continue;
    }
    void *page = kalloc();
    if (page == 0)
      return -1;
    memset(page, 0, PGSIZE);
    *pte = PA2PTE(page) | perm | PTE_U | PTE_V | PTE_A | PTE_D;
  }
  return 0;
}

/* Unmap and free the pages lying entirely in [PGROUNDUP(start), end). */
void
uvm_dealloc(pagetable_t pt, uint64 start, uint64 end)
{
  for (uint64 va = PGROUNDUP(start); va < PGROUNDUP(end); va += PGSIZE) {
    pte_t *pte = vm_walk(pt, va, 0);
    if (pte == 0 || (*pte & PTE_V) == 0)
      continue;
    kfree((void *)PTE2PA(*pte));
    *pte = 0;
  }
}

/* How many entries of a table at level, whose first entry maps base, map
 * some address below end (0 to 512). */
static uint64
entries_below(uint64 base, int level, uint64 end)
{
  if (end <= base)
    return 0;
  uint64 n = ((end - base - 1) >> PXSHIFT(level)) + 1;
  return n < 512 ? n : 512;
}

/* Copy every user page of from below sz into to (fork: user memory is
 * [0, sz), so tables left above it by a shrinking sbrk are not looked at).
 * -1 if memory runs out; the caller destroys to. */
int
uvm_copy(pagetable_t from, pagetable_t to, uint64 sz)
{
  uint64 n2 = entries_below(0, 2, sz);
  for (uint64 i2 = 0; i2 < n2 && i2 < USER_SLOTS; i2++) {
    if ((from[i2] & PTE_V) == 0)
      continue;
    pagetable_t l1 = (pagetable_t)PTE2PA(from[i2]);
    uint64 base1 = i2 << PXSHIFT(2);
    int n1 = entries_below(base1, 1, sz);
    for (int i1 = next_valid_below(l1, 0, n1); i1 < n1;
         i1 = next_valid_below(l1, i1 + 1, n1)) {
      pagetable_t l0 = (pagetable_t)PTE2PA(l1[i1]);
      uint64 base0 = base1 | ((uint64)i1 << PXSHIFT(1));
      int n0 = entries_below(base0, 0, sz);
      for (int i0 = next_valid_below(l0, 0, n0); i0 < n0;
           i0 = next_valid_below(l0, i0 + 1, n0)) {
        pte_t pte = l0[i0];
        uint64 va = base0 | ((uint64)i0 << PGSHIFT);
        void *page = kalloc();
        if (page == 0)
          return -1;
        memmove(page, (void *)PTE2PA(pte), PGSIZE);
        pte_t *dst = vm_walk(to, va, 1);
        if (dst == 0) {
          kfree(page);
          return -1;
        }
        *dst = PA2PTE(page) | PTE_FLAGS(pte);
      }
    }
  }
  return 0;
}

/* ---------------------------------------------------------------- copies */

/*
 * Lazy pages (sbrklazy): user memory a process owns but that has no page
 * yet.  Which addresses those are is the process layer's knowledge, so it
 * registers this hook (proc_init); a copy that meets an unmapped page asks
 * it to map the page, exactly as the page-fault handler does for user code.
 */
static int (*lazy_hook)(pagetable_t pt, uint64 va);

void
uvm_set_lazy_hook(int (*fault_in)(pagetable_t pt, uint64 va))
{
  lazy_hook = fault_in;
}

/*
 * The kernel address of user page va if the user may access it with all of
 * perm, else 0.  This is the one check every copy between user and kernel
 * memory goes through.  A lazy page is allocated here on first use.
 */
static uint64 __attribute__((noinline))
user_page_lazy(pagetable_t pt, uint64 va, uint64 need)
{
  pte_t *pte = vm_walk(pt, va, 0);
  if ((pte == 0 || (*pte & PTE_V) == 0) && lazy_hook && lazy_hook(pt, va) == 0)
    pte = vm_walk(pt, va, 0);
  if (pte == 0 || (*pte & need) != need)
    return 0;
  return PTE2PA(*pte);
}

static uint64
user_page(pagetable_t pt, uint64 va, int perm)
{
  if (va >= USERTOP)
    return 0;
  uint64 need = PTE_V | PTE_U | perm;
  pte_t *pte = vm_walk(pt, va, 0);
  if (pte && (*pte & need) == need)
    return PTE2PA(*pte);
  return user_page_lazy(pt, va, need); /* or not the user's at all */
}

#if SANITIZE
/* Does [p, p+len) lie on a kernel stack (a process's or a boot hart's)? */
static int
on_kernel_stack(const void *p, uint64 len)
{
  uint64 a = (uint64)p;
  uint64 ps = (uint64)kstacks, bs = (uint64)boot_stacks;
  return (a >= ps && a + len <= ps + NPROC * BOOT_STACK_SLOT) ||
         (a >= bs && a + len <= bs + NCPU * BOOT_STACK_SLOT);
}

/* SANITIZE: panic if a copy from a kernel stack carries bytes nobody
 * wrote (KMARK_RUN marker bytes in a row, mm.h).  Other sources hold
 * user data (pipes, file blocks), which may be anything. */
static void
check_written(const void *src, uint64 len, uint64 dstva)
{
  if (!on_kernel_stack(src, len))
    return;
  const uchar *b = src;
  uint64 run = 0;
  for (uint64 i = 0; i < len; i++) {
    run = b[i] == KMARK ? run + 1 : 0;
    if (run == KMARK_RUN)
      panic("copyout: uninitialised kernel bytes (0x%x) at byte %lu of %lu, "
            "to user %p",
            KMARK, i + 1 - run, len, (void *)dstva);
  }
}
#endif

int
copyout(pagetable_t pt, uint64 dstva, const void *src, uint64 len)
{
  if (dstva + len < dstva || dstva + len > USERTOP)
    return -1;
#if SANITIZE
  check_written(src, len, dstva);
#endif
  while (len > 0) {
    uint64 base = PGROUNDDOWN(dstva);
    uint64 pa = user_page(pt, base, PTE_W);
    if (pa == 0)
      return -1;
    uint64 n = MIN(PGSIZE - (dstva - base), len);
    memmove((void *)(pa + (dstva - base)), src, n);
    len -= n;
    src = (const char *)src + n;
    dstva += n;
  }
  return 0;
}

int
copyin(pagetable_t pt, void *dst, uint64 srcva, uint64 len)
{
  if (srcva + len < srcva || srcva + len > USERTOP)
    return -1;
  while (len > 0) {
    uint64 base = PGROUNDDOWN(srcva);
    uint64 pa = user_page(pt, base, PTE_R);
    if (pa == 0)
      return -1;
    uint64 n = MIN(PGSIZE - (srcva - base), len);
    memmove(dst, (void *)(pa + (srcva - base)), n);
    len -= n;
    dst = (char *)dst + n;
    srcva += n;
  }
  return 0;
}

/* Copy a NUL-terminated string of at most max bytes (NUL included).
 * Returns its length, or -1 for a bad address or a string too long. */
int
copyinstr(pagetable_t pt, char *dst, uint64 srcva, uint64 max)
{
  uint64 got = 0;
  while (got < max) {
    uint64 base = PGROUNDDOWN(srcva);
    uint64 pa = user_page(pt, base, PTE_R);
    if (pa == 0)
      return -1;
    const char *p = (const char *)(pa + (srcva - base));
    uint64 n = MIN(PGSIZE - (srcva - base), max - got);
    for (uint64 i = 0; i < n; i++) {
      dst[got] = p[i];
      if (p[i] == '\0')
        return got;
      got++;
    }
    srcva += n;
  }
  return -1;
}

/* ---------------------------------------------------------------- ASIDs */

/*
 * Address spaces and the TLB.  Every process page table maps the kernel,
 * so satp changes only when a hart switches to a different process.  Each
 * process slot has its own ASID, so a switch need not flush the TLB; a
 * per-hart record of the "TLB generation" it last saw for each ASID tells
 * it when it must (another hart removed mappings, or the slot was reused).
 * A hart may keep a stale satp while idle: a slot's root table is never
 * freed, and a stale one only ever translates kernel addresses.
 */
static uint64 tlb_generation;
static int asids_ok; /* the hart implements enough ASID bits */
static uint64 asid_seen[NCPU][NPROC + 1];

/* Can this hart tell NPROC address spaces apart?  Write all ones in the
 * ASID field and see how many bits stick.  Only with paging on: with
 * satp in Bare mode the other fields need not hold anything. */
void
vm_asid_init(void)
{
  uint64 old = csr_read(satp);
  if ((old & SATP_MODE_SV39) != SATP_MODE_SV39)
    panic("vm_asid_init: the ASID probe needs paging on");
  csr_write(satp, old | (SATP_ASID_MASK << SATP_ASID_SHIFT));
  uint64 bits = (csr_read(satp) >> SATP_ASID_SHIFT) & SATP_ASID_MASK;
  csr_write(satp, old);
  sfence_vma();
  asids_ok = bits >= NPROC;
}

/* Load pt (address space asid, mappings as of generation gen) on this
 * hart, flushing what the TLB may hold of an older generation. */
void
vm_load(pagetable_t pt, int asid, uint64 gen)
{
  struct cpu *c = mycpu();
  if (c->satp_pt != pt) {
    csr_write(satp, MAKE_SATP(pt, asid));
    c->satp_pt = pt;
    if (!asids_ok)
      sfence_vma();
  }
  uint64 *seen = &asid_seen[c->hartid][asid];
  if (*seen != gen) {
    sfence_vma_asid(asid);
    *seen = gen;
  }
}

/* A new TLB generation, for an address space whose mappings were removed:
 * every hart flushes it before it next loads it. */
uint64
vm_tlb_generation(void)
{
  return __sync_add_and_fetch(&tlb_generation, 1);
}

/*
 * The physical page allocator: a free list of 4096-byte pages covering RAM
 * from the end of the kernel image to the end of RAM, minus the device
 * tree blob (OpenSBI's region below the kernel is never included).
 *
 * kalloc() hands a page out as it lies (the free-list link in its first
 * word, the rest whatever was there): callers initialise what they use.
 * In the checking kernel (SANITIZE=1) freed pages are filled with junk
 * (0x01 bytes), so that a use after free reads nonsense and fails loudly;
 * kalloc() checks the junk is intact and then fills the page with KMARK
 * (mm.h).  The normal kernel does neither: filling a page costs some 700
 * instructions, a third of the boot (which frees every page once) and a
 * fifth of a fork.
 *
 * Locks: kmem.lock guards the list and the count; it is a leaf lock.
 */
#include "kernel/mm/mm.h"
#include "kernel/arch/boot.h"
#include "kernel/lib/lib.h"
#include "kernel/lock/lock.h"

#define JUNK_FREED 0x01

struct run {
  struct run *next;
};

static struct {
  struct spinlock lock;
  struct run *free;  /* guarded by lock */
  uint64 nfree;      /* guarded by lock */
  uint64 start, end; /* the managed range; fixed after init */
} kmem;

static int
in_dtb(uint64 pa)
{
  uint64 lo = PGROUNDDOWN(bootinfo.dtb_pa);
  uint64 hi = PGROUNDUP(bootinfo.dtb_pa + bootinfo.dtb_size);
  return pa >= lo && pa < hi;
}

void
kalloc_init(uint64 start, uint64 end)
{
  spinlock_init_ranked(&kmem.lock, "kmem", LOCK_RANK_KMEM);
  kmem.start = PGROUNDUP(start);
  kmem.end = PGROUNDDOWN(end);
  for (uint64 pa = kmem.start; pa + PGSIZE <= kmem.end; pa += PGSIZE)
    if (!in_dtb(pa))
      kfree((void *)pa);
}

void
kfree(void *p)
{
  uint64 pa = (uint64)p;
  if ((pa % PGSIZE) != 0 || pa < kmem.start || pa >= kmem.end || in_dtb(pa))
    panic("kfree: bad page %p", p);
#if SANITIZE
  memset(p, JUNK_FREED, PGSIZE);
#endif
  struct run *r = p;
  acquire(&kmem.lock);
  r->next = kmem.free;
  kmem.free = r;
  kmem.nfree++;
  release(&kmem.lock);
}

/* One page of junk-filled memory, or 0 if none is left. */
void *
kalloc(void)
{
  acquire(&kmem.lock);
  struct run *r = kmem.free;
  if (r) {
    kmem.free = r->next;
    kmem.nfree--;
  }
  release(&kmem.lock);
#if SANITIZE
  /* Everything but the link word must still be junk: anything else was
   * written through a dangling pointer after the page was freed. */
  if (r) {
    const uchar *b = (const uchar *)r;
    for (int i = sizeof(struct run); i < PGSIZE; i++)
      if (b[i] != JUNK_FREED)
        panic("kalloc: page %p was written after it was freed (byte %d)",
              (void *)r, i);
    memset(r, KMARK, PGSIZE); /* never written since allocation (mm.h) */
  }
#endif
  return r;
}

uint64
kalloc_free_pages(void)
{
  acquire(&kmem.lock);
  uint64 n = kmem.nfree;
  release(&kmem.lock);
  return n;
}

/*
 * exec: replace the calling process's program.
 *
 * Builds a complete new address space first (PT_LOAD segments with their
 * own permissions, a guard page, the stack with argv on it) and only then
 * swaps it in, so any failure (a missing or truncated file, a corrupt or
 * hostile ELF header, no memory) leaves the caller exactly as it was and
 * returns -1.  Every offset and size from the file is checked against the
 * file's length at full width before it is used.
 *
 * New user layout (see memlayout.h): segments from 0, one unmapped guard
 * page, USERSTACK stack pages, then the heap that sbrk grows.
 */
#include "kernel/fs/file.h"
#include "kernel/lib/lib.h"
#include "kernel/memlayout.h"
#include "kernel/proc/elf.h"
#include "kernel/proc/proc.h"

#define MAX_PHNUM 16

static int
segment_perm(uint32 flags)
{
  int perm = 0;
  if (flags & PF_R)
    perm |= PTE_R;
  if (flags & PF_W)
    perm |= PTE_W | PTE_R;
  if (flags & PF_X)
    perm |= PTE_X;
  return perm;
}

/* Read a segment's file bytes into the (already mapped) pages at va. */
static int
load_segment(pagetable_t pt, struct inode *ip, uint64 va, uint64 off, uint64 n)
{
  while (n > 0) {
    pte_t *pte = vm_walk(pt, PGROUNDDOWN(va), 0);
    if (pte == 0 || (*pte & PTE_V) == 0)
      return -1;
    uint64 inpage = va % PGSIZE;
    uint64 m = MIN(PGSIZE - inpage, n);
    if (readi(ip, 0, PTE2PA(*pte) + inpage, off, m) != (int)m)
      return -1;
    va += m;
    off += m;
    n -= m;
  }
  return 0;
}

/* Is [off, off + n) inside ip's bytes?  At full 64-bit width: readi
 * takes a 32-bit offset, so a larger one must never reach it. */
static int
in_file(struct inode *ip, uint64 off, uint64 n)
{
  return off + n >= off && off + n <= ip->size;
}

/*
 * Check the header and load every PT_LOAD segment; returns the end of the
 * highest segment, or 0 on any error.  Segments may not share a page: a
 * merge would have to give the page the union of their permissions
 * (writable code, say), so an image that asks for it is refused.
 */
static uint64
load_program(pagetable_t pt, struct inode *ip, struct elfhdr *eh)
{
  if (readi(ip, 0, (uint64)eh, 0, sizeof(*eh)) != sizeof(*eh) ||
      eh->magic != ELF_MAGIC || eh->ident[0] != ELFCLASS64 ||
      eh->ident[1] != ELFDATA2LSB || eh->type != ET_EXEC ||
      eh->machine != EM_RISCV || eh->phentsize != sizeof(struct proghdr) ||
      eh->phnum == 0 || eh->phnum > MAX_PHNUM)
    return 0;

  uint64 lo[MAX_PHNUM], hi[MAX_PHNUM]; /* pages of the segments so far */
  int nseg = 0;
  uint64 top = 0;
  for (int i = 0; i < eh->phnum; i++) {
    struct proghdr ph;
    uint64 at = eh->phoff + i * sizeof(ph);
    if (at < eh->phoff || !in_file(ip, at, sizeof(ph)) ||
        readi(ip, 0, (uint64)&ph, at, sizeof(ph)) != sizeof(ph))
      return 0;
    if (ph.type != PT_LOAD || ph.memsz == 0)
      continue;
    uint64 end = ph.vaddr + ph.memsz;
    if (ph.filesz > ph.memsz || end < ph.vaddr || end > USERTOP ||
        !in_file(ip, ph.off, ph.filesz))
      return 0;
    uint64 first = PGROUNDDOWN(ph.vaddr), last = PGROUNDUP(end);
    for (int k = 0; k < nseg; k++)
      if (first < hi[k] && lo[k] < last)
        return 0; /* shares a page with an earlier segment */
    lo[nseg] = first;
    hi[nseg++] = last;
    if (uvm_alloc(pt, ph.vaddr, end, segment_perm(ph.flags)) < 0)
      return 0;
    if (load_segment(pt, ip, ph.vaddr, ph.off, ph.filesz) < 0)
      return 0;
    top = MAX(top, end);
  }
  if (eh->entry >= top)
    return 0;
  return top;
}

/* Copy the argument strings and the argv array onto the new stack.
 * Returns the new sp (argv points there), or 0. */
static uint64
push_args(pagetable_t pt, uint64 sp, uint64 stack_base, char **argv, int *argcp)
{
  uint64 uargv[MAXARG + 1];
  int argc = 0;
  for (; argv[argc]; argc++) {
    if (argc >= MAXARG)
      return 0;
    uint64 len = strlen(argv[argc]) + 1;
    if (sp - stack_base < len + 16)
      return 0;
    sp = (sp - len) & ~15UL; /* the RISC-V ABI wants sp 16-aligned */
    if (copyout(pt, sp, argv[argc], len) < 0)
      return 0;
    uargv[argc] = sp;
  }
  uargv[argc] = 0;
  uint64 size = (argc + 1) * sizeof(uint64);
  if (sp - stack_base < size + 16)
    return 0;
  sp = (sp - size) & ~15UL;
  if (copyout(pt, sp, uargv, size) < 0)
    return 0;
  *argcp = argc;
  return sp;
}

int
exec(char *path, char **argv)
{
  struct proc *p = myproc();
  struct elfhdr eh;
  pagetable_t pt = 0;

  begin_op();
  struct inode *ip = namei(path);
  if (ip == 0) {
    end_op();
    return -1;
  }
  ilock(ip);
  if (ip->type != T_FILE)
    goto bad;
  if ((pt = uvm_create((uint64)p->trapframe)) == 0)
    goto bad;
  uint64 sz = load_program(pt, ip, &eh);
  if (sz == 0)
    goto bad;
  iunlockput(ip);
  end_op();
  ip = 0;

  /* Guard page (left unmapped), then the stack. */
  sz = USER_GUARD(sz);
  uint64 stack_base = USER_STACK_BASE(sz);
  uint64 stack_top = stack_base + USERSTACK * PGSIZE;
  if (stack_top > USERTOP ||
      uvm_alloc(pt, stack_base, stack_top, PTE_R | PTE_W) < 0)
    goto bad;
  int argc;
  uint64 sp = push_args(pt, stack_top, stack_base, argv, &argc);
  if (sp == 0)
    goto bad;

  /* The name, for ps and error messages: the last path component. */
  char *last = path;
  for (char *s = path; *s; s++)
    if (*s == '/')
      last = s + 1;
  safestrcpy(p->name, last, sizeof(p->name));

  /* Commit: from here on nothing can fail.  The process keeps its root
   * table (harts may hold it in satp); the user memory moves in. */
  uvm_swap(p->pagetable, pt);
  p->sz = stack_top;
  p->heap_start = stack_top;
  p->trapframe->epc = eh.entry;
  p->trapframe->sp = sp;
  p->trapframe->a1 = sp; /* argv */
  p->fp_used = 0;        /* the new program starts with zeroed FP registers */
  proc_tlb_changed(p);   /* flush the old program's translations */
  uvm_destroy(pt);       /* now holding the old program */
  return argc;           /* lands in a0: main(argc, argv) */

bad:
  if (pt)
    uvm_destroy(pt);
  if (ip) {
    iunlockput(ip);
    end_op();
  }
  return -1;
}

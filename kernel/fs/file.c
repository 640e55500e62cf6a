/*
 * Open files: the system-wide file table and the work behind read, write,
 * fstat and close on any kind of file (inode, device, pipe).
 *
 * Interface (file.h): filealloc/filedup/fileclose manage references;
 * fileread/filewrite/filestat take user addresses.  devsw[] maps a device
 * major number to its driver's read and write (the console fills its slot).
 *
 * Invariants: a struct file with ref == 0 is free; the type and the
 * pipe/ip fields of a file in use never change until it is freed.
 * A write to an inode is split into pieces that each fit in one
 * transaction, so a big write never overflows the log (it is atomic per
 * piece, not as a whole, as in xv6).  A write that stops part-way (disk
 * full, the largest file size, a bad address) returns the bytes it wrote;
 * -1 only when it wrote none.
 *
 * Locks: ftable.lock (spin) guards every ref; f->off is guarded by the
 * inode's sleep lock.  ftable.lock is never held across I/O.
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fs.h"
#include "kernel/stat.h"
#include "kernel/fs/file.h"
#include "kernel/lib/lib.h"
#include "kernel/lock/lock.h"
#include "kernel/proc/proc.h"

struct devsw devsw[NDEV];

/* A reference is a descriptor of some process (dup, fork, open) or a
 * pipe's end in the making: at most NPROC * NOFILE of them, so f->ref can
 * never pass its type's range however a user dups and forks. */
_Static_assert((long)NPROC *NOFILE < 0x7fffffffL, "file ref can overflow");

static struct {
  struct spinlock lock;
  struct file file[NFILE];
} ftable;

void
fileinit(void)
{
  spinlock_init(&ftable.lock, "ftable");
}

struct file *
filealloc(void)
{
  acquire(&ftable.lock);
  for (struct file *f = ftable.file; f < ftable.file + NFILE; f++) {
    if (f->ref == 0) {
      f->ref = 1;
      release(&ftable.lock);
      return f;
    }
  }
  release(&ftable.lock);
  return 0;
}

struct file *
filedup(struct file *f)
{
  acquire(&ftable.lock);
  if (f->ref < 1)
    panic("filedup: file not open");
  f->ref++;
  release(&ftable.lock);
  return f;
}

void
fileclose(struct file *f)
{
  struct file gone;

  acquire(&ftable.lock);
  if (f->ref < 1)
    panic("fileclose: file not open");
  if (--f->ref > 0) {
    release(&ftable.lock);
    return;
  }
  gone = *f;
  f->ref = 0;
  f->type = FD_NONE;
  release(&ftable.lock);

  if (gone.type == FD_PIPE) {
    pipeclose(gone.pipe, gone.writable);
  } else if (gone.type == FD_INODE || gone.type == FD_DEVICE) {
    /* The last reference to an unlinked file frees it: a transaction. */
    begin_op();
    iput(gone.ip);
    end_op();
  }
}

int
filestat(struct file *f, uint64 addr)
{
  struct stat st;

  if (f->type != FD_INODE && f->type != FD_DEVICE)
    return -1;
  memset(&st, 0, sizeof(st)); /* its padding goes to the user too */
  ilock(f->ip);
  stati(f->ip, &st);
  iunlock(f->ip);
  if (copyout(myproc()->pagetable, addr, &st, sizeof(st)) < 0)
    return -1;
  return 0;
}

static struct devsw *
device(struct file *f)
{
  if (f->major < 0 || f->major >= NDEV)
    return 0;
  return &devsw[f->major];
}

int
fileread(struct file *f, uint64 addr, int n)
{
  struct devsw *d;
  int r;

  if (!f->readable || n < 0)
    return -1;
  switch (f->type) {
  case FD_PIPE:
    return piperead(f->pipe, addr, n);
  case FD_DEVICE:
    if ((d = device(f)) == 0 || d->read == 0)
      return -1;
    return d->read(1, addr, n);
  case FD_INODE:
    ilock(f->ip);
    if ((r = readi(f->ip, 1, addr, f->off, n)) > 0)
      f->off += r;
    iunlock(f->ip);
    return r;
  default:
    panic("fileread: file of unknown type %d", f->type);
  }
}

/*
 * Data blocks one transaction may write, the most that fit in its
 * MAXOPBLOCKS: each costs at worst a bitmap block, and so does each index
 * block the run allocates; the inode and the index blocks the run changes
 * come on top.  With NADDRS - NDIRECT levels of index blocks, a run
 * allocates at most one per level and changes at most 2 * levels - 1 (the
 * indirect block; or, with the fs lab's doubly-indirect block, it and the
 * two of its indirect blocks that a run crossing from one to the next
 * touches).
 */
static uint
blocks_per_op(void)
{
  uint nbitmap = sb.size / BPB + 1;
  uint levels = NADDRS - NDIRECT;
  uint d = 1;

  while ((d + 1) + 1 + MIN(d + 1 + levels, nbitmap) + (2 * levels - 1) <=
         MAXOPBLOCKS)
    d++;
  return d;
}

int
filewrite(struct file *f, uint64 addr, int n)
{
  struct devsw *d;
  int done = 0;

  if (!f->writable || n < 0)
    return -1;
  switch (f->type) {
  case FD_PIPE:
    return pipewrite(f->pipe, addr, n);
  case FD_DEVICE:
    if ((d = device(f)) == 0 || d->write == 0)
      return -1;
    return d->write(1, addr, n);
  case FD_INODE:
    break;
  default:
    panic("filewrite: file of unknown type %d", f->type);
  }

  uint span = blocks_per_op();
  while (done < n) {
    begin_op();
    ilock(f->ip);
    /* Up to span whole or partial blocks, starting at the current one,
     * and never past the largest file (f->off <= MAXFILE * BSIZE). */
    uint limit = (f->off / BSIZE + span) * BSIZE - f->off;
    uint room = f->off < MAXFILE * BSIZE ? MAXFILE * BSIZE - f->off : 0;
    uint m = MIN((uint)(n - done), MIN(limit, room));
    int r = m == 0 ? 0 : writei(f->ip, 1, addr + done, f->off, m);
    if (r > 0) {
      f->off += r;
      done += r;
    }
    iunlock(f->ip);
    end_op();
    if (m == 0 || r != (int)m)
      break; /* at MAXFILE, out of space, or a bad address */
  }
  /* What was written stays written: say how much, as write(2) does. */
  return done > 0 || n == 0 ? done : -1;
}

/* fork: the child shares the parent's open files and directory. */
void
file_fork(struct proc *parent, struct proc *child)
{
  for (int i = 0; i < NOFILE; i++)
    if (parent->ofile[i])
      child->ofile[i] = filedup(parent->ofile[i]);
  child->cwd = idup(parent->cwd);
}

/* exit: close every open file and let go of the directory. */
void
file_exit(struct proc *p)
{
  for (int fd = 0; fd < NOFILE; fd++) {
    if (p->ofile[fd]) {
      fileclose(p->ofile[fd]);
      p->ofile[fd] = 0;
    }
  }
  begin_op();
  iput(p->cwd);
  end_op();
  p->cwd = 0;
}

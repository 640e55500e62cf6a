/*
 * The file system proper: superblock, block allocator, inodes,
 * directories and path names, on top of the log and the block cache.
 *
 * Interface (file.h): fsinit() at boot; ialloc/iget/idup/ilock/iunlock/
 * iput for inodes; readi/writei/stati/itrunc_step on a locked inode;
 * dir_find/dirlookup/dirlink on a locked directory; namei/nameiparent for
 * paths.  Calls that may write (ialloc, iput, iupdate, itrunc_step, writei,
 * dirlink) must run inside a transaction (begin_op/end_op);
 * itrunc_finish runs its own.
 *
 * Invariants: the inode table holds at most one struct inode per
 * (dev, inum); ref counts the C pointers to it, and an entry with ref == 0
 * may be reused.  A full table makes iget() fail, and every caller turns
 * that into a failed call, never into "no such name" (dir_find answers
 * that without taking a slot).  A file's block numbers all lie in the data
 * area [datastart, sb.size); one outside it (a damaged disk) makes the
 * access fail instead of reading or freeing a wild block.
 *
 * Big files and the log.  Freeing a file's blocks may touch more bitmap
 * blocks than one transaction may log, so truncation is split: the size
 * shrinks first, and blocks past the size are garbage that itrunc_step()
 * frees, last first, as much as fits in one transaction.  A disk inode
 * with nlink == 0 is freed the same way: the iput() that drops its last
 * reference runs inside its caller's transaction, so it only marks the
 * inode dying, and reclaim_dying() (run by the log after every end_op,
 * when the caller holds no locks) frees it in as many transactions as it
 * needs.  A crash part-way leaves an orphan (nlink 0) or blocks past a
 * size; the boot pass (recover_inodes) finishes both.
 *
 * A damaged disk.  fsinit refuses, with one line, a superblock that does
 * not fit the format or the disk and a root directory that is not one.
 * An inode of an unknown type, negative link count or impossible size
 * reads as free (type 0), which every call refuses.  A directory entry
 * naming a directory is followed only if that directory's ".." names the
 * entry's directory back, so a path walk never enters a cycle.
 *
 * Locks: itable.lock (spin) guards every ref, dev and inum; ip->lock (sleep)
 * guards the rest of an inode and is held across disk I/O.  Path lookup
 * holds at most one inode lock at a time, so there is no lock order among
 * inodes; an inode lock may be held while taking buffer locks.
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/stat.h"
#include "kernel/fs.h"
#include "kernel/fs/file.h"
#include "kernel/lib/lib.h"
#include "kernel/lock/lock.h"
#include "kernel/proc/proc.h"
#include "kernel/dev/dev.h"
#include "kernel/arch/sbi.h"
#include "kernel/arch/boot.h"

_Static_assert(BSIZE % sizeof(struct dinode) == 0, "dinodes straddle blocks");
_Static_assert(BSIZE % sizeof(struct dirent) == 0, "dirents straddle blocks");

struct superblock sb;
static uint datastart; /* first block of the data area */

static void reclaim_dying(void);

/* ------------------------------------------------------------ superblock */

static uint
blocks_for(uint n, uint per)
{
  return n / per + (n % per != 0);
}

/*
 * A one-line reason why s is not a usable superblock on this disk, or 0.
 * Sums are 64-bit: the fields may be anything.
 */
static const char *
sb_problem(struct superblock *s)
{
  if (s->magic != FSMAGIC)
    return "bad magic number";
  if (s->size > virtio_disk_blocks())
    return "the file system is larger than the disk";
  if (s->logstart <= SUPERBLOCK_NO || s->nlog < MAXOPBLOCKS + 1)
    return "bad log position, or a log too small for one system call";
  if (s->inodestart < (uint64)s->logstart + s->nlog)
    return "inodes overlap the log";
  if (s->ninodes <= ROOTINO || s->ninodes > 0xffff)
    return "bad inode count";
  if (s->bmapstart < (uint64)s->inodestart + blocks_for(s->ninodes, IPB))
    return "bitmap overlaps the inodes";
  if (s->nblocks == 0 || s->nblocks > s->size)
    return "bad data block count";
  if ((uint64)s->size - s->nblocks <
      (uint64)s->bmapstart + blocks_for(s->size, BPB))
    return "data overlaps the bitmap";
  return 0;
}

/* Mounting is impossible: say why on one line and power off.  Not a
 * panic: the kernel is fine, the disk is not. */
static void __attribute__((noreturn)) refuse_mount(const char *why)
{
  printf("fs: refusing to mount the root file system: %s (superblock: size "
         "%u, nblocks %u, ninodes %u, nlog %u; disk: %lu blocks)\n",
         why, sb.size, sb.nblocks, sb.ninodes, sb.nlog, virtio_disk_blocks());
  sbi_shutdown(1);
}

/* A one-line reason why root (locked) is not a usable root directory. */
static const char *
root_problem(struct inode *root)
{
  if (root->type != T_DIR)
    return "the root inode is not a directory";
  if (root->nlink < 1)
    return "the root directory has no links";
  if (dir_find(root, ".", 0) != ROOTINO || dir_find(root, "..", 0) != ROOTINO)
    return "the root directory's . or .. does not name it";
  return 0;
}

/* Data blocks a file of size bytes uses (at most MAXFILE). */
static uint
size_blocks(uint size)
{
  return MIN(blocks_for(size, BSIZE), (uint)MAXFILE);
}

/*
 * Finish what a crash interrupted, at boot, after log recovery, before any
 * process can hold an inode: free every orphan (allocated, no links: a
 * file unlinked while open, or one whose freeing had begun), and every
 * block past a file's size (a truncation had begun).  Without this their
 * blocks would leak forever.
 */
static void
recover_inodes(int dev)
{
  for (uint inum = ROOTINO + 1; inum < sb.ninodes; inum++) {
    struct buf *bp = bread(dev, IBLOCK(inum, sb));
    struct dinode *dip = (struct dinode *)bp->data + inum % IPB;
    int orphan = dip->type != 0 && dip->nlink == 0;
    /* Any indirect block may hold blocks past the size: itrunc looks. */
    int excess = 0;
    for (uint i = MIN(size_blocks(dip->size), (uint)NDIRECT); i < NADDRS; i++)
      excess |= dip->type != 0 && dip->addrs[i] != 0;
    brelse(bp);
    if (!orphan && !excess)
      continue;

    begin_op();
    struct inode *ip = iget(dev, inum);
    if (ip) {
      ilock(ip); /* reads it, so iput sees nlink 0 and frees it */
      iunlock(ip);
    }
    end_op();
    if (ip == 0)
      continue;
    if (orphan) {
      begin_op();
      iput(ip); /* reclaim_dying frees it after end_op */
      end_op();
      printf("fs: reclaimed orphan inode %u\n", inum);
      continue;
    }
    uint freed = itrunc_finish(ip);
    begin_op();
    iput(ip);
    end_op();
    if (freed)
      printf("fs: finished truncating inode %u (%u blocks)\n", inum, freed);
  }
}

void
fsinit(int dev)
{
  struct buf *b = bread(dev, SUPERBLOCK_NO);
  const char *why;

  memmove(&sb, b->data, sizeof(sb));
  brelse(b);
  if ((why = sb_problem(&sb)) != 0)
    refuse_mount(why);
  datastart = sb.size - sb.nblocks;
  initlog(dev, &sb);
  log_set_end_hook(reclaim_dying);

  struct inode *root = iget(dev, ROOTINO);
  if (root == 0)
    refuse_mount("no inode for the root directory");
  ilock(root);
  why = root_problem(root);
  iunlock(root);
  if (why)
    refuse_mount(why);
  begin_op();
  iput(root);
  end_op();

  recover_inodes(dev);
}

static int
bad_block(uint b)
{
  return b < datastart || b >= sb.size;
}

/* ------------------------------------------------------------ blocks */

/*
 * A zeroed, free data block marked in use, or 0 if the disk is full.  The
 * scan skips whole words of the bitmap that are all in use: blocks are
 * handed out from the start, so a big file's every balloc would otherwise
 * test each bit of the blocks before it (minutes for the fs lab's 64 MiB
 * file).
 */
static uint
balloc(uint dev)
{
  for (uint base = 0; base < sb.size; base += BPB) {
    struct buf *bp = bread(dev, BBLOCK(base, sb));
    uint64 *words = (uint64 *)bp->data;
    uint first = base < datastart ? datastart - base : 0;
    for (uint bit = first; bit < BPB && base + bit < sb.size; bit++) {
      if (bit % 64 == 0 && words[bit / 64] == ~0UL) {
        bit += 63;
        continue;
      }
      uchar mask = 1 << (bit % 8);
      if (bp->data[bit / 8] & mask)
        continue;
      bp->data[bit / 8] |= mask;
      log_write(bp);
      brelse(bp);

      struct buf *zb = bread_zero(dev, base + bit);
      log_write(zb);
      brelse(zb);
      return base + bit;
    }
    brelse(bp);
  }
  printf("balloc: out of blocks\n");
  return 0;
}

static void
bfree(uint dev, uint b)
{
  if (bad_block(b)) {
    printf("bfree: ignoring block %u outside the data area\n", b);
    return;
  }
  struct buf *bp = bread(dev, BBLOCK(b, sb));
  uint bit = b % BPB;
  uchar mask = 1 << (bit % 8);
  if (bp->data[bit / 8] & mask) {
    bp->data[bit / 8] &= ~mask;
    log_write(bp);
  } else {
    printf("bfree: block %u is already free\n", b);
  }
  brelse(bp);
}

/* ------------------------------------------------------------ inodes */

static struct {
  struct spinlock lock;
  struct inode inode[NINODE];
  int ndying;     /* inodes with dying set */
  int reclaiming; /* a process is in reclaim_dying() */
} itable;

void
iinit(void)
{
  spinlock_init(&itable.lock, "itable");
  for (int i = 0; i < NINODE; i++)
    sleeplock_init(&itable.inode[i].lock, "inode");
}

/*
 * Does anyone besides the caller hold ip?  A free disk inode can still be
 * held: reclaim_dying() keeps the reference of the inode it frees until
 * the last step's transaction has committed.  Handing such an inode out
 * again would make that reference's drop the last one of the new file or
 * directory, and unlinking it would then never free it (an orphan on the
 * disk, which the fuzzer's fsck after halt found).
 */
static int
still_held(struct inode *ip)
{
  acquire(&itable.lock);
  int held = ip->ref > 1;
  release(&itable.lock);
  return held;
}

/*
 * The in-memory inode for (dev, inum), referenced but unlocked and
 * possibly not yet read from disk; 0 if the number is bad or the table is
 * full.
 */
struct inode *
iget(uint dev, uint inum)
{
  struct inode *ip, *empty = 0;

  if (inum == 0 || inum >= sb.ninodes)
    return 0;
  acquire(&itable.lock);
  for (ip = itable.inode; ip < itable.inode + NINODE; ip++) {
    if (ip->ref > 0 && ip->dev == dev && ip->inum == inum) {
      ip->ref++;
      release(&itable.lock);
      return ip;
    }
    if (empty == 0 && ip->ref == 0)
      empty = ip;
  }
  if (empty == 0) {
    release(&itable.lock);
    printf("iget: inode table full\n");
    return 0;
  }
  empty->dev = dev;
  empty->inum = inum;
  empty->ref = 1;
  empty->valid = 0;
  release(&itable.lock);
  return empty;
}

struct inode *
ialloc(uint dev, short type)
{
  for (uint inum = ROOTINO; inum < sb.ninodes; inum++) {
    struct buf *bp = bread(dev, IBLOCK(inum, sb));
    struct dinode *dip = (struct dinode *)bp->data + inum % IPB;
    if (dip->type == 0) {
      /* The table slot first: with the table full, nothing changes. */
      struct inode *ip = iget(dev, inum);
      if (ip == 0) {
        brelse(bp);
        return 0;
      }
      if (still_held(ip)) { /* being freed: not ours to hand out yet */
        iput(ip);
        brelse(bp);
        continue;
      }
      memset(dip, 0, sizeof(*dip));
      dip->type = type;
      log_write(bp);
      brelse(bp);
      return ip;
    }
    brelse(bp);
  }
  printf("ialloc: no free inodes\n");
  return 0;
}

void
iupdate(struct inode *ip)
{
  struct buf *bp = bread(ip->dev, IBLOCK(ip->inum, sb));
  struct dinode *dip = (struct dinode *)bp->data + ip->inum % IPB;

  dip->type = ip->type;
  dip->major = ip->major;
  dip->minor = ip->minor;
  dip->nlink = ip->nlink;
  dip->size = ip->size;
  memmove(dip->addrs, ip->addrs, sizeof(ip->addrs));
  log_write(bp);
  brelse(bp);
}

struct inode *
idup(struct inode *ip)
{
  acquire(&itable.lock);
  ip->ref++;
  release(&itable.lock);
  return ip;
}

/* Why the disk inode just read into ip cannot be used, or 0. */
static const char *
dinode_problem(struct inode *ip)
{
  if (ip->type == 0)
    return 0;
  if (ip->type != T_DIR && ip->type != T_FILE && ip->type != T_DEVICE)
    return "unknown type";
  if (ip->nlink < 0)
    return "negative link count";
  if (ip->size > (uint)MAXFILE * BSIZE)
    return "larger than the largest file";
  return 0;
}

void
ilock(struct inode *ip)
{
  if (ip == 0 || ip->ref < 1)
    panic("ilock: unreferenced inode");
  acquiresleep(&ip->lock);
  if (!ip->valid) {
    struct buf *bp = bread(ip->dev, IBLOCK(ip->inum, sb));
    struct dinode *dip = (struct dinode *)bp->data + ip->inum % IPB;
    ip->type = dip->type;
    ip->major = dip->major;
    ip->minor = dip->minor;
    ip->nlink = dip->nlink;
    ip->size = dip->size;
    memmove(ip->addrs, dip->addrs, sizeof(ip->addrs));
    brelse(bp);
    ip->valid = 1;
    const char *why = dinode_problem(ip);
    if (why) {
      printf("fs: inode %u is damaged (%s): refused\n", ip->inum, why);
      ip->type = 0;
    }
    /* A free or damaged inode (reached through a damaged directory):
     * callers see type 0 and refuse it; it must not look like a file. */
    if (ip->type == 0)
      ip->size = 0;
  }
}

void
iunlock(struct inode *ip)
{
  if (ip == 0 || !holdingsleep(&ip->lock) || ip->ref < 1)
    panic("iunlock: inode not locked");
  releasesleep(&ip->lock);
}

void
iput(struct inode *ip)
{
  acquire(&itable.lock);
  if (ip->ref < 1)
    panic("iput: inode %u has no references", ip->inum);
  if (ip->ref == 1 && ip->valid && ip->nlink == 0 && ip->type != 0 &&
      ip->inum != ROOTINO) {
    /*
     * The last reference to an unlinked inode.  Freeing a big file takes
     * more log space than the caller's transaction has, so the reference
     * passes to reclaim_dying(), which frees the inode after end_op.
     */
    if (!ip->dying) {
      ip->dying = 1;
      itable.ndying++;
    }
    release(&itable.lock);
    return;
  }
  ip->ref--;
  release(&itable.lock);
}

/* Free ip (referenced, unlocked, nlink 0), one transaction per step. */
static void
free_inode(struct inode *ip)
{
  for (int done = 0; !done;) {
    begin_op();
    ilock(ip);
    if (ip->nlink != 0 || ip->type == 0) {
      done = 1; /* named again through a damaged directory, or free */
    } else {
      ip->size = 0;
      if ((done = itrunc_step(ip, 0)) != 0) {
        ip->type = 0;
        iupdate(ip);
        ip->valid = 0;
      }
    }
    iunlock(ip);
    end_op();
  }
}

/*
 * Free the inodes iput() left dying.  The log runs this after every
 * end_op, when the caller holds no locks; one process at a time does it
 * for everyone (the end_ops of its own transactions find it busy), and it
 * looks for more work before it stops, under the lock that iput() marks
 * inodes under, so none is left behind.
 */
static void
reclaim_dying(void)
{
  acquire(&itable.lock);
  if (itable.reclaiming || itable.ndying == 0) {
    release(&itable.lock);
    return;
  }
  itable.reclaiming = 1;
  for (;;) {
    struct inode *ip = itable.inode;
    while (ip < itable.inode + NINODE && !ip->dying)
      ip++;
    if (ip == itable.inode + NINODE)
      break;
    ip->dying = 0;
    itable.ndying--;
    release(&itable.lock);
    free_inode(ip);
    /* Boot option test=slowreclaim: dawdle while the freed inode is still
     * held, to show the fuzzer catch an ialloc that hands it out. */
    if (bootarg_has("test=slowreclaim"))
      for (volatile int i = 0; i < 3000000; i++)
        ;
    acquire(&itable.lock);
    ip->ref--; /* the reference iput() passed on */
  }
  itable.reclaiming = 0;
  release(&itable.lock);
}

void
iunlockput(struct inode *ip)
{
  iunlock(ip);
  iput(ip);
}

/*
 * The disk block holding block bn of ip's data, allocating it (and the
 * indirect block) if alloc; 0 if absent, not allocatable, or damaged.
 */
static uint
bmap(struct inode *ip, uint bn, int alloc)
{
  uint addr;

  if (bn < NDIRECT) {
    addr = ip->addrs[bn];
    if (addr == 0 && alloc && (addr = balloc(ip->dev)) != 0)
      ip->addrs[bn] = addr;
  } else if (bn < MAXFILE) {
    bn -= NDIRECT;
    uint ind = ip->addrs[NDIRECT];
    if (ind == 0) {
      if (!alloc || (ind = balloc(ip->dev)) == 0)
        return 0;
      ip->addrs[NDIRECT] = ind;
    }
    if (bad_block(ind)) {
      printf("bmap: inode %u: bad indirect block %u\n", ip->inum, ind);
      return 0;
    }
    struct buf *bp = bread(ip->dev, ind);
    uint *a = (uint *)bp->data;
    addr = a[bn];
    if (addr == 0 && alloc && (addr = balloc(ip->dev)) != 0) {
      a[bn] = addr;
      log_write(bp);
    }
    brelse(bp);
  } else {
    return 0;
  }

  if (addr != 0 && bad_block(addr)) {
    printf("bmap: inode %u: bad block %u\n", ip->inum, addr);
    return 0;
  }
  return addr;
}

/*
 * Bitmap blocks one truncation step may change: the rest of a call's
 * share of the log (MAXOPBLOCKS) is the inode and its indirect block.
 */
#define TRUNC_BITMAPS (MAXOPBLOCKS - 2)

/* May a step free block b?  Yes if its bitmap block is in the step's set
 * (*n of them) or the set has room for it. */
static int
step_may_free(uint *set, int *n, uint b)
{
  uint bb = BBLOCK(b, sb);

  if (bad_block(b))
    return 1; /* bfree ignores it: no bitmap block */
  for (int i = 0; i < *n; i++) {
    if (set[i] == bb)
      return 1;
  }
  if (*n == TRUNC_BITMAPS)
    return 0;
  set[(*n)++] = bb;
  return 1;
}

int
itrunc_step(struct inode *ip, uint *nfreed)
{
  uint keep = size_blocks(ip->size);
  uint set[TRUNC_BITMAPS];
  int nset = 0, done = 1, changed = 0;
  uint freed = 0, ind = ip->addrs[NDIRECT];

  if (ind != 0 && bad_block(ind)) {
    printf("itrunc: inode %u: dropping bad indirect block %u\n", ip->inum, ind);
    ip->addrs[NDIRECT] = ind = 0;
    changed = 1;
  }
  if (ind != 0) {
    struct buf *bp = bread(ip->dev, ind);
    uint *a = (uint *)bp->data;
    uint from = keep > NDIRECT ? keep - NDIRECT : 0;
    int dirty = 0;
    for (uint j = NINDIRECT; j-- > from;) {
      if (a[j] == 0)
        continue;
      if (!step_may_free(set, &nset, a[j])) {
        done = 0;
        break;
      }
      bfree(ip->dev, a[j]);
      a[j] = 0;
      dirty = 1;
      freed++;
    }
    if (done && from == 0 && step_may_free(set, &nset, ind)) {
      brelse(bp); /* free now: its zeroed entries need not be logged */
      bfree(ip->dev, ind);
      ip->addrs[NDIRECT] = 0;
      changed = 1;
      freed++;
    } else {
      if (from == 0)
        done = 0; /* the indirect block itself goes in the next step */
      if (dirty)
        log_write(bp);
      brelse(bp);
    }
  }
  for (uint i = NDIRECT; done && i-- > keep;) {
    if (ip->addrs[i] == 0)
      continue;
    if (!step_may_free(set, &nset, ip->addrs[i])) {
      done = 0;
      break;
    }
    bfree(ip->dev, ip->addrs[i]);
    ip->addrs[i] = 0;
    changed = 1;
    freed++;
  }
  if (changed)
    iupdate(ip);
  if (nfreed)
    *nfreed += freed;
  return done;
}

uint
itrunc_finish(struct inode *ip)
{
  uint freed = 0;

  for (int done = 0; !done;) {
    begin_op();
    ilock(ip);
    done = ip->type == 0 || itrunc_step(ip, &freed);
    iunlock(ip);
    end_op();
  }
  return freed;
}

void
stati(struct inode *ip, struct stat *st)
{
  st->dev = ip->dev;
  st->ino = ip->inum;
  st->type = ip->type;
  st->nlink = ip->nlink;
  st->size = ip->size;
}

int
readi(struct inode *ip, int user_dst, uint64 dst, uint off, uint n)
{
  uint tot, m;

  if (off > ip->size || off + n < off)
    return 0;
  if (off + n > ip->size)
    n = ip->size - off;

  for (tot = 0; tot < n; tot += m, off += m, dst += m) {
    uint addr = bmap(ip, off / BSIZE, 0);
    if (addr == 0)
      break;
    struct buf *bp = bread(ip->dev, addr);
    m = MIN(n - tot, BSIZE - off % BSIZE);
    if (either_copyout(user_dst, dst, bp->data + off % BSIZE, m) == -1) {
      brelse(bp);
      return -1;
    }
    brelse(bp);
  }
  return tot;
}

/*
 * A write stopped short at byte end (a bad user address, a full disk):
 * give back what it allocated past end, so no block lies past the size.
 * That is the block it got but put nothing in (end starts it) and an
 * indirect block left with no entries.  In a sound file system nothing
 * else is past the size, and their bitmap blocks are in this transaction
 * already.
 */
static void
trim_short_write(struct inode *ip, uint end)
{
  uint bn = end / BSIZE;

  if (end % BSIZE == 0 && bn < NDIRECT && ip->addrs[bn] != 0) {
    bfree(ip->dev, ip->addrs[bn]);
    ip->addrs[bn] = 0;
  }
  uint ind = ip->addrs[NDIRECT];
  if (ind == 0 || bad_block(ind))
    return;
  struct buf *bp = bread(ip->dev, ind);
  uint *a = (uint *)bp->data;
  if (end % BSIZE == 0 && bn >= NDIRECT && bn < MAXFILE &&
      a[bn - NDIRECT] != 0) {
    bfree(ip->dev, a[bn - NDIRECT]);
    a[bn - NDIRECT] = 0;
    log_write(bp);
  }
  int empty = 1;
  for (uint j = 0; j < NINDIRECT && empty; j++)
    empty = a[j] == 0;
  brelse(bp);
  if (empty) {
    bfree(ip->dev, ind);
    ip->addrs[NDIRECT] = 0;
  }
}

int
writei(struct inode *ip, int user_src, uint64 src, uint off, uint n)
{
  uint tot, m;

  if (off > ip->size || off + n < off)
    return -1;
  if ((uint64)off + n > (uint64)MAXFILE * BSIZE)
    return -1;

  for (tot = 0; tot < n; tot += m, off += m, src += m) {
    uint addr = bmap(ip, off / BSIZE, 1);
    if (addr == 0)
      break;
    struct buf *bp = bread(ip->dev, addr);
    m = MIN(n - tot, BSIZE - off % BSIZE);
    if (either_copyin(bp->data + off % BSIZE, user_src, src, m) == -1) {
      brelse(bp);
      break;
    }
    log_write(bp);
    brelse(bp);
  }

  if (off > ip->size)
    ip->size = off;
  if (tot < n && off >= ip->size)
    trim_short_write(ip, off);
  /* bmap may have changed ip->addrs even when nothing was written. */
  iupdate(ip);
  return tot;
}

/* ------------------------------------------------------------ directories */

int
namecmp(const char *s, const char *t)
{
  return strncmp(s, t, DIRSIZ);
}

uint
dir_find(struct inode *dp, char *name, uint *poff)
{
  if (dp->type != T_DIR)
    return 0;

  for (uint off = 0; off < dp->size; off += BSIZE) {
    uint addr = bmap(dp, off / BSIZE, 0);
    if (addr == 0)
      return 0;
    struct buf *bp = bread(dp->dev, addr);
    struct dirent *de = (struct dirent *)bp->data;
    uint nent = MIN(DIRENTS_PER_BLOCK, (dp->size - off) / sizeof(*de));
    for (uint i = 0; i < nent; i++) {
      if (de[i].inum == 0 || namecmp(name, de[i].name) != 0)
        continue;
      uint inum = de[i].inum;
      brelse(bp);
      if (poff)
        *poff = off + i * sizeof(*de);
      return inum;
    }
    brelse(bp);
  }
  return 0;
}

/*
 * The inode named name in directory dp (locked), referenced and unlocked,
 * with its entry's byte offset in *poff; 0 if there is none or the inode
 * table is full (callers that must tell these apart use dir_find).
 */
struct inode *
dirlookup(struct inode *dp, char *name, uint *poff)
{
  uint inum = dir_find(dp, name, poff);

  return inum ? iget(dp->dev, inum) : 0;
}

/* Add the entry (name, inum) to directory dp (locked); -1 if name exists
 * or the directory cannot grow. */
int
dirlink(struct inode *dp, char *name, uint inum)
{
  struct dirent de;
  uint off;

  /* A removed directory (someone's cwd, still open) takes no new names:
   * they would keep it alive with no path to it, leaking it forever. */
  if (dp->nlink == 0)
    return -1;
  if (dir_find(dp, name, 0) != 0)
    return -1;

  /* The first free entry, or the end of the directory. */
  for (off = 0; off + sizeof(de) <= dp->size; off += sizeof(de)) {
    if (readi(dp, 0, (uint64)&de, off, sizeof(de)) != sizeof(de))
      return -1;
    if (de.inum == 0)
      break;
  }

  memset(&de, 0, sizeof(de));
  strncpy(de.name, name, DIRSIZ);
  de.inum = inum;
  if (writei(dp, 0, (uint64)&de, off, sizeof(de)) != sizeof(de))
    return -1;
  return 0;
}

/* ------------------------------------------------------------ path names */

/*
 * Copy the first element of path into name (cut to DIRSIZ bytes, NUL-
 * terminated if shorter) and return the rest with leading slashes
 * skipped; 0 if path has no element left.
 */
static char *
skipelem(char *path, char *name)
{
  char *s;
  int len;

  while (*path == '/')
    path++;
  if (*path == '\0')
    return 0;
  s = path;
  while (*path != '/' && *path != '\0')
    path++;
  len = path - s;
  if (len >= DIRSIZ) {
    memmove(name, s, DIRSIZ);
  } else {
    memmove(name, s, len);
    name[len] = '\0';
  }
  while (*path == '/')
    path++;
  return path;
}

/*
 * Look up path.  With parent set, stop one element early: return the
 * directory that would hold the last element, whose name goes in name.
 */
static struct inode *
namex(char *path, int parent, char *name)
{
  struct inode *ip, *next;
  uint from = 0; /* the directory ip was found in by a plain name, or 0 */

  if (path == 0 || *path == '\0')
    return 0;
  if (*path == '/') {
    ip = iget(ROOTDEV, ROOTINO);
  } else {
    struct proc *p = myproc();
    if (p == 0 || p->cwd == 0)
      return 0;
    ip = idup(p->cwd);
  }
  if (ip == 0)
    return 0;

  while ((path = skipelem(path, name)) != 0) {
    ilock(ip);
    if (ip->type != T_DIR) {
      iunlockput(ip);
      return 0;
    }
    if (from != 0 && dir_find(ip, "..", 0) != from) {
      printf("fs: directory %u is named in directory %u, which is not its "
             "parent: refused\n",
             ip->inum, from);
      iunlockput(ip);
      return 0;
    }
    if (parent && *path == '\0') {
      iunlock(ip);
      return ip;
    }
    int plain = namecmp(name, ".") != 0 && namecmp(name, "..") != 0;
    from = plain ? ip->inum : 0;
    next = dirlookup(ip, name, 0);
    iunlockput(ip);
    if (next == 0)
      return 0;
    ip = next;
  }
  if (parent) {
    /* "/" and the like have no last element to create or remove. */
    iput(ip);
    return 0;
  }
  return ip;
}

struct inode *
namei(char *path)
{
  char name[DIRSIZ];
  return namex(path, 0, name);
}

struct inode *
nameiparent(char *path, char *name)
{
  return namex(path, 1, name);
}

/*
 * The file system proper: superblock, block allocator, inodes,
 * directories and path names, on top of the log and the block cache.
 *
 * Interface (file.h): fsinit() at boot; ialloc/iget/idup/ilock/iunlock/
 * iput for inodes; readi/writei/stati/itrunc on a locked inode;
 * dirlookup/dirlink on a locked directory; namei/nameiparent for paths.
 * Calls that may write (ialloc, iput, iupdate, itrunc, writei, dirlink)
 * must run inside a transaction (begin_op/end_op).
 *
 * Invariants: the inode table holds at most one struct inode per
 * (dev, inum); ref counts the C pointers to it, and an entry with ref == 0
 * may be reused.  A disk inode with nlink == 0 and no references is freed
 * by the iput() that drops the last reference.  A file's block numbers all
 * lie in the data area [datastart, sb.size); one outside it (a damaged
 * disk) makes the access fail instead of reading or freeing a wild block.
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

_Static_assert(BSIZE % sizeof(struct dinode) == 0, "dinodes straddle blocks");
_Static_assert(BSIZE % sizeof(struct dirent) == 0, "dirents straddle blocks");

struct superblock sb;
static uint datastart; /* first block of the data area */

static struct inode *iget(uint dev, uint inum);

/* ------------------------------------------------------------ superblock */

static uint
blocks_for(uint n, uint per)
{
  return n / per + (n % per != 0);
}

/* A one-line reason why s is not a usable superblock, or 0. */
static const char *
sb_problem(struct superblock *s)
{
  if (s->magic != FSMAGIC)
    return "bad magic number";
  if (s->nlog < 2 || s->logstart <= SUPERBLOCK_NO)
    return "bad log position or size";
  if (s->inodestart < s->logstart + s->nlog)
    return "inodes overlap the log";
  if (s->ninodes <= ROOTINO || s->ninodes > 0xffff)
    return "bad inode count";
  if (s->bmapstart < s->inodestart + blocks_for(s->ninodes, IPB))
    return "bitmap overlaps the inodes";
  if (s->nblocks == 0 || s->nblocks > s->size)
    return "bad data block count";
  if (s->size - s->nblocks < s->bmapstart + blocks_for(s->size, BPB))
    return "data overlaps the bitmap";
  return 0;
}

/*
 * Free every inode that is allocated but has no links: a file unlinked
 * while still open whose last close never came because the machine
 * stopped.  Without this its blocks would leak forever.  Runs at boot,
 * after log recovery, before any process can hold an inode.
 */
static void
reclaim_orphans(int dev)
{
  for (uint inum = ROOTINO + 1; inum < sb.ninodes; inum++) {
    struct buf *bp = bread(dev, IBLOCK(inum, sb));
    struct dinode *dip = (struct dinode *)bp->data + inum % IPB;
    int orphan = dip->type != 0 && dip->nlink == 0;
    brelse(bp);
    if (!orphan)
      continue;
    begin_op();
    struct inode *ip = iget(dev, inum);
    if (ip) {
      ilock(ip); /* reads it, so iput sees nlink 0 and frees it */
      iunlock(ip);
      iput(ip);
    }
    end_op();
    printf("fs: reclaimed orphan inode %u\n", inum);
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
    panic("fsinit: the root file system is unusable: %s", why);
  datastart = sb.size - sb.nblocks;
  initlog(dev, &sb);
  reclaim_orphans(dev);

  struct inode *root = iget(dev, ROOTINO);
  if (root == 0)
    panic("fsinit: no inode for the root directory");
  ilock(root);
  if (root->type != T_DIR)
    panic("fsinit: the root inode is not a directory");
  iunlockput(root);
}

static int
bad_block(uint b)
{
  return b < datastart || b >= sb.size;
}

/* ------------------------------------------------------------ blocks */

/* A zeroed, free data block marked in use, or 0 if the disk is full. */
static uint
balloc(uint dev)
{
  for (uint base = 0; base < sb.size; base += BPB) {
    struct buf *bp = bread(dev, BBLOCK(base, sb));
    uint first = base < datastart ? datastart - base : 0;
    for (uint bit = first; bit < BPB && base + bit < sb.size; bit++) {
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
} itable;

void
iinit(void)
{
  spinlock_init(&itable.lock, "itable");
  for (int i = 0; i < NINODE; i++)
    sleeplock_init(&itable.inode[i].lock, "inode");
}

/*
 * The in-memory inode for (dev, inum), referenced but unlocked and
 * possibly not yet read from disk; 0 if the number is bad or the table is
 * full.
 */
static struct inode *
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
      memset(dip, 0, sizeof(*dip));
      dip->type = type;
      log_write(bp);
      brelse(bp);
      return iget(dev, inum);
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
    /* A free inode reached through a damaged directory: callers see type
     * 0 and refuse it; it must not look like a file. */
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
  if (ip->ref == 1 && ip->valid && ip->nlink == 0 && ip->type != 0) {
    /*
     * The last reference to an unlinked inode: free it.  No directory
     * names it and ours is the only pointer, so nobody can find it while
     * itable.lock is dropped, and ilock cannot block.
     */
    release(&itable.lock);
    acquiresleep(&ip->lock);
    itrunc(ip);
    ip->type = 0;
    iupdate(ip);
    ip->valid = 0;
    releasesleep(&ip->lock);
    acquire(&itable.lock);
  }
  if (ip->ref < 1)
    panic("iput: inode %u has no references", ip->inum);
  ip->ref--;
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

void
itrunc(struct inode *ip)
{
  for (int i = 0; i < NDIRECT; i++) {
    if (ip->addrs[i]) {
      bfree(ip->dev, ip->addrs[i]);
      ip->addrs[i] = 0;
    }
  }
  uint ind = ip->addrs[NDIRECT];
  if (ind) {
    if (!bad_block(ind)) {
      struct buf *bp = bread(ip->dev, ind);
      uint *a = (uint *)bp->data;
      for (uint j = 0; j < NINDIRECT; j++) {
        if (a[j])
          bfree(ip->dev, a[j]);
      }
      brelse(bp);
    }
    bfree(ip->dev, ind);
    ip->addrs[NDIRECT] = 0;
  }
  ip->size = 0;
  iupdate(ip);
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

/*
 * The inode named name in directory dp (locked), referenced and unlocked,
 * with its entry's byte offset in *poff; 0 if there is none.
 */
struct inode *
dirlookup(struct inode *dp, char *name, uint *poff)
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
      return iget(dp->dev, inum);
    }
    brelse(bp);
  }
  return 0;
}

/* Add the entry (name, inum) to directory dp (locked); -1 if name exists
 * or the directory cannot grow. */
int
dirlink(struct inode *dp, char *name, uint inum)
{
  struct dirent de;
  struct inode *ip;
  uint off;

  /* A removed directory (someone's cwd, still open) takes no new names:
   * they would keep it alive with no path to it, leaking it forever. */
  if (dp->nlink == 0)
    return -1;
  if ((ip = dirlookup(dp, name, 0)) != 0) {
    iput(ip);
    return -1;
  }

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
    if (parent && *path == '\0') {
      iunlock(ip);
      return ip;
    }
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

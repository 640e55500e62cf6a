/*
 * The block cache: copies of disk blocks in memory.
 *
 * Interface: bread() returns a locked buffer holding a block's contents;
 * bread_zero() returns one whose contents are zeroes without reading the
 * disk (for freshly allocated blocks); bwrite()/bwrite_many() write locked
 * buffers to disk; brelse() unlocks and lets the buffer be reused.  The log
 * pins a buffer it has recorded (bpin/bunpin) so it stays cached until the
 * block is installed.
 *
 * Invariants: at most one buffer caches a given (dev, blockno); a buffer
 * with refcnt == 0 may be recycled, least recently released first; data is
 * touched only by the holder of the buffer's sleep lock.
 *
 * Size: NBUF buffers for the working set of running system calls, plus
 * LOGSIZE more because the log may pin up to that many at once; with only
 * NBUF, a full log would leave nothing to read with.  When every buffer is
 * busy, bget() sleeps until one is released rather than panicking.
 *
 * Locks: bcache.lock (spin) guards refcnt, dev, blockno and the LRU list;
 * it is never held while taking a buffer's sleep lock.  Order: buffer
 * sleep lock, then bcache.lock; the disk lock is below both.
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fs.h"
#include "kernel/fs/file.h"
#include "kernel/dev/dev.h"
#include "kernel/lib/lib.h"
#include "kernel/lock/lock.h"
#include "kernel/proc/proc.h"

#define NCACHE (NBUF + LOGSIZE)

static struct {
  struct spinlock lock;
  struct buf buf[NCACHE];
  /* LRU list through prev/next: head.next was released most recently. */
  struct buf head;
  int waiters; /* processes sleeping in bget() for a free buffer */
} bcache;

void
binit(void)
{
  spinlock_init_ranked(&bcache.lock, "bcache", LOCK_RANK_BCACHE);
  bcache.head.prev = &bcache.head;
  bcache.head.next = &bcache.head;
  for (struct buf *b = bcache.buf; b < bcache.buf + NCACHE; b++) {
    sleeplock_init(&b->lock, "buffer");
    b->next = bcache.head.next;
    b->prev = &bcache.head;
    bcache.head.next->prev = b;
    bcache.head.next = b;
  }
}

/* Move b to the front of the LRU list.  Caller holds bcache.lock. */
static void
make_recent(struct buf *b)
{
  assert(holding(&bcache.lock));
  b->next->prev = b->prev;
  b->prev->next = b->next;
  b->next = bcache.head.next;
  b->prev = &bcache.head;
  bcache.head.next->prev = b;
  bcache.head.next = b;
}

/* The buffer for (dev, blockno), locked; its data is valid only if b->valid. */
static struct buf *
bget(uint dev, uint blockno)
{
  struct buf *b;

  acquire(&bcache.lock);
  for (;;) {
    for (b = bcache.head.next; b != &bcache.head; b = b->next) {
      if (b->dev == dev && b->blockno == blockno) {
        b->refcnt++;
        release(&bcache.lock);
        acquiresleep(&b->lock);
        return b;
      }
    }
    /* Not cached: recycle the least recently used idle buffer. */
    for (b = bcache.head.prev; b != &bcache.head; b = b->prev) {
      if (b->refcnt == 0) {
        b->dev = dev;
        b->blockno = blockno;
        b->valid = 0;
        b->refcnt = 1;
        release(&bcache.lock);
        acquiresleep(&b->lock);
        return b;
      }
    }
    bcache.waiters++;
    sleep(&bcache, &bcache.lock);
    bcache.waiters--;
  }
}

struct buf *
bread(uint dev, uint blockno)
{
  struct buf *b = bget(dev, blockno);

  if (!b->valid) {
    virtio_disk_rw(b, 0);
    b->valid = 1;
  }
  return b;
}

struct buf *
bread_zero(uint dev, uint blockno)
{
  struct buf *b = bget(dev, blockno);

  memset(b->data, 0, BSIZE);
  b->valid = 1;
  return b;
}

void
bwrite(struct buf *b)
{
  if (!holdingsleep(&b->lock))
    panic("bwrite: buffer not locked");
  virtio_disk_rw(b, 1);
}

void
bwrite_many(struct buf **bufs, int n)
{
  for (int i = 0; i < n; i++) {
    if (!holdingsleep(&bufs[i]->lock))
      panic("bwrite_many: buffer not locked");
  }
  virtio_disk_rw_many(bufs, n, 1);
}

/* Drop one reference; an idle buffer becomes the most recently used. */
static void
unref(struct buf *b)
{
  acquire(&bcache.lock);
  if (b->refcnt == 0)
    panic("bio: buffer %u released too often", b->blockno);
  b->refcnt--;
  if (b->refcnt == 0) {
    make_recent(b);
    if (bcache.waiters > 0)
      wakeup(&bcache);
  }
  release(&bcache.lock);
}

void
brelse(struct buf *b)
{
  if (!holdingsleep(&b->lock))
    panic("brelse: buffer not locked");
  releasesleep(&b->lock);
  unref(b);
}

void
bpin(struct buf *b)
{
  acquire(&bcache.lock);
  b->refcnt++;
  release(&bcache.lock);
}

void
bunpin(struct buf *b)
{
  unref(b);
}

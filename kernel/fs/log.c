/*
 * The write-ahead log: every file-system system call is an atomic
 * transaction, even across a crash.
 *
 * Interface: a call brackets its work with begin_op()/end_op() and records
 * each block it changes with log_write(b) instead of writing it.  When the
 * last of the calls running together ends, their changes are committed
 * together ("group commit"): begin_op() reserves MAXOPBLOCKS log slots per
 * call and waits while the log could not hold them, or while a commit is
 * running.  A call ends its transaction holding no inode or buffer locks;
 * end_op then runs the file system's end hook (fs.c frees unlinked inodes
 * there, in transactions of their own).
 *
 * On disk: block sb.logstart holds a struct logheader; the next nlog - 1
 * blocks are slots, slot i holding a copy of block lh.block[i].  The log
 * is cumulative: each commit appends its blocks after those of the
 * commits before it (a block logged twice appears twice; the later copy
 * wins), so committing never overwrites a slot the on-disk header names.
 * A commit, with a flush of the disk's write cache where order matters:
 *   1. write the new slots, in one batch;             flush
 *   2. write the header naming old and new slots;     flush (committed)
 *   3. install the new blocks at home, in one batch.
 * The homes need no flush of their own: a crash before they are durable
 * replays them from the log.  When the log is too full for another call,
 * it is reset: flush (every home is durable), write a header with n = 0,
 * flush; only then may slots be reused.  So a commit costs two flushes,
 * and a reset two more every few commits.  initlog() replays the log
 * found at boot, after checking the header; a corrupt header is reported
 * and ignored, never trusted.
 *
 * Logged blocks stay pinned in the block cache until installed, so readers
 * see the new contents before they are home.  Slots are written from
 * private buffers (logbuf), not cache buffers, so a commit needs no free
 * cache buffers beyond the pinned ones.
 *
 * Locks: log.lock (spin) guards outstanding, committing, lh and ndisk.
 * The committer (or resetter) runs without it, committing == 1 keeping
 * everyone else out, and alone touches logbuf and disklh.  Order:
 * log.lock is released before any buffer lock is taken.
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fs.h"
#include "kernel/fs/file.h"
#include "kernel/dev/dev.h"
#include "kernel/lib/lib.h"
#include "kernel/lock/lock.h"
#include "kernel/proc/proc.h"

_Static_assert(sizeof(struct logheader) == BSIZE, "log header is one block");
_Static_assert(LOGSIZE < BSIZE / sizeof(int), "log header too small");

static struct {
  struct spinlock lock;
  uint dev;
  uint start;          /* the header block; slots follow */
  int cap;             /* slots usable: min(sb.nlog - 1, LOGSIZE) */
  uint lowest, limit;  /* loggable blocks are in [lowest, limit) */
  int outstanding;     /* calls between begin_op() and end_op() */
  int committing;      /* a commit, reset or recovery is running */
  struct logheader lh; /* the transaction being built */
  int ndisk;           /* slots in use by committed transactions */
} log;

/* Set once at mount (log_set_end_hook); called after every end_op. */
static void (*end_hook)(void);

/* The blocks named by the on-disk header (disklh.n == log.ndisk). */
static struct logheader disklh;

/* Private I/O buffers: [0] the header, [1 + i] slot i. */
static struct buf logbuf[LOGSIZE + 1];

static void
write_header(int n, int *blocks)
{
  struct logheader *h = (struct logheader *)logbuf[0].data;

  memset(h, 0, sizeof(*h));
  h->n = n;
  for (int i = 0; i < n; i++)
    h->block[i] = blocks[i];
  logbuf[0].blockno = log.start;
  virtio_disk_rw(&logbuf[0], 1);
}

/* Is the on-disk header h safe to replay? */
static int
header_ok(struct logheader *h)
{
  if (h->n < 0 || h->n > log.cap) {
    printf("log: header claims %d blocks, the log holds %d\n", h->n, log.cap);
    return 0;
  }
  for (int i = 0; i < h->n; i++) {
    if ((uint)h->block[i] < log.lowest || (uint)h->block[i] >= log.limit) {
      printf("log: header entry %d names block %d, outside [%u, %u)\n", i,
             h->block[i], log.lowest, log.limit);
      return 0;
    }
  }
  return 1;
}

/* Replay a committed transaction left by a crash, then clear it. */
static void
recover(void)
{
  struct logheader *h = (struct logheader *)logbuf[0].data;
  struct buf *io[LOGSIZE];
  int n, m;

  logbuf[0].blockno = log.start;
  virtio_disk_rw(&logbuf[0], 0);
  if (h->n == 0)
    return;
  if (!header_ok(h)) {
    printf("log: corrupt log header, not replaying it\n");
    return;
  }
  n = h->n;

  for (int i = 0; i < n; i++) {
    logbuf[1 + i].blockno = log.start + 1 + i;
    io[i] = &logbuf[1 + i];
  }
  virtio_disk_rw_many(io, n, 0);

  /*
   * Install each block once, from its last slot: two writes of one block
   * in flight together could land in either order.
   */
  m = 0;
  for (int i = 0; i < n; i++) {
    int later = 0;
    for (int j = i + 1; j < n; j++)
      later |= h->block[j] == h->block[i];
    if (!later) {
      logbuf[1 + i].blockno = h->block[i];
      io[m++] = &logbuf[1 + i];
    }
  }
  virtio_disk_rw_many(io, m, 1);
  virtio_disk_flush();
  printf("log: replayed %d blocks\n", n);

  write_header(0, 0);
  virtio_disk_flush();
}

void
initlog(int dev, struct superblock *s)
{
  spinlock_init(&log.lock, "log");
  for (int i = 0; i < LOGSIZE + 1; i++) {
    sleeplock_init(&logbuf[i].lock, "logbuf");
    logbuf[i].dev = dev;
  }
  log.dev = dev;
  log.start = s->logstart;
  log.cap = MIN((int)s->nlog - 1, LOGSIZE);
  log.lowest = s->inodestart;
  log.limit = s->size;
  if (log.cap < MAXOPBLOCKS) /* fsinit refuses such a superblock */
    panic("initlog: log of %u blocks cannot hold one system call", s->nlog);

  log.committing = 1;
  recover();
  log.committing = 0;
  log.ndisk = 0;
}

/* Make every slot free: the homes of all logged blocks are written. */
static void
reset(void)
{
  virtio_disk_flush(); /* homes durable before the header forgets them */
  write_header(0, 0);
  virtio_disk_flush(); /* forgotten before any slot is overwritten */
  disklh.n = 0;
  log.ndisk = 0;
}

/*
 * Run work (a commit or a reset) with the log to ourselves: committing
 * keeps every other caller out while log.lock is dropped for the disk
 * I/O.  Called and returns with log.lock held, nothing running.
 */
static void
run_alone(void (*work)(void))
{
  log.committing = 1;
  release(&log.lock);
  work();
  acquire(&log.lock);
  log.committing = 0;
  wakeup(&log);
}

/*
 * Empty the log: wait for the calls in progress to commit, then reset it,
 * so that a disk left by a clean power-off has nothing to replay.  Called
 * by halt; a call that starts afterwards is still crash-safe.
 */
void
log_sync(void)
{
  acquire(&log.lock);
  while (log.committing || log.outstanding > 0)
    sleep(&log, &log.lock);
  run_alone(reset);
  release(&log.lock);
}

void
begin_op(void)
{
  acquire(&log.lock);
  for (;;) {
    if (log.committing) {
      sleep(&log, &log.lock);
    } else if (log.ndisk + log.lh.n + (log.outstanding + 1) * MAXOPBLOCKS >
               log.cap) {
      if (log.outstanding > 0) {
        sleep(&log, &log.lock); /* the running calls' commit comes first */
        continue;
      }
      /* Nothing running, so lh is empty: the committed slots are in the
       * way.  Reset the log here; others wait as for a commit. */
      run_alone(reset);
    } else {
      break;
    }
  }
  log.outstanding++;
  release(&log.lock);
}

static void
commit(void)
{
  struct buf *io[LOGSIZE];
  int n = log.lh.n;
  int first = log.ndisk;

  if (n == 0)
    return;
  if (first + n > log.cap) {
    reset(); /* begin_op's reservations make this rare */
    first = 0;
  }

  /* 1. The new slots.  Home buffers are pinned, so bread() hits the cache. */
  for (int i = 0; i < n; i++) {
    struct buf *b = bread(log.dev, log.lh.block[i]);
    memmove(logbuf[1 + first + i].data, b->data, BSIZE);
    brelse(b);
    logbuf[1 + first + i].blockno = log.start + 1 + first + i;
    io[i] = &logbuf[1 + first + i];
  }
  virtio_disk_rw_many(io, n, 1);
  virtio_disk_flush();

  /* 2. The commit point. */
  for (int i = 0; i < n; i++)
    disklh.block[first + i] = log.lh.block[i];
  disklh.n = first + n;
  write_header(disklh.n, disklh.block);
  virtio_disk_flush();
  log.ndisk = disklh.n;

  /* 3. Home. */
  for (int i = 0; i < n; i++)
    io[i] = bread(log.dev, log.lh.block[i]);
  bwrite_many(io, n);
  for (int i = 0; i < n; i++) {
    bunpin(io[i]);
    brelse(io[i]);
  }
  log.lh.n = 0;
}

void
end_op(void)
{
  acquire(&log.lock);
  if (log.outstanding <= 0 || log.committing)
    panic("end_op: no transaction open");
  log.outstanding--;
  if (log.outstanding == 0)
    run_alone(commit); /* the last call of the group commits for all */
  else
    wakeup(&log); /* our unused reservation may let a begin_op() in */
  release(&log.lock);
  if (end_hook)
    end_hook();
}

void
log_set_end_hook(void (*fn)(void))
{
  end_hook = fn;
}

void
log_write(struct buf *b)
{
  int i;

  if (b->blockno < log.lowest || b->blockno >= log.limit)
    panic("log_write: block %u is not loggable", b->blockno);
  acquire(&log.lock);
  if (log.outstanding < 1)
    panic("log_write: outside a transaction");
  for (i = 0; i < log.lh.n; i++) {
    if ((uint)log.lh.block[i] == b->blockno)
      break; /* already logged: this write is absorbed */
  }
  if (i == log.lh.n) {
    if (log.lh.n >= log.cap)
      panic("log_write: transaction too big");
    log.lh.block[log.lh.n++] = b->blockno;
    bpin(b);
  }
  release(&log.lock);
}

/*
 * The virtio block disk: a modern (version 2) virtio-mmio device in QEMU
 * virt's slot 0, one request queue.
 *
 * Interface (dev.h): virtio_disk_rw_many() hands the device up to n block
 * requests at once and sleeps until every one has finished;
 * virtio_disk_rw() is the one-buffer case; virtio_disk_flush() returns
 * once every write that completed before it is on stable storage (a no-op
 * when the device does not offer VIRTIO_BLK_F_FLUSH, i.e. writes through).
 * virtio_disk_intr() is the interrupt handler.
 *
 * Each request is a chain of three descriptors (header, data, status byte);
 * a flush is two (header, status).  The header and status of a chain live in
 * req[head], indexed by the chain's first descriptor, which is unique among
 * chains in flight.  A caller's requests share one struct batch on its
 * stack: the interrupt handler counts them down and wakes the caller when
 * the count reaches zero.  A caller that runs out of descriptors submits
 * what it can and sleeps on disk.free until a chain finishes.
 *
 * Invariants: a descriptor is either in disk.freelist or in exactly one
 * chain the device owns; b->disk is 1 exactly while b's request is in
 * flight.  Ring memory is in RAM, which the kernel maps one-to-one, so the
 * addresses handed to the device are plain kernel pointers.
 *
 * Locks: disk.lock guards everything here, including the rings; it is a
 * leaf lock, dropped only inside sleep().
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "kernel/fs.h"
#include "kernel/dev/dev.h"
#include "kernel/dev/virtio.h"
#include "kernel/fs/file.h"
#include "kernel/lib/lib.h"
#include "kernel/lock/lock.h"
#include "kernel/mm/mm.h"
#include "kernel/proc/proc.h"

/* The most descriptors we use; the device may allow fewer. */
#define QMAX 32

/* Where the three ring parts sit in the one kalloc'd page. */
#define RING_DESC_OFF 0
#define RING_AVAIL_OFF 1024
#define RING_USED_OFF 2048

_Static_assert(QMAX * sizeof(struct virtq_desc) <= RING_AVAIL_OFF,
               "descriptor table overlaps the available ring");
_Static_assert(sizeof(struct virtq_avail) + (QMAX + 1) * sizeof(uint16) <=
                   RING_USED_OFF - RING_AVAIL_OFF,
               "available ring overlaps the used ring");
_Static_assert(sizeof(struct virtq_used) +
                       QMAX * sizeof(struct virtq_used_elem) + sizeof(uint16) <=
                   PGSIZE - RING_USED_OFF,
               "used ring does not fit in the page");
_Static_assert(RING_AVAIL_OFF % VRING_AVAIL_ALIGN == 0 &&
                   RING_USED_OFF % VRING_USED_ALIGN == 0,
               "ring parts misaligned");
_Static_assert(BSIZE % VIRTIO_BLK_SECTOR_SIZE == 0,
               "a block must be whole sectors");

#define SECTORS_PER_BLOCK (BSIZE / VIRTIO_BLK_SECTOR_SIZE)
#define STATUS_PENDING 0xff /* the device has not answered yet */

/* Requests one caller waits for together. */
struct batch {
  int pending; /* chains still owned by the device */
};

static struct disk {
  struct spinlock lock;
  uint num; /* queue size, a power of two <= QMAX */
  struct virtq_desc *desc;
  volatile struct virtq_avail *avail;
  volatile struct virtq_used *used;
  uint16 avail_next; /* avail->idx once the pending entries are published */
  uint16 used_seen;  /* used ring entries already handled */
  uint16 freelist[QMAX];
  int nfree;
  int free;        /* only an address to sleep on */
  int has_flush;   /* VIRTIO_BLK_F_FLUSH negotiated */
  uint64 capacity; /* disk size in sectors */
  struct {
    struct virtio_blk_req hdr;
    volatile uint8 status;
    struct buf *b; /* 0 for a flush */
    struct batch *batch;
  } req[QMAX];
} disk;

static volatile uint32 *
reg(uint off)
{
  return (volatile uint32 *)(DEV_VA(VIRTIO0_PA) + off);
}

static uint32
reg_read(uint off)
{
  return *reg(off);
}

static void
reg_write(uint off, uint32 val)
{
  *reg(off) = val;
}

static void
set_status(uint32 bits)
{
  reg_write(VIRTIO_MMIO_STATUS, reg_read(VIRTIO_MMIO_STATUS) | bits);
}

static void
write_addr(uint lowreg, uint highreg, void *p)
{
  uint64 a = (uint64)p;
  reg_write(lowreg, (uint32)a);
  reg_write(highreg, (uint32)(a >> 32));
}

static uint64
read_capacity(void)
{
  uint32 gen, lo, hi;

  /* The config space may change under us; retry until it holds still. */
  do {
    gen = reg_read(VIRTIO_MMIO_CONFIG_GENERATION);
    lo = reg_read(VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_CAPACITY);
    hi = reg_read(VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_CAPACITY + 4);
  } while (gen != reg_read(VIRTIO_MMIO_CONFIG_GENERATION));
  return ((uint64)hi << 32) | lo;
}

void
virtio_disk_init(void)
{
  uint64 offered, wanted;
  uint32 max;
  char *ring;

  spinlock_init(&disk.lock, "virtio_disk");

  if (reg_read(VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MAGIC ||
      reg_read(VIRTIO_MMIO_VERSION) != VIRTIO_MMIO_VERSION_MODERN ||
      reg_read(VIRTIO_MMIO_DEVICE_ID) != VIRTIO_ID_BLOCK)
    panic("virtio_disk: no modern virtio block device in slot 0 "
          "(need -global virtio-mmio.force-legacy=false and a disk)");

  /* Reset, then announce ourselves (spec 3.1.1). */
  reg_write(VIRTIO_MMIO_STATUS, 0);
  set_status(VIRTIO_STATUS_ACKNOWLEDGE);
  set_status(VIRTIO_STATUS_DRIVER);

  reg_write(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
  offered = reg_read(VIRTIO_MMIO_DEVICE_FEATURES);
  reg_write(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
  offered |= (uint64)reg_read(VIRTIO_MMIO_DEVICE_FEATURES) << 32;
  if (!(offered & VIRTIO_FEATURE(VIRTIO_F_VERSION_1)))
    panic("virtio_disk: device lacks VIRTIO_F_VERSION_1");
  if (offered & VIRTIO_FEATURE(VIRTIO_BLK_F_RO))
    panic("virtio_disk: the disk is read-only");

  wanted = VIRTIO_FEATURE(VIRTIO_F_VERSION_1);
  wanted |= offered & VIRTIO_FEATURE(VIRTIO_BLK_F_FLUSH);
  disk.has_flush = (wanted & VIRTIO_FEATURE(VIRTIO_BLK_F_FLUSH)) != 0;
  reg_write(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
  reg_write(VIRTIO_MMIO_DRIVER_FEATURES, (uint32)wanted);
  reg_write(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
  reg_write(VIRTIO_MMIO_DRIVER_FEATURES, (uint32)(wanted >> 32));
  set_status(VIRTIO_STATUS_FEATURES_OK);
  if (!(reg_read(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK))
    panic("virtio_disk: device refused our features");

  /* Queue 0 is the request queue. */
  reg_write(VIRTIO_MMIO_QUEUE_SEL, 0);
  if (reg_read(VIRTIO_MMIO_QUEUE_READY))
    panic("virtio_disk: queue 0 already in use");
  max = reg_read(VIRTIO_MMIO_QUEUE_NUM_MAX);
  disk.num = QMAX;
  while (disk.num > max)
    disk.num >>= 1;
  if (disk.num < 4)
    panic("virtio_disk: queue too small (%u descriptors)", max);

  if ((ring = kalloc()) == 0)
    panic("virtio_disk: no memory for the rings");
  memset(ring, 0, PGSIZE);
  disk.desc = (struct virtq_desc *)(ring + RING_DESC_OFF);
  disk.avail = (struct virtq_avail *)(ring + RING_AVAIL_OFF);
  disk.used = (struct virtq_used *)(ring + RING_USED_OFF);

  reg_write(VIRTIO_MMIO_QUEUE_NUM, disk.num);
  write_addr(VIRTIO_MMIO_QUEUE_DESC_LOW, VIRTIO_MMIO_QUEUE_DESC_HIGH,
             disk.desc);
  write_addr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, VIRTIO_MMIO_QUEUE_DRIVER_HIGH,
             (void *)disk.avail);
  write_addr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, VIRTIO_MMIO_QUEUE_DEVICE_HIGH,
             (void *)disk.used);
  reg_write(VIRTIO_MMIO_QUEUE_READY, 1);

  for (uint i = 0; i < disk.num; i++)
    disk.freelist[i] = i;
  disk.nfree = disk.num;
  disk.capacity = read_capacity();

  set_status(VIRTIO_STATUS_DRIVER_OK);
}

static uint16
desc_alloc(void)
{
  return disk.freelist[--disk.nfree];
}

static void
desc_free(uint16 i)
{
  if (i >= disk.num || disk.nfree >= (int)disk.num)
    panic("virtio_disk: freeing descriptor %u", i);
  disk.desc[i].addr = 0;
  disk.desc[i].flags = 0;
  disk.freelist[disk.nfree++] = i;
}

/*
 * Queue a chain for b (type IN or OUT) or a flush (b == 0) if there are
 * enough free descriptors; the caller publishes it.  Returns 0 if not.
 */
static int
submit(struct buf *b, uint32 type, struct batch *bt)
{
  uint16 head, data, status;
  int need = b ? 3 : 2;

  if (disk.nfree < need)
    return 0;

  head = desc_alloc();
  disk.req[head].hdr.type = type;
  disk.req[head].hdr.reserved = 0;
  disk.req[head].hdr.sector = b ? (uint64)b->blockno * SECTORS_PER_BLOCK : 0;
  disk.req[head].status = STATUS_PENDING;
  disk.req[head].b = b;
  disk.req[head].batch = bt;

  disk.desc[head].addr = (uint64)&disk.req[head].hdr;
  disk.desc[head].len = sizeof(struct virtio_blk_req);
  disk.desc[head].flags = VRING_DESC_F_NEXT;
  if (b) {
    data = desc_alloc();
    disk.desc[head].next = data;
    disk.desc[data].addr = (uint64)b->data;
    disk.desc[data].len = BSIZE;
    disk.desc[data].flags =
        VRING_DESC_F_NEXT | (type == VIRTIO_BLK_T_IN ? VRING_DESC_F_WRITE : 0);
    b->disk = 1;
  } else {
    data = head;
  }
  status = desc_alloc();
  disk.desc[data].next = status;
  disk.desc[status].addr = (uint64)&disk.req[head].status;
  disk.desc[status].len = 1;
  disk.desc[status].flags = VRING_DESC_F_WRITE;
  disk.desc[status].next = 0;

  disk.avail->ring[disk.avail_next % disk.num] = head;
  disk.avail_next++;
  bt->pending++;
  return 1;
}

/* Tell the device about the chains submit() queued. */
static void
publish(void)
{
  if (disk.avail->idx == disk.avail_next)
    return;
  /* The ring entries must be visible before the index that covers them. */
  __sync_synchronize();
  disk.avail->idx = disk.avail_next;
  __sync_synchronize();
  reg_write(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

uint64
virtio_disk_blocks(void)
{
  return disk.capacity / SECTORS_PER_BLOCK;
}

void
virtio_disk_rw_many(struct buf **bufs, int n, int write)
{
  struct batch bt = {0};
  uint32 type = write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN;
  int i = 0;

  for (int j = 0; j < n; j++) {
    if ((uint64)bufs[j]->blockno * SECTORS_PER_BLOCK + SECTORS_PER_BLOCK >
        disk.capacity)
      panic("virtio_disk: block %u is past the end of the disk",
            bufs[j]->blockno);
  }

  acquire(&disk.lock);
  for (;;) {
    while (i < n && submit(bufs[i], type, &bt))
      i++;
    publish();
    if (i == n)
      break;
    sleep(&disk.free, &disk.lock);
  }
  while (bt.pending > 0)
    sleep(&bt, &disk.lock);
  release(&disk.lock);
}

void
virtio_disk_rw(struct buf *b, int write)
{
  virtio_disk_rw_many(&b, 1, write);
}

void
virtio_disk_flush(void)
{
  struct batch bt = {0};

  if (!disk.has_flush)
    return;
  acquire(&disk.lock);
  while (!submit(0, VIRTIO_BLK_T_FLUSH, &bt))
    sleep(&disk.free, &disk.lock);
  publish();
  while (bt.pending > 0)
    sleep(&bt, &disk.lock);
  release(&disk.lock);
}

void
virtio_disk_intr(void)
{
  int freed = 0;

  acquire(&disk.lock);

  /*
   * Acknowledge first: a chain that finishes after this raises a new
   * interrupt, so none is missed between here and the ring scan.
   */
  reg_write(VIRTIO_MMIO_INTERRUPT_ACK,
            reg_read(VIRTIO_MMIO_INTERRUPT_STATUS) &
                (VIRTIO_INT_USED_RING | VIRTIO_INT_CONFIG));
  __sync_synchronize();

  while (disk.used_seen != disk.used->idx) {
    __sync_synchronize(); /* read the entry only after seeing the index */
    uint32 id = disk.used->ring[disk.used_seen % disk.num].id;
    disk.used_seen++;
    if (id >= disk.num || disk.req[id].batch == 0)
      panic("virtio_disk: device returned unknown chain %u", id);

    struct buf *b = disk.req[id].b;
    if (disk.req[id].status != VIRTIO_BLK_S_OK) {
      if (b)
        panic("virtio_disk: I/O error %d on block %u", disk.req[id].status,
              b->blockno);
      panic("virtio_disk: flush failed (status %d)", disk.req[id].status);
    }
    if (b)
      b->disk = 0;

    struct batch *bt = disk.req[id].batch;
    disk.req[id].batch = 0;
    disk.req[id].b = 0;

    /* Give the chain's descriptors back. */
    uint16 i = id;
    for (;;) {
      int more = disk.desc[i].flags & VRING_DESC_F_NEXT;
      uint16 next = disk.desc[i].next;
      desc_free(i);
      freed = 1;
      if (!more)
        break;
      i = next;
    }

    if (--bt->pending == 0)
      wakeup(bt);
  }

  if (freed)
    wakeup(&disk.free);
  release(&disk.lock);
}

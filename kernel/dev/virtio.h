/*
 * Virtio over MMIO (virtio 1.1 spec, section 4.2, the modern "version 2"
 * register layout) and the virtio block device's request format
 * (section 5.2).  Only what ldx's disk driver uses is named here.
 */
#ifndef LDX_VIRTIO_H
#define LDX_VIRTIO_H

#include "kernel/types.h"

/* MMIO register offsets from the device's base address. */
#define VIRTIO_MMIO_MAGIC_VALUE 0x000 /* reads VIRTIO_MAGIC */
#define VIRTIO_MMIO_VERSION 0x004     /* 2 for a modern device */
#define VIRTIO_MMIO_DEVICE_ID 0x008   /* VIRTIO_ID_BLOCK for a disk, 0 = none */
#define VIRTIO_MMIO_VENDOR_ID 0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010     /* 32 feature bits ... */
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014 /* ... from word 32 * this */
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL 0x030     /* queue the QUEUE_* registers mean */
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034 /* largest size the device allows */
#define VIRTIO_MMIO_QUEUE_NUM 0x038     /* size the driver chose */
#define VIRTIO_MMIO_QUEUE_READY 0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050 /* write a queue number: "look at it" */
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064
#define VIRTIO_MMIO_STATUS 0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080   /* physical address of the ... */
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084  /* ... descriptor table */
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW 0x090 /* ... available ring */
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW 0x0a0 /* ... used ring */
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH 0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fc
#define VIRTIO_MMIO_CONFIG 0x100 /* device-specific configuration */

#define VIRTIO_MAGIC 0x74726976 /* "virt", little-endian */
#define VIRTIO_MMIO_VERSION_MODERN 2
#define VIRTIO_ID_BLOCK 2

/* Device status bits, set by the driver in this order during start-up. */
#define VIRTIO_STATUS_ACKNOWLEDGE 1 /* a driver noticed the device */
#define VIRTIO_STATUS_DRIVER 2      /* the driver knows this device type */
#define VIRTIO_STATUS_DRIVER_OK 4   /* ready to drive it */
#define VIRTIO_STATUS_FEATURES_OK 8 /* feature negotiation finished */
#define VIRTIO_STATUS_NEEDS_RESET 64
#define VIRTIO_STATUS_FAILED 128

/* Interrupt status bits. */
#define VIRTIO_INT_USED_RING 1 /* the device put buffers in a used ring */
#define VIRTIO_INT_CONFIG 2    /* the configuration changed */

/* Feature bits (numbers, not masks). */
#define VIRTIO_BLK_F_RO 5     /* the disk is read-only */
#define VIRTIO_BLK_F_FLUSH 9  /* the device takes VIRTIO_BLK_T_FLUSH */
#define VIRTIO_F_VERSION_1 32 /* modern device: must be acknowledged */
#define VIRTIO_FEATURE(bit) (1UL << (bit))

/* Block device configuration space: capacity first, in 512-byte sectors. */
#define VIRTIO_BLK_CFG_CAPACITY 0x00
#define VIRTIO_BLK_SECTOR_SIZE 512

/* The split virtqueue (spec 2.6).  Queue sizes are powers of two. */
#define VRING_DESC_F_NEXT 1  /* the chain continues at desc.next */
#define VRING_DESC_F_WRITE 2 /* the device writes this buffer */

#define VRING_DESC_ALIGN 16
#define VRING_AVAIL_ALIGN 2
#define VRING_USED_ALIGN 4

struct virtq_desc {
  uint64 addr; /* physical address */
  uint32 len;
  uint16 flags;
  uint16 next;
};

/* The driver's ring of chains to process; ring[] has queue-size entries. */
struct virtq_avail {
  uint16 flags;
  uint16 idx; /* where the driver puts the next entry, mod queue size */
  uint16 ring[];
};

struct virtq_used_elem {
  uint32 id;  /* head descriptor of a finished chain */
  uint32 len; /* bytes the device wrote */
};

/* The device's ring of finished chains. */
struct virtq_used {
  uint16 flags;
  uint16 idx;
  struct virtq_used_elem ring[];
};

/* A block request is a chain: header, data (for reads and writes), status. */
#define VIRTIO_BLK_T_IN 0    /* read from the disk */
#define VIRTIO_BLK_T_OUT 1   /* write to the disk */
#define VIRTIO_BLK_T_FLUSH 4 /* make completed writes durable */

#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2

struct virtio_blk_req {
  uint32 type;
  uint32 reserved;
  uint64 sector;
};

#endif

/*
 * Device drivers: the NS16550A UART and the console on top of it, the PLIC
 * (which routes device interrupts to harts), and the virtio block disk.
 * Interrupt numbers of QEMU's virt machine are here; the devices' physical
 * addresses are in kernel/memlayout.h, with the rest of the memory map.
 */
#ifndef LDX_DEV_H
#define LDX_DEV_H

#include "kernel/types.h"
#include "kernel/lock/lock.h"

#include "kernel/memlayout.h"

/* PLIC interrupt sources. */
#define UART0_IRQ 10
#define VIRTIO0_IRQ 1

struct buf;

/* uart.c */
void uart_init(void);
void uart_use_paging(void);
void uart_putc_sync(int c);
void uart_intr(void);

/* console.c: console_write needs console_out_lock held (printf holds it
 * for a whole call, so lines from different harts never interleave). */
extern struct spinlock console_out_lock;
void console_init(void);
void console_write(const char *s, int n);
void console_intr(int c);

/* plic.c */
void plic_init(void);
void plic_init_hart(void);
int plic_claim(void);
void plic_complete(int irq);

/* virtio_blk.c */
void virtio_disk_init(void);
/* Whole blocks of BSIZE bytes the disk holds: block numbers below it are
 * readable, so the file system checks its superblock against it. */
uint64 virtio_disk_blocks(void);
/* Read (write = 0) or write n buffers, all in flight at once; returns when
 * every one is done.  b->blockno names the block, b->data the bytes. */
void virtio_disk_rw_many(struct buf **bufs, int n, int write);
void virtio_disk_rw(struct buf *b, int write);
/* Returns once every completed write is on stable storage. */
void virtio_disk_flush(void);
void virtio_disk_intr(void);

#endif

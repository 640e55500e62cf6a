/*
 * Sizes of the kernel's fixed tables.  Shared with user programs (tests probe
 * the limits) and with mkfs (the file-system size), so it holds only numbers.
 */
#ifndef LDX_PARAM_H
#define LDX_PARAM_H

#define NPROC 64                  /* processes, including zombies */
#define NCPU 8                    /* harts the kernel will start */
#define NOFILE 16                 /* open files per process */
#define NFILE 100                 /* open files in the whole system */
#define NINODE 50                 /* in-memory inodes */
#define NDEV 10                   /* device major numbers */
#define CONSOLE 1                 /* the console's device major number */
#define ROOTDEV 1                 /* device number of the root file system */
#define MAXARG 32                 /* exec arguments */
#define MAXOPBLOCKS 10            /* blocks one file-system call may write */
#define LOGSIZE (MAXOPBLOCKS * 3) /* blocks in the on-disk log */
#define NBUF (MAXOPBLOCKS * 3)    /* buffers in the block cache */
#define FSSIZE 2000               /* file-system size in blocks */
#define MAXPATH 128               /* longest path name, with its NUL */
#define USERSTACK 1               /* pages of user stack */
#define PIPESIZE 4096             /* bytes a pipe holds (one page) */
#define TICK_MS 100               /* a tick, the unit of sleep() and uptime() */
#define TICKS_PER_SEC (1000 / TICK_MS)

#endif

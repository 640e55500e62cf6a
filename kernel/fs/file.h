/*
 * The file system, from the bottom up (each layer uses only those below):
 *
 *   file.c    open files and the file-descriptor calls' work
 *   pipe.c    pipes
 *   fs.c      inodes, directories, path names
 *   log.c     the write-ahead log: every file-system call is a transaction
 *   bio.c     the block cache
 *   kernel/dev/virtio_blk.c   the disk
 *
 * System calls that touch the file system bracket their work with
 * begin_op()/end_op(); blocks they change are recorded with log_write(),
 * never written directly.
 */
#ifndef LDX_FILE_H
#define LDX_FILE_H

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fs.h"
#include "kernel/stat.h"
#include "kernel/lock/lock.h"
#include "kernel/proc/proc.h"

/* A cached disk block. */
struct buf {
  int valid; /* data has been read from disk */
  int disk;  /* owned by the disk driver while 1 */
  uint dev;
  uint blockno;
  struct sleeplock lock; /* held by the one user of data */
  uint refcnt;           /* guarded by the cache lock */
  struct buf *prev;      /* LRU list, guarded by the cache lock */
  struct buf *next;
  uchar data[BSIZE] __attribute__((aligned(8))); /* read as words too */
};

/* An inode in memory: a copy of struct dinode plus bookkeeping. */
struct inode {
  uint dev;
  uint inum;
  int ref;               /* guarded by the inode-table lock */
  int dying;             /* unlinked, last reference gone: being freed;
                            guarded by the inode-table lock */
  struct sleeplock lock; /* guards everything below */
  int valid;             /* the dinode fields below have been read */

  short type;
  short major;
  short minor;
  short nlink;
  uint size;
  uint addrs[NADDRS];
};

/* An open file. */
struct file {
  enum { FD_NONE, FD_PIPE, FD_INODE, FD_DEVICE } type;
  int ref; /* guarded by the file-table lock */
  char readable;
  char writable;
  struct pipe *pipe; /* FD_PIPE */
  struct inode *ip;  /* FD_INODE and FD_DEVICE */
  uint off;          /* FD_INODE; guarded by ip->lock */
  short major;       /* FD_DEVICE */
};

/* Device switch: read and write for each device major number. */
struct devsw {
  int (*read)(int user_dst, uint64 dst, int n);
  int (*write)(int user_src, uint64 src, int n);
};
extern struct devsw devsw[NDEV]; /* [CONSOLE]: kernel/param.h */

/* bio.c */
void binit(void);
struct buf *bread(uint dev, uint blockno);
struct buf *bread_zero(uint dev, uint blockno); /* zeroed, no disk read */
void bwrite(struct buf *b);
void bwrite_many(struct buf **bufs, int n);
void brelse(struct buf *b);
void bpin(struct buf *b);
void bunpin(struct buf *b);

/* log.c */
void initlog(int dev, struct superblock *sb);
void begin_op(void);
void end_op(void);
void log_write(struct buf *b);
void log_sync(void);
/* fn runs after every end_op, with no locks held (fs.c frees inodes). */
void log_set_end_hook(void (*fn)(void));

/* fs.c */
extern struct superblock sb;
void fsinit(int dev);
void iinit(void);
struct inode *ialloc(uint dev, short type);
struct inode *iget(uint dev, uint inum);
struct inode *idup(struct inode *ip);
void ilock(struct inode *ip);
void iunlock(struct inode *ip);
void iput(struct inode *ip);
void iunlockput(struct inode *ip);
void iupdate(struct inode *ip);
/* One step of truncating ip (locked) to its size: frees blocks past it,
 * last first, as many as one transaction may log; adds them to *nfreed
 * (if not 0).  1 when none are left. */
int itrunc_step(struct inode *ip, uint *nfreed);
/* All steps, each in its own transaction, for ip referenced and unlocked
 * by a caller outside any transaction; returns the blocks freed. */
uint itrunc_finish(struct inode *ip);
int readi(struct inode *ip, int user_dst, uint64 dst, uint off, uint n);
int writei(struct inode *ip, int user_src, uint64 src, uint off, uint n);
void stati(struct inode *ip, struct stat *st);
int namecmp(const char *s, const char *t);
/* The inode number of name in directory dp (locked), its entry's offset
 * in *poff; 0 if dp has no such name. */
uint dir_find(struct inode *dp, char *name, uint *poff);
struct inode *dirlookup(struct inode *dp, char *name, uint *poff);
int dirlink(struct inode *dp, char *name, uint inum);
struct inode *namei(char *path);
struct inode *nameiparent(char *path, char *name);

/* file.c */
void fileinit(void);
struct file *filealloc(void);
struct file *filedup(struct file *f);
void fileclose(struct file *f);
int filestat(struct file *f, uint64 addr);
int fileread(struct file *f, uint64 addr, int n);
int filewrite(struct file *f, uint64 addr, int n);
/* A process's files at fork and exit (struct proc_hooks). */
void file_fork(struct proc *parent, struct proc *child);
void file_exit(struct proc *p);

/* pipe.c */
int pipealloc(struct file **f0, struct file **f1);
void pipeclose(struct pipe *pi, int writable);
int piperead(struct pipe *pi, uint64 addr, int n);
int pipewrite(struct pipe *pi, uint64 addr, int n);

#endif

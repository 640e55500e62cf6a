/*
 * The on-disk format of the ldx file system, shared by the kernel, mkfs, fsck
 * and user programs (which read directories as arrays of struct dirent).
 *
 * Disk layout, in blocks of BSIZE bytes:
 *
 *   [ boot | super | log header, log data ... | inodes ... | bitmap ... | data ... ]
 *     0      1       sb.logstart                sb.inodestart sb.bmapstart
 *
 * Block 0 is unused (room for a boot loader), block 1 holds the superblock.
 * All multi-byte fields are little-endian, as the RISC-V and x86 hosts are.
 */
#ifndef LDX_FS_H
#define LDX_FS_H

#include "kernel/types.h"

#define BSIZE 1024 /* block size in bytes */
#define ROOTINO 1  /* inode number of the root directory */
#define FSMAGIC 0x10203040
#define SUPERBLOCK_NO 1 /* the superblock's block number */
/* The largest file system, in blocks: the log header holds block numbers
 * as ints. */
#define FSMAXSIZE 0x7fffffffu

struct superblock {
  uint magic;      /* FSMAGIC */
  uint size;       /* blocks in the whole image */
  uint nblocks;    /* data blocks */
  uint ninodes;    /* inodes */
  uint nlog;       /* log blocks, header included */
  uint logstart;   /* first log block (the header) */
  uint inodestart; /* first inode block */
  uint bmapstart;  /* first free-bitmap block */
};

/* An inode names its blocks in addrs[NADDRS]: NDIRECT data blocks, then
 * the indirect block, a block of NINDIRECT more data block numbers. */
#define NDIRECT 12
#define NINDIRECT (BSIZE / sizeof(uint))
#define NADDRS (NDIRECT + 1)
#define MAXFILE (NDIRECT + NINDIRECT) /* the largest file, in blocks */

/* An inode as stored on disk. */
struct dinode {
  short type;         /* T_DIR, T_FILE, T_DEVICE; 0 = free */
  short major;        /* device files only */
  short minor;        /* device files only */
  short nlink;        /* directory entries naming this inode */
  uint size;          /* bytes of data */
  uint addrs[NADDRS]; /* block numbers: NDIRECT data blocks, then indirect */
};

/* The most directory entries one inode may have: nlink is a short.  link()
 * and mkdir refuse to pass it. */
#define MAXLINK 0x7fff

#define IPB (BSIZE / sizeof(struct dinode)) /* inodes per block */
#define IBLOCK(i, sb) ((i) / IPB + (sb).inodestart)

#define BPB (BSIZE * 8) /* bitmap bits per block */
#define BBLOCK(b, sb) ((b) / BPB + (sb).bmapstart)

/* A directory is a file of these; inum 0 marks an unused entry. */
#define DIRSIZ 14
struct dirent {
  ushort inum;
  char name[DIRSIZ]; /* not NUL-terminated when DIRSIZ long */
};
#define DIRENTS_PER_BLOCK (BSIZE / sizeof(struct dirent))

/*
 * The log header, in block sb.logstart.  n != 0 means a committed
 * transaction whose blocks follow the header and must be installed at
 * block[0..n-1].  Block numbers are in range when 0 < n <= nlog - 1.
 */
struct logheader {
  int n;
  int block[BSIZE / sizeof(int) - 1];
};

#endif

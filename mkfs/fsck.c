/*
 * fsck: check an ldx file-system image on the host.
 *
 *   mkfs/fsck [-r] fs.img [more.img ...]
 *
 * Reads the whole image into memory and reports every problem it finds,
 * one per line on standard output, then a summary line "fsck: PATH: ...".
 * Exit status: 0 when the image is clean, 1 when it has problems, 2 for a
 * usage error or an image that cannot be read (or, with -r, written).
 * Several images are checked one after another, each ending with its own
 * summary line (what the crash-state enumeration uses: one process for
 * many states); the status is the worst, and an unreadable image stops
 * the run there.
 *
 * The log.  ldx's log is cumulative: the on-disk header keeps naming the
 * committed blocks after they are installed, until the log fills and is
 * reset.  So a non-empty header is normal and is not a problem: fsck
 * checks the header, then checks the file system as the kernel would see
 * it after replaying the log (every logged block installed in order, the
 * last copy of a block winning), in memory.  With -r it also writes that
 * replay into the image and empties the header, as the kernel's recovery
 * does.  A header the kernel would refuse (n or a block number out of
 * range) is a problem, and is not replayed.
 *
 * What is checked: the superblock's geometry against the file size; the
 * log header; every inode's type, block pointers (in the data area, named
 * at most once in the whole file system), and size (every block the size
 * needs is present); the free bitmap against the blocks in use (used but
 * marked free; marked used but leaked); directories ("." names itself,
 * ".." names the parent, the root's ".." itself, entries name allocated
 * inodes, no name twice, no directory reached twice); each inode's link
 * count against the entries naming it; inodes no directory reaches.
 *
 * Link counts follow the kernel (sysfile.c create/unlink): an inode's
 * nlink counts the directory entries naming it, except a directory's own
 * "." entry.  So a directory has 1 (its name in the parent) plus one per
 * subdirectory (their ".."), and the root, which has no parent entry,
 * counts its own "..".  Only entries of directories reached from the root
 * count.  An allocated inode with nlink 0 that no directory names is an
 * orphan: a file unlinked while open when the machine stopped; the kernel
 * frees it at the next boot.  It is still reported ("orphan inode ..."), as
 * the image is not clean until then.  So are blocks past a file's size
 * ("unfinished truncation ..."): the kernel truncates in several
 * transactions, and frees what a crash left at the next boot.
 *
 * The fs lab's formats (labs/fs/README.md) are checked when the shared
 * headers say the tree has them, so the student's kernel, mkfs and this
 * fsck agree by construction: T_SYMLINK (kernel/stat.h) is a symbolic
 * link, whose data is its target path, 1 to MAXPATH - 1 bytes with no NUL;
 * NDINDIRECT (kernel/fs.h) adds a doubly-indirect block in
 * addrs[NDIRECT + 1], a block of indirect blocks, after the indirect one.
 * Every block they name is claimed like any other, and an index block
 * none of whose blocks lies below the size counts as past the size.
 *
 * Robustness: the input may be anything.  Every block number is checked
 * before use, every loop is bounded by the geometry, and directories are
 * walked breadth-first with a visited mark, so cycles end the walk.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/stat.h"
#include "kernel/fs.h"

#define MAXIMAGE (1UL << 30)  /* larger files are refused, not read */
#define MAXBLOCKS (1UL << 24) /* a superblock size beyond this is absurd */
#define MAXDIRENTS (MAXFILE * DIRENTS_PER_BLOCK)
#define MAXDEPTH 64 /* path components shown in a message */
#define NPATHBUF 2  /* paths one message may show */

#define EXIT_CLEAN 0
#define EXIT_PROBLEMS 1
#define EXIT_USAGE 2

_Static_assert(sizeof(struct dinode) * IPB == BSIZE, "dinode size");
_Static_assert(BSIZE % sizeof(struct dirent) == 0, "dirent size");
_Static_assert(sizeof(struct logheader) == BSIZE, "log header size");
/* The block layouts this file knows; a header that says otherwise is a
 * format fsck would misread. */
#ifdef NDINDIRECT
_Static_assert(NADDRS == NDIRECT + 2 && NDINDIRECT == NINDIRECT * NINDIRECT &&
                   MAXFILE == NDIRECT + NINDIRECT + NDINDIRECT,
               "doubly-indirect layout");
#else
_Static_assert(NADDRS == NDIRECT + 1 && MAXFILE == NDIRECT + NINDIRECT,
               "indirect layout");
#endif

static const char *path; /* the image file */
static uint8 *image;     /* its contents */
static uint64 nfile;     /* whole blocks in the file */
static struct superblock sb;
static uint64 datastart; /* first data block */
static long nproblems;
static const uint8 zeroblock[BSIZE];

/* Per inode, filled by the checks. */
struct iinfo {
  uint nblocks;          /* data and indirect blocks it holds */
  uint refs;             /* entries naming it, in reached directories */
  uint parent;           /* the directory it was first reached from, or 0 */
  char name[DIRSIZ + 1]; /* its name there */
  uchar reached;         /* named by a reached directory */
  uchar usable;          /* allocated with a valid type */
};
static struct iinfo *info;

/* Per block: the inode that holds it, 0 if none. */
static uint *owner;

static void __attribute__((format(printf, 1, 2))) problem(const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
  nproblems++;
}

static void __attribute__((format(printf, 1, 2))) note(const char *fmt, ...)
{
  va_list ap;

  printf("note: ");
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
}

static void __attribute__((noreturn, format(printf, 1, 2)))
fatal(const char *fmt, ...)
{
  va_list ap;

  fprintf(stderr, "fsck: ");
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\n");
  exit(EXIT_USAGE);
}

/* Block b of the image; zeros for a block beyond the end of the file. */
static uint8 *
block(uint64 b)
{
  if (b >= nfile)
    return (uint8 *)zeroblock;
  return image + b * BSIZE;
}

static struct dinode *
dinode(uint inum)
{
  return (struct dinode *)block(IBLOCK(inum, sb)) + inum % IPB;
}

static uint64
blocks_for(uint64 n, uint64 per)
{
  return n / per + (n % per != 0);
}

static int
bitmap_used(uint64 b)
{
  uint8 *bm = block(BBLOCK(b, sb));
  return (bm[(b % BPB) / 8] >> (b % 8)) & 1;
}

/*
 * A printable path for inum, built from the parents recorded by the
 * directory walk; "inode N" when it was never reached.  Returns one of
 * NPATHBUF static buffers in turn, so a message may hold that many.
 */
static const char *
pathof(uint inum)
{
  static char bufs[NPATHBUF][MAXDEPTH * (DIRSIZ + 1) + 64];
  static int next;
  char *buf = bufs[next++ % NPATHBUF];
  const int bufsize = sizeof(bufs[0]);
  uint chain[MAXDEPTH];
  int n = 0;
  uint i = inum;

  if (inum == ROOTINO) {
    snprintf(buf, bufsize, "inode %u (/)", inum);
    return buf;
  }
  if (inum == 0 || inum >= sb.ninodes || !info[inum].reached) {
    snprintf(buf, bufsize, "inode %u", inum);
    return buf;
  }
  while (i != ROOTINO && i != 0 && n < MAXDEPTH) {
    chain[n++] = i;
    i = info[i].parent;
  }
  int len =
      snprintf(buf, bufsize, "inode %u (%s", inum, i == ROOTINO ? "" : "...");
  while (n > 0) {
    const char *nm = info[chain[--n]].name;
    len += snprintf(buf + len, bufsize - len, "/");
    /* Names come from the disk: show odd bytes as '?'. */
    for (int k = 0; nm[k] && len < (int)bufsize - 4; k++)
      buf[len++] = (nm[k] >= 0x20 && nm[k] < 0x7f) ? nm[k] : '?';
    buf[len] = '\0';
  }
  snprintf(buf + len, bufsize - len, ")");
  return buf;
}

static void
read_image(void)
{
  FILE *f = fopen(path, "rb");
  long len;

  if (f == 0)
    fatal("%s: cannot open", path);
  if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0)
    fatal("%s: cannot find its size", path);
  if ((unsigned long)len > MAXIMAGE)
    fatal("%s: %ld bytes; images over %lu bytes are refused", path, len,
          MAXIMAGE);
  rewind(f);
  image = calloc(1, (size_t)len + BSIZE); /* never a zero-byte calloc */
  if (image == 0)
    fatal("out of memory");
  if (fread(image, 1, (size_t)len, f) != (size_t)len)
    fatal("%s: read error", path);
  fclose(f);
  nfile = (uint64)len / BSIZE;
  if (len % BSIZE != 0)
    problem("image size %ld is not a multiple of the block size %d", len,
            BSIZE);
}

/* Check the superblock; 0 if the layout is too broken to go on. */
static int
check_super(void)
{
  int ok = 1;

  if (nfile <= SUPERBLOCK_NO) {
    problem("image holds %lu blocks: too small for a superblock",
            (unsigned long)nfile);
    return 0;
  }
  memcpy(&sb, block(SUPERBLOCK_NO), sizeof(sb));
  if (sb.magic != FSMAGIC)
    problem("superblock: bad magic number 0x%x (want 0x%x)", sb.magic, FSMAGIC);
  if (sb.size != nfile)
    problem("superblock: size is %u blocks but the image file holds %lu%s",
            sb.size, (unsigned long)nfile,
            sb.size > nfile ? " (truncated image?)" : "");
  if (sb.size > MAXBLOCKS) {
    problem("superblock: size %u blocks is absurd", sb.size);
    return 0;
  }
  /* The kernel's rule: the log holds at least one call's blocks. */
  if (sb.nlog < MAXOPBLOCKS + 1 || sb.logstart <= SUPERBLOCK_NO) {
    problem("superblock: bad log (start %u, %u blocks)", sb.logstart, sb.nlog);
    ok = 0;
  }
  if ((uint64)sb.inodestart < (uint64)sb.logstart + sb.nlog) {
    problem("superblock: inodes (block %u) overlap the log (blocks %u..%lu)",
            sb.inodestart, sb.logstart,
            (unsigned long)((uint64)sb.logstart + sb.nlog - 1));
    ok = 0;
  }
  if (sb.ninodes <= ROOTINO || sb.ninodes > 0xffff) {
    problem("superblock: bad inode count %u", sb.ninodes);
    ok = 0;
  }
  uint64 iend = (uint64)sb.inodestart + blocks_for(sb.ninodes, IPB);
  if (sb.bmapstart < iend) {
    problem("superblock: bitmap (block %u) overlaps the inodes (to block %lu)",
            sb.bmapstart, (unsigned long)iend - 1);
    ok = 0;
  }
  if (sb.nblocks == 0 || sb.nblocks > sb.size) {
    problem("superblock: bad data block count %u (size %u)", sb.nblocks,
            sb.size);
    return 0;
  }
  datastart = (uint64)sb.size - sb.nblocks;
  uint64 bend = (uint64)sb.bmapstart + blocks_for(sb.size, BPB);
  if (datastart < bend) {
    problem("superblock: data (block %lu) overlaps the bitmap (to block %lu)",
            (unsigned long)datastart, (unsigned long)bend - 1);
    ok = 0;
  }
  if (!ok)
    return 0;
  if (datastart > nfile) {
    problem("image ends at block %lu, before the data area (block %lu)",
            (unsigned long)nfile, (unsigned long)datastart);
    return 0;
  }
  return 1;
}

/*
 * Check the log header; install the logged blocks into the in-memory
 * image when it is sound.  Returns the number of blocks installed.
 */
static int
check_log(int replay)
{
  struct logheader lh;
  int cap = (int)(sb.nlog - 1 < LOGSIZE ? sb.nlog - 1 : LOGSIZE);
  int ndiffer = 0;

  memcpy(&lh, block(sb.logstart), sizeof(lh));
  if (lh.n == 0)
    return 0;
  if (lh.n < 0 || lh.n > cap) {
    problem("log header: claims %d blocks, the log holds %d; the kernel will "
            "ignore it",
            lh.n, cap);
    return 0;
  }
  int bad = 0;
  for (int i = 0; i < lh.n; i++) {
    uint b = (uint)lh.block[i];
    if (b < sb.inodestart || b >= sb.size) {
      problem("log header: entry %d names block %d, outside [%u, %u); the "
              "kernel will ignore the log",
              i, lh.block[i], sb.inodestart, sb.size);
      bad = 1;
    } else if (b >= nfile) {
      problem("log header: entry %d names block %u, beyond the end of the "
              "image file",
              i, b);
      bad = 1;
    }
  }
  if ((uint64)sb.logstart + lh.n >= nfile) {
    problem("log: slots run past the end of the image file");
    bad = 1;
  }
  if (bad)
    return 0;

  /* Install in order, so a block logged twice ends with its last copy. */
  for (int i = 0; i < lh.n; i++) {
    uint8 *slot = block(sb.logstart + 1 + i);
    uint8 *home = block((uint)lh.block[i]);
    int later = 0;
    for (int j = i + 1; j < lh.n; j++)
      later |= lh.block[j] == lh.block[i];
    if (!later && memcmp(home, slot, BSIZE) != 0)
      ndiffer++;
    memcpy(home, slot, BSIZE);
  }
  if (replay) {
    memset(block(sb.logstart), 0, BSIZE);
    printf("replayed %d logged blocks (%d changed their home block); log "
           "header cleared\n",
           lh.n, ndiffer);
  } else {
    note("log holds %d committed blocks (%d not yet at home); checked as if "
         "replayed; run with -r to replay",
         lh.n, ndiffer);
  }
  return lh.n;
}

/* Write the replayed image back: the whole file, which is small. */
static void
write_image(void)
{
  FILE *f = fopen(path, "r+b");

  if (f == 0)
    fatal("%s: cannot open for writing", path);
  if (fwrite(image, BSIZE, nfile, f) != nfile || fflush(f) != 0 ||
      fclose(f) != 0)
    fatal("%s: write error", path);
}

/* Is b a block number fsck may read, in the data area and the file? */
static int
readable(uint b)
{
  return b >= datastart && b < sb.size && b < nfile;
}

/* Entry i of index block b; 0 when b is 0 or not readable. */
static uint
entry(uint b, uint i)
{
  return b != 0 && readable(b) ? ((uint *)block(b))[i] : 0;
}

/* Record that inum holds block b (its bn'th, or an index block whose
 * first file block is bn). */
static int
claim(uint inum, uint b, const char *what, uint bn)
{
  if (b < datastart || b >= sb.size) {
    problem("%s: %s %u is block %u, outside the data area [%lu, %u)",
            pathof(inum), what, bn, b, (unsigned long)datastart, sb.size);
    return 0;
  }
  if (b >= nfile) {
    problem("%s: %s %u is block %u, beyond the end of the image file",
            pathof(inum), what, bn, b);
    return 0;
  }
  if (owner[b] != 0) {
    if (owner[b] == inum)
      problem("block %u is referenced twice by %s", b, pathof(inum));
    else
      problem("block %u is referenced twice: by inode %u and by %s", b,
              owner[b], pathof(inum));
    return 0;
  }
  owner[b] = inum;
  info[inum].nblocks++;
  return 1;
}

/*
 * Claim index block b of inum, whose first file block is bn, and every
 * block it names: data blocks (depth 1, an indirect block) or indirect
 * blocks (depth 2, a doubly-indirect block).
 */
static void
claim_index(uint inum, uint b, uint bn, int depth)
{
  if (b == 0 ||
      !claim(inum, b, depth == 1 ? "indirect block" : "doubly-indirect block",
             bn))
    return;
  uint *a = (uint *)block(b);
  uint span = depth == 1 ? 1 : NINDIRECT; /* file blocks per entry */
  for (uint j = 0; j < NINDIRECT; j++) {
    if (a[j] == 0)
      continue;
    if (depth == 1)
      claim(inum, a[j], "block", bn + j);
    else
      claim_index(inum, a[j], bn + j * span, depth - 1);
  }
}

/* The disk block holding block bn of inode di, 0 if absent or bad. */
static uint
bmap(struct dinode *di, uint bn)
{
  uint a;

  if (bn < NDIRECT) {
    a = di->addrs[bn];
  } else if (bn < NDIRECT + NINDIRECT) {
    a = entry(di->addrs[NDIRECT], bn - NDIRECT);
#ifdef NDINDIRECT
  } else if (bn < MAXFILE) {
    bn -= NDIRECT + NINDIRECT;
    a = entry(entry(di->addrs[NDIRECT + 1], bn / NINDIRECT), bn % NINDIRECT);
#endif
  } else {
    return 0;
  }
  return readable(a) ? a : 0;
}

/* Index blocks of di past a size of need blocks: those that map no block
 * below it (a truncation frees them last). */
static uint
index_blocks_past(struct dinode *di, uint need)
{
  uint n = need <= NDIRECT && di->addrs[NDIRECT] != 0;
#ifdef NDINDIRECT
  uint first = NDIRECT + NINDIRECT, d = di->addrs[NDIRECT + 1];
  if (d != 0) {
    n += need <= first;
    for (uint j = 0; j < NINDIRECT; j++)
      n += entry(d, j) != 0 && need <= first + j * NINDIRECT;
  }
#endif
  return n;
}

#ifdef T_SYMLINK
/* A symbolic link's data is its target: 1 to MAXPATH - 1 bytes, no NUL. */
static void
check_symlink(uint inum, struct dinode *di)
{
  if (di->size == 0 || di->size >= MAXPATH) {
    problem("inode %u: symbolic link with a target of %u bytes (want 1 to %d)",
            inum, di->size, MAXPATH - 1);
    return;
  }
  for (uint off = 0; off < di->size; off++) {
    uint a = bmap(di, off / BSIZE);
    if (a == 0)
      return; /* reported as a missing block */
    if (block(a)[off % BSIZE] == 0) {
      problem("inode %u: symbolic link target has a NUL byte at offset %u",
              inum, off);
      return;
    }
  }
}
#endif

/* Is t an inode type of this tree's format? */
static int
known_type(int t)
{
#ifdef T_SYMLINK
  if (t == T_SYMLINK)
    return 1;
#endif
  return t == T_DIR || t == T_FILE || t == T_DEVICE;
}

static const char *typename(int type)
{
  switch (type) {
  case T_DIR:
    return "directory";
  case T_FILE:
    return "file";
  case T_DEVICE:
    return "device";
#ifdef T_SYMLINK
  case T_SYMLINK:
    return "symbolic link";
#endif
  }
  return "?";
}

/* Pass 1: each inode on its own (blocks claimed in inode order). */
static void
check_inodes(void)
{
  for (uint inum = ROOTINO; inum < sb.ninodes; inum++) {
    struct dinode *di = dinode(inum);

    if (di->type == 0)
      continue;
    if (!known_type(di->type)) {
      problem("inode %u: bad type %d", inum, di->type);
      continue;
    }
    info[inum].usable = 1;
    if (di->nlink < 0)
      problem("inode %u: negative link count %d", inum, di->nlink);
    if (di->type == T_DEVICE && (di->major < 0 || di->major >= NDEV))
      problem("inode %u: device major %d outside [0, %d)", inum, di->major,
              NDEV);

    for (uint i = 0; i < NDIRECT; i++) {
      if (di->addrs[i] != 0)
        claim(inum, di->addrs[i], "block", i);
    }
    claim_index(inum, di->addrs[NDIRECT], NDIRECT, 1);
#ifdef NDINDIRECT
    claim_index(inum, di->addrs[NDIRECT + 1], NDIRECT + NINDIRECT, 2);
#endif

    if (di->size > (uint64)MAXFILE * BSIZE) {
      problem("inode %u: size %u is larger than the largest file (%lu)", inum,
              di->size, (unsigned long)MAXFILE * BSIZE);
      continue;
    }
    /* Files have no holes: writes never start beyond the end. */
    uint need = (uint)blocks_for(di->size, BSIZE);
    for (uint bn = 0; bn < need; bn++) {
      if (bmap(di, bn) == 0) {
        problem("inode %u: size %u needs block %u, which is missing", inum,
                di->size, bn);
        break;
      }
    }
    /* Blocks past the size: a truncation (or the freeing of an orphan,
     * reported below) that a crash cut short. */
    uint past = 0;
    for (uint bn = need; bn < MAXFILE; bn++)
      past += bmap(di, bn) != 0;
    past += index_blocks_past(di, need);
    if (past && di->nlink != 0)
      problem("unfinished truncation: inode %u holds %u blocks past its size "
              "%u (the kernel frees them at boot)",
              inum, past, di->size);
    if (di->type == T_DIR && di->size % sizeof(struct dirent) != 0)
      problem("inode %u: directory size %u is not a whole number of entries",
              inum, di->size);
#ifdef T_SYMLINK
    if (di->type == T_SYMLINK)
      check_symlink(inum, di);
#endif
  }
}

/* Pass 2: the bitmap against the blocks the inodes hold. */
static void
check_bitmap(void)
{
  uint64 nmetafree = 0, firstmeta = 0;

  for (uint64 b = 0; b < datastart; b++) {
    if (!bitmap_used(b) && nmetafree++ == 0)
      firstmeta = b;
  }
  if (nmetafree)
    problem("bitmap: %lu metadata blocks are marked free (the first is %lu)",
            (unsigned long)nmetafree, (unsigned long)firstmeta);
  for (uint64 b = datastart; b < sb.size; b++) {
    int used = bitmap_used(b);
    if (owner[b] != 0 && !used)
      problem("block %lu is held by inode %u but marked free in the bitmap",
              (unsigned long)b, owner[b]);
    else if (owner[b] == 0 && used)
      problem("block %lu is marked in use but no inode holds it (leaked)",
              (unsigned long)b);
  }
}

static int
namecmp(const void *a, const void *b)
{
  return strncmp(((const struct dirent *)a)->name,
                 ((const struct dirent *)b)->name, DIRSIZ);
}

/* The entries of directory dir, in *n; a malloc'ed array. */
static struct dirent *
read_dir(uint dir, uint *n)
{
  struct dinode *di = dinode(dir);
  uint size = di->size;
  struct dirent *des;

  if (size > MAXDIRENTS * sizeof(struct dirent))
    size = MAXDIRENTS * sizeof(struct dirent);
  *n = size / sizeof(struct dirent);
  des = calloc(*n + 1, sizeof(struct dirent));
  if (des == 0)
    fatal("out of memory");
  for (uint i = 0; i < *n; i++) {
    uint a = bmap(di, i / DIRENTS_PER_BLOCK);
    if (a != 0)
      memcpy(&des[i], block(a) + (i % DIRENTS_PER_BLOCK) * sizeof(des[i]),
             sizeof(des[i]));
  }
  return des;
}

static int
is_name(const struct dirent *de, const char *s)
{
  return strncmp(de->name, s, DIRSIZ) == 0;
}

/* Pass 3: walk the tree from the root, breadth first. */
static void
walk(void)
{
  uint *queue, head = 0, tail = 0;

  if (!info[ROOTINO].usable || dinode(ROOTINO)->type != T_DIR) {
    problem("root inode %u is not a directory (type %d)", ROOTINO,
            dinode(ROOTINO)->type);
    return;
  }
  queue = calloc(sb.ninodes, sizeof(uint));
  if (queue == 0)
    fatal("out of memory");
  info[ROOTINO].reached = 1;
  info[ROOTINO].parent = ROOTINO;
  queue[tail++] = ROOTINO;

  while (head < tail) {
    uint dir = queue[head++];
    uint n, ndot = 0, ndotdot = 0;
    struct dirent *des = read_dir(dir, &n);

    for (uint i = 0; i < n; i++) {
      struct dirent *de = &des[i];
      uint x = de->inum;
      char name[DIRSIZ + 1];

      if (x == 0)
        continue;
      memcpy(name, de->name, DIRSIZ);
      name[DIRSIZ] = '\0';
      for (char *c = name; *c; c++) {
        if (*c < 0x20 || *c >= 0x7f)
          *c = '?';
      }
      if (name[0] == '\0')
        problem("%s: entry %u (inode %u) has an empty name", pathof(dir), i, x);
      if (x >= sb.ninodes) {
        problem("%s: entry \"%s\" names inode %u, beyond the %u inodes",
                pathof(dir), name, x, sb.ninodes);
        continue;
      }
      if (is_name(de, ".")) {
        ndot++;
        if (x != dir)
          problem("%s: \".\" names inode %u, not itself", pathof(dir), x);
        else
          continue; /* not a link (see the top) */
      } else if (is_name(de, "..")) {
        ndotdot++;
        if (x != info[dir].parent)
          problem("%s: \"..\" names inode %u, but its parent is inode %u",
                  pathof(dir), x, info[dir].parent);
      }
      if (!info[x].usable) {
        problem("%s: entry \"%s\" names inode %u, which is %s", pathof(dir),
                name, x, dinode(x)->type == 0 ? "free" : "of a bad type");
        continue;
      }
      info[x].refs++;
      if (is_name(de, ".") || is_name(de, ".."))
        continue;
      if (dinode(x)->type == T_DIR) {
        if (info[x].reached) {
          problem("%s: entry \"%s\" names directory %s, already reached "
                  "elsewhere (a second link or a cycle)",
                  pathof(dir), name, pathof(x));
          continue;
        }
        queue[tail++] = x; /* reached only once, so tail < ninodes */
      }
      if (!info[x].reached) {
        info[x].reached = 1;
        info[x].parent = dir;
        memcpy(info[x].name, name, sizeof(name));
      }
    }
    if (ndot != 1)
      problem("%s: %u \".\" entries (want 1)", pathof(dir), ndot);
    if (ndotdot != 1)
      problem("%s: %u \"..\" entries (want 1)", pathof(dir), ndotdot);

    /* The same name twice: sort a copy of the used entries. */
    uint m = 0;
    for (uint i = 0; i < n; i++) {
      if (des[i].inum != 0)
        des[m++] = des[i];
    }
    qsort(des, m, sizeof(des[0]), namecmp);
    for (uint i = 1; i < m; i++) {
      if (namecmp(&des[i - 1], &des[i]) == 0 &&
          (i < 2 || namecmp(&des[i - 2], &des[i]) != 0)) {
        char name[DIRSIZ + 1];
        memcpy(name, des[i].name, DIRSIZ);
        name[DIRSIZ] = '\0';
        problem("%s: the name \"%.*s\" appears more than once", pathof(dir),
                DIRSIZ, name);
      }
    }
    free(des);
  }
  free(queue);
}

/* Pass 4: link counts and unreachable inodes. */
static void
check_links(void)
{
  for (uint inum = ROOTINO; inum < sb.ninodes; inum++) {
    struct dinode *di = dinode(inum);
    if (!info[inum].usable)
      continue;
    if (!info[inum].reached) {
      if (di->nlink == 0)
        problem("orphan inode %u (nlink 0, not reclaimed): a %s of %u bytes "
                "in %u blocks",
                inum, typename(di->type), di->size, info[inum].nblocks);
      else
        problem("inode %u (%s, nlink %d, %u bytes) is allocated but no "
                "directory reaches it",
                inum, typename(di->type), di->nlink, di->size);
      continue;
    }
    if (di->nlink < 0 || (uint)di->nlink != info[inum].refs)
      problem("%s: nlink is %d but %u directory entries name it", pathof(inum),
              di->nlink, info[inum].refs);
  }
}

/* Check the image at p; returns its exit status. */
static int
check_image(const char *p, int replay)
{
  path = p;
  nproblems = 0;
  read_image();
  int status = EXIT_PROBLEMS;
  if (!check_super()) {
    printf("fsck: %s: %ld problem%s; the layout is too damaged to check "
           "further\n",
           path, nproblems, nproblems == 1 ? "" : "s");
    goto out;
  }
  info = calloc(sb.ninodes, sizeof(*info));
  owner = calloc(sb.size, sizeof(*owner));
  if (info == 0 || owner == 0)
    fatal("out of memory");

  int nlogged = check_log(replay);
  if (replay && nlogged > 0)
    write_image();
  check_inodes();
  check_bitmap();
  walk();
  check_links();

  uint nused = 0;
  for (uint inum = ROOTINO; inum < sb.ninodes; inum++)
    nused += info[inum].usable;
  if (nproblems == 0) {
    printf("fsck: %s: clean (%u inodes in use, %lu data blocks)\n", path, nused,
           (unsigned long)sb.nblocks);
    status = EXIT_CLEAN;
  } else {
    printf("fsck: %s: %ld problem%s\n", path, nproblems,
           nproblems == 1 ? "" : "s");
  }
out:
  free(info);
  free(owner);
  free(image);
  info = 0;
  owner = 0;
  image = 0;
  return status;
}

int
main(int argc, char *argv[])
{
  int replay = 0;
  int argi = 1;

  if (argi < argc && strcmp(argv[argi], "-r") == 0) {
    replay = 1;
    argi++;
  }
  if (argi >= argc || argv[argi][0] == '-') {
    fprintf(stderr, "usage: fsck [-r] fs.img [more.img ...]\n");
    return EXIT_USAGE;
  }
  {
    uint32 one = 1;
    if (*(uint8 *)&one != 1)
      fatal("this host is big-endian; the image format is little-endian");
  }

  int worst = EXIT_CLEAN;
  for (; argi < argc; argi++) {
    int st = check_image(argv[argi], replay);
    if (st > worst)
      worst = st;
  }
  return worst;
}

/*
 * mkfs: build an ldx file-system image on the host.
 *
 *   mkfs/mkfs [-s blocks] fs.img file...
 *
 * The image has FSSIZE blocks (or the -s count, up to FSMAXSIZE: tests
 * build big file systems with it) laid out as kernel/fs.h describes: boot
 * block, superblock, the log (a header and LOGSIZE slots), NINODES inodes,
 * the free bitmap, then data.  The root directory holds "." and ".." and
 * one entry per input file, named by the file's last path component with
 * one leading '_' removed (user/_cat becomes cat).
 *
 * The whole image is built in memory and written only if every input is
 * acceptable, so a refused input never leaves a half-made image behind.
 * Refused: an unreadable file, a name that is empty, "." or "..", longer
 * than DIRSIZ or given twice, more files than inodes, a file longer than
 * MAXFILE blocks, and inputs that together do not fit in the image.
 * Exit status: 0 on success, 1 after a message on any error.  The file is
 * written sparse: blocks of zeroes are holes.
 */
#define _POSIX_C_SOURCE 200809L /* ftruncate, fileno */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/stat.h"
#include "kernel/fs.h"

#define NINODES 200
#define NLOG (LOGSIZE + 1) /* the header and LOGSIZE slots */

#define NINODEBLOCKS ((NINODES + IPB - 1) / IPB)
/* Blocks before the data area in an image of size blocks. */
#define NMETA(size) (2 + NLOG + NINODEBLOCKS + (size) / BPB + 1)

_Static_assert(sizeof(struct dinode) * IPB == BSIZE, "dinode size");
_Static_assert(BSIZE % sizeof(struct dirent) == 0, "dirent size");
_Static_assert(sizeof(struct superblock) <= BSIZE, "superblock size");
_Static_assert(NMETA(FSSIZE) < FSSIZE, "no room for data");

static uint8 (*image)[BSIZE]; /* sb.size blocks */
static struct superblock sb;
static uint next_inum = ROOTINO; /* the next free inode */
static uint next_block;          /* the next free data block */

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
  va_list ap;

  fprintf(stderr, "mkfs: ");
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\n");
  exit(1);
}

/* The image is little-endian; so is every host we build on.  Check. */
static void
check_host(void)
{
  uint32 one = 1;
  if (*(uint8 *)&one != 1)
    die("this host is big-endian; the image format is little-endian");
}

static struct dinode *
dinode(uint inum)
{
  return (struct dinode *)image[IBLOCK(inum, sb)] + inum % IPB;
}

static uint
ialloc(short type)
{
  if (next_inum >= sb.ninodes)
    die("too many files: the image has only %u inodes", sb.ninodes);
  uint inum = next_inum++;
  struct dinode *di = dinode(inum);
  memset(di, 0, sizeof(*di));
  di->type = type;
  di->nlink = 1;
  return inum;
}

static uint
balloc(const char *what)
{
  if (next_block >= sb.size)
    die("%s does not fit: the image's %u data blocks are all used", what,
        sb.nblocks);
  return next_block++;
}

/* The block number in *slot, allocated first if it is 0. */
static uint
slot(uint *p, const char *what)
{
  if (*p == 0)
    *p = balloc(what);
  return *p;
}

/* Entry i of index block b, as a slot. */
static uint *
entry(uint b, uint i)
{
  return (uint *)image[b] + i;
}

/*
 * The block holding file block bn of di, allocated (with the index blocks
 * that lead to it) if absent.  The layouts are kernel/fs.h's: NDIRECT
 * direct blocks, an indirect block, and with NDINDIRECT (the fs lab) a
 * doubly-indirect block after it.
 */
static uint
file_block(struct dinode *di, uint bn, const char *what)
{
  if (bn < NDIRECT)
    return slot(&di->addrs[bn], what);
  bn -= NDIRECT;
  if (bn < NINDIRECT)
    return slot(entry(slot(&di->addrs[NDIRECT], what), bn), what);
#ifdef NDINDIRECT
  bn -= NINDIRECT;
  uint ind =
      slot(entry(slot(&di->addrs[NDIRECT + 1], what), bn / NINDIRECT), what);
  return slot(entry(ind, bn % NINDIRECT), what);
#else
  die("internal error: %s: block %u past the format", what, bn + NDIRECT);
#endif
}

/* Append n bytes to inode inum's data; what names it in error messages. */
static void
iappend(uint inum, const void *data, uint n, const char *what)
{
  struct dinode *di = dinode(inum);
  const uint8 *p = data;

  if ((uint64)di->size + n > (uint64)MAXFILE * BSIZE)
    die("%s is too large: more than %lu blocks", what, (unsigned long)MAXFILE);
  while (n > 0) {
    uint addr = file_block(di, di->size / BSIZE, what);
    uint off = di->size % BSIZE;
    uint m = BSIZE - off < n ? BSIZE - off : n;
    memcpy(image[addr] + off, p, m);
    di->size += m;
    p += m;
    n -= m;
  }
}

static void
add_dirent(uint dir, uint inum, const char *name)
{
  struct dirent de;

  memset(&de, 0, sizeof(de));
  de.inum = (ushort)inum;
  strncpy(de.name, name, DIRSIZ);
  iappend(dir, &de, sizeof(de), "the root directory");
}

/* The name a file gets in the image; exits if it is unusable. */
static void
image_name(const char *path, char name[DIRSIZ + 1])
{
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  if (base[0] == '_')
    base++;
  if (strlen(base) == 0 || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
    die("%s: not a usable file name", path);
  if (strlen(base) > DIRSIZ)
    die("%s: name \"%s\" is longer than %d characters", path, base, DIRSIZ);
  strcpy(name, base);
}

/* Read all of path, at most MAXFILE blocks; *len gets its length. */
static uint8 *
read_input(const char *path, uint *len)
{
  static uint8 buf[MAXFILE * BSIZE + 1];
  FILE *f = fopen(path, "rb");
  size_t n;

  if (f == 0)
    die("%s: %s", path, strerror(errno));
  n = fread(buf, 1, sizeof(buf), f);
  if (ferror(f))
    die("%s: read error: %s", path, strerror(errno));
  fclose(f);
  if (n > (size_t)MAXFILE * BSIZE)
    die("%s is too large: more than %lu blocks of %d bytes", path,
        (unsigned long)MAXFILE, BSIZE);
  *len = (uint)n;
  return buf;
}

/* Mark blocks [0, next_block) in use in the bitmap. */
static void
write_bitmap(void)
{
  for (uint b = 0; b < next_block; b++)
    image[BBLOCK(b, sb)][(b % BPB) / 8] |= 1 << (b % 8);
}

static int
is_zero(const uint8 *b)
{
  for (int i = 0; i < BSIZE; i++) {
    if (b[i])
      return 0;
  }
  return 1;
}

static void
write_image(const char *path)
{
  FILE *f = fopen(path, "wb");

  if (f == 0)
    die("%s: %s", path, strerror(errno));
  for (uint b = 0; b < sb.size; b++) {
    if (is_zero(image[b]))
      continue;
    if (fseek(f, (long)b * BSIZE, SEEK_SET) != 0 ||
        fwrite(image[b], BSIZE, 1, f) != 1)
      die("%s: write error: %s", path, strerror(errno));
  }
  if (fflush(f) != 0 || ftruncate(fileno(f), (off_t)sb.size * BSIZE) != 0 ||
      fclose(f) != 0)
    die("%s: write error: %s", path, strerror(errno));
}

/* The -s argument: a block count the format can hold. */
static uint
parse_size(const char *arg)
{
  char *end;
  unsigned long n = strtoul(arg, &end, 10);

  if (*arg == '\0' || *end != '\0' || n <= NMETA(n) || n > FSMAXSIZE)
    die("-s %s: not a block count in (%u, %u]", arg, (uint)NMETA(0), FSMAXSIZE);
  return (uint)n;
}

int
main(int argc, char *argv[])
{
  char names[NINODES][DIRSIZ + 1];
  int nnames = 0;

  uint size = FSSIZE;

  check_host();
  if (argc >= 3 && strcmp(argv[1], "-s") == 0) {
    size = parse_size(argv[2]);
    argc -= 2;
    argv += 2;
  }
  if (argc < 2)
    die("usage: mkfs [-s blocks] fs.img file...");
  if ((image = calloc(size, BSIZE)) == 0)
    die("no memory for an image of %u blocks", size);

  next_block = NMETA(size);
  sb.magic = FSMAGIC;
  sb.size = size;
  sb.nblocks = size - NMETA(size);
  sb.ninodes = NINODES;
  sb.nlog = NLOG;
  sb.logstart = 2;
  sb.inodestart = 2 + NLOG;
  sb.bmapstart = 2 + NLOG + NINODEBLOCKS;
  memcpy(image[SUPERBLOCK_NO], &sb, sizeof(sb));

  uint root = ialloc(T_DIR);
  if (root != ROOTINO)
    die("internal error: root is inode %u", root);
  /* The root's ".." is itself; "." adds no link (as in the kernel). */
  add_dirent(root, root, ".");
  add_dirent(root, root, "..");

  for (int i = 2; i < argc; i++) {
    char name[DIRSIZ + 1];
    uint len;

    image_name(argv[i], name);
    for (int j = 0; j < nnames; j++) {
      if (strcmp(names[j], name) == 0)
        die("%s: a second file named \"%s\"", argv[i], name);
    }
    if (nnames >= NINODES)
      die("too many files: the image has only %u inodes", sb.ninodes);
    strcpy(names[nnames++], name);

    uint8 *data = read_input(argv[i], &len);
    uint inum = ialloc(T_FILE);
    iappend(inum, data, len, argv[i]);
    add_dirent(root, inum, name);
  }

  write_bitmap();
  write_image(argv[1]);
  return 0;
}

/*
 * malloc and free for user programs.
 *
 * Memory is handed out in units of 16 bytes (so every pointer returned is
 * 16-byte aligned, enough for any C type).  Each block starts with a
 * one-unit header holding its size in units, header included; the pointer
 * returned is just past the header.
 *
 * Free blocks sit on one list sorted by address, so free() can find a
 * block's neighbours and merge it with either one when they touch: the
 * list never holds two adjacent blocks.  malloc() takes the first block
 * big enough, cutting the piece it needs from the block's end so the rest
 * stays where it is on the list.  When nothing fits, the heap grows with
 * sbrk by at least GROW bytes at a time, which keeps system calls rare
 * for programs that allocate many small things.
 *
 * malloc(0) returns a valid, distinct pointer; a request sbrk cannot
 * satisfy (or one too large to express) returns 0.
 */
#include "kernel/types.h"
#include "user/user.h"

union header {
  struct {
    union header *next; /* next free block, by address (free blocks only) */
    uint64 units;       /* size of this block in units, header included */
  } h;
  char align[16];
};

typedef union header Header;

#define UNIT sizeof(Header)
#define GROW (64 * 1024)    /* smallest amount to ask sbrk for */
#define MAXREQ 0x7fff0000UL /* sbrk takes an int: bigger requests fail */

static Header *freelist; /* lowest free block, or 0 */

void
free(void *p)
{
  if (p == 0)
    return;
  Header *b = (Header *)p - 1;

  /* Find the free blocks just before and just after b. */
  Header *prev = 0, *next = freelist;
  while (next && next < b) {
    prev = next;
    next = next->h.next;
  }
  if (next == b)
    return; /* freed twice: already on the list */

  /* Link b in, then merge with the neighbours it touches. */
  b->h.next = next;
  if (next && b + b->h.units == next) {
    b->h.units += next->h.units;
    b->h.next = next->h.next;
  }
  if (prev) {
    prev->h.next = b;
    if (prev + prev->h.units == b) {
      prev->h.units += b->h.units;
      prev->h.next = b->h.next;
    }
  } else {
    freelist = b;
  }
}

/* Add at least units units of fresh memory to the free list. */
static int
grow(uint64 units)
{
  uint64 want = units * UNIT;
  if (want < GROW)
    want = GROW;
  /* Someone may have called sbrk with an odd size: realign the break. */
  char *brk = sbrk(0);
  if (brk == (char *)-1)
    return -1;
  uint64 skew = -(uint64)brk & (UNIT - 1);
  char *p = sbrk((int)(skew + want));
  if (p == (char *)-1 && want > units * UNIT) {
    want = units * UNIT; /* a big chunk failed: try for just what is needed */
    p = sbrk((int)(skew + want));
  }
  if (p == (char *)-1)
    return -1;
  Header *b = (Header *)(p + skew);
  b->h.units = want / UNIT;
  free(b + 1);
  return 0;
}

void *
malloc(uint nbytes)
{
  if (nbytes > MAXREQ)
    return 0;
  if (nbytes == 0)
    nbytes = 1; /* still a distinct block of its own */
  uint64 units = (nbytes + UNIT - 1) / UNIT + 1;

  for (;;) {
    Header *prev = 0;
    for (Header *b = freelist; b; prev = b, b = b->h.next) {
      if (b->h.units < units)
        continue;
      if (b->h.units == units) {
        /* Exact fit: unlink the whole block. */
        if (prev)
          prev->h.next = b->h.next;
        else
          freelist = b->h.next;
      } else {
        /* Cut the tail off; b stays on the list, smaller. */
        b->h.units -= units;
        b += b->h.units;
        b->h.units = units;
      }
      b->h.next = 0;
      return b + 1;
    }
    if (grow(units) < 0)
      return 0;
  }
}

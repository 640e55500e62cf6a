/*
 * The byte pattern writefile writes and checkfile verifies: each byte
 * depends on its offset, and every block's bytes differ from every other
 * block's, so a lost, repeated or misplaced block shows up.
 */
#ifndef LDX_USER_PATTERN_H
#define LDX_USER_PATTERN_H

#include "kernel/types.h"

static inline uchar
pattern_byte(uint off)
{
  return (uchar)((off * 131 + (off >> 10) * 7 + (off >> 18)) ^ 0x5a);
}

/* The name writefile builds the file under before giving it its real
 * name; checkfile ignores a leftover one. */
#define PATTERN_TMPSUFFIX ".part"

#endif

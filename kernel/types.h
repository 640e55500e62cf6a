/*
 * Fixed-width integer names shared by the kernel, user programs and mkfs.
 * User programs include this header first (the xv6 convention), so it must
 * stand alone and must not depend on any C library header.
 */
#ifndef LDX_TYPES_H
#define LDX_TYPES_H

typedef unsigned int uint;
typedef unsigned short ushort;
typedef unsigned char uchar;

typedef unsigned char uint8;
typedef unsigned short uint16;
typedef unsigned int uint32;
typedef unsigned long uint64;

/* A page-table entry (the name xv6 programs expect). */
typedef uint64 pde_t;

#endif

/*
 * Virtual-memory facts shared with user programs (the 2025 xv6 API).
 *
 * sys_sbrk(n, how) grows the heap by n bytes in one of two ways:
 *   SBRK_EAGER  allocate and zero every new page now (what sbrk(n) does);
 *   SBRK_LAZY   only move the break; each page is allocated and zeroed
 *               when first touched, by user code or by a system call
 *               (what sbrklazy(n) does).
 * Shrinking (n < 0) is always eager.  This header must compile in a user
 * program.
 */
#ifndef LDX_VM_H
#define LDX_VM_H

#define SBRK_EAGER 1
#define SBRK_LAZY 2

#endif

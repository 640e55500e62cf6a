/*
 * Prototypes of every system-call implementation, generated from
 * kernel/syscall_table.h: "uint64 sys_name(void)".  Each implementation
 * fetches its own arguments with argint/argaddr/argstr (trap.h).
 */
#ifndef LDX_SYSDECL_H
#define LDX_SYSDECL_H

#include "kernel/types.h"

#define SYSCALL(num, name, ret, params) uint64 sys_##name(void);
#include "kernel/syscall_table.h"
#undef SYSCALL

#endif

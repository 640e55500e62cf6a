/*
 * System-call numbers, generated from kernel/syscall_table.h.
 * The number travels in register a7 when user code executes ecall.
 */
#ifndef LDX_SYSCALL_H
#define LDX_SYSCALL_H

enum {
#define SYSCALL(num, name, ret, params) SYS_##name = num,
#include "kernel/syscall_table.h"
#undef SYSCALL
};

#endif

/*
 * System-call numbers, generated from kernel/syscall_table.h.
 * The number travels in register a7 when user code executes ecall.
 * An alias (SYS_pause) has the number of the call it names.
 */
#ifndef LDX_SYSCALL_H
#define LDX_SYSCALL_H

enum {
#define SYSCALL(num, name, ret, params) SYS_##name = num,
#define SYSCALL_ALIAS(num, alias, name) SYS_##alias = num,
#include "kernel/syscall_table.h"
#undef SYSCALL
#undef SYSCALL_ALIAS
};

/* One more than the highest system-call number: the size of any table
 * indexed by number.  A union of one char array per call, each one longer
 * than its number, is exactly that big. */
union syscall_numbers_ {
#define SYSCALL(num, name, ret, params) char name[num + 1];
#include "kernel/syscall_table.h"
#undef SYSCALL
};
#define NSYSCALL ((int)sizeof(union syscall_numbers_))

#endif

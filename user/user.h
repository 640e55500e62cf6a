/*
 * The user-program interface: system calls and the user library
 * (source-compatible with xv6-riscv's user/user.h).
 *
 * The system-call prototypes are generated from kernel/syscall_table.h, the
 * same list that numbers the calls and builds the kernel's dispatch table
 * and the ecall stubs in user/usys.c, so a call added there appears here
 * by itself.  Programs include kernel/types.h before this header.
 */
#ifndef LDX_USER_H
#define LDX_USER_H

struct stat;
struct procinfo;
struct event;

/* System calls: fork, exit, wait, ... and ldx's halt, freepages, getprocs,
 * evlog, tracemask, timebase.  Every one returns -1 on error.  A second name
 * (pause for sleep) has the same type; a wrapped call's stub is sys_name
 * (sys_sbrk(n, how)) and the library below provides name(). */
#define SYSARG(kind, type, ref, size) type
#define SYSRET(kind, type) type
#define SYSCALL(num, name, ret, params) ret name params;
#define SYSCALL_WRAPPED(num, name, ret, params) ret sys_##name params;
#define SYSCALL_ALIAS(num, alias, name) __typeof__(name) alias;
#include "kernel/syscall_table.h"
#undef SYSCALL_ALIAS
#undef SYSCALL_WRAPPED
#undef SYSCALL
#undef SYSRET
#undef SYSARG

/* The heap (ulib.c): sbrk(n) grows it now, sbrklazy(n) page by page at
 * first touch (both wrap sys_sbrk, see kernel/vm.h); both return the old
 * break, or SBRK_ERROR. */
#define SBRK_ERROR ((char *)-1)
char *sbrk(int);
char *sbrklazy(int);

/* ulib.c */
int stat(const char *, struct stat *);
char *strcpy(char *, const char *);
void *memmove(void *, const void *, int);
char *strchr(const char *, char c);
int strcmp(const char *, const char *);
char *gets(char *, int max);
uint strlen(const char *);
void *memset(void *, int, uint);
int atoi(const char *);
int memcmp(const void *, const void *, uint);
void *memcpy(void *, const void *, uint);

/* printf.c: %d %u %x %p %s %c %%, with l/ll for 64-bit integers;
 * snprintf returns the length of the whole result, as in C. */
void fprintf(int, const char *, ...);
void printf(const char *, ...);
void vfprintf(int, const char *, __builtin_va_list);
void vprintf(const char *, __builtin_va_list);
int snprintf(char *, int, const char *, ...);
int vsnprintf(char *, int, const char *, __builtin_va_list);

/* umalloc.c */
void *malloc(uint);
void free(void *);

#endif

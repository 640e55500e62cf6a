/*
 * Prototypes of every system-call implementation, generated from
 * kernel/syscall_table.h: "uint64 sys_name(void)".  Each implementation
 * fetches its own arguments with argint/argaddr/argstr (trap.h).
 *
 * A second name for a call (SYSCALL_ALIAS: sys_pause for sys_sleep) is the
 * same function under another symbol, so kernel/kernel.sym lists both at
 * one address and a debugger's breakpoint on either is hit.  C's alias
 * attribute only works in the file that defines the function, so the
 * aliases are assembler equates emitted into every file that includes
 * this header: in the one that defines sys_sleep, sys_pause becomes a
 * global symbol at its address; elsewhere the equate defines nothing.
 */
#ifndef LDX_SYSDECL_H
#define LDX_SYSDECL_H

#include "kernel/types.h"

#define SYSCALL(num, name, ret, params) uint64 sys_##name(void);
#define SYSCALL_ALIAS(num, alias, name)                                        \
  uint64 sys_##alias(void);                                                    \
  __asm__(".globl sys_" #alias "\n"                                            \
          ".type sys_" #alias ", @function\n"                                  \
          ".set sys_" #alias ", sys_" #name "\n");
#include "kernel/syscall_table.h"
#undef SYSCALL_ALIAS
#undef SYSCALL

#endif

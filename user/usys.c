/*
 * The system-call stubs, one per line of kernel/syscall_table.h.
 *
 * Each stub is a leaf function: the arguments are already in a0..a5 by
 * the C calling convention, so it only puts the system-call number in a7,
 * traps into the kernel with ecall and returns, the kernel having left the
 * result in a0.  Stubs are plain assembly so that the compiler cannot
 * touch any register around the ecall.  A second name (pause) gets its own
 * stub with the same number; a wrapped call's stub is sys_name.
 */
#include "kernel/types.h"

#define STUB(num, sym)                                                         \
  __asm__(".pushsection .text\n"                                               \
          ".global " #sym "\n"                                                 \
          ".type " #sym ", @function\n" #sym ":\n"                             \
          "  li a7, " #num "\n"                                                \
          "  ecall\n"                                                          \
          "  ret\n"                                                            \
          ".size " #sym ", . - " #sym "\n"                                     \
          ".popsection\n");
#define SYSCALL(num, name, ret, params) STUB(num, name)
#define SYSCALL_WRAPPED(num, name, ret, params) STUB(num, sys_##name)
#define SYSCALL_ALIAS(num, alias, name) STUB(num, alias)
#include "kernel/syscall_table.h"
#undef SYSCALL_ALIAS
#undef SYSCALL_WRAPPED
#undef SYSCALL

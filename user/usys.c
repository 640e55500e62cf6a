/*
 * The system-call stubs, one per line of kernel/syscall_table.h.
 *
 * Each stub is a leaf function: the arguments are already in a0..a5 by
 * the C calling convention, so it only puts the system-call number in a7,
 * traps into the kernel with ecall and returns, the kernel having left the
 * result in a0.  Stubs are plain assembly so that the compiler cannot
 * touch any register around the ecall.
 */
#include "kernel/types.h"

#define SYSCALL(num, name, ret, params)                                        \
  __asm__(".pushsection .text\n"                                               \
          ".global " #name "\n"                                                \
          ".type " #name ", @function\n" #name ":\n"                           \
          "  li a7, " #num "\n"                                                \
          "  ecall\n"                                                          \
          "  ret\n"                                                            \
          ".size " #name ", . - " #name "\n"                                   \
          ".popsection\n");
#include "kernel/syscall_table.h"
#undef SYSCALL

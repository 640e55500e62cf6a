/*
 * System-call dispatch.
 *
 * User code puts the system-call number in a7 and the arguments in a0..a5
 * and executes ecall; usertrap() sends it here.  The number is checked
 * against the table generated from kernel/syscall_table.h: a number with
 * no entry returns -1 and one console line names the offender.  The result
 * goes back in a0, which userret restores on the return-from-trap.
 *
 * The argument helpers take values from the saved registers; they never
 * dereference a user pointer themselves (copyin/copyout/fetchstr do, and
 * they check it).
 */
#include "kernel/trap/trap.h"
#include "kernel/lib/lib.h"
#include "kernel/proc/proc.h"
#include "kernel/syscall.h"
#include "kernel/trap/sysdecl.h"

/* The system-call table: [SYS_name] = sys_name.  A number listed twice is
 * a compile error (-Woverride-init). */
static uint64 (*const syscalls[])(void) = {
#define SYSCALL(num, name, ret, params) [num] = sys_##name,
#include "kernel/syscall_table.h"
#undef SYSCALL
};

static const char *const syscall_names[] = {
#define SYSCALL(num, name, ret, params) [num] = #name,
#include "kernel/syscall_table.h"
#undef SYSCALL
};

void
syscall(void)
{
  struct proc *p = myproc();
  uint64 num = p->trapframe->a7;
  if (num < NELEM(syscalls) && syscalls[num]) {
    p->trapframe->a0 = syscalls[num]();
  } else {
    printf("pid %d (%s): unknown system call %ld\n", p->pid, p->name,
           (long)num);
    p->trapframe->a0 = -1;
  }
}

const char *
syscall_name(uint64 num)
{
  return num < NELEM(syscall_names) && syscall_names[num] ? syscall_names[num]
                                                          : "?";
}

static uint64
argraw(int n)
{
  struct trapframe *tf = myproc()->trapframe;
  switch (n) {
  case 0:
    return tf->a0;
  case 1:
    return tf->a1;
  case 2:
    return tf->a2;
  case 3:
    return tf->a3;
  case 4:
    return tf->a4;
  case 5:
    return tf->a5;
  }
  panic("argraw: argument %d", n);
}

void
argint(int n, int *ip)
{
  *ip = (int)argraw(n);
}

void
argaddr(int n, uint64 *ip)
{
  *ip = argraw(n);
}

int
argstr(int n, char *buf, int max)
{
  return fetchstr(argraw(n), buf, max);
}

/* Fetch the 64-bit word at user address addr. */
int
fetchaddr(uint64 addr, uint64 *ip)
{
  return copyin(myproc()->pagetable, ip, addr, sizeof(*ip));
}

/* Fetch the NUL-terminated string at user address addr; its length or -1. */
int
fetchstr(uint64 addr, char *buf, int max)
{
  return copyinstr(myproc()->pagetable, buf, addr, max);
}

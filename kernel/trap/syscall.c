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
#include "kernel/evlog.h"
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

/* The parameter lists as written in the table, e.g. "(int, void *, int)":
 * trace uses them to print each argument the way its type suggests. */
static const char *const syscall_params[] = {
#define SYSCALL(num, name, ret, params) [num] = #params,
#include "kernel/syscall_table.h"
#undef SYSCALL
};

/* Append to buf (at *len) one argument, formatted by its C type. */
static void
format_arg(char *buf, int size, int *len, const char *type, int typelen,
           uint64 val)
{
  char s[32];
  int is_ptr = 0, is_str = 0;
  for (int i = 0; i < typelen; i++)
    if (type[i] == '*')
      is_ptr = 1;
  if (is_ptr && typelen >= 6 && strncmp(type + typelen - 6, "char *", 6) == 0)
    is_str = fetchstr(val, s, sizeof(s)) >= 0;
  if (is_str)
    *len += snprintf(buf + *len, size - *len, "\"%s\"", s);
  else if (is_ptr)
    *len += snprintf(buf + *len, size - *len, "0x%lx", val);
  else
    *len += snprintf(buf + *len, size - *len, "%d", (int)val);
  if (*len > size - 1)
    *len = size - 1;
}

/* Format the arguments of system call num, e.g. `3, 0x4f10, 512`, before
 * the call runs (exec replaces the memory the strings live in). */
static void
format_args(uint64 num, char *buf, int size)
{
  const char *t = syscall_params[num];
  struct trapframe *tf = myproc()->trapframe;
  uint64 vals[6] = {tf->a0, tf->a1, tf->a2, tf->a3, tf->a4, tf->a5};
  int len = 0, arg = 0;
  buf[0] = '\0';
  if (strncmp(t, "(void)", 7) == 0)
    return;
  t++; /* skip '(' */
  while (*t && *t != ')' && arg < 6) {
    while (*t == ' ')
      t++;
    int n = 0;
    while (t[n] && t[n] != ',' && t[n] != ')')
      n++;
    if (arg > 0)
      len += snprintf(buf + len, size - len, ", ");
    format_arg(buf, size, &len, t, n, vals[arg++]);
    t += n;
    if (*t == ',')
      t++;
  }
}

/*
 * The system-call path proper: check the number, run the call, put the
 * result in a0 for the return-from-trap.
 */
void
syscall(void)
{
  struct proc *p = myproc();
  uint64 num = p->trapframe->a7;
  if (num < NELEM(syscalls) && syscalls[num]) {
    evlog_record(EV_SYSCALL, p->pid, num);
    int traced = num < 32 && ((p->tracemask >> num) & 1);
    char args[128];
    if (traced)
      format_args(num, args, sizeof(args));
    p->trapframe->a0 = syscalls[num]();
    if (traced)
      printf("[pid %d %s] %s(%s) = %ld\n", p->pid, p->name, syscall_names[num],
             args, (long)p->trapframe->a0);
  } else {
    printf("pid %d (%s): unknown system call %ld\n", p->pid, p->name,
           (long)num);
    p->trapframe->a0 = -1;
  }
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

/* The (array, count) pair in a0 and a1 of calls that fill a user array;
 * -1 for a negative count (the address is checked when it is used). */
int
argarray(uint64 *addr, int *count)
{
  argaddr(0, addr);
  argint(1, count);
  return *count < 0 ? -1 : 0;
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

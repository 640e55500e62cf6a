/*
 * THE list of system calls: the one source of truth.
 *
 * Each line is SYSCALL(number, name, user return type, user parameters).
 * Whoever includes this file defines SYSCALL first; it is expanded into
 *   - the SYS_name numbers           (kernel/syscall.h),
 *   - the kernel's dispatch table    (kernel/trap/syscall.c: [n] = sys_name),
 *   - the user-mode ecall stubs      (user/usys.c),
 *   - the prototypes in user/user.h.
 * Adding a system call means adding a line here and writing
 * "uint64 sys_name(void)" in the kernel; nothing else.
 *
 * Numbers 1-21 are xv6's and fixed by the user API contract; 22-39 are kept
 * for the calls course labs add (trace 22, sigalarm 24, sigreturn 25,
 * symlink 26, mmap 27, munmap 28); ldx's own extensions start at 64.
 * A number used twice is a compile error (-Woverride-init in syscall.c).
 */
SYSCALL(1, fork, int, (void))
SYSCALL(2, exit, __attribute__((noreturn)) int, (int))
SYSCALL(3, wait, int, (int *))
SYSCALL(4, pipe, int, (int *))
SYSCALL(5, read, int, (int, void *, int))
SYSCALL(6, kill, int, (int))
SYSCALL(7, exec, int, (const char *, char **))
SYSCALL(8, fstat, int, (int, struct stat *))
SYSCALL(9, chdir, int, (const char *))
SYSCALL(10, dup, int, (int))
SYSCALL(11, getpid, int, (void))
SYSCALL(12, sbrk, char *, (int))
SYSCALL(13, sleep, int, (int))
SYSCALL(14, uptime, int, (void))
SYSCALL(15, open, int, (const char *, int))
SYSCALL(16, write, int, (int, const void *, int))
SYSCALL(17, mknod, int, (const char *, short, short))
SYSCALL(18, unlink, int, (const char *))
SYSCALL(19, link, int, (const char *, const char *))
SYSCALL(20, mkdir, int, (const char *))
SYSCALL(21, close, int, (int))
/* course-lab numbers */
SYSCALL(22, trace, int, (int))
/* ldx extensions */
SYSCALL(64, halt, int, (void))
SYSCALL(65, freepages, int, (void))
SYSCALL(66, getprocs, int, (struct procinfo *, int))
SYSCALL(67, evlog, int, (struct event *, int))

/*
 * THE list of system calls: the one source of truth.
 *
 * Each line is
 *   SYSCALL(number, name, returns, (arguments))
 * and says everything the tools need to know about the call: its number,
 * its name, what it returns and what each argument is (its kind) next to
 * the C type the user sees.  Whoever includes this file defines SYSCALL
 * (and, to look inside the arguments, SYSARG and SYSRET; see below) first.
 * It is expanded into
 *   - the SYS_name numbers            (kernel/syscall.h),
 *   - the kernel's dispatch table     (kernel/trap/syscall.c: [n] = sys_name),
 *   - the user-mode ecall stubs       (user/usys.c),
 *   - the prototypes in user/user.h,
 *   - the description of every call   (kernel/sysdesc.h), from which the
 *     kernel's trace prints arguments and results and the fuzzer
 *     (user/fuzz/) draws arguments and knows which calls exist.
 * Adding a system call means adding a line here and writing
 * "uint64 sys_name(void)" in the kernel; nothing else.
 *
 * Numbers 1-21 are xv6's and fixed by the user API contract; 22-39 are kept
 * for the calls course labs add (trace 22, sigalarm 24, sigreturn 25,
 * symlink 26, mmap 27, munmap 28); ldx's own extensions start at 64.
 * A number used twice is a compile error (-Woverride-init in syscall.c).
 *
 * Two more kinds of line:
 *   SYSCALL_ALIAS(number, alias, name)  a second name for call `name`: the
 *       user gets both functions, SYS_alias is the same number, and the
 *       kernel's sys_alias is the very same function as sys_name (one
 *       address, so a breakpoint on either is hit).
 *   SYSCALL_WRAPPED(...)  as SYSCALL, but the user stub is called sys_name
 *       because the user library's name() wraps it (sbrk(n) is
 *       sys_sbrk(n, SBRK_EAGER) in the 2025 API).
 * Both default to what a consumer that only wants SYSCALL lines needs.
 *
 * Argument kinds, A_KIND(C type [, facts]).  `n` is the index (from 0) of
 * the argument that holds a buffer's length or an array's count.
 *   A_VOID             no arguments at all: "(A_VOID)"
 *   A_INT(t)           a plain number
 *   A_FD(t)            a file descriptor the call uses
 *   A_CLOSEFD(t)       a file descriptor the call releases
 *   A_PID(t)           a process id
 *   A_TICKS(t)         a duration in clock ticks
 *   A_OFLAGS(t)        open() flags (kernel/fcntl.h)
 *   A_ENUM(t, max)     one of the values 0..max
 *   A_DEV(t)           a device major number
 *   A_GROW(t)          a signed change in the size of memory, in bytes
 *   A_MASK(t)          a trace mask: bit n stands for call n
 *   A_PATH(t)          a path the kernel only looks up
 *   A_NEWPATH(t)       a path the call may create, change or remove
 *   A_ARGV(t)          a null-terminated array of strings
 *   A_BUFIN(t, n)      bytes the kernel reads; argument n is how many
 *   A_BUFOUT(t, n)     bytes the kernel writes; argument n is how many
 *   A_MASKIN(t, n)     a bitmap of calls (bit k is call k), n bytes long
 *   A_LEN(t)           a byte count
 *   A_OUT(t, size)     a record of size bytes the kernel writes
 *   A_FDPAIR(t)        two descriptors the kernel writes (read end, write end)
 *   A_ARRAY(t, n, size)  records of size bytes the kernel writes; argument
 *                      n is how many fit
 *   A_COUNT(t)         a number of records
 * Return kinds, R_KIND(C type):
 *   R_INT   a number (-1: error)       R_FD    a new file descriptor
 *   R_PID   a process id               R_FORK  0 in the child, a pid here
 *   R_REAP  the pid of a child that exited and is gone now
 *   R_ADDR  a user address             R_NONE  never returns
 */
#define A_VOID SYSARG(NONE, void, -1, 0)
#define A_INT(t) SYSARG(INT, t, -1, 0)
#define A_FD(t) SYSARG(FD, t, -1, 0)
#define A_CLOSEFD(t) SYSARG(CLOSEFD, t, -1, 0)
#define A_PID(t) SYSARG(PID, t, -1, 0)
#define A_TICKS(t) SYSARG(TICKS, t, -1, 0)
#define A_OFLAGS(t) SYSARG(OFLAGS, t, -1, 0)
#define A_ENUM(t, max) SYSARG(ENUM, t, -1, max)
#define A_DEV(t) SYSARG(DEV, t, -1, 0)
#define A_GROW(t) SYSARG(GROW, t, -1, 0)
#define A_MASK(t) SYSARG(MASK, t, -1, 0)
#define A_PATH(t) SYSARG(PATH, t, -1, 0)
#define A_NEWPATH(t) SYSARG(NEWPATH, t, -1, 0)
#define A_ARGV(t) SYSARG(ARGV, t, -1, 0)
#define A_BUFIN(t, n) SYSARG(BUFIN, t, n, 1)
#define A_BUFOUT(t, n) SYSARG(BUFOUT, t, n, 1)
#define A_MASKIN(t, n) SYSARG(MASKIN, t, n, 1)
#define A_LEN(t) SYSARG(LEN, t, -1, 0)
#define A_OUT(t, size) SYSARG(OUT, t, -1, size)
#define A_FDPAIR(t) SYSARG(FDPAIR, t, -1, 2 * sizeof(int))
#define A_ARRAY(t, n, size) SYSARG(ARRAY, t, n, size)
#define A_COUNT(t) SYSARG(COUNT, t, -1, 0)
#define R_INT(t) SYSRET(INT, t)
#define R_FD(t) SYSRET(FD, t)
#define R_PID(t) SYSRET(PID, t)
#define R_FORK(t) SYSRET(FORK, t)
#define R_REAP(t) SYSRET(REAP, t)
#define R_ADDR(t) SYSRET(ADDR, t)
#define R_NONE(t) SYSRET(NONE, __attribute__((noreturn)) t)

#ifndef SYSCALL_ALIAS
#define SYSCALL_ALIAS(num, alias, name)
#define SYSCALL_ALIAS_DEFAULT_
#endif
#ifndef SYSCALL_WRAPPED
#define SYSCALL_WRAPPED SYSCALL
#define SYSCALL_WRAPPED_DEFAULT_
#endif

/* clang-format off */
/*      number  name       returns          arguments */
SYSCALL(1,      fork,      R_FORK(int),     (A_VOID))
SYSCALL(2,      exit,      R_NONE(int),     (A_INT(int)))
SYSCALL(3,      wait,      R_REAP(int),     (A_OUT(int *, sizeof(int))))
SYSCALL(4,      pipe,      R_INT(int),      (A_FDPAIR(int *)))
SYSCALL(5,      read,      R_INT(int),      (A_FD(int), A_BUFOUT(void *, 2), A_LEN(int)))
SYSCALL(6,      kill,      R_INT(int),      (A_PID(int)))
SYSCALL(7,      exec,      R_INT(int),      (A_PATH(const char *), A_ARGV(char **)))
SYSCALL(8,      fstat,     R_INT(int),      (A_FD(int), A_OUT(struct stat *, sizeof(struct stat))))
SYSCALL(9,      chdir,     R_INT(int),      (A_PATH(const char *)))
SYSCALL(10,     dup,       R_FD(int),       (A_FD(int)))
SYSCALL(11,     getpid,    R_PID(int),      (A_VOID))
SYSCALL_WRAPPED(12, sbrk,  R_ADDR(char *),  (A_GROW(int), A_ENUM(int, 2)))
SYSCALL(13,     sleep,     R_INT(int),      (A_TICKS(int)))
SYSCALL_ALIAS(13, pause, sleep)
SYSCALL(14,     uptime,    R_INT(int),      (A_VOID))
SYSCALL(15,     open,      R_FD(int),       (A_NEWPATH(const char *), A_OFLAGS(int)))
SYSCALL(16,     write,     R_INT(int),      (A_FD(int), A_BUFIN(const void *, 2), A_LEN(int)))
SYSCALL(17,     mknod,     R_INT(int),      (A_NEWPATH(const char *), A_DEV(short), A_INT(short)))
SYSCALL(18,     unlink,    R_INT(int),      (A_NEWPATH(const char *)))
SYSCALL(19,     link,      R_INT(int),      (A_NEWPATH(const char *), A_NEWPATH(const char *)))
SYSCALL(20,     mkdir,     R_INT(int),      (A_NEWPATH(const char *)))
SYSCALL(21,     close,     R_INT(int),      (A_CLOSEFD(int)))
/* course-lab numbers */
SYSCALL(22,     trace,     R_INT(int),      (A_MASK(int)))
/* ldx extensions */
SYSCALL(64,     halt,      R_INT(int),      (A_VOID))
SYSCALL(65,     freepages, R_INT(int),      (A_VOID))
SYSCALL(66,     getprocs,  R_INT(int),      (A_ARRAY(struct procinfo *, 1, sizeof(struct procinfo)), A_COUNT(int)))
SYSCALL(67,     evlog,     R_INT(int),      (A_ARRAY(struct event *, 1, sizeof(struct event)), A_COUNT(int)))
SYSCALL(68,     tracemask, R_INT(int),      (A_MASKIN(const void *, 1), A_LEN(int)))
SYSCALL(69,     timebase,  R_INT(uint64),   (A_VOID))
SYSCALL(70,     idletime,  R_INT(uint64),   (A_VOID))
/* clang-format on */

#ifdef SYSCALL_ALIAS_DEFAULT_
#undef SYSCALL_ALIAS
#undef SYSCALL_ALIAS_DEFAULT_
#endif
#ifdef SYSCALL_WRAPPED_DEFAULT_
#undef SYSCALL_WRAPPED
#undef SYSCALL_WRAPPED_DEFAULT_
#endif
#undef A_VOID
#undef A_INT
#undef A_FD
#undef A_CLOSEFD
#undef A_PID
#undef A_TICKS
#undef A_OFLAGS
#undef A_ENUM
#undef A_DEV
#undef A_GROW
#undef A_MASK
#undef A_PATH
#undef A_NEWPATH
#undef A_ARGV
#undef A_BUFIN
#undef A_BUFOUT
#undef A_MASKIN
#undef A_LEN
#undef A_OUT
#undef A_FDPAIR
#undef A_ARRAY
#undef A_COUNT
#undef R_INT
#undef R_FD
#undef R_PID
#undef R_FORK
#undef R_REAP
#undef R_ADDR
#undef R_NONE

/*
 * The test library shared by the files of utests, ldx's in-guest test
 * suite (user/utests/): what a test may call, and how areas list tests.
 *
 * A test is a function void t_NAME(void) that returns when it passed and
 * calls fail() when it did not.  The runner (run.c) calls it in a child of
 * its own, in the scratch directory SCRATCH, under a watchdog, and checks
 * afterwards that it left no files behind and gave back every page of
 * memory; so a test may crash, hang or leak without hiding another's
 * result.  Each area file (proc.c, exec.c, ...) ends with its table of
 * tests, a struct utest per test and a zero entry last; main.c lists the
 * tables in the order the suite runs them.
 *
 * Every test file includes this header and nothing else: it brings the
 * kernel's shared headers and the user library along.
 */
#ifndef LDX_UTEST_H
#define LDX_UTEST_H

#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "kernel/memlayout.h"
#include "kernel/procinfo.h"
#include "kernel/evlog.h"
#include "kernel/vm.h"
#include "user/user.h"

#define FAILCODE 77       /* exit status of a child that called fail() */
#define SCRATCH "/utmp"   /* every test works in here */
#define SELF "/utests"    /* this program, for the exec tests */
#define BADCALL_STATUS 99 /* "should not get here" exit status */

/* One test: the function, its name on the result line, whether it is in
 * the quick set (utests -q), and its time limit in seconds. */
struct utest {
  void (*fn)(void);
  const char *name;
  int quick;
  int secs;
};

/* The tables of the areas (a zero entry ends each), in main.c's order. */
extern const struct utest utests_proc[];
extern const struct utest utests_exec[];
extern const struct utest utests_lde[];
extern const struct utest utests_mem[];
extern const struct utest utests_lazy[];
extern const struct utest utests_fd[];
extern const struct utest utests_file[];
extern const struct utest utests_disk[];
extern const struct utest utests_limits[];
extern const struct utest utests_pipe[];
extern const struct utest utests_ulib[];

/* run.c: the runner. */
int utest_run(const struct utest *t); /* run one test, print its line */
int utest_rmtree(const char *dir, int depth);
extern int utest_reasonfd; /* write end of the reason pipe, in a test */

/* lib.c: helpers for tests.  Each x... wrapper fails the test when the
 * call fails. */
void fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
int xfork(void);
int waitfor(int pid);
void expect_status(int pid, int want, const char *what);
void mustdie(void (*fn)(void), const char *what);
char *alignbrk(void);
char *unmapped(void);
char *xsbrk(int n);
uchar pat(uint seed, uint i);
void fillpat(char *buf, int n, uint seed, uint off);
int checkpat(const char *buf, int n, uint seed, uint off);
int xopen(const char *path, int mode);
void xwrite(int fd, const void *buf, int n);
void mkfile(const char *path, int n, uint seed);
void xunlink(const char *path);
void xstat(const char *path, struct stat *st);
int exists(const char *path);
int freefds(void);
int settle(int want);
void expect_pages_back(int before);
void spin(void) __attribute__((noreturn));

extern volatile uint64 sink;    /* defeats the optimiser on dummy loads */
extern char end[];              /* end of data and bss (user.ld) */
extern const char rodata_msg[]; /* a string in read-only data */
int main(int, char **);         /* an address in this program's text */

/* exec.c: "utests --argcheck K a1 .. aK", run by the exec tests. */
#define ARGCHECK "--argcheck"
int utest_argcheck(int argc, char **argv);

#endif

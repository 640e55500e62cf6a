/*
 * utests, exec: arguments and their limits, hostile argv pointers, and
 * files that are not programs (missing, a directory, not ELF, cut short);
 * a failed exec must leave its caller's memory intact.
 */
#include "user/utests/utest.h"

/* The string exec tests pass as argument i. */
static char *
argstr(char *s, int i)
{
  int len = (i * 13) % 40;
  for (int j = 0; j < len; j++)
    s[j] = (char)('a' + (i + j) % 26);
  s[len] = '\0';
  return s;
}

/* Run by exec: "utests --argcheck K a1 .. aK" checks its own arguments. */
int
utest_argcheck(int argc, char **argv)
{
  char want[64];
  if (argc < 3)
    return 2;
  int k = atoi(argv[2]);
  if (argc != k + 3 || argv[argc] != 0)
    return 3;
  for (int i = 0; i < k; i++)
    if (strcmp(argv[3 + i], argstr(want, i)) != 0)
      return 4;
  if (r_sp() % 16 != 0)
    return 5;
  return 0;
}

/* exec SELF with k checked arguments (plus extra, if not 0) in a child;
 * return the child's status. */
static int
exec_args(int k)
{
  static char strs[MAXARG + 2][64];
  static char *argv[MAXARG + 8];
  char kbuf[16];
  int n = 0;
  argv[n++] = "utests";
  argv[n++] = ARGCHECK;
  snprintf(kbuf, sizeof(kbuf), "%d", k);
  argv[n++] = kbuf;
  for (int i = 0; i < k && n < MAXARG + 6; i++)
    argv[n++] = argstr(strs[i], i);
  argv[n] = 0;
  int pid = xfork();
  if (pid == 0) {
    exec(SELF, argv);
    exit(BADCALL_STATUS);
  }
  return waitfor(pid);
}

static void
t_exec_args(void)
{
  int st;
  if ((st = exec_args(0)) != 0)
    fail("exec with no arguments: child status %d", st);
  if ((st = exec_args(5)) != 0)
    fail("exec with 5 arguments: child status %d", st);
  if ((st = exec_args(MAXARG - 3)) != 0)
    fail("exec with MAXARG (%d) arguments: child status %d", MAXARG, st);
}

static int intact = 0x1234; /* exec's caller must still have its memory */

static void
checkintact(const char *what, int r)
{
  if (r != -1)
    fail("%s: exec returned %d, expected -1", what, r);
  if (intact != 0x1234)
    fail("%s: the caller's memory changed", what);
}

static void
t_exec_maxarg(void)
{
  static char *argv[MAXARG + 4];
  for (int i = 0; i < MAXARG + 1; i++)
    argv[i] = "x";
  argv[MAXARG + 1] = 0;
  checkintact("MAXARG+1 arguments", exec(SELF, argv));
  /* (exactly MAXARG arguments work: see exec_args) */

  /* One argument longer than a page, and arguments that cannot all fit
   * on the stack. */
  char *big = xsbrk(2 * PGSIZE);
  memset(big, 'b', 2 * PGSIZE - 1);
  big[2 * PGSIZE - 1] = '\0';
  char *a1[] = {"utests", big, 0};
  checkintact("an argument longer than a page", exec(SELF, a1));
  big[PGSIZE - 100] = '\0';
  for (int i = 0; i < MAXARG; i++)
    argv[i] = big;
  argv[MAXARG] = 0;
  checkintact("arguments larger than the stack", exec(SELF, argv));
}

static void
t_exec_badargv(void)
{
  char *heapend = alignbrk();
  char *argv[4] = {"utests", ARGCHECK, 0, 0};

  checkintact("argv = KERNBASE", exec(SELF, (char **)KERNBASE));
  checkintact("argv = MAXVA-8", exec(SELF, (char **)(MAXVA - 8)));
  checkintact("argv unmapped", exec(SELF, (char **)unmapped()));
  argv[1] = (char *)KERNBASE;
  checkintact("argv[1] = KERNBASE", exec(SELF, argv));
  argv[1] = unmapped();
  checkintact("argv[1] unmapped", exec(SELF, argv));
  argv[1] = (char *)(MAXVA - 1);
  checkintact("argv[1] = MAXVA-1", exec(SELF, argv));

  /* An argv array whose last slot is the last word of user memory, with
   * no terminating 0 after it. */
  char **tail = (char **)xsbrk(PGSIZE);
  tail = (char **)(heapend + PGSIZE - 2 * sizeof(char *));
  tail[0] = "utests";
  tail[1] = "x";
  checkintact("argv running off the end of memory", exec(SELF, tail));

  /* A string running off the end of memory (no NUL before it ends). */
  memset(heapend, 'a', PGSIZE);
  argv[1] = heapend + PGSIZE - 5;
  argv[2] = 0;
  checkintact("argv[1] running off the end of memory", exec(SELF, argv));
  checkintact("path running off the end of memory",
              exec(heapend + PGSIZE - 5, argv));
  checkintact("path = KERNBASE", exec((char *)KERNBASE, argv));
  checkintact("path = MAXVA-1", exec((char *)(MAXVA - 1), argv));
}

static void
t_exec_noent(void)
{
  static char longpath[MAXPATH + 8];
  char *argv[] = {"x", 0};
  checkintact("missing file", exec("/no-such-program", argv));
  checkintact("empty path", exec("", argv));
  checkintact("non-directory in path", exec(SELF "/x", argv));
  memset(longpath, 'a', MAXPATH + 4);
  longpath[0] = '/';
  longpath[MAXPATH + 4] = '\0';
  checkintact("path longer than MAXPATH", exec(longpath, argv));
}

static void
t_exec_dir(void)
{
  char *argv[] = {"x", 0};
  checkintact("exec of /", exec("/", argv));
  checkintact("exec of .", exec(".", argv));
  checkintact("exec of " SCRATCH, exec(SCRATCH, argv));
}

static void
t_exec_notelf(void)
{
  char *argv[] = {"x", 0};
  static const char script[] = "#!/bin/sh\necho not a program\n";
  int fd = xopen("script", O_CREATE | O_WRONLY);
  xwrite(fd, script, sizeof(script) - 1);
  close(fd);
  checkintact("a text file", exec("script", argv));

  fd = xopen("empty", O_CREATE | O_WRONLY);
  close(fd);
  checkintact("an empty file", exec("empty", argv));

  /* The ELF magic number followed by junk. */
  static char junk[512];
  memset(junk, 0x5a, sizeof(junk));
  junk[0] = 0x7f;
  junk[1] = 'E';
  junk[2] = 'L';
  junk[3] = 'F';
  fd = xopen("junk", O_CREATE | O_WRONLY);
  xwrite(fd, junk, sizeof(junk));
  close(fd);
  checkintact("ELF magic and junk", exec("junk", argv));
  xunlink("script");
  xunlink("empty");
  xunlink("junk");
}

/* Copy the first n bytes of SELF (all of it if n < 0) to path; returns
 * the bytes copied. */
static int
copyself(const char *path, int n)
{
  static char buf[BSIZE];
  int in = xopen(SELF, O_RDONLY);
  int out = xopen(path, O_CREATE | O_TRUNC | O_WRONLY);
  int total = 0;
  for (;;) {
    int want = n < 0 || n - total > BSIZE ? BSIZE : n - total;
    if (want <= 0)
      break;
    int m = read(in, buf, want);
    if (m <= 0)
      break;
    xwrite(out, buf, m);
    total += m;
  }
  close(in);
  close(out);
  return total;
}

static void
t_exec_trunc(void)
{
  char *argv[] = {"utests", ARGCHECK, "0", 0};
  int size = copyself("whole", -1);
  if (size < 1000)
    fail("%s is only %d bytes", SELF, size);
  /* The complete copy runs: so only the truncation makes the rest fail. */
  int pid = xfork();
  if (pid == 0) {
    exec("whole", argv);
    exit(BADCALL_STATUS);
  }
  expect_status(pid, 0, "exec of a complete copy");
  xunlink("whole");

  static const int cuts[] = {16, 64, 200, 0};
  for (int i = 0; i < 4; i++) {
    int n = cuts[i] ? cuts[i] : size / 2;
    copyself("part", n);
    if (exec("part", argv) != -1)
      fail("exec of the first %d bytes of %s did not return -1", n, SELF);
    if (intact != 0x1234)
      fail("a failed exec changed the caller's memory");
  }
  xunlink("part");
}

/* ---------------------------------------------------- hand-made ELF files */

/* The layout exec reads (the format's fact, kept in one place). */
#include "kernel/proc/elf.h"
#include "kernel/syscall.h"

#define ELF_CODE 0x100 /* where the program's three instructions start */
#define ELF_STATUS 42  /* what the program exits with */
#define ELF_NOEXEC 7   /* the child's status when exec returned */
#define ELF_SIZE 0x110

/* A tiny static program: exit(ELF_STATUS).  One R+X PT_LOAD segment maps
 * the whole file at 0; a second phdr slot is left for variations. */
static void
mkelf(char *img, struct elfhdr **eh, struct proghdr **ph)
{
  memset(img, 0, ELF_SIZE);
  struct elfhdr *h = (struct elfhdr *)img;
  h->magic = ELF_MAGIC;
  h->ident[0] = ELFCLASS64;
  h->ident[1] = ELFDATA2LSB;
  h->ident[2] = 1; /* EV_CURRENT */
  h->type = ET_EXEC;
  h->machine = EM_RISCV;
  h->version = 1;
  h->entry = ELF_CODE;
  h->phoff = sizeof(*h);
  h->ehsize = sizeof(*h);
  h->phentsize = sizeof(struct proghdr);
  h->phnum = 1;
  struct proghdr *p = (struct proghdr *)(img + sizeof(*h));
  p->type = PT_LOAD;
  p->flags = PF_R | PF_X;
  p->off = 0;
  p->vaddr = 0;
  p->filesz = p->memsz = ELF_SIZE;
  p->align = PGSIZE;
  static const uint code[] = {
      0x00000513 | ELF_STATUS << 20, /* addi a0, zero, ELF_STATUS */
      0x00000893 | SYS_exit << 20,   /* addi a7, zero, SYS_exit */
      0x00000073,                    /* ecall */
  };
  memmove(img + ELF_CODE, code, sizeof(code));
  *eh = h;
  *ph = p;
}

/* Write img to path, exec it in a child, return the child's status. */
static int
runelf(const char *path, const char *img)
{
  int fd = xopen(path, O_CREATE | O_TRUNC | O_WRONLY);
  xwrite(fd, img, ELF_SIZE);
  close(fd);
  int pid = xfork();
  if (pid == 0) {
    char *argv[] = {"elf", 0};
    exec(path, argv);
    exit(ELF_NOEXEC);
  }
  return waitfor(pid);
}

/* exec checks ELF offsets at full width (a 32-bit readi offset must not
 * wrap them onto good data) and refuses PT_LOAD segments that share a
 * page (their permissions would merge). */
static void
t_exec_elfcheck(void)
{
  static char img[ELF_SIZE];
  struct elfhdr *eh;
  struct proghdr *ph;
  mkelf(img, &eh, &ph);
  if (runelf("elf", img) != ELF_STATUS)
    fail("the hand-made ELF file does not run");

  mkelf(img, &eh, &ph);
  eh->phoff += 1UL << 32; /* = the good offset, modulo 2^32 */
  if (runelf("elf", img) != ELF_NOEXEC)
    fail("exec accepted program headers at offset 2^32 + %d", (int)sizeof(*eh));

  mkelf(img, &eh, &ph);
  ph->off = 1UL << 32;
  if (runelf("elf", img) != ELF_NOEXEC)
    fail("exec accepted a segment at file offset 2^32");

  mkelf(img, &eh, &ph);
  ph->filesz = ph->memsz = ELF_SIZE + 1;
  if (runelf("elf", img) != ELF_NOEXEC)
    fail("exec accepted a segment reaching past the end of the file");

  /* A writable segment on the code's page, and one a page up that
   * overlaps it by a byte. */
  static const uint64 wvaddr[][2] = {{0x80, 0x10}, {0, 1}, {PGSIZE - 1, 2}};
  for (int i = 0; i < 3; i++) {
    mkelf(img, &eh, &ph);
    eh->phnum = 2;
    ph[1] = ph[0];
    ph[1].flags = PF_R | PF_W;
    ph[1].vaddr = wvaddr[i][0];
    ph[1].off = 0;
    ph[1].filesz = 0;
    ph[1].memsz = wvaddr[i][1];
    if (runelf("elf", img) != ELF_NOEXEC)
      fail("exec accepted a writable segment at %p sharing the code's page",
           (void *)wvaddr[i][0]);
  }
  /* The same segment on the next page is fine. */
  mkelf(img, &eh, &ph);
  eh->phnum = 2;
  ph[1] = ph[0];
  ph[1].flags = PF_R | PF_W;
  ph[1].vaddr = PGSIZE;
  ph[1].filesz = 0;
  ph[1].memsz = 16;
  if (runelf("elf", img) != ELF_STATUS)
    fail("exec refused a writable segment on its own page");
  xunlink("elf");
}

const struct utest utests_exec[] = {
    {t_exec_args, "exec_args", 1, 30},
    {t_exec_maxarg, "exec_maxarg", 1, 30},
    {t_exec_badargv, "exec_badargv", 1, 30},
    {t_exec_noent, "exec_noent", 1, 30},
    {t_exec_dir, "exec_dir", 1, 30},
    {t_exec_notelf, "exec_notelf", 1, 30},
    {t_exec_trunc, "exec_trunc", 1, 60},
    {t_exec_elfcheck, "exec_elfcheck", 1, 30},
    {0, 0, 0, 0},
};

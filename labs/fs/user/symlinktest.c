/*
 * symlinktest: tests of the fs lab's symbolic links (labs/fs/README.md,
 * part 2).
 *
 *   symlinktest [TEST...]    (every test when none is named)
 *
 * Each test prints "NAME: OK" or "NAME: FAIL why" (labs/labtest.h) and
 * works in a directory of its own, /sl-NAME, which it leaves behind (the
 * grader's fsck part checks the disk with the links on it).  The call is
 * made by its number, 26, the one the lab gives it (so the program builds
 * before the call is in kernel/syscall_table.h, and a wrong number
 * fails).  Until the tree has T_SYMLINK (kernel/stat.h) and O_NOFOLLOW
 * (kernel/fcntl.h), every test fails saying which is missing, and the
 * rest of the lab still builds.
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "user/user.h"
#include "user/ecall.h"
#include "labs/labtest.h"

#if defined(T_SYMLINK) && defined(O_NOFOLLOW)

#define DEPTH 10       /* links open follows in a row (the lab's number) */
#define SYMLINK_NUM 26 /* symlink's system-call number (the lab's) */

/* symlink(target, path), by number. */
static int
mklink(const char *target, const char *path)
{
  return (int)rawsyscall(SYMLINK_NUM, (uint64)target, (uint64)path, 0, 0, 0, 0);
}

/* A fresh directory /sl-name to work in, made the current one. */
static void
workdir(const char *name)
{
  char path[32];
  snprintf(path, sizeof(path), "/sl-%s", name);
  expect(mkdir(path) == 0, "mkdir %s failed (left from an earlier run?)", path);
  expect(chdir(path) == 0, "chdir %s failed", path);
}

/* Make file path holding text. */
static void
make_file(const char *path, const char *text)
{
  int fd = open(path, O_CREATE | O_WRONLY);
  expect(fd >= 0, "cannot create %s", path);
  int n = strlen(text);
  expect(write(fd, text, n) == n, "cannot write %s", path);
  close(fd);
}

/* What path holds (opened with flags), NUL-terminated in buf; -1 if it
 * does not open. */
static int
contents(const char *path, int flags, char *buf, int size)
{
  int fd = open(path, flags);
  if (fd < 0)
    return -1;
  int n = read(fd, buf, size - 1);
  close(fd);
  buf[n < 0 ? 0 : n] = '\0';
  return n;
}

/* fstat of path opened with flags; -1 if it does not open. */
static int
stat_of(const char *path, int flags, struct stat *st)
{
  int fd = open(path, flags);
  if (fd < 0)
    return -1;
  int r = fstat(fd, st);
  close(fd);
  return r;
}

/* A link opens its target, for reading and writing. */
static void
t_basic(void)
{
  char buf[64];
  struct stat st, tst;
  workdir("basic");
  make_file("/sl-basic/a", "hello");
  expect(mklink("/sl-basic/a", "/sl-basic/b") == 0,
         "symlink(\"/sl-basic/a\", \"/sl-basic/b\") failed");
  expect(contents("/sl-basic/b", O_RDONLY, buf, sizeof(buf)) == 5 &&
             strcmp(buf, "hello") == 0,
         "reading through the link gave \"%s\", not \"hello\"", buf);
  expect(stat_of("/sl-basic/b", O_RDONLY, &st) == 0 &&
             stat_of("/sl-basic/a", O_RDONLY, &tst) == 0,
         "cannot stat the link or its target");
  expect(st.type == T_FILE && st.ino == tst.ino,
         "open of the link gave inode %d of type %d, not the target (inode "
         "%d, a file)",
         st.ino, st.type, tst.ino);
  int fd = open("/sl-basic/b", O_WRONLY);
  expect(fd >= 0, "cannot open the link for writing");
  expect(write(fd, "J", 1) == 1, "write through the link failed");
  close(fd);
  expect(contents("/sl-basic/a", O_RDONLY, buf, sizeof(buf)) == 5 &&
             strcmp(buf, "Jello") == 0,
         "after writing 'J' through the link the target holds \"%s\"", buf);
  expect(mklink("/sl-basic/a", "/sl-basic/b") < 0,
         "symlink to a name that exists did not fail");
  expect(mklink("/x", "/sl-basic/a") < 0,
         "symlink over an existing file did not fail");
  expect(mklink("", "/sl-basic/empty") < 0, "symlink with target \"\" worked");
  expect(mklink("/sl-basic/a", "/no/such/dir/c") < 0,
         "symlink in a missing directory did not fail");
  /* A relative link name is made in the current directory. */
  expect(mklink("/sl-basic/a", "rel") == 0 &&
             contents("/sl-basic/rel", O_RDONLY, buf, sizeof(buf)) == 5,
         "a link named \"rel\" is not /sl-basic/rel");
}

/* O_NOFOLLOW opens the link itself; unlink and link act on the link. */
static void
t_nofollow(void)
{
  char buf[MAXPATH + 8], target[MAXPATH];
  struct stat st;
  workdir("nofollow");
  make_file("/sl-nofollow/f", "data");
  expect(mklink("/sl-nofollow/f", "/sl-nofollow/l") == 0, "symlink failed");
  expect(stat_of("/sl-nofollow/l", O_RDONLY | O_NOFOLLOW, &st) == 0,
         "open with O_NOFOLLOW of the link failed");
  expect(st.type == T_SYMLINK,
         "fstat of the link itself says type %d, not "
         "T_SYMLINK (%d)",
         st.type, T_SYMLINK);
  expect(st.size == strlen("/sl-nofollow/f"),
         "the link's size is %d, not the length of its target (%d)", st.size,
         strlen("/sl-nofollow/f"));
  int n = contents("/sl-nofollow/l", O_RDONLY | O_NOFOLLOW, buf, sizeof(buf));
  expect(n == strlen("/sl-nofollow/f") && strcmp(buf, "/sl-nofollow/f") == 0,
         "reading the link itself gave \"%s\", not its target's path", buf);
  expect(open("/sl-nofollow/l", O_RDWR | O_NOFOLLOW) < 0,
         "the link itself opened for writing");
  expect(stat_of("/sl-nofollow/f", O_RDONLY | O_NOFOLLOW, &st) == 0 &&
             st.type == T_FILE,
         "O_NOFOLLOW on a plain file did not open it");
  /* The longest target. */
  memset(target, 'x', sizeof(target));
  target[0] = '/';
  target[MAXPATH - 1] = '\0';
  expect(mklink(target, "/sl-nofollow/long") == 0,
         "a link to a target of %d bytes failed", MAXPATH - 1);
  n = contents("/sl-nofollow/long", O_RDONLY | O_NOFOLLOW, buf, sizeof(buf));
  expect(n == MAXPATH - 1 && strcmp(buf, target) == 0,
         "the longest target read back as %d bytes", n);
  /* link and unlink name the link, not its target. */
  expect(link("/sl-nofollow/l", "/sl-nofollow/l2") == 0,
         "link of a link failed");
  expect(stat_of("/sl-nofollow/l2", O_RDONLY | O_NOFOLLOW, &st) == 0 &&
             st.type == T_SYMLINK && st.nlink == 2,
         "a hard link to the link is type %d with %d links, not a link with 2",
         st.type, st.nlink);
  expect(unlink("/sl-nofollow/l") == 0 && unlink("/sl-nofollow/l2") == 0,
         "unlink of the links failed");
  expect(contents("/sl-nofollow/f", O_RDONLY, buf, sizeof(buf)) == 4,
         "removing the links removed their target");
}

/* A link may name nothing; open fails until the target exists. */
static void
t_missing(void)
{
  char buf[16];
  workdir("missing");
  expect(mklink("/sl-missing/t", "/sl-missing/l") == 0,
         "a link to a missing target failed");
  expect(open("/sl-missing/l", O_RDONLY) < 0,
         "a link to a missing target opened");
  expect(open("/sl-missing/l", O_CREATE | O_RDWR) < 0,
         "open with O_CREATE through a link to a missing target worked");
  expect(open("/sl-missing/t", O_RDONLY) < 0,
         "open with O_CREATE through a link created its target");
  make_file("/sl-missing/t", "now");
  expect(contents("/sl-missing/l", O_RDONLY, buf, sizeof(buf)) == 3,
         "the link does not open once its target exists");
  int fd = open("/sl-missing/l", O_CREATE | O_RDWR | O_TRUNC);
  expect(fd >= 0, "open with O_CREATE | O_TRUNC of the link failed");
  close(fd);
  expect(contents("/sl-missing/t", O_RDONLY, buf, sizeof(buf)) == 0,
         "O_TRUNC through the link left the target with %d bytes", strlen(buf));
  expect(unlink("/sl-missing/t") == 0, "unlink of the target failed");
  expect(open("/sl-missing/l", O_RDONLY) < 0,
         "the link still opens after its target is removed");
}

/* Chains of links: DEPTH in a row are followed, more fail, as do cycles;
 * none of it leaks an inode. */
static void
t_chain(void)
{
  char name[32], next[32], buf[16];
  workdir("chain");
  make_file("/sl-chain/end", "end");
  /* l1 -> l2 -> ... -> l(DEPTH + 1) -> end */
  for (int i = DEPTH + 1; i >= 1; i--) {
    snprintf(name, sizeof(name), "/sl-chain/l%d", i);
    if (i == DEPTH + 1)
      strcpy(next, "/sl-chain/end");
    else
      snprintf(next, sizeof(next), "/sl-chain/l%d", i + 1);
    expect(mklink(next, name) == 0, "symlink %s failed", name);
  }
  expect(contents("/sl-chain/l2", O_RDONLY, buf, sizeof(buf)) == 3,
         "a chain of %d links did not open its file", DEPTH);
  expect(open("/sl-chain/l1", O_RDONLY) < 0,
         "a chain of %d links opened: open follows at most %d", DEPTH + 1,
         DEPTH);
  expect(mklink("/sl-chain/b", "/sl-chain/a") == 0 &&
             mklink("/sl-chain/a", "/sl-chain/b") == 0 &&
             mklink("/sl-chain/self", "/sl-chain/self") == 0,
         "cannot make the cycles");
  for (int i = 0; i < 3 * NINODE; i++) {
    expect(open("/sl-chain/a", O_RDONLY) < 0,
           "open of a cycle a -> b -> a did not fail");
    expect(open("/sl-chain/self", O_RDWR) < 0,
           "open of a link to itself did not fail");
  }
  make_file("/sl-chain/after", "ok");
  expect(contents("/sl-chain/after", O_RDONLY, buf, sizeof(buf)) == 2,
         "after %d opens of cycles no file can be made: inodes leaked?",
         6 * NINODE);
}

/* Links across directories, to directories, and through other links. */
static void
t_dirs(void)
{
  char buf[16];
  struct stat st;
  workdir("dirs");
  expect(mkdir("/sl-dirs/d1") == 0 && mkdir("/sl-dirs/d2") == 0 &&
             mkdir("/sl-dirs/d2/deep") == 0,
         "mkdir failed");
  make_file("/sl-dirs/d2/deep/f", "deep");
  expect(mklink("/sl-dirs/d2/deep/f", "/sl-dirs/d1/tof") == 0,
         "a link in d1 to a file in d2/deep failed");
  expect(contents("/sl-dirs/d1/tof", O_RDONLY, buf, sizeof(buf)) == 4 &&
             strcmp(buf, "deep") == 0,
         "the link in another directory read \"%s\"", buf);
  expect(mklink("/sl-dirs/d2", "/sl-dirs/d1/tod") == 0,
         "a link to a directory failed");
  expect(stat_of("/sl-dirs/d1/tod", O_RDONLY, &st) == 0 && st.type == T_DIR,
         "a link to a directory does not open the directory");
  expect(open("/sl-dirs/d1/tod", O_RDWR) < 0,
         "a directory opened for writing through a link");
  expect(mklink("/sl-dirs/d1/tof", "/sl-dirs/d2/toln") == 0 &&
             contents("/sl-dirs/d2/toln", O_RDONLY, buf, sizeof(buf)) == 4,
         "a link to a link in another directory does not open the file");
  expect(mklink("/README", "/sl-dirs/readme") == 0 &&
             contents("/sl-dirs/readme", O_RDONLY, buf, sizeof(buf)) > 0,
         "a link to /README does not open it");
  /* Removing a directory's link leaves the directory. */
  expect(unlink("/sl-dirs/d1/tod") == 0 &&
             stat_of("/sl-dirs/d2", O_RDONLY, &st) == 0 && st.type == T_DIR,
         "removing a link to a directory harmed the directory");
}

/* More links than the kernel has in-memory inodes, each opened. */
static void
t_many(void)
{
  char name[32], buf[16];
  workdir("many");
  make_file("/sl-many/t", "#");
  for (int i = 0; i < NINODE + 10; i++) {
    snprintf(name, sizeof(name), "/sl-many/l%d", i);
    expect(mklink("/sl-many/t", name) == 0, "symlink number %d failed", i);
  }
  for (int i = 0; i < NINODE + 10; i++) {
    snprintf(name, sizeof(name), "/sl-many/l%d", i);
    expect(contents(name, O_RDONLY, buf, sizeof(buf)) == 1 && buf[0] == '#',
           "link number %d does not read its target", i);
  }
  for (int i = 0; i < NINODE + 10; i += 2) {
    snprintf(name, sizeof(name), "/sl-many/l%d", i);
    expect(unlink(name) == 0, "unlink of link %d failed", i);
  }
}

/* Two processes make and remove the same link while looking at it. */
static void
t_concurrent(void)
{
  workdir("concurrent");
  make_file("/sl-concurrent/t", "t");
  int pids[2];
  for (int c = 0; c < 2; c++) {
    if ((pids[c] = fork()) == 0) {
      uint x = 12345 + c * 777;
      for (int i = 0; i < 200; i++) {
        x = x * 1103515245 + 12345;
        struct stat st;
        if ((x >> 16) % 3 == 0) {
          unlink("/sl-concurrent/l");
        } else {
          mklink("/sl-concurrent/t", "/sl-concurrent/l");
          if (stat_of("/sl-concurrent/l", O_RDONLY | O_NOFOLLOW, &st) == 0 &&
              st.type != T_SYMLINK) {
            printf("concurrent: FAIL the link is type %d\n", st.type);
            exit(1);
          }
        }
      }
      exit(0);
    }
    expect(pids[c] > 0, "fork failed");
  }
  for (int c = 0; c < 2; c++) {
    int status = -1;
    expect(wait(&status) > 0 && status == 0, "a racing child failed");
  }
  char buf[4];
  unlink("/sl-concurrent/l");
  expect(mklink("/sl-concurrent/t", "/sl-concurrent/l") == 0 &&
             contents("/sl-concurrent/l", O_RDONLY, buf, sizeof(buf)) == 1,
         "after the race a fresh link does not work");
}

static const struct labtest tests[] = {
    {"basic", t_basic},
    {"nofollow", t_nofollow},
    {"missing", t_missing},
    {"chain", t_chain},
    {"dirs", t_dirs},
    {"many", t_many},
    {"concurrent", t_concurrent},
    {0, 0},
};

#else

static void
t_missing_parts(void)
{
  expect(0, "not built: the tree lacks%s%s",
#ifndef T_SYMLINK
         " T_SYMLINK (kernel/stat.h)",
#else
         "",
#endif
#ifndef O_NOFOLLOW
         " O_NOFOLLOW (kernel/fcntl.h)"
#else
         ""
#endif
  );
}

static const struct labtest tests[] = {
    {"basic", t_missing_parts},      {"nofollow", t_missing_parts},
    {"missing", t_missing_parts},    {"chain", t_missing_parts},
    {"dirs", t_missing_parts},       {"many", t_missing_parts},
    {"concurrent", t_missing_parts}, {0, 0},
};

#endif

int
main(int argc, char *argv[])
{
  return labtest_main(argc, argv, tests);
}

/*
 * utests, files and directories: create, read, write, truncate, fstat,
 * link, unlink (also while open), dup, directory entries, mkdir/chdir,
 * path lookup (long, hostile, through a non-directory), DIRSIZ, mknod.
 */
#include "user/utests/utest.h"

static void
t_file_basic(void)
{
  static char buf[300], back[300];
  fillpat(buf, 100, 7, 0);
  int fd = xopen("f1", O_CREATE | O_RDWR);
  xwrite(fd, buf, 100);
  close(fd);
  fd = xopen("f1", O_RDONLY);
  if (read(fd, back, 300) != 100 || memcmp(buf, back, 100) != 0)
    fail("read back wrong data");
  if (read(fd, back, 300) != 0)
    fail("read at end of file did not return 0");
  close(fd);
  if (open("nosuch", O_RDONLY) != -1)
    fail("open of a missing file did not return -1");
  /* O_CREATE on an existing file opens it as it is. */
  fd = xopen("f1", O_CREATE | O_WRONLY);
  xwrite(fd, "xy", 2);
  close(fd);
  struct stat st;
  xstat("f1", &st);
  if (st.size != 100)
    fail("size %d after overwriting 2 bytes, expected 100", (int)st.size);
  fd = xopen("f1", O_RDONLY);
  if (read(fd, back, 300) != 100 || back[0] != 'x' || back[1] != 'y' ||
      memcmp(buf + 2, back + 2, 98) != 0)
    fail("overwriting the first 2 bytes went wrong");
  close(fd);
  /* Appending continues at the offset. */
  fd = xopen("f1", O_RDWR);
  read(fd, back, 100);
  xwrite(fd, buf, 100);
  close(fd);
  xstat("f1", &st);
  if (st.size != 200)
    fail("size %d after appending, expected 200", (int)st.size);
  xunlink("f1");
  if (open("f1", O_RDONLY) != -1)
    fail("an unlinked file can still be opened");
  if (unlink("f1") != -1)
    fail("unlink of a missing file did not return -1");
}

static void
t_file_trunc(void)
{
  mkfile("tr", 5000, 8);
  int fd = xopen("tr", O_WRONLY | O_TRUNC);
  struct stat st;
  if (fstat(fd, &st) < 0 || st.size != 0)
    fail("size %d after O_TRUNC", (int)st.size);
  xwrite(fd, "abc", 3);
  close(fd);
  xstat("tr", &st);
  if (st.size != 3)
    fail("size %d after O_TRUNC and a 3-byte write", (int)st.size);
  fd = xopen("tr", O_CREATE | O_TRUNC | O_RDWR);
  close(fd);
  xstat("tr", &st);
  if (st.size != 0)
    fail("O_CREATE|O_TRUNC on an existing file left %d bytes", (int)st.size);
  xunlink("tr");
}

static void
t_fstat(void)
{
  struct stat st, st2;
  mkfile("fs", 1234, 9);
  int fd = xopen("fs", O_RDONLY);
  if (fstat(fd, &st) < 0)
    fail("fstat failed");
  if (st.type != T_FILE || st.size != 1234 || st.nlink != 1 || st.ino == 0)
    fail("fstat: type %d size %d nlink %d ino %d", st.type, (int)st.size,
         st.nlink, st.ino);
  xstat("fs", &st2);
  if (st2.ino != st.ino || st2.dev != st.dev)
    fail("stat and fstat disagree");
  char *heapend = alignbrk();
  if (fstat(fd, (struct stat *)KERNBASE) != -1)
    fail("fstat(fd, KERNBASE) did not return -1");
  if (fstat(fd, (struct stat *)(uint64)main) != -1)
    fail("fstat into program text did not return -1");
  if (fstat(fd, (struct stat *)(heapend - 4)) != -1)
    fail("fstat into a buffer straddling the end of memory did not fail");
  if (fstat(fd, (struct stat *)unmapped()) != -1)
    fail("fstat to an unmapped address did not return -1");
  close(fd);
  xstat(".", &st);
  if (st.type != T_DIR)
    fail("'.' has type %d", st.type);
  xstat("/", &st);
  if (st.type != T_DIR || st.ino != ROOTINO)
    fail("'/' has type %d, inode %d", st.type, st.ino);
  xunlink("fs");
}

static void
t_link(void)
{
  struct stat st, st2;
  mkfile("la", 10, 10);
  if (link("la", "lb") != 0)
    fail("link failed");
  xstat("la", &st);
  xstat("lb", &st2);
  if (st.ino != st2.ino || st.nlink != 2)
    fail("after link: inodes %d and %d, nlink %d", st.ino, st2.ino, st.nlink);
  if (link("la", "lb") != -1)
    fail("link to an existing name did not return -1");
  if (link("nosuch", "lc") != -1)
    fail("link of a missing file did not return -1");
  if (link(".", "ld") != -1)
    fail("link of a directory did not return -1");
  if (link("la", "nodir/le") != -1)
    fail("link into a missing directory did not return -1");
  if (link("la", "/") != -1 || link("la", "") != -1)
    fail("link to '/' or '' did not return -1");
  xunlink("la");
  xstat("lb", &st2);
  if (st2.nlink != 1)
    fail("nlink %d after unlinking one of two names", st2.nlink);
  static char buf[16];
  int fd = xopen("lb", O_RDONLY);
  if (read(fd, buf, 16) != 10 || checkpat(buf, 10, 10, 0) >= 0)
    fail("the file lost its data when a name went");
  close(fd);
  if (exists("lc") || exists("ld"))
    fail("a failed link left a name behind");
  xunlink("lb");
}

static void
t_unlink_open(void)
{
  static char buf[3000];
  mkfile("uo", 3000, 11);
  int rfd = xopen("uo", O_RDONLY);
  int wfd = xopen("uo", O_RDWR);
  xunlink("uo");
  if (open("uo", O_RDONLY) != -1)
    fail("open of an unlinked name worked");
  if (read(rfd, buf, 3000) != 3000 || checkpat(buf, 3000, 11, 0) >= 0)
    fail("an unlinked open file could not be read");
  struct stat st;
  if (fstat(rfd, &st) < 0 || st.nlink != 0)
    fail("an unlinked open file has nlink %d", st.nlink);
  /* A new file under the old name is a different file. */
  mkfile("uo", 5, 12);
  struct stat st2;
  xstat("uo", &st2);
  if (st2.ino == st.ino)
    fail("the new file got the inode of the unlinked, still open file");
  /* Writes to the unlinked file still work. */
  if (write(wfd, "hello", 5) != 5)
    fail("write to an unlinked open file failed");
  close(wfd);
  close(rfd);
  xunlink("uo");
}

static void
t_dup(void)
{
  mkfile("du", 0, 0);
  int fd = xopen("du", O_RDWR);
  xwrite(fd, "hello world", 11);
  close(fd);
  fd = xopen("du", O_RDONLY);
  int fd2 = dup(fd);
  if (fd2 < 0)
    fail("dup failed");
  char buf[16];
  if (read(fd, buf, 5) != 5 || memcmp(buf, "hello", 5) != 0)
    fail("read through the original failed");
  if (read(fd2, buf, 6) != 6 || memcmp(buf, " world", 6) != 0)
    fail("the duplicate does not share the offset");
  close(fd);
  if (read(fd2, buf, 1) != 0)
    fail("the duplicate is not at end of file");
  /* dup returns the lowest free descriptor. */
  int fd3 = dup(fd2);
  if (fd3 != fd)
    fail("dup returned %d, the lowest free descriptor is %d", fd3, fd);
  close(fd3);
  close(fd2);
  xunlink("du");
}

/* Does directory path contain name (once), and with which inode? */
static int
dirfind(const char *path, const char *name, int *count)
{
  struct dirent de;
  int fd = xopen(path, O_RDONLY), inum = 0;
  *count = 0;
  int r;
  while ((r = read(fd, &de, sizeof(de))) == sizeof(de)) {
    if (de.inum == 0)
      continue;
    if (strlen(name) >= DIRSIZ ? memcmp(de.name, name, DIRSIZ) == 0
                               : (memcmp(de.name, name, strlen(name)) == 0 &&
                                  de.name[strlen(name)] == '\0')) {
      (*count)++;
      inum = de.inum;
    }
  }
  if (r != 0)
    fail("reading directory %s returned %d", path, r);
  close(fd);
  return inum;
}

static void
t_dirent(void)
{
  struct stat st;
  if (mkdir("dd") < 0)
    fail("mkdir failed");
  mkfile("dd/x1", 1, 1);
  mkfile("dd/x2", 1, 1);
  if (mkdir("dd/sub") < 0)
    fail("mkdir dd/sub failed");
  static const char *names[] = {".", "..", "x1", "x2", "sub"};
  static const char *paths[] = {"dd", ".", "dd/x1", "dd/x2", "dd/sub"};
  for (int i = 0; i < 5; i++) {
    int count;
    int inum = dirfind("dd", names[i], &count);
    if (count != 1)
      fail("'%s' appears %d times in the directory", names[i], count);
    xstat(paths[i], &st);
    if ((uint)inum != st.ino)
      fail("entry '%s' has inode %d, stat says %d", names[i], inum, st.ino);
  }
  xstat("dd", &st);
  if (st.size % sizeof(struct dirent) != 0 ||
      st.size < 5 * sizeof(struct dirent))
    fail("directory size %d", (int)st.size);
  int fd = xopen("dd", O_RDONLY);
  if (write(fd, "x", 1) != -1)
    fail("write to a directory did not return -1");
  close(fd);
  xunlink("dd/x1");
  xunlink("dd/x2");
  xunlink("dd/sub");
  xunlink("dd");
}

static void
t_mkdir_chdir(void)
{
  struct stat st, root;
  if (mkdir("m1") != 0)
    fail("mkdir failed");
  if (mkdir("m1") != -1)
    fail("mkdir of an existing name did not return -1");
  if (chdir("m1") != 0)
    fail("chdir failed");
  mkfile("f", 3, 1);
  if (mkdir("m2") != 0)
    fail("mkdir in the new directory failed");
  if (chdir("m2") != 0 || chdir("../..") != 0)
    fail("chdir m2, chdir ../.. failed");
  xstat("m1/f", &st);
  if (st.type != T_FILE || st.size != 3)
    fail("m1/f is not the file created in m1");
  xstat("m1/m2/../f", &st);
  if (chdir("m1/f") != -1)
    fail("chdir to a file did not return -1");
  if (chdir("nosuch") != -1)
    fail("chdir to a missing directory did not return -1");
  if (mkdir("nosuch/x") != -1)
    fail("mkdir in a missing directory did not return -1");
  if (mkdir("/") != -1 || mkdir(".") != -1 || mkdir("") != -1)
    fail("mkdir of '/', '.' or '' did not return -1");
  xstat("/", &root);
  xstat("/..", &st);
  if (st.ino != root.ino)
    fail("'/..' is not '/'");
  if (chdir("/") != 0 || chdir(SCRATCH) != 0)
    fail("chdir to absolute paths failed");
  xstat("m1/m2", &st);
  xunlink("m1/f");
  xunlink("m1/m2");
  xunlink("m1");
}

static void
t_unlink_dir(void)
{
  struct stat before, after;
  xstat(".", &before);
  if (mkdir("ud") < 0)
    fail("mkdir failed");
  xstat(".", &after);
  if (after.nlink != before.nlink + 1)
    fail("parent nlink %d after mkdir, was %d", after.nlink, before.nlink);
  mkfile("ud/f", 1, 1);
  if (unlink("ud") != -1)
    fail("unlink of a non-empty directory did not return -1");
  if (mkdir("ud/d") < 0)
    fail("mkdir ud/d failed");
  xunlink("ud/f");
  if (unlink("ud") != -1)
    fail("unlink of a directory holding a directory did not return -1");
  xunlink("ud/d");
  if (unlink("ud/.") != -1 || unlink("ud/..") != -1)
    fail("unlink of '.' or '..' did not return -1");
  xunlink("ud");
  xstat(".", &after);
  if (after.nlink != before.nlink)
    fail("parent nlink %d after rmdir, was %d", after.nlink, before.nlink);
  if (unlink("/") != -1 || unlink(".") != -1 || unlink("..") != -1)
    fail("unlink of '/', '.' or '..' did not return -1");
}

static void
t_notdir(void)
{
  mkfile("pf", 1, 1);
  char *argv[] = {"x", 0};
  if (open("pf/x", O_CREATE | O_RDWR) != -1 || open("pf/x", O_RDONLY) != -1)
    fail("open below a file did not return -1");
  if (mkdir("pf/d") != -1)
    fail("mkdir below a file did not return -1");
  if (chdir("pf") != -1)
    fail("chdir to a file did not return -1");
  if (unlink("pf/x") != -1)
    fail("unlink below a file did not return -1");
  if (link("pf", "pf/y") != -1)
    fail("link below a file did not return -1");
  if (mknod("pf/n", 1, 0) != -1)
    fail("mknod below a file did not return -1");
  if (exec("pf/x", argv) != -1)
    fail("exec below a file did not return -1");
  if (open("pf/.", O_RDONLY) != -1)
    fail("'pf/.' opened a file as a directory");
  xunlink("pf");
}

static void
t_path_long(void)
{
  static char p[MAXPATH + 16];
  char *argv[] = {"x", 0};
  /* MAXPATH characters: one too many with the NUL. */
  memset(p, 'a', MAXPATH);
  p[MAXPATH] = '\0';
  if (open(p, O_CREATE | O_RDWR) != -1 || open(p, O_RDONLY) != -1 ||
      mkdir(p) != -1 || chdir(p) != -1 || unlink(p) != -1 ||
      link(SELF, p) != -1 || link(p, "x") != -1 || mknod(p, 1, 0) != -1 ||
      exec(p, argv) != -1)
    fail("a path of MAXPATH characters was accepted");
  /* MAXPATH-1 characters (with the NUL, MAXPATH bytes) is fine. */
  int n = 0;
  while (n < MAXPATH - 1 - 3) {
    p[n++] = '.';
    p[n++] = '/';
  }
  while (n < MAXPATH - 1)
    p[n++] = 'q';
  p[n] = '\0';
  int fd = open(p, O_CREATE | O_RDWR);
  if (fd < 0)
    fail("a path of MAXPATH-1 (%d) characters was refused", n);
  close(fd);
  char name[8];
  int q = 0;
  for (int i = n - 1; i >= 0 && p[i] == 'q'; i--)
    q++;
  memset(name, 'q', q);
  name[q] = '\0';
  if (!exists(name))
    fail("the file made through a long path is not '%s'", name);
  if (unlink(p) != 0)
    fail("unlink through a MAXPATH-1 path failed");
}

static void
t_path_badptr(void)
{
  char *heapend = alignbrk();
  xsbrk(PGSIZE);
  memset(heapend, 'a', PGSIZE); /* no NUL up to the end of memory */
  char *tail = heapend + PGSIZE - 3;
  char *bad[] = {(char *)KERNBASE,
                 (char *)(MAXVA - 1),
                 unmapped(),
                 (char *)TRAPFRAME,
                 tail,
                 (char *)(-1L)};
  struct stat st;
  for (uint i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    char *b = bad[i];
    if (open(b, O_RDONLY) != -1 || open(b, O_CREATE | O_RDWR) != -1)
      fail("open(%p) did not return -1", b);
    if (mkdir(b) != -1 || chdir(b) != -1 || unlink(b) != -1)
      fail("mkdir/chdir/unlink(%p) did not return -1", b);
    if (link(b, "x") != -1 || link(SELF, b) != -1)
      fail("link with %p did not return -1", b);
    if (mknod(b, 1, 0) != -1)
      fail("mknod(%p) did not return -1", b);
    if (stat(b, &st) != -1)
      fail("stat(%p) did not return -1", b);
  }
  if (exists("x"))
    fail("a bad link made 'x'");
}

static void
t_dirsiz(void)
{
  static const char n14[] = "abcdefghijklmn"; /* exactly DIRSIZ */
  struct stat st, st2;
  if (strlen(n14) != DIRSIZ)
    fail("the test's name is not DIRSIZ long");
  mkfile(n14, 4, 13);
  int count;
  int inum = dirfind(".", n14, &count);
  if (count != 1)
    fail("a DIRSIZ-long name appears %d times", count);
  xstat(n14, &st);
  if ((uint)inum != st.ino)
    fail("the DIRSIZ-long entry has the wrong inode");
  /* Longer names are cut to DIRSIZ: they name the same file. */
  xstat("abcdefghijklmnopqrst", &st2);
  if (st2.ino != st.ino)
    fail("a longer name does not find the DIRSIZ-long one");
  int fd = xopen("abcdefghijklmnXYZ", O_CREATE | O_RDWR);
  fstat(fd, &st2);
  close(fd);
  if (st2.ino != st.ino)
    fail("creating a longer name made a new file");
  /* One character shorter is a different name. */
  mkfile("abcdefghijklm", 1, 1);
  xstat("abcdefghijklm", &st2);
  if (st2.ino == st.ino)
    fail("a 13-character prefix names the same file");
  xunlink("abcdefghijklm");
  xunlink("abcdefghijklmnZZZZZ");
  if (exists(n14))
    fail("unlink through a longer name did not remove the file");
  if (mkdir("dirnamelongerthan14") != 0 || chdir("dirnamelongerthan") != 0 ||
      chdir("..") != 0)
    fail("a directory with a long name is not found by its cut name");
  xunlink("dirnamelongerthan14");
}

static void
t_mknod(void)
{
  struct stat st;
  if (mknod("dev1", 1, 0) != 0)
    fail("mknod failed");
  int fd = xopen("dev1", O_RDWR);
  if (fstat(fd, &st) < 0 || st.type != T_DEVICE)
    fail("a device file has type %d", st.type);
  if (write(fd, "", 0) != 0)
    fail("a 0-byte write to the console failed");
  close(fd);
  if (mknod("dev1", 1, 0) != -1)
    fail("mknod of an existing name did not return -1");
  xunlink("dev1");
  /* Majors with no driver: refused by mknod, or by open, or by read and
   * write; never a crash. */
  static const short majors[] = {-1, NDEV, 0x7fff, NDEV - 1};
  for (uint i = 0; i < sizeof(majors) / sizeof(majors[0]); i++) {
    if (mknod("devx", majors[i], 0) != 0)
      continue;
    fd = open("devx", O_RDWR);
    if (fd >= 0) {
      char c;
      if (read(fd, &c, 1) != -1 || write(fd, "x", 1) != -1)
        fail("a device with major %d and no driver can be used", majors[i]);
      close(fd);
    }
    xunlink("devx");
  }
}

static void
t_open_dir(void)
{
  if (open(".", O_WRONLY) != -1 || open(".", O_RDWR) != -1 ||
      open("/", O_RDWR) != -1)
    fail("a directory was opened for writing");
  if (open(".", O_CREATE | O_RDWR) != -1 || open("/", O_CREATE) != -1)
    fail("O_CREATE on a directory worked");
  /* O_TRUNC on a directory: refused or ignored, never emptying it. */
  int tfd = open(".", O_RDONLY | O_TRUNC);
  if (tfd >= 0)
    close(tfd);
  struct stat st;
  xstat(".", &st);
  if (st.size < 2 * sizeof(struct dirent))
    fail("O_TRUNC emptied a directory");
  int fd = xopen(".", O_RDONLY);
  close(fd);
}

const struct utest utests_file[] = {
    {t_file_basic, "file_basic", 1, 30},
    {t_file_trunc, "file_trunc", 1, 30},
    {t_fstat, "fstat", 1, 30},
    {t_link, "link", 1, 30},
    {t_unlink_open, "unlink_open", 1, 30},
    {t_dup, "dup", 1, 30},
    {t_dirent, "dirent", 1, 30},
    {t_mkdir_chdir, "mkdir_chdir", 1, 30},
    {t_unlink_dir, "unlink_dir", 1, 30},
    {t_notdir, "notdir", 1, 30},
    {t_path_long, "path_long", 1, 30},
    {t_path_badptr, "path_badptr", 1, 30},
    {t_dirsiz, "dirsiz", 1, 30},
    {t_mknod, "mknod", 1, 30},
    {t_open_dir, "open_dir", 1, 30},
    {0, 0, 0, 0},
};

/*
 * crashwork: a file-system workload for crash-state testing.
 *
 *   crashwork [rounds]
 *
 * Several processes at once create, write (small files and files long
 * enough to need an indirect block), rename (link then unlink), truncate
 * and delete files, make and remove directories, and unlink a file while
 * it is still open (the kernel must reclaim it after a crash).  The host
 * records every disk write (QEMU's blklogwrites) and tests/crashstates.py
 * checks the file system after every prefix of them.
 *
 * Run as the first process (the test image makes it /init) it sets up the
 * console itself and powers the machine off when done, so a recording
 * needs no shell.  Prints "crashwork: done" at the end; any failed call
 * prints a line starting "crashwork: FAIL".
 */
#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "kernel/param.h"
#include "user/user.h"

#define NWORKERS 3
#define DEFAULT_ROUNDS 5
#define BIGBLOCKS (NDIRECT + 3) /* needs the indirect block */

static char buf[BSIZE];
static int failed;

static void
fail(const char *what, const char *path)
{
  printf("crashwork: FAIL %s %s\n", what, path);
  failed = 1;
}

/* Put n integers' text into s (no sprintf in the user library). */
static void
name(char *s, const char *a, int x, const char *b, int y)
{
  char *p = s;
  while (*a)
    *p++ = *a++;
  *p++ = '0' + x % 10;
  while (*b)
    *p++ = *b++;
  if (y >= 0) {
    if (y >= 10)
      *p++ = '0' + (y / 10) % 10;
    *p++ = '0' + y % 10;
  }
  *p = '\0';
}

/* Write nblocks blocks of a pattern (plus a tail) to path, creating it. */
static void
writefile(const char *path, int nblocks, int tail, int mode)
{
  int fd = open(path, O_CREATE | O_WRONLY | mode);
  if (fd < 0) {
    fail("create", path);
    return;
  }
  for (int i = 0; i < nblocks; i++) {
    memset(buf, 'a' + i % 26, sizeof(buf));
    if (write(fd, buf, sizeof(buf)) != sizeof(buf))
      fail("write", path);
  }
  if (tail > 0 && write(fd, buf, tail) != tail)
    fail("write tail", path);
  close(fd);
}

static void
worker(int w, int rounds)
{
  char dir[32], sub[32], f[32], g[32], old[32], tmp[32];

  name(dir, "w", w, "", -1);
  if (mkdir(dir) < 0)
    fail("mkdir", dir);
  for (int r = 0; r < rounds; r++) {
    name(sub, "w", w, "/d", r);
    name(f, "w", w, "/d", r);
    strcpy(f + strlen(f), "/f");
    name(g, "w", w, "/g", r);
    name(tmp, "w", w, "/tmp", r);

    if (mkdir(sub) < 0)
      fail("mkdir", sub);
    /* Sizes vary with the worker: small, a few blocks, indirect. */
    int nb = (w + r) % 3 == 0 ? 0 : ((w + r) % 3 == 1 ? 3 : BIGBLOCKS);
    writefile(f, nb, 100 + 37 * r, 0);

    /* Rename f to g: link, then unlink the old name. */
    if (link(f, g) < 0)
      fail("link", g);
    if (unlink(f) < 0)
      fail("unlink", f);
    if (unlink(sub) < 0)
      fail("rmdir", sub);

    /* A file unlinked while open: freed only at its last close. */
    int fd = open(tmp, O_CREATE | O_RDWR);
    if (fd < 0) {
      fail("create", tmp);
    } else {
      if (unlink(tmp) < 0)
        fail("unlink open", tmp);
      memset(buf, 'z', sizeof(buf));
      for (int i = 0; i < 2; i++) {
        if (write(fd, buf, sizeof(buf)) != sizeof(buf))
          fail("write unlinked", tmp);
      }
      close(fd);
    }

    /* Rewrite the file in place, shorter. */
    writefile(g, 1, 10, O_TRUNC);

    /* Delete the previous round's file. */
    if (r > 0) {
      name(old, "w", w, "/g", r - 1);
      if (unlink(old) < 0)
        fail("unlink", old);
    }
  }
}

int
main(int argc, char *argv[])
{
  int rounds = DEFAULT_ROUNDS;
  int init = getpid() == 1;

  if (init) {
    if (open("console", O_RDWR) < 0) {
      mknod("console", CONSOLE, 0);
      open("console", O_RDWR);
    }
    dup(0);
    dup(0);
  }
  if (argc > 1)
    rounds = atoi(argv[1]);
  if (rounds < 1 || rounds > 20)
    rounds = DEFAULT_ROUNDS;

  for (int w = 0; w < NWORKERS; w++) {
    int pid = fork();
    if (pid < 0) {
      fail("fork", "");
    } else if (pid == 0) {
      worker(w, rounds);
      exit(failed);
    }
  }
  for (int w = 0; w < NWORKERS; w++) {
    int st = 0;
    if (wait(&st) < 0 || st != 0)
      failed = 1;
  }
  printf("crashwork: %s\n", failed ? "FAIL" : "done");
  if (init) {
    halt();
    for (;;)
      sleep(100);
  }
  exit(failed);
}

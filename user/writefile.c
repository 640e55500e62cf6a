/*
 * writefile: write a file of known content, for crash tests.
 *
 *   writefile NAME N
 *
 * Writes N bytes of the pattern in pattern.h, then prints
 * "writefile: done".  The bytes go to NAME.part first; only when all of
 * them are written does link() give the file its real name (then
 * NAME.part is removed).  Each system call is one file-system
 * transaction and transactions commit in order, so after a crash at any
 * moment NAME is either absent or complete; checkfile tells which.
 */
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "kernel/param.h"
#include "user/user.h"
#include "user/pattern.h"

static char buf[BSIZE];
static char tmp[MAXPATH];

static void
fail(const char *what)
{
  fprintf(2, "writefile: %s\n", what);
  exit(1);
}

int
main(int argc, char *argv[])
{
  if (argc != 3 || argv[2][0] < '0' || argv[2][0] > '9') {
    fprintf(2, "usage: writefile NAME N\n");
    exit(1);
  }
  const char *name = argv[1];
  int n = atoi(argv[2]);
  if (strlen(name) + sizeof(PATTERN_TMPSUFFIX) > sizeof(tmp))
    fail("name too long");
  strcpy(tmp, name);
  strcpy(tmp + strlen(tmp), PATTERN_TMPSUFFIX);

  unlink(name);
  int fd = open(tmp, O_CREATE | O_TRUNC | O_WRONLY);
  if (fd < 0)
    fail("cannot create the file");
  for (int off = 0; off < n;) {
    int m = n - off < BSIZE ? n - off : BSIZE;
    for (int i = 0; i < m; i++)
      buf[i] = pattern_byte(off + i);
    if (write(fd, buf, m) != m)
      fail("write failed (disk full?)");
    off += m;
  }
  close(fd);
  if (link(tmp, name) < 0)
    fail("cannot link the file to its name");
  unlink(tmp);
  printf("writefile: done\n");
  exit(0);
}

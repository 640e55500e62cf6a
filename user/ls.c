/*
 * ls: list directories and files.
 *
 *   ls [PATH...]      (the current directory when no PATH)
 *
 * One line per file, in xv6's columns: name (padded to DIRSIZ), type
 * (1 directory, 2 file, 3 device), inode number, size in bytes.  A
 * directory argument lists its entries; any other file lists itself.
 */
#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "kernel/param.h"
#include "user/user.h"

static char path[MAXPATH + DIRSIZ + 2];

static void
show(const char *name, struct stat *st)
{
  printf("%-14s %d %u %lu\n", name, st->type, st->ino, st->size);
}

/* The last component of a path, for listing a single file. */
static const char *
basename(const char *p)
{
  const char *last = p;
  for (; *p; p++)
    if (*p == '/' && p[1])
      last = p + 1;
  return last;
}

static int
ls(const char *dir)
{
  struct stat st;
  struct dirent de;

  int fd = open(dir, O_RDONLY);
  if (fd < 0) {
    fprintf(2, "ls: cannot open %s\n", dir);
    return -1;
  }
  if (fstat(fd, &st) < 0) {
    fprintf(2, "ls: cannot stat %s\n", dir);
    close(fd);
    return -1;
  }
  if (st.type != T_DIR) {
    show(basename(dir), &st);
    close(fd);
    return 0;
  }

  uint len = strlen(dir);
  if (len + 1 + DIRSIZ + 1 > sizeof(path)) {
    fprintf(2, "ls: path too long: %s\n", dir);
    close(fd);
    return -1;
  }
  strcpy(path, dir);
  if (len > 0 && path[len - 1] != '/')
    path[len++] = '/';

  int status = 0;
  while (read(fd, &de, sizeof(de)) == sizeof(de)) {
    if (de.inum == 0)
      continue;
    char name[DIRSIZ + 1];
    memmove(name, de.name, DIRSIZ);
    name[DIRSIZ] = 0;
    strcpy(path + len, name);
    if (stat(path, &st) < 0) {
      fprintf(2, "ls: cannot stat %s\n", path);
      status = -1;
      continue;
    }
    show(name, &st);
  }
  close(fd);
  return status;
}

int
main(int argc, char *argv[])
{
  int status = 0;

  if (argc < 2)
    exit(ls(".") < 0 ? 1 : 0);
  for (int i = 1; i < argc; i++)
    if (ls(argv[i]) < 0)
      status = 1;
  exit(status);
}

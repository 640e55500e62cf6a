/*
 * Removing every name the workers made: all of them start with "fz", and
 * everything below a directory named "fz..." is theirs too.
 */
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "kernel/stat.h"
#include "user/user.h"
#include "user/fuzz/fuzz.h"

static int
is_fz(const char *name)
{
  return name[0] == 'f' && name[1] == 'z';
}

static int
typeof_path(const char *name)
{
  struct stat st;
  int fd = open(name, O_RDONLY);
  if (fd < 0)
    return -1;
  int r = fstat(fd, &st);
  close(fd);
  return r < 0 ? -1 : st.type;
}

/*
 * Remove every "fz" name in the tree below the current directory, walking
 * with chdir so that depth is not limited by MAXPATH.  Iterative: the
 * position in each directory on the way down is kept in pos[].
 */
int
clean_tree(void)
{
  static int pos[MAXDEPTH];
  static char nm[MAXDEPTH][DIRSIZ + 1];
  static int fzdir[MAXDEPTH];
  int depth = 0;
  int removed = 0;
  pos[0] = 0;
  fzdir[0] = 0;
  for (;;) {
    int fd = open(".", O_RDONLY);
    if (fd < 0)
      return -1;
    struct dirent de;
    int idx = 0, descended = 0;
    while (read(fd, &de, sizeof(de)) == sizeof(de)) {
      if (idx++ < pos[depth])
        continue;
      pos[depth] = idx;
      if (de.inum == 0)
        continue;
      char name[DIRSIZ + 1];
      memmove(name, de.name, DIRSIZ);
      name[DIRSIZ] = 0;
      if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        continue;
      int t = typeof_path(name);
      if (t == T_DIR && depth + 1 < MAXDEPTH && chdir(name) == 0) {
        depth++;
        strcpy(nm[depth], name);
        fzdir[depth] = fzdir[depth - 1] || is_fz(name);
        pos[depth] = 0;
        descended = 1;
        break;
      }
      if ((fzdir[depth] || is_fz(name)) && unlink(name) == 0)
        removed++;
    }
    close(fd);
    if (descended)
      continue;
    if (depth == 0)
      return removed;
    chdir("..");
    if (fzdir[depth] && unlink(nm[depth]) == 0)
      removed++;
    depth--;
  }
}

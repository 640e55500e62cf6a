/*
 * wc: count lines, words and bytes.
 *
 *   wc [FILE...]      (standard input when no FILE)
 *
 * Prints "lines words bytes name" per input; a word is a run of
 * characters between blanks (space, tab, newline, return, vertical tab,
 * form feed).
 */
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/user.h"

static char buf[1024];

static int
isblank(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
         c == '\f';
}

static int
wc(int fd, const char *name)
{
  uint64 lines = 0, words = 0, bytes = 0;
  int inword = 0, n;

  while ((n = read(fd, buf, sizeof(buf))) > 0) {
    bytes += n;
    for (int i = 0; i < n; i++) {
      if (buf[i] == '\n')
        lines++;
      if (isblank(buf[i])) {
        inword = 0;
      } else if (!inword) {
        inword = 1;
        words++;
      }
    }
  }
  if (n < 0) {
    fprintf(2, "wc: read error in %s\n", name);
    return -1;
  }
  printf("%lu %lu %lu %s\n", lines, words, bytes, name);
  return 0;
}

int
main(int argc, char *argv[])
{
  int status = 0;

  if (argc < 2)
    exit(wc(0, "") < 0 ? 1 : 0);
  for (int i = 1; i < argc; i++) {
    int fd = open(argv[i], O_RDONLY);
    if (fd < 0) {
      fprintf(2, "wc: cannot open %s\n", argv[i]);
      status = 1;
      continue;
    }
    if (wc(fd, argv[i]) < 0)
      status = 1;
    close(fd);
  }
  exit(status);
}

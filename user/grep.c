/*
 * grep: print the lines that match a pattern.
 *
 *   grep PATTERN [FILE...]      (standard input when no FILE)
 *
 * Patterns: a character matches itself, '.' any character, x* any number
 * (even none) of the preceding atom, ^ at the start and $ at the end
 * anchor the match, and \c makes c literal.  The matcher walks the
 * pattern left to right; at each starred atom it first tries to match the
 * rest with no repetition, then with one more, backtracking on failure.
 *
 * Exit status: 0 if some line matched, 1 if none did, 2 on an error.
 */
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/user.h"

static char buf[1024];
static int found;

/* Length of the atom at re: 2 for an escape, else 1. */
static int
atomlen(const char *re)
{
  return re[0] == '\\' && re[1] ? 2 : 1;
}

static int
atommatches(const char *re, char c)
{
  if (re[0] == '\\' && re[1])
    return re[1] == c;
  return re[0] == '.' || re[0] == c;
}

/* Does re match the text starting exactly at s? */
static int
matchhere(const char *re, const char *s)
{
  for (;;) {
    if (*re == 0)
      return 1;
    if (re[0] == '$' && re[1] == 0)
      return *s == 0;
    int len = atomlen(re);
    if (re[len] == '*') {
      const char *rest = re + len + 1;
      for (;; s++) {
        if (matchhere(rest, s))
          return 1;
        if (*s == 0 || !atommatches(re, *s))
          return 0;
      }
    }
    if (*s == 0 || !atommatches(re, *s))
      return 0;
    re += len;
    s++;
  }
}

static int
match(const char *re, const char *line)
{
  if (re[0] == '^')
    return matchhere(re + 1, line);
  for (const char *s = line;; s++) {
    if (matchhere(re, s))
      return 1;
    if (*s == 0)
      return 0;
  }
}

/* Print line (NUL-terminated, without its newline) if it matches. */
static void
check(const char *re, char *line)
{
  if (!match(re, line))
    return;
  found = 1;
  int len = strlen(line);
  line[len] = '\n'; /* the byte after the line is ours to borrow */
  write(1, line, len + 1);
  line[len] = 0;
}

static void
grep(const char *re, int fd)
{
  int have = 0, n;

  /* buf holds have bytes of unfinished line; room for a NUL after it. */
  while ((n = read(fd, buf + have, sizeof(buf) - 1 - have)) > 0) {
    have += n;
    char *start = buf;
    char *nl;
    buf[have] = 0;
    while ((nl = strchr(start, '\n')) != 0) {
      *nl = 0;
      check(re, start);
      start = nl + 1;
    }
    have -= start - buf;
    if (have == sizeof(buf) - 1) {
      /* A line longer than the buffer: judge the part we have. */
      check(re, buf);
      have = 0;
    } else {
      memmove(buf, start, have);
    }
  }
  if (have > 0) {
    buf[have] = 0;
    check(re, buf);
  }
}

int
main(int argc, char *argv[])
{
  if (argc < 2) {
    fprintf(2, "usage: grep PATTERN [FILE...]\n");
    exit(2);
  }
  const char *re = argv[1];
  if (argc == 2) {
    grep(re, 0);
    exit(found ? 0 : 1);
  }
  int err = 0;
  for (int i = 2; i < argc; i++) {
    int fd = open(argv[i], O_RDONLY);
    if (fd < 0) {
      fprintf(2, "grep: cannot open %s\n", argv[i]);
      err = 1;
      continue;
    }
    grep(re, fd);
    close(fd);
  }
  exit(err ? 2 : found ? 0 : 1);
}

/*
 * echo: print the arguments, separated by blanks, and a newline.
 *
 * The line is assembled first and written with one write() when it fits,
 * so it cannot be split by another process's output.
 */
#include "kernel/types.h"
#include "user/user.h"

static char buf[512];
static int n;

static void
out(const char *s, int len)
{
  for (int i = 0; i < len; i++) {
    if (n == sizeof(buf)) {
      if (write(1, buf, n) != n)
        exit(1);
      n = 0;
    }
    buf[n++] = s[i];
  }
}

int
main(int argc, char *argv[])
{
  for (int i = 1; i < argc; i++) {
    out(argv[i], strlen(argv[i]));
    if (i + 1 < argc)
      out(" ", 1);
  }
  out("\n", 1);
  if (write(1, buf, n) != n)
    exit(1);
  exit(0);
}

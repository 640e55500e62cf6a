/*
 * true: do nothing and exit 0.  The trivial program that bench's
 * fork+exec measurement runs, so the figure is the cost of fork, exec,
 * exit and wait themselves and not of any work the program does.
 */
#include "kernel/types.h"
#include "user/user.h"

int
main(void)
{
  return 0;
}

// compat25: a program written the way current xv6-riscv (the 2025 API)
// programs are, to show they build and run unchanged on ldx.  It is built
// with xv6's warning flags (-Wall -Werror), not ldx's stricter ones, and
// uses pause, sbrklazy, sys_sbrk, SBRK_ERROR, memcpy and the superpage
// macros.  Prints "compat25: ok" when every check holds.

#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/riscv.h"
#include "kernel/vm.h"
#include "user/user.h"

int errors = 0;

void
check(int ok, char *what)
{
  if (!ok) {
    printf("compat25: FAIL %s\n", what);
    errors++;
  }
}

int
main(int argc, char *argv[])
{
  // pause() is the 2025 name of sleep().
  int t0 = uptime();
  check(pause(2) == 0, "pause(2) returned an error");
  check(uptime() - t0 >= 2, "pause(2) came back early");
  check(sleep(0) == 0, "sleep(0), the 2022 name, failed");

  // A lazy region: the break moves, pages come on first touch.
  char *old = sbrk(0);
  char *p = sbrklazy(64 * 4096);
  check(p != SBRK_ERROR, "sbrklazy failed");
  check(p == old, "sbrklazy did not return the old break");
  check(sbrk(0) == old + 64 * 4096, "sbrklazy did not move the break");
  if (p != SBRK_ERROR) {
    check(p[4096 * 10] == 0, "a lazy page is not zero");
    char msg[] = "hello, lazy memory";
    memcpy(p + 4096 * 20 - 4, msg, sizeof(msg));
    check(strcmp(p + 4096 * 20 - 4, msg) == 0, "memcpy into lazy pages");
    int n = 0;
    for (int i = 0; i < strlen(msg); i++)
      n += p[4096 * 20 - 4 + i] == msg[i];
    check(n == strlen(msg), "lazy bytes changed");
    check(sbrk(-64 * 4096) != SBRK_ERROR, "shrinking the lazy region");
  }

  // The system call itself, with both ways of growing.
  char *q = sys_sbrk(4096, SBRK_EAGER);
  check(q != SBRK_ERROR, "sys_sbrk(4096, SBRK_EAGER) failed");
  q[0] = 'x';
  check(sys_sbrk(-4096, SBRK_EAGER) == q + 4096, "sys_sbrk shrink");
  check(sys_sbrk(1 << 30, SBRK_LAZY) != SBRK_ERROR, "a lazy gigabyte");
  check(sbrk(-(1 << 30)) != SBRK_ERROR, "giving the gigabyte back");

  // The superpage macros of the 2025 page-table lab.
  check(SUPERPGSIZE == 2 * 1024 * 1024, "SUPERPGSIZE is not 2 MiB");
  check(SUPERPGROUNDUP(SUPERPGSIZE + 1) == 2 * SUPERPGSIZE, "SUPERPGROUNDUP");
  check(SUPERPGROUNDDOWN(SUPERPGSIZE + 1) == SUPERPGSIZE, "SUPERPGROUNDDOWN");

  if (errors == 0)
    printf("compat25: ok\n");
  exit(errors != 0);
}

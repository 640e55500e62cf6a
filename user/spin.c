/*
 * spin: loop forever without a system call, so only the timer can take
 * the hart away from it.  Used to show (and test) preemption: "spin &"
 * must leave the shell responsive even on one hart.  kill ends it.
 */
#include "kernel/types.h"
#include "user/user.h"

int
main(void)
{
  volatile uint64 n = 0;
  for (;;)
    n++;
}

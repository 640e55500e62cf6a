/*
 * halt: power the machine off (an ldx extension; QEMU exits).
 */
#include "kernel/types.h"
#include "user/user.h"

int
main(int argc, char *argv[])
{
  if (argc != 1) {
    fprintf(2, "usage: halt\n");
    exit(1);
  }
  halt();
  fprintf(2, "halt: failed\n");
  exit(1);
}

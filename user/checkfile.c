/*
 * checkfile: check a file writefile wrote, after a crash.
 *
 *   checkfile NAME N
 *
 * Prints exactly one of
 *   checkfile: complete            NAME holds the N bytes of the pattern
 *   checkfile: absent              NAME does not exist (or is empty)
 *   checkfile: CORRUPT ...         anything else, with what is wrong
 * and exits 0, 0 or 1.
 */
#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "user/user.h"
#include "user/pattern.h"

static char buf[BSIZE];

int
main(int argc, char *argv[])
{
  struct stat st;

  if (argc != 3 || argv[2][0] < '0' || argv[2][0] > '9') {
    fprintf(2, "usage: checkfile NAME N\n");
    exit(1);
  }
  uint64 n = atoi(argv[2]);
  int fd = open(argv[1], O_RDONLY);
  if (fd < 0) {
    printf("checkfile: absent\n");
    exit(0);
  }
  if (fstat(fd, &st) < 0) {
    printf("checkfile: CORRUPT cannot fstat %s\n", argv[1]);
    exit(1);
  }
  if (st.type != T_FILE) {
    printf("checkfile: CORRUPT %s is not a file (type %d)\n", argv[1], st.type);
    exit(1);
  }
  if (st.size == 0) {
    printf("checkfile: absent\n");
    exit(0);
  }
  if (st.size != n) {
    printf("checkfile: CORRUPT size is %lu, expected %lu\n", st.size, n);
    exit(1);
  }
  uint64 off = 0;
  int m;
  while ((m = read(fd, buf, sizeof(buf))) > 0) {
    for (int i = 0; i < m; i++) {
      if ((uchar)buf[i] != pattern_byte(off + i)) {
        printf("checkfile: CORRUPT byte %lu is 0x%x, expected 0x%x\n", off + i,
               (uchar)buf[i], pattern_byte(off + i));
        exit(1);
      }
    }
    off += m;
  }
  if (m < 0 || off != n) {
    printf("checkfile: CORRUPT read %lu of %lu bytes\n", off, n);
    exit(1);
  }
  printf("checkfile: complete\n");
  exit(0);
}

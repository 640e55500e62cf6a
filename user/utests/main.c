/*
 * utests: ldx's in-guest test suite.
 *
 *   utests             run every test
 *   utests -q          run the quick set
 *   utests NAME...     run the named tests
 *   utests -l          list the tests ("name" or "name quick")
 *
 * Output: one line per test (run.c), then "utests: N passed, M failed".
 * The host harness (tests/test_guest.py) turns each line into a test
 * result.  The tests live in one file per area, each with its table; this
 * file lists the tables in the order they run.  To add a test, write it in
 * its area's file and add a line to that file's table.
 */
#include "user/utests/utest.h"

static const struct utest *const suites[] = {
    utests_proc,   /* proc.c: fork, exit, wait, kill, sleep */
    utests_exec,   /* exec.c */
    utests_lde,    /* lde.c: what user mode may not do */
    utests_mem,    /* mem.c: sbrk, faults, out of memory */
    utests_lazy,   /* lazy.c: sbrklazy, the lazy heap */
    utests_fd,     /* fd.c: descriptors, read and write */
    utests_file,   /* file.c: files, directories, paths */
    utests_disk,   /* disk.c: big files, many files, a full disk */
    utests_limits, /* limits.c: fs tables full, O_TRUNC */
    utests_pipe,   /* pipe.c */
    utests_ulib,   /* ulib.c: the user library */
};

#define NSUITES (int)(sizeof(suites) / sizeof(suites[0]))

/* The test called name, or 0. */
static const struct utest *
find(const char *name)
{
  for (int s = 0; s < NSUITES; s++)
    for (const struct utest *t = suites[s]; t->fn; t++)
      if (strcmp(name, t->name) == 0)
        return t;
  return 0;
}

static void
usage(void)
{
  fprintf(2, "usage: utests [-q | -l | NAME...]\n");
  exit(1);
}

int
main(int argc, char *argv[])
{
  int quick = 0, list = 0;
  if (argc >= 2 && strcmp(argv[1], ARGCHECK) == 0)
    return utest_argcheck(argc, argv);
  if (argc >= 2 && argv[1][0] == '-') {
    if (argc != 2)
      usage();
    if (strcmp(argv[1], "-q") == 0)
      quick = 1;
    else if (strcmp(argv[1], "-l") == 0)
      list = 1;
    else
      usage();
  }
  if (list) {
    for (int s = 0; s < NSUITES; s++)
      for (const struct utest *t = suites[s]; t->fn; t++)
        printf("%s%s\n", t->name, t->quick ? " quick" : "");
    return 0;
  }
  for (int a = 1 + quick; a < argc; a++) {
    if (!find(argv[a])) {
      fprintf(2, "utests: no test named %s\n", argv[a]);
      usage();
    }
  }

  /* A fresh scratch directory (a previous run may have been cut short). */
  utest_rmtree(SCRATCH, 0);
  unlink(SCRATCH);
  if (mkdir(SCRATCH) < 0) {
    fprintf(2, "utests: cannot make %s\n", SCRATCH);
    return 1;
  }
  int passed = 0, failed = 0;
  for (int s = 0; s < NSUITES; s++) {
    for (const struct utest *t = suites[s]; t->fn; t++) {
      int run = argc == 1 || (quick && t->quick);
      for (int a = 1 + quick; a < argc && !run; a++)
        run = strcmp(argv[a], t->name) == 0;
      if (!run)
        continue;
      if (utest_run(t))
        passed++;
      else
        failed++;
    }
  }
  utest_rmtree(SCRATCH, 0);
  unlink(SCRATCH);
  printf("utests: %d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}

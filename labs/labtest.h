/*
 * The little test library of the labs' in-guest test programs
 * (labs/NAME/user/NAME.c).  Header-only: a lab program is one file.
 *
 * A program lists its tests in a table and calls labtest_main():
 *
 *   static const struct labtest tests[] = {{"basic", t_basic}, {0, 0}};
 *   int main(int argc, char *argv[]) { return labtest_main(argc, argv, tests); }
 *
 * `prog NAME` runs one test, `prog` runs them all.  Each test runs in a
 * child process of its own, so a test that crashes or is killed fails
 * alone; its result is one line, "NAME: OK" or "NAME: FAIL why", which is
 * what the lab's grader reads.  In a test, expect(cond, fmt, ...) fails
 * the test with the message unless cond holds.
 */
#ifndef LDX_LABTEST_H
#define LDX_LABTEST_H

#include "kernel/types.h"
#include "user/user.h"

struct labtest {
  const char *name;
  void (*fn)(void);
};

#define LABTEST_FAILED 77 /* exit status of a test that called fail */

static const char *labtest_current;

static void __attribute__((noreturn, unused)) labtest_fail(const char *fmt, ...)
{
  char msg[200];
  __builtin_va_list ap;
  __builtin_va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  __builtin_va_end(ap);
  printf("%s: FAIL %s\n", labtest_current, msg);
  exit(LABTEST_FAILED);
}

#define expect(cond, ...)                                                      \
  do {                                                                         \
    if (!(cond))                                                               \
      labtest_fail(__VA_ARGS__);                                               \
  } while (0)

/* Run t in a child; print its result line; 1 if it passed. */
static int
labtest_run(const struct labtest *t)
{
  labtest_current = t->name;
  int pid = fork();
  if (pid < 0) {
    printf("%s: FAIL fork failed\n", t->name);
    return 0;
  }
  if (pid == 0) {
    t->fn();
    exit(0);
  }
  int status = 0;
  if (wait(&status) != pid) {
    printf("%s: FAIL wait failed\n", t->name);
    return 0;
  }
  if (status == 0)
    printf("%s: OK\n", t->name);
  else if (status != LABTEST_FAILED)
    printf("%s: FAIL the test process exited with status %d\n", t->name,
           status);
  return status == 0;
}

static int __attribute__((unused))
labtest_main(int argc, char *argv[], const struct labtest *tests)
{
  int failed = 0, ran = 0;
  for (const struct labtest *t = tests; t->name; t++) {
    if (argc > 1) {
      int wanted = 0;
      for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], t->name) == 0)
          wanted = 1;
      if (!wanted)
        continue;
    }
    ran++;
    failed += !labtest_run(t);
  }
  if (ran == 0) {
    fprintf(2, "usage: %s [TEST...]; tests:", argv[0]);
    for (const struct labtest *t = tests; t->name; t++)
      fprintf(2, " %s", t->name);
    fprintf(2, "\n");
    return 1;
  }
  return failed ? 1 : 0;
}

#endif

/*
 * cowtest: tests of the cow lab (copy-on-write fork).
 *
 *   cowtest [TEST...]     (every test when none is named)
 *
 * Each test prints "NAME: OK" or "NAME: FAIL why" (labs/labtest.h).  Every
 * test first fills a region of more than half of the free memory and
 * forks: a kernel that copies every page at fork runs out of memory right
 * there, so each test fails fast on the tree as shipped, and then checks
 * one promise of copy-on-write: free-page counts, isolation of the
 * processes' data after writes on both sides, copyout, running out of
 * memory, the lazy heap, sbrk, many sharers, exec.
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "kernel/fcntl.h"
#include "user/user.h"
#include "labs/labtest.h"

#define SLACK 8 /* pages a process's own stack and data may copy after fork */
#define HOT 16  /* pages written last before a fork, maybe still in the TLB */

static char *region; /* the big region */
static int npages;   /* its size in pages */

/* The word a tag writes at both ends of page i (never zero). */
static uint64
pat(int i, int tag)
{
  return (uint64)i * 2654435761UL + (uint64)tag * 0x10001UL + 1;
}

static uint64 *
first_word(int i)
{
  return (uint64 *)(region + (uint64)i * PGSIZE);
}

static uint64 *
last_word(int i)
{
  return (uint64 *)(region + (uint64)i * PGSIZE + PGSIZE - sizeof(uint64));
}

static void
put(int i, int tag)
{
  *first_word(i) = pat(i, tag);
  *last_word(i) = pat(i, tag);
}

/* Does page i hold tag's words? */
static int
has(int i, int tag)
{
  return *first_word(i) == pat(i, tag) && *last_word(i) == pat(i, tag);
}

/* The tag page i holds (-1 for none of 0..7), for messages. */
static int
tag_of(int i)
{
  for (int t = 0; t < 8; t++)
    if (has(i, t))
      return t;
  return -1;
}

/* Grow the heap until sbrk fails: no page is left then. */
static void
eat_memory(void)
{
  for (int chunk = 1 << 22; chunk >= PGSIZE; chunk /= 2)
    while (sbrk(chunk) != SBRK_ERROR)
      ;
}

/* Grow the heap by frac tenths of the free pages and write tag 0 to every
 * page: this process now uses more than half of memory. */
static void
grab(int tenths)
{
  int free = freepages();
  npages = free / 10 * tenths;
  region = sbrk(npages * PGSIZE);
  expect(region != SBRK_ERROR, "sbrk(%d pages) failed with %d pages free",
         npages, free);
  for (int i = 0; i < npages; i++)
    put(i, 0);
}

/* fork, which must not copy the big region. */
static int
cowfork(void)
{
  int pid = fork();
  expect(pid >= 0,
         "fork of a process using %d pages (%d MiB, more than half of "
         "memory) failed with %d pages free: does fork still copy every "
         "page?",
         npages, npages / 256, freepages());
  return pid;
}

/* Wait for pid; its exit status. */
static int
reap(int pid)
{
  int st = -12345;
  expect(wait(&st) == pid, "wait did not return child %d", pid);
  return st;
}

static void
reap_ok(int pid, const char *who)
{
  int st = reap(pid);
  expect(st == 0, "%s exited with %d (-1: killed, see the console)", who, st);
}

/* Every page i with which(i) holds tag, every other page tag 0. */
static void
check_region(int (*which)(int), int tag, const char *who)
{
  for (int i = 0; i < npages; i++) {
    int want = which && which(i) ? tag : 0;
    expect(has(i, want), "%s: page %d holds tag %d, expected %d", who, i,
           tag_of(i), want);
  }
}

/* free pages now equal want (the pages of an exited child came back). */
static void
expect_free(int want, const char *when)
{
  int now = freepages();
  expect(now == want, "%s: %d pages free, expected %d (%d %s)", when, now, want,
         now < want ? want - now : now - want,
         now < want ? "missing" : "too many");
}

/* A one-byte message between processes. */
static void
send(int fd)
{
  expect(write(fd, "x", 1) == 1, "write to a pipe failed");
}

static void
await(int fd)
{
  char c;
  expect(read(fd, &c, 1) == 1, "the other process went away");
}

static void
xpipe(int fd[2])
{
  expect(pipe(fd) == 0, "pipe failed");
}

/* ------------------------------------------------------------- tests */

/* fork of a process using more than half of memory, twice.  Right after
 * each fork the parent writes the pages it wrote last: a hart's TLB may
 * still hold them as writable, unless fork flushed it, and then the
 * writes would reach the child. */
static void
t_bigfork(void)
{
  for (int round = 0; round < 2; round++) {
    grab(6);
    int go[2];
    xpipe(go);
    int before = freepages();
    int pid = cowfork();
    if (pid == 0) {
      await(go[0]);
      check_region(0, 0, "the child");
      exit(0);
    }
    for (int i = npages - HOT; i < npages; i++)
      put(i, 1);
    send(go[1]);
    reap_ok(pid, "the child");
    expect_free(before, "after the child exited");
    /* (the page tables of the region stay until exit or exec) */
    expect(sbrk(-npages * PGSIZE) != SBRK_ERROR, "sbrk shrink failed");
    close(go[0]);
    close(go[1]);
  }
}

static int
first_64(int i)
{
  return i < 64;
}

/* Free-page counts: a fork takes page tables only, a write to a shared
 * page one page, a write to a page nobody else holds none (the last
 * holder takes it over), and every page comes back. */
static void
t_counts(void)
{
  grab(6);
  int go[2], done[2];
  xpipe(go);
  xpipe(done);
  int before = freepages();
  int pid = cowfork();
  if (pid == 0) {
    await(go[0]);
    for (int i = 0; i < 64; i++)
      put(i, 1);
    send(done[1]);
    await(go[0]); /* until the parent has written too */
    check_region(first_64, 1, "the child");
    exit(0);
  }
  int forked = freepages();
  int tables = npages / 512 + 8; /* one leaf table per 512 pages, and more */
  expect(before - forked <= tables + SLACK,
         "fork of %d pages took %d pages, expected at most %d (page tables)",
         npages, before - forked, tables + SLACK);
  send(go[1]);
  await(done[0]);
  int child = forked - freepages();
  expect(child >= 64 && child <= 64 + SLACK,
         "the child's writes to 64 shared pages took %d pages, expected 64",
         child);
  int mark = freepages();
  for (int i = 64; i < 128; i++)
    put(i, 2);
  int parent = mark - freepages();
  expect(parent >= 64 && parent <= 64 + SLACK,
         "the parent's writes to 64 shared pages took %d pages, expected 64",
         parent);
  /* The child has its own copies of pages 0-63: the parent is their last
   * holder, so its writes take them over without a copy. */
  mark = freepages();
  for (int i = 0; i < 64; i++)
    put(i, 2);
  expect(mark - freepages() <= 0,
         "writes to 64 pages only the parent still held took %d pages, "
         "expected 0 (the last holder takes a page over)",
         mark - freepages());
  send(go[1]);
  reap_ok(pid, "the child");
  for (int i = 0; i < 128; i++)
    expect(has(i, 2), "the parent's page %d holds tag %d, expected 2", i,
           tag_of(i));
  for (int i = 128; i < npages; i++)
    expect(has(i, 0), "the parent's page %d holds tag %d, expected 0", i,
           tag_of(i));
  expect_free(before, "after the child exited");
}

static int which_role; /* for mine(): pages this process's tag owns */

/* Each of three processes owns every 32nd page from its role on, and all
 * three write every 64th page (offset 16). */
static int
mine(int i)
{
  return i % 32 == which_role || i % 64 == 16;
}

/* Writes on both sides of a fork, in three generations at once: each
 * process sees its own writes and nobody else's. */
static void
t_isolation(void)
{
  grab(6);
  int ready[2], go[2];
  xpipe(ready);
  xpipe(go);
  int before = freepages();
  int role = 0;
  int child = cowfork();
  int grandchild = -1;
  if (child == 0) {
    role = 1;
    grandchild = cowfork();
    if (grandchild == 0)
      role = 2;
  }
  which_role = role;
  /* All three share every page now.  Each writes its pages, then they
   * all check while the others' writes are done. */
  for (int i = 0; i < npages; i++)
    if (mine(i))
      put(i, role + 1);
  send(ready[1]);
  if (role == 0) {
    await(ready[0]);
    await(ready[0]);
    await(ready[0]);
    for (int i = 0; i < 2; i++)
      send(go[1]);
  } else {
    await(go[0]);
  }
  static const char *who[] = {"the parent", "the child", "the grandchild"};
  check_region(mine, role + 1, who[role]);
  if (role == 2)
    exit(0);
  if (role == 1) {
    reap_ok(grandchild, "the grandchild");
    exit(0);
  }
  reap_ok(child, "the child");
  check_region(mine, 1, "the parent, after the others exited");
  expect_free(before, "after the others exited");
}

/* copyout into a shared page copies it too: a pipe read, a wait status
 * and pipe()'s descriptors written by the kernel into shared pages reach
 * only the process that asked. */
static void
t_copyout(void)
{
  grab(6);
  int data[2];
  xpipe(data);
  int before = freepages();
  int pid = cowfork();
  char *buf = region + 10 * PGSIZE - 8; /* across pages 9 and 10 */
  if (pid == 0) {
    /* Reading the pages first puts them in this hart's TLB: after the
     * kernel's copy the translations must be of the copies. */
    expect(has(9, 0) && has(10, 0), "the child does not see the parent's "
                                    "pages");
    int n = read(data[0], buf, 16);
    expect(n == 16, "the child's read into a shared page returned %d", n);
    expect(memcmp(buf, "copy-on-write!!!", 16) == 0,
           "the child's read into a shared page did not land");
    int *fds = (int *)(region + 20 * PGSIZE);
    expect(pipe(fds) == 0, "pipe() into a shared page failed");
    expect(fds[0] > 2 && fds[1] > 2, "pipe() into a shared page gave %d %d",
           fds[0], fds[1]);
    int g = fork();
    if (g == 0)
      exit(5);
    expect(g > 0, "fork failed");
    int *status = (int *)(region + 30 * PGSIZE);
    expect(wait(status) == g && *status == 5,
           "wait() storing the status in a shared page failed");
    exit(0);
  }
  expect(write(data[1], "copy-on-write!!!", 16) == 16, "write failed");
  reap_ok(pid, "the child");
  for (int i = 0; i < npages; i++)
    expect(has(i, 0),
           "page %d of the parent changed (tag %d): the child's "
           "system call wrote into a shared page",
           i, tag_of(i));
  expect_free(before, "after the child exited");
  /* Now the parent alone holds the pages: a read takes one over. */
  expect(write(data[1], "the parent reads", 16) == 16, "write failed");
  expect(read(data[0], buf, 16) == 16 &&
             memcmp(buf, "the parent reads", 16) == 0,
         "the parent's read into a page it alone holds failed");
  expect_free(before, "after the parent's read");
}

/* Running out of memory on a write fault kills only the writer; a system
 * call's copyout with no memory left fails with -1; every page comes
 * back. */
static void
t_oom(void)
{
  grab(6);
  int before = freepages();
  int pid = cowfork();
  if (pid == 0) {
    for (int i = 0; i < npages; i++)
      put(i, 1); /* more pages than are left */
    exit(0);
  }
  int st = reap(pid);
  expect(st == -1,
         "a child writing more pages than are free exited with %d, "
         "expected -1 (killed)",
         st);
  check_region(0, 0, "the parent, after its child ran out of memory");
  expect_free(before, "after the killed child");

  int fd = open("README.md", O_RDONLY);
  expect(fd >= 0, "open README.md failed");
  pid = cowfork();
  if (pid == 0) {
    eat_memory();
    /* Each read into a shared page copies it, until none is left: then
     * the read fails, and the process lives on. */
    int left = freepages();
    for (int i = 5; i < 5 + left + 1; i++)
      if (read(fd, region + (uint64)i * PGSIZE, 1) == -1)
        exit(0);
    exit(3);
  }
  st = reap(pid);
  expect(st != 3, "reads into shared pages with no memory left did not "
                  "fail");
  expect(st == 0,
         "a child reading into a shared page with no memory left "
         "exited with %d (-1: killed; the read should fail with -1)",
         st);
  check_region(0, 0, "the parent");
  expect_free(before, "after the second child");
  close(fd);
}

static int
every(int i)
{
  (void)i;
  return 1;
}

static int
even(int i)
{
  return i % 2 == 0;
}

/* The lazy heap and copy-on-write together: untouched lazy pages fork as
 * untouched, touched ones as shared; either side's first touch is its
 * own. */
static void
t_lazy(void)
{
  int free = freepages();
  npages = free / 10 * 6;
  int extra = 64; /* lazy pages left untouched at the top */
  region = sbrklazy((npages + extra) * PGSIZE);
  expect(region != SBRK_ERROR, "sbrklazy failed");
  for (int i = 0; i < npages; i++)
    put(i, 0);
  char *untouched = region + (uint64)npages * PGSIZE;
  int before = freepages();
  int pid = cowfork();
  if (pid == 0) {
    for (int i = 0; i < extra; i++)
      expect(untouched[i * PGSIZE + 7] == 0,
             "an untouched lazy page reads %d in the child",
             untouched[i * PGSIZE + 7]);
    for (int i = 0; i < extra; i += 2)
      untouched[i * PGSIZE + 7] = 'c';
    for (int i = 0; i < npages; i += 64)
      put(i, 1);
    /* and fork again: a mix of shared, private and absent pages */
    int g = cowfork();
    if (g == 0) {
      for (int i = 0; i < extra; i++)
        expect(untouched[i * PGSIZE + 7] == (even(i) ? 'c' : 0),
               "the grandchild's lazy page %d reads %d", i,
               untouched[i * PGSIZE + 7]);
      for (int i = 1; i < extra; i += 2)
        untouched[i * PGSIZE + 7] = 'g';
      exit(0);
    }
    reap_ok(g, "the grandchild");
    for (int i = 0; i < extra; i++)
      expect(untouched[i * PGSIZE + 7] == (even(i) ? 'c' : 0),
             "the child's lazy page %d reads %d after its child wrote", i,
             untouched[i * PGSIZE + 7]);
    exit(0);
  }
  reap_ok(pid, "the child");
  expect_free(before, "after the child exited");
  for (int i = 0; i < extra; i++)
    expect(untouched[i * PGSIZE + 7] == 0,
           "the parent's untouched lazy page %d reads %d after the child "
           "wrote",
           i, untouched[i * PGSIZE + 7]);
  check_region(0, 0, "the parent");
}

/* sbrk in a child: growing from the middle of a shared page keeps that
 * page shared, shrinking lets go of the child's share only. */
static void
t_grow(void)
{
  grab(6);
  char *mid = sbrk(100); /* the break now lies inside a page */
  expect(mid != SBRK_ERROR, "sbrk(100) failed");
  memset(mid, 'p', 100);
  int before = freepages();
  int pid = cowfork();
  if (pid == 0) {
    char *more = sbrk(PGSIZE);
    expect(more == mid + 100, "sbrk(%d) returned %p, expected %p", PGSIZE, more,
           mid + 100);
    memset(mid, 'c', 100 + PGSIZE);
    expect(sbrk(-(100 + PGSIZE + npages * PGSIZE)) != SBRK_ERROR,
           "the child's sbrk shrink failed");
    exit(0);
  }
  reap_ok(pid, "the child");
  for (int i = 0; i < 100; i++)
    expect(mid[i] == 'p',
           "byte %d of the shared page the break lay in reads '%c' after the "
           "child grew its heap from there and wrote",
           i, mid[i]);
  check_region(0, 0, "the parent, after the child shrank its heap");
  expect_free(before, "after the child exited");
}

#define MANY 20

/* Many sharers at once, on every hart: each of MANY children writes the
 * same pages and some of its own; the counts end where they began. */
static void
t_many(void)
{
  grab(6);
  int ready[2], go[2];
  xpipe(ready);
  xpipe(go);
  int before = freepages();
  int pids[MANY];
  for (int k = 0; k < MANY; k++) {
    pids[k] = cowfork();
    if (pids[k] == 0) {
      await(go[0]); /* all forked: write together */
      for (int i = 0; i < 16; i++)
        put(i, 1 + k % 7);
      put(16 + k, 1 + k % 7);
      for (int i = 0; i < 16; i++)
        expect(has(i, 1 + k % 7), "child %d: page %d holds tag %d", k, i,
               tag_of(i));
      for (int i = 16; i < npages; i++)
        expect(has(i, i == 16 + k ? 1 + k % 7 : 0),
               "child %d: page %d holds tag %d", k, i, tag_of(i));
      send(ready[1]);
      exit(0);
    }
  }
  for (int k = 0; k < MANY; k++)
    send(go[1]);
  for (int k = 0; k < MANY; k++)
    await(ready[0]);
  for (int k = 0; k < MANY; k++)
    reap_ok(pids[k], "a child");
  check_region(0, 0, "the parent");
  expect_free(before, "after every child exited");
}

/* exec in a child lets go of its shares: the parent then holds each page
 * alone, and with no memory free at all it still writes every one of
 * them (the last holder takes a page over, it needs no copy).  The parent
 * is a child of the test, which reports how it ended. */
static void
t_exec(void)
{
  int x = fork();
  expect(x >= 0, "fork failed");
  if (x == 0) {
    grab(6);
    int before = freepages();
    int pid = cowfork();
    if (pid == 0) {
      char *argv[] = {"echo", "exec", "done", 0};
      exec("echo", argv);
      exit(9);
    }
    reap_ok(pid, "the child that exec'd echo");
    expect_free(before, "after the child exec'd and exited");
    char *top = sbrk(0);
    eat_memory();
    for (int i = 0; i < npages; i++)
      put(i, 3);
    expect(sbrk(-(sbrk(0) - top)) != SBRK_ERROR, "sbrk shrink failed");
    check_region(every, 3, "the parent, after writing every page");
    exit(0);
  }
  int st = reap(x);
  if (st == LABTEST_FAILED)
    exit(st); /* it said why */
  expect(st == 0,
         "writing the pages it alone held with no memory free, "
         "the process exited with %d (-1 means killed): the last holder of "
         "a page should take it over, not copy it",
         st);
}

static const struct labtest tests[] = {
    {"bigfork", t_bigfork},
    {"counts", t_counts},
    {"isolation", t_isolation},
    {"copyout", t_copyout},
    {"oom", t_oom},
    {"lazy", t_lazy},
    {"grow", t_grow},
    {"many", t_many},
    {"exec", t_exec},
    {0, 0},
};

int
main(int argc, char *argv[])
{
  return labtest_main(argc, argv, tests);
}

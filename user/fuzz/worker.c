/*
 * A worker: one call at a time, chosen, drawn and judged by calls.c, with
 * its progress reported to its supervisor every REPORT_EVERY calls through
 * REPORTFD.  Its PRNG is seeded from (SEED, slot, generation).  A forked
 * child of a worker drops every descriptor but the report pipe and the
 * console, makes a few calls that cannot block, and exits.
 *
 * What the workers may not do (so the run stays a test of the kernel and
 * not of the machine around it): kill the shell, P, the ticker or a
 * supervisor (pids above 1 up to protectpid); touch the descriptors
 * REPORTFD and LOGFD; create, write, link or remove anything whose last
 * name does not start with "fz" (the real files stay read-only to them;
 * every name they can create starts with "fz", so P finds and removes
 * them all); fork more than MAXCHILD children at once; grow memory past
 * HEAPCAP except by requests too large to succeed.  They may name init,
 * halt the machine and read the event log: the kernel must refuse.
 */
#include "kernel/types.h"
#include "user/user.h"
#include "user/ecall.h"
#include "user/fuzz/fuzz.h"

int slot, gen;
long quota;         /* calls this worker makes before it exits */
static long ncalls; /* calls made so far */
static int unreported;
uint64 heapstart, brk;
int nchildren;
int ischild;
int tracing;
int kidpids[8];

static void
report(int final)
{
  if (ischild || (unreported == 0 && !final))
    return;
  int n = unreported;
  write(REPORTFD, &n, sizeof(n));
  unreported = 0;
}

/* The current end of memory; kept in brk because only this process
 * changes it (re-read after any call that might have). */
void
refresh_brk(void)
{
  brk = (uint64)sbrk(0);
}

/* Make one call: choose it, steer it off what would stop the run, make
 * it, learn from the result. */
static void
fuzz_one(void)
{
  struct call c;
  call_choose(&c);
  call_steer(&c);
  uint64 *a = c.a;
  if (verbose)
    fprintf(LOGFD, "fuzz: w%d.%d #%ld: %ld (%lx, %lx, %lx, %lx)\n", slot, gen,
            ncalls, (long)c.num, a[0], a[1], a[2], a[3]);
  uint64 r = rawsyscall(c.num, a[0], a[1], a[2], a[3], a[4], a[5]);
  if (verbose)
    fprintf(LOGFD, "fuzz: w%d.%d #%ld = %ld\n", slot, gen, ncalls, (long)r);
  ncalls++;
  if (!ischild && ++unreported >= REPORT_EVERY)
    report(0);
  if (tracing > 0 && --tracing == 0)
    tracing_off();
  call_learn(&c, r);
}

void
child(void)
{
  ischild = 1;
  nchildren = 0;
  for (int fd = 0; fd < NOFILE; fd++)
    if (fd != REPORTFD && fd != LOGFD)
      close(fd);
  fds_reset();
  int n = below(CHILDCALLS + 1);
  for (int i = 0; i < n; i++)
    fuzz_one();
  exit(below(3));
}

void
worker(void)
{
  rng = mix(seed ^ mix(0x5107ULL + slot) ^ mix(0x9e11ULL * (gen + 1)));
  failfd = LOGFD;
  for (int fd = 0; fd < NOFILE; fd++)
    if (fd != REPORTFD && fd != LOGFD)
      close(fd);
  fds_reset();
  calls_init();
  heapstart = (uint64)sbrk(0);
  if ((uint64)sbrk(HEAPBASE) != heapstart) {
    report(1);
    exit(1);
  }
  refresh_brk();
  memset((void *)heapstart, 0, HEAPBASE);
  while (ncalls < quota) {
    fuzz_one();
    if (deadline && ncalls % REPORT_EVERY == 0 && uptime() >= deadline)
      break;
  }
  report(1);
  exit(0);
}

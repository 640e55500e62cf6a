/*
 * What a worker knows about its own descriptors, from the results of its
 * own calls: which are pipe ends, and how many bytes each pipe holds.  A
 * read of an empty pipe whose write end it holds itself (or a write to a
 * full one) would block for good; the worker lets that happen only once
 * in BLOCK_ODDS tries, as a test of kill, because P needs STALE_TICKS to
 * notice and that slot makes no calls meanwhile (calls.c, call_steer).
 *
 * It also keeps the descriptors its calls returned lately, stale ones
 * included, for pick_fd.
 */
#include "user/fuzz/fuzz.h"

static struct {
  int pipe; /* index in pipes[], or -1 */
  int wend; /* the write end */
} fdk[NOFILE];
static struct {
  int bytes;  /* bytes in the pipe */
  int nr, nw; /* descriptors this process has on each end */
} pipes[NOFILE];
static int fdpool[32];
static int nfdpool;

/* A fresh process that holds no pipe ends and no recent descriptors. */
void
fds_reset(void)
{
  for (int fd = 0; fd < NOFILE; fd++) {
    fdk[fd].pipe = -1;
    pipes[fd].nr = pipes[fd].nw = pipes[fd].bytes = 0;
  }
  nfdpool = 0;
}

void
fd_forget(int fd)
{
  if (fd < 0 || fd >= NOFILE || fdk[fd].pipe < 0)
    return;
  int p = fdk[fd].pipe;
  if (fdk[fd].wend)
    pipes[p].nw--;
  else
    pipes[p].nr--;
  fdk[fd].pipe = -1;
}

static void
fd_pipe(int fd, int p, int wend)
{
  if (fd < 0 || fd >= NOFILE)
    return;
  fd_forget(fd);
  fdk[fd].pipe = p;
  fdk[fd].wend = wend;
  if (wend)
    pipes[p].nw++;
  else
    pipes[p].nr++;
}

/* newfd now refers to what oldfd does (a dup). */
void
fd_dup(int newfd, int oldfd)
{
  if (newfd < 0 || newfd >= NOFILE)
    return;
  fd_forget(newfd);
  if (oldfd >= 0 && oldfd < NOFILE && fdk[oldfd].pipe >= 0)
    fd_pipe(newfd, fdk[oldfd].pipe, fdk[oldfd].wend);
}

/* A new, empty pipe with its ends at rfd and wfd. */
void
fd_newpipe(int rfd, int wfd)
{
  for (int p = 0; p < NOFILE; p++)
    if (pipes[p].nr == 0 && pipes[p].nw == 0) {
      pipes[p].bytes = 0;
      fd_pipe(rfd, p, 0);
      fd_pipe(wfd, p, 1);
      return;
    }
}

/* The pipe whose read (wend 0) or write (wend 1) end fd is, or -1. */
int
fd_pipe_of(uint64 fd, int wend)
{
  int f = (int)fd;
  if (f < 0 || f >= NOFILE || fdk[f].pipe < 0 || fdk[f].wend != wend)
    return -1;
  return fdk[f].pipe;
}

int
pipe_bytes(int p)
{
  return pipes[p].bytes;
}

int
pipe_writers(int p)
{
  return pipes[p].nw;
}

int
pipe_readers(int p)
{
  return pipes[p].nr;
}

/* bytes went in (> 0) or out (< 0) of pipe p. */
void
pipe_moved(int p, int bytes)
{
  pipes[p].bytes += bytes;
  if (pipes[p].bytes < 0)
    pipes[p].bytes = 0;
}

void
remember_fd(int fd)
{
  if (fd < 0 || fd >= NOFILE)
    return;
  fdpool[nfdpool % NELEM(fdpool)] = fd;
  nfdpool++;
}

/* One of the descriptors calls returned lately, or -1 if none. */
uint64
recent_fd(void)
{
  if (nfdpool == 0)
    return -1;
  uint64 n = nfdpool < (int)NELEM(fdpool) ? nfdpool : NELEM(fdpool);
  return fdpool[below(n)];
}

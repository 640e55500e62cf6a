/*
 * The system-call fuzzer's parts and what they share (see main.c for the
 * program and its processes).
 *
 *   rng.c         the seeded PRNG every choice comes from
 *   fds.c         what a worker knows about its own descriptors and pipes
 *   pools.c       hostile values by kind: pointers, lengths, descriptors,
 *                 paths, argv, pids, memory sizes
 *   calls.c       the calls and their argument rules, derived from the
 *                 system-call table (kernel/sysdesc.h), and the policy
 *                 checks for privileged targets
 *   worker.c      a worker and its forked children: one call at a time
 *   limits.c      long sequences that drive tables and counters to their
 *                 limits and check that the limit changes nothing
 *   supervisor.c  the supervisors and the ticker
 *   clean.c       removing every name the workers made
 *   main.c        the parent P: options, start, watch, finish
 */
#ifndef FUZZ_H
#define FUZZ_H

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/sysdesc.h"

#define DEFWORKERS 8
#define MAXWORKERS 16
#define REPORTFD 15          /* worker -> supervisor progress pipe */
#define LOGFD 14             /* console, kept by workers only with -v */
#define REPORT_EVERY 32      /* calls between progress reports */
#define STALE_TICKS 30       /* no progress for this long: kill the worker */
#define STUCK_KILLS 10       /* a worker still there after this many kills */
#define BEAT_TICKS 10        /* ticks between heartbeats (1 s) */
#define MAXCHILD 4           /* forked children a worker may have at once */
#define CHILDCALLS 4         /* calls a forked child makes before it exits */
#define HEAPBASE (64 * 1024) /* scratch heap each worker starts with */
#define HEAPCAP (4 * 1024 * 1024) /* a worker grows no further */
#define SETTLE_TICKS 50           /* how long P waits for memory to come back */
#define MAXDEPTH 256              /* directory depth the cleanup can handle */
#define BLOCK_ODDS 1000           /* 1 in this many may block on its own pipe */
#define INIT_PID 1                /* the first process, which nobody may kill */
#define INT_MAX 0x7fffffff
#define INT_MIN (-INT_MAX - 1)

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define PICK(arr) ((arr)[below(NELEM(arr))])

/* Messages to P: fixed size, so a read never splits one (a pipe write
 * this small goes in whole while the pipe has room). */
enum { M_TICK = 1, M_SPAWN, M_CALLS, M_DONE, M_NOFORK };
struct msg {
  int kind;
  int slot;
  int pid;
  int n;
};

/* main.c: the run's settings */
extern uint64 seed;
extern int verbose;
extern int deadline;   /* uptime() at which to stop; 0: none */
extern int protectpid; /* P, the ticker and the supervisors are <= this */
extern int failfd;     /* where fail() prints: the console */
void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* rng.c */
extern uint64 rng;
uint64 mix(uint64 x);
uint64 rnd(void);
uint64 below(uint64 n);
int one_in(uint64 n);

/* worker.c: the worker's state, read by the pools */
extern int slot, gen;
extern long quota;
extern uint64 heapstart, brk;
extern int ischild;
extern int nchildren;
extern int tracing; /* calls left in a trace burst */
extern int kidpids[8];
void worker(void) __attribute__((noreturn));
void child(void) __attribute__((noreturn));
void refresh_brk(void);

/* fds.c */
void fds_reset(void);
void fd_forget(int fd);
void fd_dup(int newfd, int oldfd);
void fd_newpipe(int rfd, int wfd);
int fd_pipe_of(uint64 fd, int wend);
int pipe_bytes(int p);
int pipe_writers(int p);
int pipe_readers(int p);
void pipe_moved(int p, int bytes);
void remember_fd(int fd);
uint64 recent_fd(void);

/* pools.c */
uint64 pick_fd(void);
uint64 pick_wptr(void);
uint64 pick_rptr(void);
uint64 pick_len(void);
uint64 pick_int(void);
uint64 pick_str(int which, int destructive);
uint64 pick_argv(void);
uint64 pick_pid(void);
uint64 pick_sbrk(void);
uint64 guardpage(void);
void remember_region(uint64 start, uint64 len);

/* calls.c */
struct call {
  int num;
  const struct sysdesc *d;
  uint64 a[SYSARG_MAX];
};
void calls_init(void);
void call_choose(struct call *c);
void call_steer(struct call *c);
void call_learn(struct call *c, uint64 r);
void tracing_off(void);
void calls_list(void);

/* limits.c */
long limits_run(int scale);
void limits_beat(void); /* main.c: a heartbeat between two sequences */

/* supervisor.c */
extern int mainpipe[2];
void supervisor(int s, long share, int startfd) __attribute__((noreturn));
void ticker(void) __attribute__((noreturn));
void send(int kind, int s, int pid, int n);

/* clean.c */
int clean_tree(void);

#endif

/*
 * The thread lab's test program (labs/thread/README.md), linked with the
 * student's thread package (labs/thread/uthread.c, uthread_switch.S).
 * `threadtest NAME` runs one test; its result line is what
 * labs/thread/grade.py reads.
 *
 *   order      three threads that yield after each step run round robin
 *   registers  s0..s11 of every thread survive its switches
 *   stack      a thread's stack (locals, nested frames) survives them too
 *   slots      every slot can be used, a full table says -1, an exited
 *              thread's slot is used again
 *   greedy     a thread that does not yield keeps the others from running
 *              (the cooperative approach's weakness), until it yields
 */
#include "kernel/types.h"
#include "user/user.h"
#include "labs/labtest.h"
#include "labs/thread/uthread.h"

/* ---------------------------------------------------------------- order */

#define STEPS 4
static char order[3 * STEPS * 3 + 1];
static int order_len;

static void
stepper(void *arg)
{
  char name = (char)(uint64)arg;
  for (int i = 0; i < STEPS; i++) {
    order[order_len++] = name;
    order[order_len++] = (char)('0' + i);
    order[order_len++] = ' ';
    thread_yield();
  }
}

static void
t_order(void)
{
  for (char c = 'a'; c <= 'c'; c++) {
    int id = thread_create(stepper, (void *)(uint64)c);
    expect(id > 0, "thread_create returned %d, not a thread id", id);
  }
  expect(order_len == 0, "a thread ran before any thread yielded");
  thread_join_all();
  order[order_len] = 0;
  printf("order: %s\n", order);
  expect(order_len == 3 * STEPS * 3, "the threads took %d steps, not %d",
         order_len / 3, 3 * STEPS);
}

/* ------------------------------------------------------------ registers */

/*
 * uint64 regcheck(uint64 seed): put seed+0 .. seed+11 in s0..s11, call
 * thread_yield(), and count the s registers that no longer hold their
 * value afterwards.  The caller's s registers are kept (it is a function
 * like any other), so C code around it is not disturbed.
 */
uint64 regcheck(uint64 seed);
asm(".text\n"
    ".globl regcheck\n"
    "regcheck:\n"
    "  addi sp, sp, -112\n"
    "  sd ra, 0(sp)\n"
    "  sd s0, 8(sp)\n  sd s1, 16(sp)\n  sd s2, 24(sp)\n  sd s3, 32(sp)\n"
    "  sd s4, 40(sp)\n  sd s5, 48(sp)\n  sd s6, 56(sp)\n  sd s7, 64(sp)\n"
    "  sd s8, 72(sp)\n  sd s9, 80(sp)\n  sd s10, 88(sp)\n  sd s11, 96(sp)\n"
    "  sd a0, 104(sp)\n"
    "  addi s0, a0, 0\n  addi s1, a0, 1\n  addi s2, a0, 2\n"
    "  addi s3, a0, 3\n  addi s4, a0, 4\n  addi s5, a0, 5\n"
    "  addi s6, a0, 6\n  addi s7, a0, 7\n  addi s8, a0, 8\n"
    "  addi s9, a0, 9\n  addi s10, a0, 10\n  addi s11, a0, 11\n"
    "  call thread_yield\n"
    "  ld t0, 104(sp)\n"
    "  li a0, 0\n"
    "  addi t1, t0, 0\n  beq s0, t1, 1f\n  addi a0, a0, 1\n1:\n"
    "  addi t1, t0, 1\n  beq s1, t1, 1f\n  addi a0, a0, 1\n1:\n"
    "  addi t1, t0, 2\n  beq s2, t1, 1f\n  addi a0, a0, 1\n1:\n"
    "  addi t1, t0, 3\n  beq s3, t1, 1f\n  addi a0, a0, 1\n1:\n"
    "  addi t1, t0, 4\n  beq s4, t1, 1f\n  addi a0, a0, 1\n1:\n"
    "  addi t1, t0, 5\n  beq s5, t1, 1f\n  addi a0, a0, 1\n1:\n"
    "  addi t1, t0, 6\n  beq s6, t1, 1f\n  addi a0, a0, 1\n1:\n"
    "  addi t1, t0, 7\n  beq s7, t1, 1f\n  addi a0, a0, 1\n1:\n"
    "  addi t1, t0, 8\n  beq s8, t1, 1f\n  addi a0, a0, 1\n1:\n"
    "  addi t1, t0, 9\n  beq s9, t1, 1f\n  addi a0, a0, 1\n1:\n"
    "  addi t1, t0, 10\n  beq s10, t1, 1f\n  addi a0, a0, 1\n1:\n"
    "  addi t1, t0, 11\n  beq s11, t1, 1f\n  addi a0, a0, 1\n1:\n"
    "  ld ra, 0(sp)\n"
    "  ld s0, 8(sp)\n  ld s1, 16(sp)\n  ld s2, 24(sp)\n  ld s3, 32(sp)\n"
    "  ld s4, 40(sp)\n  ld s5, 48(sp)\n  ld s6, 56(sp)\n  ld s7, 64(sp)\n"
    "  ld s8, 72(sp)\n  ld s9, 80(sp)\n  ld s10, 88(sp)\n  ld s11, 96(sp)\n"
    "  addi sp, sp, 112\n"
    "  ret\n");

#define ROUNDS 20
static int reg_bad[MAX_THREADS], reg_rounds[MAX_THREADS];

static void
regthread(void *arg)
{
  int me = thread_self();
  for (int r = 0; r < ROUNDS; r++) {
    uint64 seed = ((uint64)me << 40) | ((uint64)r << 20) | 0x5a5;
    reg_bad[me] += (int)regcheck(seed);
    reg_rounds[me]++;
  }
}

static void
t_registers(void)
{
  int ids[3];
  for (int i = 0; i < 3; i++) {
    ids[i] = thread_create(regthread, 0);
    expect(ids[i] > 0, "thread_create returned %d, not a thread id", ids[i]);
  }
  thread_join_all();
  for (int i = 0; i < 3; i++) {
    expect(reg_rounds[ids[i]] == ROUNDS, "thread %d ran %d of %d rounds",
           ids[i], reg_rounds[ids[i]], ROUNDS);
    expect(reg_bad[ids[i]] == 0,
           "thread %d found %d s registers changed across its yields", ids[i],
           reg_bad[ids[i]]);
  }
  /* the main thread's own, across thread_join_all: */
  expect(regcheck(0x77700) == 0, "the main thread's s registers changed");
}

/* ---------------------------------------------------------------- stack */

#define WORDS 200
static int stack_bad[MAX_THREADS];

/* Fill a frame's locals with this thread's pattern, recurse, yield at
 * every depth, then check the pattern is still there. */
static void
nested(int me, int depth)
{
  volatile uint64 words[WORDS];
  for (int i = 0; i < WORDS; i++)
    words[i] = ((uint64)me << 32) ^ ((uint64)depth << 16) ^ (uint64)i;
  thread_yield();
  if (depth > 0)
    nested(me, depth - 1);
  thread_yield();
  for (int i = 0; i < WORDS; i++)
    if (words[i] != (((uint64)me << 32) ^ ((uint64)depth << 16) ^ (uint64)i))
      stack_bad[me]++;
}

static void
stackthread(void *arg)
{
  nested(thread_self(), 3);
}

static void
t_stack(void)
{
  int ids[4];
  for (int i = 0; i < 4; i++) {
    ids[i] = thread_create(stackthread, 0);
    expect(ids[i] > 0, "thread_create returned %d, not a thread id", ids[i]);
  }
  thread_join_all();
  for (int i = 0; i < 4; i++)
    expect(stack_bad[ids[i]] == 0,
           "thread %d found %d words of its stack changed across yields",
           ids[i], stack_bad[ids[i]]);
}

/* ---------------------------------------------------------------- slots */

static int slot_runs;

static void
counter(void *arg)
{
  thread_yield();
  slot_runs++;
  if (arg)
    thread_exit(); /* half of them exit, half return */
}

static void
t_slots(void)
{
  for (int round = 0; round < 2; round++) {
    for (int i = 1; i < MAX_THREADS; i++) {
      int id = thread_create(counter, (void *)(uint64)(i & 1));
      expect(id > 0 && id < MAX_THREADS,
             "round %d: thread_create %d of %d returned %d", round, i,
             MAX_THREADS - 1, id);
    }
    int id = thread_create(counter, 0);
    expect(id == -1, "thread_create with every slot taken returned %d", id);
    thread_join_all();
    expect(slot_runs == (round + 1) * (MAX_THREADS - 1),
           "after round %d, %d thread runs finished, not %d", round, slot_runs,
           (round + 1) * (MAX_THREADS - 1));
  }
}

/* --------------------------------------------------------------- greedy */

static volatile int other_ran, greedy_saw_other, greedy_done;

static void
greedy(void *arg)
{
  /* long enough that a preempting package would switch meanwhile */
  for (int i = 0; i < 3000000; i++)
    if (other_ran)
      greedy_saw_other = 1;
  greedy_done = 1;
  thread_yield();
  expect(other_ran, "after the greedy thread yielded, the other never ran");
}

static void
polite(void *arg)
{
  other_ran = 1;
}

static void
t_greedy(void)
{
  int a = thread_create(greedy, 0), b = thread_create(polite, 0);
  expect(a > 0 && b > 0, "thread_create returned %d and %d", a, b);
  thread_join_all();
  expect(greedy_done, "the greedy thread did not finish its loop");
  expect(!greedy_saw_other,
         "the other thread ran while the greedy one never yielded");
  expect(other_ran, "the other thread never ran");
  printf("greedy: the other thread waited for the whole loop\n");
}

static const struct labtest tests[] = {
    {"order", t_order}, {"registers", t_registers}, {"stack", t_stack},
    {"slots", t_slots}, {"greedy", t_greedy},       {0, 0},
};

int
main(int argc, char *argv[])
{
  exit(labtest_main(argc, argv, tests));
}

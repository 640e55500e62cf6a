/*
 * The fuzzer's PRNG: splitmix64, a good 64-bit mix, also used to derive
 * each worker's seed from (SEED, slot, generation), so a worker's calls
 * depend only on those and on the results of its own calls.
 */
#include "user/fuzz/fuzz.h"

uint64 rng;

uint64
mix(uint64 x)
{
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64
rnd(void)
{
  rng = mix(rng);
  return rng;
}

/* A number in [0, n). */
uint64
below(uint64 n)
{
  return n ? rnd() % n : 0;
}

/* True with probability 1/n. */
int
one_in(uint64 n)
{
  return below(n) == 0;
}

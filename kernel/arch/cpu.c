/*
 * The per-hart records (kernel/arch/cpu.h), indexed by hart id.  Zero at
 * boot; each hart fills in its own as it starts (kernel/main.c).
 */
#include "kernel/arch/cpu.h"

struct cpu cpus[NCPU];

void
cpu_enter(uint64 hartid)
{
  w_tp((uint64)&cpus[hartid]);
  cpus[hartid].hartid = hartid;
}

/*
 * The per-hart records (kernel/arch/cpu.h), indexed by hart id.  Zero at
 * boot; each hart fills in its own as it starts (kernel/main.c).
 */
#include "kernel/arch/cpu.h"

struct cpu cpus[NCPU];

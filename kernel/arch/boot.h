/*
 * Boot-time layout facts shared by entry.S and C.  Kernel stacks are
 * KSTACK_PAGES pages with an unmapped guard page below each.
 */
#ifndef LDX_BOOT_H
#define LDX_BOOT_H

#include "kernel/param.h"
#include "kernel/riscv.h"

#define KSTACK_PAGES 4
#define BOOT_STACK_SLOT ((KSTACK_PAGES + 1) * PGSIZE)

#ifndef __ASSEMBLER__
#include "kernel/types.h"

/* What the device tree told us, filled in by dtb_parse(). */
struct bootinfo {
  uint64 ram_base, ram_size;
  uint64 dtb_pa, dtb_size;
  uint64 timebase_hz;
  int nharts;
  uint64 hartids[NCPU]; /* ids of the harts we will run on */
  char bootargs[128];
};

extern struct bootinfo bootinfo;
extern char boot_stacks[];

int dtb_parse(uint64 dtb_pa, struct bootinfo *bi);
/* Is word (e.g. "test=panic") one of the space-separated boot arguments? */
int bootarg_has(const char *word);

void kmain(uint64 hartid, uint64 dtb_pa);
void kmain_secondary(uint64 hartid);
extern char _secondary_entry[];
extern volatile uint boot_ready; /* entry.S: strays may join */
#endif

#endif

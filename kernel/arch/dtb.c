/*
 * A minimal reader of the flattened device tree that OpenSBI hands the
 * boot hart in a1.  It extracts only what ldx needs: RAM (/memory reg),
 * the hart ids (/cpus/cpu@N reg), the timer frequency
 * (/cpus timebase-frequency) and the boot arguments (/chosen bootargs).
 *
 * The blob is big-endian.  Layout: a header, then a structure block of
 * 32-bit tokens (BEGIN_NODE name, PROP len nameoff value, END_NODE, END),
 * then a strings block holding property names.  Runs once on the boot
 * hart before anything else, so it takes no locks.
 */
#include "kernel/arch/boot.h"
#include "kernel/lib/lib.h"

#define FDT_MAGIC 0xd00dfeed
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9

struct fdt_header {
  uint32 magic;
  uint32 totalsize;
  uint32 off_dt_struct;
  uint32 off_dt_strings;
  uint32 off_mem_rsvmap;
  uint32 version;
  uint32 last_comp_version;
  uint32 boot_cpuid_phys;
  uint32 size_dt_strings;
  uint32 size_dt_struct;
};

struct bootinfo bootinfo;

static uint32
be32(const void *p)
{
  const uchar *b = p;
  return ((uint32)b[0] << 24) | ((uint32)b[1] << 16) | ((uint32)b[2] << 8) |
         b[3];
}

static uint64
be64(const void *p)
{
  return ((uint64)be32(p) << 32) | be32((const uchar *)p + 4);
}

/* Does node name n (e.g. "cpu@0") have the base name base ("cpu")? */
static int
node_is(const char *n, const char *base)
{
  uint64 len = strlen(base);
  return strncmp(n, base, len) == 0 && (n[len] == '\0' || n[len] == '@');
}

int
dtb_parse(uint64 dtb_pa, struct bootinfo *bi)
{
  const struct fdt_header *h = (const struct fdt_header *)dtb_pa;
  if (be32(&h->magic) != FDT_MAGIC)
    return -1;
  bi->dtb_pa = dtb_pa;
  bi->dtb_size = be32(&h->totalsize);

  const uchar *s = (const uchar *)dtb_pa + be32(&h->off_dt_struct);
  const uchar *send = s + be32(&h->size_dt_struct);
  const char *strings = (const char *)dtb_pa + be32(&h->off_dt_strings);

  /* The path we are in, as node kinds: depth 1 is the root node itself,
   * depth 2 its children. */
  enum { OTHER, MEMORY, CPUS, CPU, CHOSEN } kind[8] = {OTHER};
  int depth = 0;
  int cpu_disabled = 0;
  uint64 cpu_id = 0;

  while (s < send) {
    uint32 tok = be32(s);
    s += 4;
    if (tok == FDT_BEGIN_NODE) {
      const char *name = (const char *)s;
      s += (strlen(name) + 4) & ~3UL; /* name, NUL, pad to 4 */
      depth++;
      if (depth >= (int)NELEM(kind))
        return -1;
      kind[depth] = OTHER;
      if (depth == 2 && node_is(name, "memory"))
        kind[depth] = MEMORY;
      else if (depth == 2 && node_is(name, "cpus"))
        kind[depth] = CPUS;
      else if (depth == 2 && node_is(name, "chosen"))
        kind[depth] = CHOSEN;
      else if (depth == 3 && kind[2] == CPUS && node_is(name, "cpu")) {
        kind[depth] = CPU;
        cpu_disabled = 0;
        cpu_id = ~0UL;
      }
    } else if (tok == FDT_END_NODE) {
      if (depth > 0 && kind[depth] == CPU && !cpu_disabled && cpu_id < NCPU &&
          bi->nharts < NCPU)
        bi->hartids[bi->nharts++] = cpu_id;
      depth--;
    } else if (tok == FDT_PROP) {
      uint32 len = be32(s);
      const char *pname = strings + be32(s + 4);
      const uchar *val = s + 8;
      s += 8 + ((len + 3) & ~3U);
      /* The root and /cpus use #address-cells = 2 / 1 and #size-cells =
       * 2 / 0 on QEMU virt; the lengths below are checked, not assumed. */
      if (kind[depth] == MEMORY && strncmp(pname, "reg", 4) == 0 && len >= 16 &&
          bi->ram_size == 0) {
        bi->ram_base = be64(val);
        bi->ram_size = be64(val + 8);
      } else if (kind[depth] == CPUS &&
                 strncmp(pname, "timebase-frequency", 19) == 0) {
        bi->timebase_hz = len == 8 ? be64(val) : be32(val);
      } else if (kind[depth] == CPU && strncmp(pname, "reg", 4) == 0) {
        cpu_id = len == 8 ? be64(val) : be32(val);
      } else if (kind[depth] == CPU && strncmp(pname, "status", 7) == 0) {
        cpu_disabled = strncmp((const char *)val, "okay", 4) != 0;
      } else if (kind[depth] == CHOSEN && strncmp(pname, "bootargs", 9) == 0) {
        safestrcpy(bi->bootargs, (const char *)val,
                   MIN((int)len + 1, (int)sizeof(bi->bootargs)));
      }
    } else if (tok == FDT_NOP) {
      continue;
    } else if (tok == FDT_END) {
      break;
    } else {
      return -1;
    }
  }
  return bi->ram_size && bi->nharts ? 0 : -1;
}

int
bootarg_has(const char *word)
{
  const char *p = bootinfo.bootargs;
  uint64 n = strlen(word);
  while (*p) {
    while (*p == ' ')
      p++;
    if (strncmp(p, word, n) == 0 && (p[n] == ' ' || p[n] == '\0'))
      return 1;
    while (*p && *p != ' ')
      p++;
  }
  return 0;
}

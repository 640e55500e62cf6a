/*
 * Boot.  OpenSBI starts one hart (any of them: it draws lots) at _entry
 * in S-mode; entry.S gives it a stack and calls kmain().  kmain brings up
 * the machine in dependency order, starts the other harts with SBI HSM,
 * creates the first process and becomes this hart's scheduler.  Every
 * other hart enters at _secondary_entry and runs kmain_secondary(): the
 * per-hart part of the set-up, then its own scheduler.
 *
 * kmain sits at the top of the layers (README.md, "Layers"), so it is the
 * one place that connects a lower layer to the services above it: it
 * registers lib's hooks (console, stopping harts, power off) and proc's
 * (files at fork and exit, the first process's start, return to user).
 */
#include "kernel/arch/boot.h"
#include "kernel/arch/csr.h"
#include "kernel/arch/sbi.h"
#include "kernel/dev/dev.h"
#include "kernel/fs/file.h"
#include "kernel/lib/lib.h"
#include "kernel/memlayout.h"
#include "kernel/mm/mm.h"
#include "kernel/proc/proc.h"
#include "kernel/trap/trap.h"

extern char end[];

/*
 * Power off, telling QEMU this was a failure.  OpenSBI 1.1's SRST reports
 * every shutdown to QEMU as a success (exit status 0), so first write the
 * "fail" command to QEMU's test device, which makes QEMU exit with status
 * 1; a test then sees a panic even when the message is lost.  SRST is the
 * fallback on a machine without that device.
 */
static void __attribute__((noreturn)) power_off_failed(void)
{
  if (csr_read(satp) != 0)
    *(volatile uint32 *)DEV_VA(TESTDEV_PA) = TESTDEV_FAIL | (1 << 16);
  else
    *(volatile uint32 *)TESTDEV_PA = TESTDEV_FAIL | (1 << 16);
  sbi_shutdown(1);
}

static void
sbi_puts(const char *m)
{
  while (*m)
    sbi_console_putchar(*m++);
}

static void
stop_other_harts(void)
{
  sbi_send_ipi(~0UL);
}

/* The first process's start, in its kernel thread (the file system's
 * set-up sleeps on disk I/O, so it cannot run in kmain): mount the root and
 * exec /init.  An image without a runnable /init is a broken disk, not a
 * kernel bug: say so and power off, as an unmountable root does. */
static void
start_init(struct proc *p)
{
  fsinit(ROOTDEV);
  p->cwd = namei("/");
  char *argv[] = {"/init", 0};
  int argc = exec("/init", argv);
  if (argc < 0) {
    printf("init: cannot exec /init: the root file system has no runnable "
           "/init (is fs.img built?)\n");
    power_off_failed();
  }
  p->trapframe->a0 = argc; /* what a system call would have returned */
}

/* What processes get from the layers above them. */
static const struct proc_hooks proc_hooks = {
    .first_run = start_init,
    .fork_files = file_fork,
    .exit_files = file_exit,
    .user_return = usertrap_return,
};

/* What printf and panic (kernel/lib/) get from the layers above them. */
static struct lib_hooks lib_hooks = {
    .console_write = console_write,
    .console_lock = &console_out_lock,
    .raw_puts = sbi_puts,
    .stop_others = stop_other_harts,
    .power_off_failed = power_off_failed,
};

/* Per-hart set-up shared by the boot hart and the others. */
static void
hart_init(uint64 hartid)
{
  struct cpu *c = mycpu();
  kvm_init_hart();
  c->satp_pt = kernel_pagetable;
  trap_init_hart();
  plic_init_hart();
  timer_init_hart();
  /* Let user code read the time CSR (rdtime), for measurements. */
  csr_write(scounteren, SCOUNTEREN_TM | SCOUNTEREN_CY | SCOUNTEREN_IR);
  printf("hart %d: up\n", (int)hartid);
  __atomic_store_n(&c->started, 1, __ATOMIC_RELEASE); /* after the line */
}

/* Boot option test=panic: a panic a few calls deep, to show (and test)
 * the panic report and its backtrace. */
static void __attribute__((noinline)) panic_deep(const char *why)
{
  panic("deliberate panic (%s)", why);
}

static void __attribute__((noinline)) panic_deeper(const char *why)
{
  panic_deep(why);
  __asm__ volatile(""); /* keep the call a call, not a tail jump */
}

void
kmain(uint64 hartid, uint64 dtb_pa)
{
  cpu_enter(hartid);
  uart_init();
  lib_set_hooks(&lib_hooks);
  proc_set_hooks(&proc_hooks);
  if (dtb_parse(dtb_pa, &bootinfo) < 0) {
    printf("ldx: cannot read the device tree at %p\n", (void *)dtb_pa);
    sbi_shutdown(1);
  }
  uint64 ram_end = bootinfo.ram_base + bootinfo.ram_size;
  lib_hooks.ram_end = ram_end;
  printf("\nldx: booting on hart %d, %d harts, RAM %p-%p\n", (int)hartid,
         bootinfo.nharts, (void *)bootinfo.ram_base, (void *)ram_end);

  kalloc_init((uint64)end, ram_end);
  kvm_init(ram_end);
  /* Paging on before the ASID probe, which needs it. */
  kvm_init_hart();
  vm_asid_init();
  uart_use_paging();
  proc_init();
  plic_init();
  timer_init(bootinfo.timebase_hz);
  console_init();
  binit();
  iinit();
  fileinit();
  virtio_disk_init();
  hart_init(hartid);

  /* Start the other harts, one at a time so their lines come in order.
   * A hart that OpenSBI already let into _entry (see entry.S) is running:
   * hart_start refuses it, and it joins once boot_ready is set. */
  __atomic_store_n(&boot_ready, 1, __ATOMIC_RELEASE);
  for (int i = 0; i < bootinfo.nharts; i++) {
    uint64 id = bootinfo.hartids[i];
    if (id == hartid || __atomic_load_n(&cpus[id].started, __ATOMIC_ACQUIRE))
      continue;
    if (sbi_hart_start(id, (uint64)_secondary_entry, 0) != SBI_SUCCESS &&
        sbi_hart_status(id) != SBI_HSM_STARTED) {
      printf("hart %d: could not be started\n", (int)id);
      continue;
    }
    uint rounds = 0;
    while (!__atomic_load_n(&cpus[id].started, __ATOMIC_ACQUIRE))
      spin_relax(&rounds);
  }

  if (bootarg_has("test=panic"))
    panic_deeper("boot option test=panic");

  /* Only now, so that no hart's "up" line lands in the shell's output. */
  userinit();

  scheduler();
}

void
kmain_secondary(uint64 hartid)
{
  cpu_enter(hartid);
  hart_init(hartid);
  scheduler();
}

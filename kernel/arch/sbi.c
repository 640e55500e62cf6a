/*
 * SBI calls: the kernel's requests to OpenSBI in M-mode.
 *
 * The calling convention is an ecall from S-mode with the extension id in
 * a7, the function id in a6 and arguments in a0..a5; OpenSBI answers with
 * an error code in a0 and a value in a1.  Nothing here takes a lock: the
 * calls are per-hart and OpenSBI serialises what it must.
 */
#include "kernel/arch/sbi.h"

struct sbiret
sbi_call(uint64 ext, uint64 fid, uint64 a0, uint64 a1, uint64 a2)
{
  register uint64 r_a0 __asm__("a0") = a0;
  register uint64 r_a1 __asm__("a1") = a1;
  register uint64 r_a2 __asm__("a2") = a2;
  register uint64 r_a6 __asm__("a6") = fid;
  register uint64 r_a7 __asm__("a7") = ext;
  __asm__ volatile("ecall"
                   : "+r"(r_a0), "+r"(r_a1)
                   : "r"(r_a2), "r"(r_a6), "r"(r_a7)
                   : "memory");
  struct sbiret ret = {(long)r_a0, (long)r_a1};
  return ret;
}

/* Ask for a supervisor timer interrupt once the time CSR reaches when. */
void
sbi_set_timer(uint64 when)
{
  sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, when, 0, 0);
}

/* Start a stopped hart at start_pa in S-mode with a0 = hartid, a1 = opaque. */
int
sbi_hart_start(uint64 hartid, uint64 start_pa, uint64 opaque)
{
  return sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, hartid, start_pa, opaque)
      .error;
}

/* The hart's HSM state, or a negative SBI error (no such hart). */
long
sbi_hart_status(uint64 hartid)
{
  struct sbiret r = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_STATUS, hartid, 0, 0);
  return r.error ? r.error : r.value;
}

/* Raise a supervisor software interrupt on each hart in the mask. */
void
sbi_send_ipi(uint64 hart_mask)
{
  sbi_call(SBI_EXT_IPI, SBI_IPI_SEND, hart_mask, 0, 0);
}

/* Power the machine off; QEMU exits.  failure != 0 reports a failure. */
void
sbi_shutdown(int failure)
{
  sbi_call(SBI_EXT_SRST, SBI_SRST_RESET, SBI_SRST_SHUTDOWN,
           failure ? SBI_SRST_REASON_FAILURE : SBI_SRST_REASON_NONE, 0);
  for (;;)
    __asm__ volatile("wfi");
}

/* Legacy console output through OpenSBI: slow, but needs no driver. */
void
sbi_console_putchar(int c)
{
  sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, c, 0, 0);
}

/*
 * The Supervisor Binary Interface: how the S-mode kernel asks OpenSBI
 * (running in M-mode) for what only M-mode can do: program the timer
 * comparator, start harts, send inter-processor interrupts, power off.
 * Every call returns {error, value}; error 0 is success.
 */
#ifndef LDX_SBI_H
#define LDX_SBI_H

#include "kernel/types.h"

/* Extension ids (a7) and function ids (a6). */
#define SBI_EXT_BASE 0x10
#define SBI_BASE_GET_SPEC_VERSION 0
#define SBI_BASE_PROBE_EXT 3
#define SBI_EXT_TIME 0x54494D45
#define SBI_TIME_SET_TIMER 0
#define SBI_EXT_IPI 0x735049
#define SBI_IPI_SEND 0
#define SBI_EXT_HSM 0x48534D
#define SBI_HSM_HART_START 0
#define SBI_HSM_HART_STOP 1
#define SBI_HSM_HART_STATUS 2
#define SBI_EXT_SRST 0x53525354
#define SBI_SRST_RESET 0
#define SBI_SRST_SHUTDOWN 0
#define SBI_SRST_COLD_REBOOT 1
#define SBI_SRST_REASON_NONE 0
#define SBI_SRST_REASON_FAILURE 1
#define SBI_EXT_LEGACY_PUTCHAR 0x01

#define SBI_SUCCESS 0
#define SBI_ERR_INVALID_PARAM (-3)

/* HSM hart states. */
#define SBI_HSM_STARTED 0
#define SBI_HSM_STOPPED 1

struct sbiret {
  long error;
  long value;
};

struct sbiret sbi_call(uint64 ext, uint64 fid, uint64 a0, uint64 a1, uint64 a2);

void sbi_set_timer(uint64 when);
int sbi_hart_start(uint64 hartid, uint64 start_pa, uint64 opaque);
long sbi_hart_status(uint64 hartid);
void sbi_send_ipi(uint64 hart_mask);
__attribute__((noreturn)) void sbi_shutdown(int failure);
void sbi_console_putchar(int c);

#endif

/*
 * The NS16550A UART: the console's wire.
 *
 * Output is polled (wait until the transmit holding register is empty,
 * then write), so it works from the first instruction of C and inside a
 * panic.  Input raises a PLIC interrupt; uart_intr() drains the receive
 * FIFO into the console line discipline.
 *
 * The registers are reached at their physical address until paging is on,
 * then at DEV_VA(UART0_PA) (uart_use_paging).  Locks: none here; callers
 * serialise output with console_out_lock.
 */
#include "kernel/dev/dev.h"
#include "kernel/mm/mm.h"

/* Register offsets (bytes) and bits. */
#define UART_RHR 0 /* receive holding (read) */
#define UART_THR 0 /* transmit holding (write) */
#define UART_DLL 0 /* divisor low, with LCR_DLAB */
#define UART_IER 1 /* interrupt enable */
#define UART_DLM 1 /* divisor high, with LCR_DLAB */
#define UART_FCR 2 /* FIFO control (write) */
#define UART_LCR 3 /* line control */
#define UART_LSR 5 /* line status */

#define IER_RX_ENABLE (1 << 0)
#define FCR_FIFO_ENABLE (1 << 0)
#define FCR_FIFO_CLEAR (3 << 1)
#define LCR_EIGHT_BITS (3 << 0)
#define LCR_DLAB (1 << 7)
#define LSR_RX_READY (1 << 0)
#define LSR_TX_IDLE (1 << 5)

static volatile uchar *uart = (volatile uchar *)UART0_PA;

void
uart_init(void)
{
  uart[UART_IER] = 0;
  uart[UART_LCR] = LCR_DLAB; /* 38.4K baud: divisor 3 of 115.2K */
  uart[UART_DLL] = 3;
  uart[UART_DLM] = 0;
  uart[UART_LCR] = LCR_EIGHT_BITS;
  uart[UART_FCR] = FCR_FIFO_ENABLE | FCR_FIFO_CLEAR;
  uart[UART_IER] = IER_RX_ENABLE;
}

void
uart_use_paging(void)
{
  uart = (volatile uchar *)DEV_VA(UART0_PA);
}

void
uart_putc_sync(int c)
{
  while ((uart[UART_LSR] & LSR_TX_IDLE) == 0)
    ;
  uart[UART_THR] = c;
}

void
uart_intr(void)
{
  while (uart[UART_LSR] & LSR_RX_READY)
    console_intr(uart[UART_RHR]);
}

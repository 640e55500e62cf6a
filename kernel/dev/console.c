/*
 * The console: the device file with major number CONSOLE, on the UART.
 *
 * Input goes through a small line discipline run from the UART interrupt:
 * characters are echoed and collected until newline; backspace erases,
 * Ctrl-U erases the line, Ctrl-D ends input (read returns what is there,
 * or 0 at the start of a line), Ctrl-P lists the processes.  A reader
 * sleeps until a whole line (or Ctrl-D) is available.
 *
 * Locks: cons.lock guards the input buffer; console_out_lock serialises
 * output (held by printf across a call, and by console device writes per
 * chunk).  They are never held together.
 */
#include "kernel/dev/dev.h"
#include "kernel/fs/file.h"
#include "kernel/lib/lib.h"
#include "kernel/proc/proc.h"

#define CTRL(x) ((x) - '@')
#define BACKSPACE 0x100 /* echo code: erase one character on the screen */
#define INPUT_BUF 128

struct spinlock console_out_lock =
    SPINLOCK_INIT("console_out", LOCK_RANK_PRINT);

static struct {
  struct spinlock lock;
  char buf[INPUT_BUF];
  uint r; /* next to read */
  uint w; /* end of the lines readers may take */
  uint e; /* end of the line being edited */
} cons;

void
console_write(const char *s, int n)
{
  for (int i = 0; i < n; i++)
    uart_putc_sync(s[i]);
}

static void
echo(int c)
{
  if (c == BACKSPACE) {
    uart_putc_sync('\b');
    uart_putc_sync(' ');
    uart_putc_sync('\b');
  } else {
    uart_putc_sync(c);
  }
}

/* devsw write: copy from the caller in chunks, print each under the lock. */
static int
console_dev_write(int user_src, uint64 src, int n)
{
  char chunk[128];
  int done = 0;
  while (done < n) {
    int m = MIN(n - done, (int)sizeof(chunk));
    if (either_copyin(chunk, user_src, src + done, m) < 0)
      return done > 0 ? done : -1;
    acquire(&console_out_lock);
    console_write(chunk, m);
    release(&console_out_lock);
    done += m;
  }
  return done;
}

/* devsw read: up to one line, sleeping until it is complete. */
static int
console_dev_read(int user_dst, uint64 dst, int n)
{
  int got = 0;
  acquire(&cons.lock);
  while (got < n) {
    while (cons.r == cons.w) {
      if (proc_killed(myproc())) {
        release(&cons.lock);
        return -1;
      }
      sleep(&cons.r, &cons.lock);
    }
    int c = cons.buf[cons.r++ % INPUT_BUF];
    if (c == CTRL('D')) {
      /* End of input.  Keep it for next time if we already have data,
       * so the caller sees this line now and 0 on the next read. */
      if (got > 0)
        cons.r--;
      break;
    }
    char ch = c;
    if (either_copyout(user_dst, dst + got, &ch, 1) < 0) {
      if (got == 0)
        got = -1;
      break;
    }
    got++;
    if (c == '\n')
      break;
  }
  release(&cons.lock);
  return got;
}

/* Called by uart_intr() for every character typed. */
void
console_intr(int c)
{
  if (c == CTRL('P')) {
    proc_dump();
    return;
  }
  acquire(&cons.lock);
  switch (c) {
  case CTRL('U'):
    while (cons.e != cons.w && cons.buf[(cons.e - 1) % INPUT_BUF] != '\n') {
      cons.e--;
      echo(BACKSPACE);
    }
    break;
  case '\b':
  case '\x7f':
    if (cons.e != cons.w) {
      cons.e--;
      echo(BACKSPACE);
    }
    break;
  default:
    if (c == 0 || cons.e - cons.r >= INPUT_BUF)
      break;
    if (c == '\r')
      c = '\n';
    echo(c);
    cons.buf[cons.e++ % INPUT_BUF] = c;
    if (c == '\n' || c == CTRL('D') || cons.e - cons.r == INPUT_BUF) {
      cons.w = cons.e;
      wakeup(&cons.r);
    }
    break;
  }
  release(&cons.lock);
}

void
console_init(void)
{
  spinlock_init(&cons.lock, "cons");
  devsw[CONSOLE].read = console_dev_read;
  devsw[CONSOLE].write = console_dev_write;
}

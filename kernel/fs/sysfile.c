/*
 * The file-system system calls: argument checking and the calls' logic,
 * on top of file.c (open files) and fs.c (inodes, names).
 *
 * Interface: sys_read, sys_write, sys_close, sys_dup, sys_fstat, sys_link,
 * sys_unlink, sys_open, sys_mkdir, sys_mknod, sys_chdir, sys_pipe and
 * sys_exec, dispatched by syscall() (prototypes in sysdecl.h).  Each
 * returns -1 for any bad argument: a descriptor out of range or not open,
 * a negative length, a bad pointer, a path too long or naming nothing.
 *
 * Every call that may change the disk runs in one transaction
 * (begin_op/end_op); calls that only read names still take one, because
 * dropping the last reference to an unlinked inode (iput) frees it.
 *
 * Locks: at most two inode locks at once, parent directory before child
 * (unlink, create); "." and ".." are never removed, and a damaged entry
 * naming the directory itself or an ancestor is refused before its lock is
 * taken (child_of), so the child is never the parent or an ancestor.  p->ofile and p->cwd belong to
 * the calling process alone.
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "kernel/fs.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/fs/file.h"
#include "kernel/lib/lib.h"
#include "kernel/lock/lock.h"
#include "kernel/mm/mm.h"
#include "kernel/proc/proc.h"
#include "kernel/trap/trap.h"
#include "kernel/trap/sysdecl.h"

/* The open file behind descriptor argument n, in *pfd and *pf; -1 if none. */
static int
argfd(int n, int *pfd, struct file **pf)
{
  int fd;
  struct file *f;

  argint(n, &fd);
  if (fd < 0 || fd >= NOFILE || (f = myproc()->ofile[fd]) == 0)
    return -1;
  if (pfd)
    *pfd = fd;
  if (pf)
    *pf = f;
  return 0;
}

/* Give f the lowest free descriptor; -1 if the process has none left. */
static int
fdalloc(struct file *f)
{
  struct proc *p = myproc();

  for (int fd = 0; fd < NOFILE; fd++) {
    if (p->ofile[fd] == 0) {
      p->ofile[fd] = f;
      return fd;
    }
  }
  return -1;
}

/* The (fd, buffer, count) arguments of read and write. */
static int
argrw(struct file **f, uint64 *addr, int *n)
{
  argaddr(1, addr);
  argint(2, n);
  return argfd(0, 0, f) < 0 || *n < 0 ? -1 : 0;
}

uint64
sys_read(void)
{
  struct file *f;
  uint64 addr;
  int n;

  if (argrw(&f, &addr, &n) < 0)
    return -1;
  return fileread(f, addr, n);
}

uint64
sys_write(void)
{
  struct file *f;
  uint64 addr;
  int n;

  if (argrw(&f, &addr, &n) < 0)
    return -1;
  return filewrite(f, addr, n);
}

uint64
sys_close(void)
{
  struct file *f;
  int fd;

  if (argfd(0, &fd, &f) < 0)
    return -1;
  myproc()->ofile[fd] = 0;
  fileclose(f);
  return 0;
}

uint64
sys_dup(void)
{
  struct file *f;
  int fd;

  if (argfd(0, 0, &f) < 0)
    return -1;
  if ((fd = fdalloc(f)) < 0)
    return -1;
  filedup(f);
  return fd;
}

uint64
sys_fstat(void)
{
  struct file *f;
  uint64 st;

  argaddr(1, &st);
  if (argfd(0, 0, &f) < 0)
    return -1;
  return filestat(f, st);
}

static int
is_dot_or_dotdot(const char *name)
{
  return namecmp(name, ".") == 0 || namecmp(name, "..") == 0;
}

/* Has directory dp (locked) no entries but "." and ".."? */
static int
dir_is_empty(struct inode *dp)
{
  struct dirent de;

  for (uint off = 0; off + sizeof(de) <= dp->size; off += sizeof(de)) {
    if (readi(dp, 0, (uint64)&de, off, sizeof(de)) != sizeof(de))
      return 0; /* unreadable: do not call it empty */
    if (de.inum != 0 && !is_dot_or_dotdot(de.name))
      return 0;
  }
  return 1;
}

/*
 * Both names are looked up before anything is written, so a lookup that
 * fails (no such name, inode table full) changes nothing.  The link count
 * stops at MAXLINK: past it the short would wrap and free a named inode.
 */
uint64
sys_link(void)
{
  char name[DIRSIZ], old[MAXPATH], new[MAXPATH];
  struct inode *dp, *ip;
  int ok;

  if (argstr(0, old, MAXPATH) < 0 || argstr(1, new, MAXPATH) < 0)
    return -1;

  begin_op();
  if ((ip = namei(old)) == 0) {
    end_op();
    return -1;
  }
  if ((dp = nameiparent(new, name)) == 0) {
    iput(ip);
    end_op();
    return -1;
  }
  ilock(ip);
  ok = ip->type != T_DIR && ip->type != 0 && ip->nlink >= 1 &&
       ip->nlink < MAXLINK && dp->dev == ip->dev;
  if (ok) {
    ip->nlink++;
    iupdate(ip);
  }
  iunlock(ip);
  if (ok) {
    ilock(dp);
    ok = dirlink(dp, name, ip->inum) == 0;
    iunlock(dp);
    if (!ok) {
      ilock(ip);
      ip->nlink--;
      iupdate(ip);
      iunlock(ip);
    }
  }
  iput(dp);
  iput(ip);
  end_op();
  return ok ? 0 : -1;
}

/*
 * The inode named name in dp (locked), referenced, with its entry's
 * offset in *poff; 0 if none, the table is full, or the entry is damaged
 * (it names dp itself, or a directory whose ".." does not name dp: an
 * ancestor, say).  Returns with dp locked again.  The child is checked
 * with dp unlocked, because until it is known to be a child, taking its
 * lock under dp's could deadlock against the parent-first order.
 */
static struct inode *
child_of(struct inode *dp, char *name, uint *poff)
{
  struct inode *ip;
  uint inum = dir_find(dp, name, poff);

  if (inum == 0)
    return 0;
  if (inum == dp->inum) {
    printf("unlink: directory %u names itself as %s: refused\n", inum, name);
    return 0;
  }
  if ((ip = iget(dp->dev, inum)) == 0)
    return 0;
  iunlock(dp);
  ilock(ip);
  int bad = ip->type == T_DIR && dir_find(ip, "..", 0) != dp->inum;
  iunlock(ip);
  ilock(dp);
  if (bad) {
    printf("unlink: directory %u names directory %u, not its child, as %s: "
           "refused\n",
           dp->inum, inum, name);
  } else if (dir_find(dp, name, poff) != inum) {
    bad = 1; /* the entry changed while dp was unlocked */
  }
  if (bad) {
    iput(ip);
    return 0;
  }
  return ip;
}

uint64
sys_unlink(void)
{
  char name[DIRSIZ], path[MAXPATH];
  struct inode *dp, *ip;
  struct dirent de;
  uint off;

  if (argstr(0, path, MAXPATH) < 0)
    return -1;

  begin_op();
  if ((dp = nameiparent(path, name)) == 0) {
    end_op();
    return -1;
  }
  ilock(dp);
  if (is_dot_or_dotdot(name) || (ip = child_of(dp, name, &off)) == 0)
    goto fail;
  ilock(ip);
  if (ip->nlink < 1 || ip->type == 0) {
    printf("unlink: inode %u is damaged (nlink %d, type %d)\n", ip->inum,
           ip->nlink, ip->type);
    iunlockput(ip);
    goto fail;
  }
  if (ip->type == T_DIR && !dir_is_empty(ip)) {
    iunlockput(ip);
    goto fail;
  }

  memset(&de, 0, sizeof(de));
  if (writei(dp, 0, (uint64)&de, off, sizeof(de)) != sizeof(de)) {
    iunlockput(ip);
    goto fail;
  }
  if (ip->type == T_DIR && dp->nlink > 1) {
    dp->nlink--; /* the child's ".." (1 more is dp's own name) */
    iupdate(dp);
  }
  iunlockput(dp);

  ip->nlink--;
  iupdate(ip);
  iunlockput(ip);
  end_op();
  return 0;

fail:
  iunlockput(dp);
  end_op();
  return -1;
}

/*
 * Make a new inode of the given type named path and return it locked; an
 * existing file is returned instead when a file is asked for (open with
 * O_CREATE).  0 on failure.  Runs inside the caller's transaction.
 */
static struct inode *
create(char *path, short type, short major, short minor)
{
  char name[DIRSIZ];
  struct inode *dp, *ip;

  if ((dp = nameiparent(path, name)) == 0)
    return 0;
  ilock(dp);

  uint inum = dir_find(dp, name, 0);
  if (inum != 0) {
    /* The name exists: with the inode table full it still exists. */
    ip = iget(dp->dev, inum);
    iunlockput(dp);
    if (ip == 0)
      return 0;
    ilock(ip);
    if (type == T_FILE && (ip->type == T_FILE || ip->type == T_DEVICE))
      return ip;
    iunlockput(ip);
    return 0;
  }
  /* A directory's ".." adds to dp's link count. */
  if (is_dot_or_dotdot(name) || (type == T_DIR && dp->nlink >= MAXLINK) ||
      (ip = ialloc(dp->dev, type)) == 0) {
    iunlockput(dp);
    return 0;
  }

  ilock(ip);
  ip->major = major;
  ip->minor = minor;
  ip->nlink = 1;
  iupdate(ip);

  if (type == T_DIR) {
    /* No nlink for "." (it would keep the directory alive forever). */
    if (dirlink(ip, ".", ip->inum) < 0 || dirlink(ip, "..", dp->inum) < 0)
      goto fail;
  }
  if (dirlink(dp, name, ip->inum) < 0)
    goto fail;
  if (type == T_DIR) {
    dp->nlink++; /* the child's ".." */
    iupdate(dp);
  }
  iunlockput(dp);
  return ip;

fail:
  /* nlink 0: the iput frees the inode and any blocks it got. */
  ip->nlink = 0;
  iupdate(ip);
  iunlockput(ip);
  iunlockput(dp);
  return 0;
}

uint64
sys_open(void)
{
  char path[MAXPATH];
  struct inode *ip;
  struct file *f;
  int omode, fd;

  argint(1, &omode);
  if (argstr(0, path, MAXPATH) < 0)
    return -1;

  /* The file and descriptor first: when either table is full, open fails
   * before it creates or truncates anything. */
  if ((f = filealloc()) == 0)
    return -1;
  if ((fd = fdalloc(f)) < 0) {
    fileclose(f); /* still FD_NONE: nothing else to undo */
    return -1;
  }

  begin_op();
  if (omode & O_CREATE) {
    if ((ip = create(path, T_FILE, 0, 0)) == 0)
      goto fail_noip;
  } else {
    if ((ip = namei(path)) == 0)
      goto fail_noip;
    ilock(ip);
  }

  int writable = (omode & O_WRONLY) || (omode & O_RDWR);
  if (ip->type == 0 || (ip->type == T_DIR && (writable || (omode & O_TRUNC))) ||
      (ip->type == T_DEVICE && (ip->major < 0 || ip->major >= NDEV)))
    goto fail;

  if (ip->type == T_DEVICE) {
    f->type = FD_DEVICE;
    f->major = ip->major;
  } else {
    f->type = FD_INODE;
    f->off = 0;
  }
  f->ip = ip;
  f->readable = !(omode & O_WRONLY);
  f->writable = writable;

  /* Truncation only for a writer.  The size goes to 0 in this transaction;
   * the blocks, which may need more log space than one call has, after. */
  int truncate = (omode & O_TRUNC) && writable && ip->type == T_FILE;
  if (truncate && ip->size != 0) {
    ip->size = 0;
    iupdate(ip);
  }
  iunlock(ip);
  end_op();
  if (truncate)
    itrunc_finish(ip);
  return fd;

fail:
  iunlockput(ip);
fail_noip:
  end_op();
  myproc()->ofile[fd] = 0;
  fileclose(f);
  return -1;
}

uint64
sys_mkdir(void)
{
  char path[MAXPATH];
  struct inode *ip;

  if (argstr(0, path, MAXPATH) < 0)
    return -1;
  begin_op();
  if ((ip = create(path, T_DIR, 0, 0)) == 0) {
    end_op();
    return -1;
  }
  iunlockput(ip);
  end_op();
  return 0;
}

uint64
sys_mknod(void)
{
  char path[MAXPATH];
  struct inode *ip;
  int major, minor;

  argint(1, &major);
  argint(2, &minor);
  if (argstr(0, path, MAXPATH) < 0)
    return -1;
  if (major < 0 || major >= NDEV || minor < 0 || minor > 0x7fff)
    return -1;
  begin_op();
  if ((ip = create(path, T_DEVICE, major, minor)) == 0) {
    end_op();
    return -1;
  }
  iunlockput(ip);
  end_op();
  return 0;
}

uint64
sys_chdir(void)
{
  char path[MAXPATH];
  struct inode *ip;
  struct proc *p = myproc();

  if (argstr(0, path, MAXPATH) < 0)
    return -1;
  begin_op();
  if ((ip = namei(path)) == 0) {
    end_op();
    return -1;
  }
  ilock(ip);
  if (ip->type != T_DIR) {
    iunlockput(ip);
    end_op();
    return -1;
  }
  iunlock(ip);
  if (p->cwd)
    iput(p->cwd);
  end_op();
  p->cwd = ip;
  return 0;
}

uint64
sys_pipe(void)
{
  struct proc *p = myproc();
  struct file *rf, *wf;
  uint64 fdarray;
  int fd0, fd1;

  argaddr(0, &fdarray);
  if (pipealloc(&rf, &wf) < 0)
    return -1;
  fd0 = fdalloc(rf);
  fd1 = fd0 < 0 ? -1 : fdalloc(wf);
  if (fd1 < 0) {
    if (fd0 >= 0)
      p->ofile[fd0] = 0;
    fileclose(rf);
    fileclose(wf);
    return -1;
  }
  if (copyout(p->pagetable, fdarray, &fd0, sizeof(fd0)) < 0 ||
      copyout(p->pagetable, fdarray + sizeof(fd0), &fd1, sizeof(fd1)) < 0) {
    p->ofile[fd0] = 0;
    p->ofile[fd1] = 0;
    fileclose(rf);
    fileclose(wf);
    return -1;
  }
  return 0;
}

uint64
sys_exec(void)
{
  char path[MAXPATH];
  char *argv[MAXARG + 1];
  uint64 uargv, uarg;
  int i, ret = -1;

  argaddr(1, &uargv);
  if (argstr(0, path, MAXPATH) < 0)
    return -1;

  memset(argv, 0, sizeof(argv));
  for (i = 0;; i++) {
    if (fetchaddr(uargv + sizeof(uint64) * i, &uarg) < 0)
      goto out;
    if (uarg == 0)
      break;
    if (i >= MAXARG)
      goto out; /* more than MAXARG strings */
    if ((argv[i] = kalloc()) == 0)
      goto out;
    if (fetchstr(uarg, argv[i], PGSIZE) < 0)
      goto out;
  }
  ret = exec(path, argv);

out:
  for (i = 0; i <= MAXARG && argv[i] != 0; i++)
    kfree(argv[i]);
  return ret;
}

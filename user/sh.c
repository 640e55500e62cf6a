/*
 * sh: the shell.
 *
 *   sh          read commands from the console, prompting with "$ "
 *   sh FILE     run the commands in FILE, then exit 0
 *
 * The prompt "$ " goes to fd 2 before every command is read, whatever the
 * input (console, pipe, "sh < file", a script): course graders type their
 * next command when they see it.  Output on fd 1 stays clean.
 *
 * As in xv6's shell, quotes are ordinary characters (echo "hi" prints
 * "hi", quotes included), and a command that cannot run prints
 * "exec NAME failed".
 *
 * Each line goes through three stages:
 *   lex     the line -> tokens: words (# at the start of one begins a
 *           comment) and the operators | < > >> ; & ( )
 *   parse   tokens -> a tree, by recursive descent over this grammar:
 *             list     := pipeline { (';' | '&') [pipeline] }
 *             pipeline := command { '|' command }
 *             command  := simple | '(' list ')' { redir }
 *             simple   := { WORD | redir }          (at least one)
 *             redir    := ('<' | '>' | '>>') WORD
 *   run     walk the tree.  The shell itself runs ';' lists, '&' and the
 *           builtins cd and exit; every program runs in a forked child.
 *
 * A syntax error is reported ("sh: syntax error near '|'") and the line
 * dropped; the shell carries on.  Tokens, words and tree nodes live in
 * static arrays that every line reuses, so the shell never calls malloc
 * and needs little of its one-page stack.
 *
 * Waiting: the shell waits only for the processes it started in the
 * foreground.  wait() may return a finished background job instead; that
 * job is thereby reaped and the shell keeps waiting.
 */
#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/param.h"
#include "user/user.h"

#define MAXLINE 512  /* longest command line */
#define MAXTOK 128   /* tokens in one line */
#define MAXNODE 64   /* tree nodes in one line */
#define MAXREDIR 4   /* redirections on one command */
#define MAXDEPTH 8   /* nested parentheses */
#define NOTFOUND 127 /* exit status when a program cannot be run */

/* ------------------------------------------------------------- lexing */

enum toktype {
  TK_WORD,
  TK_PIPE,   /* | */
  TK_IN,     /* < */
  TK_OUT,    /* > */
  TK_APPEND, /* >> */
  TK_SEMI,   /* ; */
  TK_AMP,    /* & */
  TK_LPAREN, /* ( */
  TK_RPAREN, /* ) */
  TK_END,    /* end of the line */
};

struct token {
  enum toktype type;
  char *word; /* TK_WORD only */
};

static struct token toks[MAXTOK];
static int ntok;
static char words[2 * MAXLINE]; /* the words, NUL-terminated */

static const char *
tokname(struct token *t)
{
  static const char *names[] = {
      [TK_PIPE] = "|",    [TK_IN] = "<",     [TK_OUT] = ">",
      [TK_APPEND] = ">>", [TK_SEMI] = ";",   [TK_AMP] = "&",
      [TK_LPAREN] = "(",  [TK_RPAREN] = ")", [TK_END] = "newline",
  };
  return t->type == TK_WORD ? t->word : names[t->type];
}

static int
isblank(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
isspecial(char c)
{
  return strchr("|<>;&()", c) != 0;
}

static int
addtok(enum toktype type, char *word)
{
  if (ntok == MAXTOK - 1) {
    fprintf(2, "sh: too many words\n");
    return -1;
  }
  toks[ntok].type = type;
  toks[ntok].word = word;
  ntok++;
  return 0;
}

/* Split line into toks[]; always ends with TK_END.  Returns -1 on error. */
static int
lex(char *line)
{
  char *s = line;
  char *w = words;
  ntok = 0;

  for (;;) {
    while (isblank(*s))
      s++;
    if (*s == 0 || *s == '#')
      break;
    if (isspecial(*s)) {
      enum toktype t;
      switch (*s++) {
      case '|':
        t = TK_PIPE;
        break;
      case '<':
        t = TK_IN;
        break;
      case '>':
        t = TK_OUT;
        if (*s == '>') {
          s++;
          t = TK_APPEND;
        }
        break;
      case ';':
        t = TK_SEMI;
        break;
      case '&':
        t = TK_AMP;
        break;
      case '(':
        t = TK_LPAREN;
        break;
      default:
        t = TK_RPAREN;
        break;
      }
      if (addtok(t, 0) < 0)
        return -1;
      continue;
    }

    /* A word: runs until a blank or an operator. */
    if (addtok(TK_WORD, w) < 0)
      return -1;
    while (*s && !isblank(*s) && !isspecial(*s))
      *w++ = *s++;
    *w++ = 0;
  }
  toks[ntok].type = TK_END;
  toks[ntok].word = 0;
  ntok++;
  return 0;
}

/* ------------------------------------------------------------ parsing */

enum nodetype {
  N_EXEC, /* a program: argv and redirections */
  N_PIPE, /* left | right */
  N_LIST, /* left ; right */
  N_BACK, /* left & */
  N_SUB,  /* ( left ) with redirections */
};

struct redir {
  enum toktype type; /* TK_IN, TK_OUT or TK_APPEND */
  char *file;
};

struct node {
  enum nodetype type;
  struct node *left, *right;
  int argc;
  char *argv[MAXARG + 1];
  int nredir;
  struct redir redir[MAXREDIR];
};

static struct node nodes[MAXNODE];
static int nnode;
static int pos;   /* next token */
static int bad;   /* a syntax error was reported for this line */
static int depth; /* open parentheses */

static struct node *parse_list(void);

static struct token *
peek(void)
{
  return &toks[pos];
}

static void
syntax(const char *what)
{
  if (!bad)
    fprintf(2, "sh: syntax error near '%s'\n", what);
  bad = 1;
}

/* Complain about the token at pos.  At the end of the line the culprit is
 * the operator before it ("ls |" is an error near '|'). */
static void
unexpected(void)
{
  if (peek()->type == TK_END && pos > 0)
    syntax(tokname(&toks[pos - 1]));
  else
    syntax(tokname(peek()));
}

static struct node *
newnode(enum nodetype type, struct node *left, struct node *right)
{
  if (nnode == MAXNODE) {
    if (!bad)
      fprintf(2, "sh: command too complex\n");
    bad = 1;
    return 0;
  }
  struct node *n = &nodes[nnode++];
  memset(n, 0, sizeof(*n));
  n->type = type;
  n->left = left;
  n->right = right;
  return n;
}

static int
isredir(enum toktype t)
{
  return t == TK_IN || t == TK_OUT || t == TK_APPEND;
}

/* A redirection at pos, added to n. */
static void
parse_redir(struct node *n)
{
  enum toktype t = peek()->type;
  pos++;
  if (peek()->type != TK_WORD) {
    unexpected();
    return;
  }
  if (n->nredir == MAXREDIR) {
    if (!bad)
      fprintf(2, "sh: too many redirections\n");
    bad = 1;
    return;
  }
  n->redir[n->nredir].type = t;
  n->redir[n->nredir].file = peek()->word;
  n->nredir++;
  pos++;
}

static struct node *
parse_command(void)
{
  struct node *n;

  if (peek()->type == TK_LPAREN) {
    pos++;
    if (++depth > MAXDEPTH) {
      if (!bad)
        fprintf(2, "sh: parentheses nested too deeply\n");
      bad = 1;
      return 0;
    }
    struct node *inner = parse_list();
    depth--;
    if (bad)
      return 0;
    if (peek()->type == TK_END) {
      if (!bad)
        fprintf(2, "sh: syntax error: missing ')'\n");
      bad = 1;
      return 0;
    }
    if (inner == 0 || peek()->type != TK_RPAREN) {
      unexpected();
      return 0;
    }
    pos++;
    if ((n = newnode(N_SUB, inner, 0)) == 0)
      return 0;
    while (!bad && isredir(peek()->type))
      parse_redir(n);
    if (!bad && peek()->type == TK_WORD)
      unexpected();
    return bad ? 0 : n;
  }

  if ((n = newnode(N_EXEC, 0, 0)) == 0)
    return 0;
  while (!bad) {
    struct token *t = peek();
    if (t->type == TK_WORD) {
      if (n->argc == MAXARG) {
        fprintf(2, "sh: too many arguments (at most %d)\n", MAXARG);
        bad = 1;
        break;
      }
      n->argv[n->argc++] = t->word;
      pos++;
    } else if (isredir(t->type)) {
      parse_redir(n);
    } else {
      break;
    }
  }
  if (!bad && n->argc == 0 && n->nredir == 0)
    unexpected();
  if (!bad && peek()->type == TK_LPAREN)
    unexpected();
  return bad ? 0 : n;
}

static struct node *
parse_pipeline(void)
{
  struct node *left = parse_command();
  if (bad)
    return 0;
  if (peek()->type != TK_PIPE)
    return left;
  pos++;
  struct node *right = parse_pipeline();
  if (bad)
    return 0;
  return newnode(N_PIPE, left, right);
}

/* A list; stops before ')' or the end of the line.  0 if empty. */
static struct node *
parse_list(void)
{
  struct node *list = 0;

  while (!bad) {
    enum toktype t = peek()->type;
    if (t == TK_END || t == TK_RPAREN)
      break;
    struct node *job = parse_pipeline();
    if (bad)
      break;
    t = peek()->type;
    if (t == TK_AMP) {
      pos++;
      job = newnode(N_BACK, job, 0);
    } else if (t == TK_SEMI) {
      pos++;
    } else if (t != TK_END && t != TK_RPAREN) {
      unexpected();
      break;
    }
    list = list ? newnode(N_LIST, list, job) : job;
  }
  return bad ? 0 : list;
}

/* The tree for the tokens in toks[], or 0 for an empty or bad line. */
static struct node *
parse(void)
{
  nnode = 0;
  pos = 0;
  bad = 0;
  depth = 0;
  struct node *n = parse_list();
  if (!bad && peek()->type != TK_END)
    unexpected(); /* a ')' with no '(' */
  return bad ? 0 : n;
}

/* ------------------------------------------------------------ running */

static int scriptfd = -1; /* the script being run, or -1 */

static int run(struct node *n);
static void runchild(struct node *n) __attribute__((noreturn));

static int
forkchild(void)
{
  int pid = fork();
  if (pid < 0)
    fprintf(2, "sh: fork failed\n");
  if (pid == 0 && scriptfd >= 0)
    close(scriptfd); /* the script is the shell's, not the program's */
  return pid;
}

/* Wait until every pid in pids[0..n-1] (those > 0) has exited; returns the
 * exit status of the last one.  Other children wait() returns are
 * finished background jobs. */
static int
waitfor(int *pids, int n)
{
  int last = pids[n - 1] > 0 ? 0 : -1;
  int left = 0;
  for (int i = 0; i < n; i++)
    if (pids[i] > 0)
      left++;
  while (left > 0) {
    int status;
    int pid = wait(&status);
    if (pid < 0)
      break;
    for (int i = 0; i < n; i++) {
      if (pids[i] == pid) {
        pids[i] = 0;
        left--;
        if (i == n - 1)
          last = status;
      }
    }
  }
  return last;
}

static int
builtin_cd(int argc, char **argv)
{
  const char *dir = argc > 1 ? argv[1] : "/";
  if (argc > 2) {
    fprintf(2, "usage: cd [dir]\n");
    return 1;
  }
  if (chdir(dir) < 0) {
    fprintf(2, "sh: cd: cannot change directory to %s\n", dir);
    return 1;
  }
  return 0;
}

/* Point fd at a file; in a child, so failure just ends it. */
static void
redirect(struct redir *r)
{
  int fd, target;
  if (r->type == TK_IN) {
    target = 0;
    fd = open(r->file, O_RDONLY);
  } else if (r->type == TK_OUT) {
    target = 1;
    fd = open(r->file, O_WRONLY | O_CREATE | O_TRUNC);
  } else {
    /* No O_APPEND: open for reading too and read to the end. */
    static char skip[512];
    target = 1;
    fd = open(r->file, O_RDWR | O_CREATE);
    if (fd >= 0)
      while (read(fd, skip, sizeof(skip)) > 0)
        ;
  }
  if (fd < 0) {
    fprintf(2, "sh: cannot open %s\n", r->file);
    exit(1);
  }
  if (fd != target) {
    close(target);
    if (dup(fd) != target) {
      fprintf(2, "sh: cannot redirect to %s\n", r->file);
      exit(1);
    }
    close(fd);
  }
}

/* exec argv[0]; a bare name not found as given is looked up in /. */
static void
runprogram(char **argv)
{
  static char path[MAXPATH];

  exec(argv[0], argv);
  if (strchr(argv[0], '/') == 0 && strlen(argv[0]) + 2 <= sizeof(path)) {
    path[0] = '/';
    strcpy(path + 1, argv[0]);
    exec(path, argv);
  }
  fprintf(2, "exec %s failed\n", argv[0]);
  exit(NOTFOUND);
}

/* Run n in this (already forked) process, which then exits. */
static void
runchild(struct node *n)
{
  switch (n->type) {
  case N_EXEC:
    for (int i = 0; i < n->nredir; i++)
      redirect(&n->redir[i]);
    if (n->argc == 0)
      exit(0);
    if (strcmp(n->argv[0], "cd") == 0)
      exit(builtin_cd(n->argc, n->argv));
    if (strcmp(n->argv[0], "exit") == 0)
      exit(n->argc > 1 ? atoi(n->argv[1]) : 0);
    runprogram(n->argv);
    break;
  case N_SUB:
    for (int i = 0; i < n->nredir; i++)
      redirect(&n->redir[i]);
    exit(run(n->left));
  default:
    exit(run(n));
  }
  exit(1);
}

/* Run a | b: each side in its own child, joined by a pipe. */
static int
runpipe(struct node *n)
{
  int p[2];
  int pids[2];

  if (pipe(p) < 0) {
    fprintf(2, "sh: pipe failed\n");
    return 1;
  }
  if ((pids[0] = forkchild()) == 0) {
    close(1);
    dup(p[1]);
    close(p[0]);
    close(p[1]);
    runchild(n->left);
  }
  if (pids[0] > 0 && (pids[1] = forkchild()) == 0) {
    close(0);
    dup(p[0]);
    close(p[0]);
    close(p[1]);
    runchild(n->right);
  }
  if (pids[0] < 0)
    pids[1] = -1;
  close(p[0]);
  close(p[1]);
  return waitfor(pids, 2);
}

/* Run n from the shell itself; returns its exit status. */
static int
run(struct node *n)
{
  int pid;

  if (n == 0)
    return 0;
  switch (n->type) {
  case N_LIST:
    run(n->left);
    return run(n->right);
  case N_BACK:
    if ((pid = forkchild()) == 0)
      runchild(n->left);
    return pid < 0 ? 1 : 0;
  case N_PIPE:
    return runpipe(n);
  case N_EXEC:
    /* Builtins that change the shell itself run here, not in a child. */
    if (n->argc > 0 && n->nredir == 0 && strcmp(n->argv[0], "cd") == 0)
      return builtin_cd(n->argc, n->argv);
    if (n->argc > 0 && n->nredir == 0 && strcmp(n->argv[0], "exit") == 0)
      exit(n->argc > 1 ? atoi(n->argv[1]) : 0);
    /* fall through */
  case N_SUB:
    if ((pid = forkchild()) == 0)
      runchild(n);
    if (pid < 0)
      return 1;
    return waitfor(&pid, 1);
  }
  return 1;
}

/* ------------------------------------------------------------ input */

static char line[MAXLINE];

/* Read one line from fd into line[], byte by byte so that a program the
 * line starts can read what follows it on the same descriptor.  Returns
 * 0 at end of input, -1 for a line too long (which is skipped), else 1. */
static int
readline(int fd)
{
  int n = 0, toolong = 0;
  char c;

  for (;;) {
    int r = read(fd, &c, 1);
    if (r < 1) {
      if (n == 0 && !toolong)
        return 0;
      break;
    }
    if (c == '\n')
      break;
    if (n < MAXLINE - 1)
      line[n++] = c;
    else
      toolong = 1;
  }
  line[n] = 0;
  if (toolong) {
    fprintf(2, "sh: line too long (at most %d characters)\n", MAXLINE - 1);
    return -1;
  }
  return 1;
}

int
main(int argc, char **argv)
{
  int in = 0;

  if (argc > 2) {
    fprintf(2, "usage: sh [script]\n");
    exit(1);
  }
  if (argc == 2) {
    if ((in = open(argv[1], O_RDONLY)) < 0) {
      fprintf(2, "sh: cannot open %s\n", argv[1]);
      exit(1);
    }
    scriptfd = in;
  }

  for (;;) {
    write(2, "$ ", 2);
    int r = readline(in);
    if (r == 0)
      break;
    if (r < 0 || lex(line) < 0)
      continue;
    struct node *tree = parse();
    if (tree)
      run(tree);
  }
  exit(0);
}

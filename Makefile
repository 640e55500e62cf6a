# ldx: build, run and test.
#
#   make            kernel/kernel and fs.img
#   make qemu       boot ldx in QEMU (CPUS=3 MEM=128M; Ctrl-a x quits)
#   make qemu-gdb   boot halted, waiting for gdb-multiarch
#   make test       every test; ends with "N passed, N failed"
#   make test-quick the fast subset, for the edit loop
#   make grade      run every grader in the tree and print the score
#   make grade LAB=util   grade course lab labs/util/ (make qemu LAB=util)
#   make handout    a tarball of the tree without the labs' solutions
#   make clean      leave the tree as cloned
#
# Missing tools (cross compiler, QEMU, OpenSBI, Python) are installed from
# Debian's packages by tools/ensure-deps on first use.

CPUS ?= 3
MEM ?= 128M
# Scheduling quantum in milliseconds; PREEMPT=0 turns timer preemption off.
QUANTUM_MS ?= 10
PREEMPT ?= 1
# Extra kernel command line (the device tree's bootargs), e.g. test=panic.
BOOTARGS ?=
# LAB=NAME: put course lab labs/NAME/'s test programs and files in fs.img.
LAB ?=
# SCHED=NAME: boot with sched=NAME on the command line (the sched lab's
# scheduling policy, e.g. lottery or mlfq).
SCHED ?=
# ICOUNT=1: QEMU runs in its deterministic mode (-icount shift=0): guest
# time advances one nanosecond per instruction, so the time CSR counts
# instructions / 100 and instret counts them exactly, whatever the host's
# load.  For measurements (make bench ICOUNT=1); slower than plain QEMU.
ICOUNT ?= 0
# SANITIZE=1: undefined-behaviour traps, stack canaries, use-after-free
# checks on allocation, lock-order checking, uninitialised kernel bytes
# copied to user space (kernel stacks and fresh pages are filled with
# KMARK bytes, kernel/mm/mm.h).  Built into build-san/.
SANITIZE ?= 0

TOOLPREFIX ?= riscv64-unknown-elf-
CC = $(TOOLPREFIX)gcc
AS = $(TOOLPREFIX)gcc
LD = $(TOOLPREFIX)ld
OBJCOPY = $(TOOLPREFIX)objcopy
OBJDUMP = $(TOOLPREFIX)objdump
NM = $(TOOLPREFIX)nm
HOSTCC ?= cc
PYTHON ?= python3
QEMU = qemu-system-riscv64
OPENSBI = /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin

B = build

# Flags shared by the kernel and user programs.  The kernel is built
# without floating point, so it can never touch the FPU state.
KARCH = -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany
UARCH = -march=rv64gc -mabi=lp64d -mcmodel=medany
COMMONFLAGS = -ffreestanding -fno-common -nostdlib \
  -fno-builtin-printf -fno-pie -no-pie -fno-stack-protector \
  -fno-omit-frame-pointer -ggdb -gdwarf-2 -O2 -MMD -MP -I.

KCFLAGS = $(KARCH) $(COMMONFLAGS) -std=c11 -Wall -Wextra -Werror \
  -Wmissing-prototypes -Wstrict-prototypes -Wshift-overflow=2 \
  -mno-relax -DQUANTUM_MS=$(QUANTUM_MS) -DPREEMPT=$(PREEMPT)

# User programs are the students' code too: code that builds on xv6 must
# build here, so they get xv6's warning flags and no stricter ones.  ldx's
# own user code (the library and the programs in LDX_STRICT below) adds
# UCFLAGS_LDX.
UCFLAGS = $(UARCH) $(COMMONFLAGS) -std=gnu11 -Wall -Werror
UCFLAGS_LDX = -Wextra -Wno-unused-parameter -Wno-sign-compare \
  -Wno-missing-field-initializers

ifeq ($(SANITIZE),1)
KCFLAGS := $(filter-out -fno-stack-protector,$(KCFLAGS)) -DSANITIZE=1 \
  -fsanitize=undefined -fsanitize-undefined-trap-on-error \
  -fstack-protector-strong
B = build-san
endif
# A kernel without preemption keeps its objects apart too, so switching
# to it and back (as make test does) recompiles nothing.
ifeq ($(PREEMPT),0)
B := $(B)-nopreempt
endif

HOSTCFLAGS = -std=c11 -O2 -g -Wall -Wextra -Werror -I. -MMD -MP

# ---------------------------------------------------------------- kernel
KSRCS := $(sort $(wildcard kernel/*.c kernel/*/*.c kernel/*/*.S)) trampoline.S
# entry.S must come first: it holds the kernel's entry point.
KSRCS := kernel/arch/entry.S $(filter-out kernel/arch/entry.S,$(KSRCS))
KOBJS := $(patsubst %,$(B)/%.o,$(KSRCS))

all: kernel/kernel fs.img

$(B)/%.c.o: %.c $(B)/kflags
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c $< -o $@

$(B)/%.S.o: %.S $(B)/kflags
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c $< -o $@

# Rebuild the kernel when a build parameter changes.
$(B)/kflags: FORCE
	@mkdir -p $(B)
	@echo '$(KCFLAGS)' | cmp -s - $@ || echo '$(KCFLAGS)' > $@

# kernel/kernel is shared by the plain, the SANITIZE=1 and the PREEMPT=0
# builds: this stamp names the one it was linked from, so switching
# relinks it (the other build's objects are older than the kernel it just
# linked).
kernel/.variant: FORCE
	@echo '$(B)' | cmp -s - $@ || echo '$(B)' > $@

# Two links: the first finds every function's address, the second adds a
# table of their names (tools/ksyms.sh) so that panics print them.
KLD = $(LD) -z max-page-size=4096 -T kernel/kernel.ld
kernel/kernel: $(KOBJS) kernel/kernel.ld tools/ksyms.sh kernel/.variant
	tools/ksyms.sh < /dev/null > $(B)/ksyms0.S
	$(CC) $(KCFLAGS) -c $(B)/ksyms0.S -o $(B)/ksyms0.o
	$(KLD) -o $(B)/kernel.pass1 $(KOBJS) $(B)/ksyms0.o
	$(NM) -n $(B)/kernel.pass1 | tools/ksyms.sh > $(B)/ksyms.S
	$(CC) $(KCFLAGS) -c $(B)/ksyms.S -o $(B)/ksyms.o
	$(KLD) -o $@ $(KOBJS) $(B)/ksyms.o
	@$(NM) $(B)/kernel.pass1 | grep ' [tT] ' | sort > $(B)/text1
	@$(NM) $@ | grep ' [tT] ' | sort > $(B)/text2
	@cmp -s $(B)/text1 $(B)/text2 || { echo "ksyms: function addresses moved"; exit 1; }
	$(OBJDUMP) -S $@ > kernel/kernel.asm
	$(NM) -n $@ | sed '/ [aUw] /d; s/ . / /' > kernel/kernel.sym

# ---------------------------------------------------------------- user
# A program is one file, user/NAME.c, or a folder of them, user/NAME/*.c;
# either way it becomes user/_NAME.
ULIB_SRCS := user/usys.c user/ulib.c user/printf.c user/umalloc.c
UPROG_FILES := $(filter-out $(ULIB_SRCS),$(sort $(wildcard user/*.c)))
UPROG_DIRS := $(patsubst %/,%,$(sort $(dir $(wildcard user/*/*.c))))
UPROG_SRCS := $(UPROG_FILES) $(sort $(wildcard user/*/*.c))
UPROGS := $(patsubst user/%.c,user/_%,$(UPROG_FILES)) \
  $(patsubst user/%,user/_%,$(UPROG_DIRS))
ULIB := $(patsubst %,$(B)/%.o,$(ULIB_SRCS))
UPROG_CLASH := $(filter $(UPROG_FILES:.c=),$(UPROG_DIRS))
$(if $(UPROG_CLASH),$(error both user/NAME.c and user/NAME/ for $(UPROG_CLASH)))
UPROG_OBJS := $(patsubst %,$(B)/%.o,$(UPROG_SRCS))
ULINK = $(LD) -z max-page-size=4096 -T user/user.ld

# ldx's own programs: built with UCFLAGS_LDX as well.  A program a lab or
# a student adds to user/ is not listed here and gets xv6's flags.
LDX_STRICT := bench cat checkfile crashwork echo evdump fuzz grep halt init \
  kill lde ln ls mkdir printf ps rm sh sleep spin trace true ulib umalloc \
  usys utests wc writefile
LDX_STRICT_OBJS := $(patsubst %,$(B)/%.o,$(foreach p,$(LDX_STRICT),\
  $(wildcard user/$(p).c user/$(p)/*.c)))
$(LDX_STRICT_OBJS): UCFLAGS += $(UCFLAGS_LDX)

$(B)/user/%.c.o: user/%.c
	@mkdir -p $(dir $@)
	$(CC) $(UCFLAGS) -c $< -o $@

user/_%: $(B)/user/%.c.o $(ULIB) user/user.ld
	$(ULINK) -o $@ $< $(ULIB)

# user/_NAME from every object of the folder user/NAME/.
define UPROG_DIR
user/_$(notdir $(1)): $(patsubst %,$(B)/%.o,$(wildcard $(1)/*.c)) $(ULIB) user/user.ld
	$$(ULINK) -o $$@ $$(filter-out $(ULIB) user/user.ld,$$^) $(ULIB)
endef
$(foreach d,$(UPROG_DIRS),$(eval $(call UPROG_DIR,$(d))))

# ---------------------------------------------------------------- mkfs
mkfs/mkfs: mkfs/mkfs.c kernel/fs.h kernel/param.h kernel/stat.h kernel/types.h
	$(HOSTCC) $(HOSTCFLAGS) -o $@ mkfs/mkfs.c

mkfs/fsck: mkfs/fsck.c kernel/fs.h kernel/param.h kernel/stat.h kernel/types.h
	$(HOSTCC) $(HOSTCFLAGS) -o $@ mkfs/fsck.c

# ---------------------------------------------------------------- course tooling
# What MIT's lab tooling and xv6's usertests expect of the tree.
#
# The image's README: xv6's usertests open /README, MIT's util lab counts
# its words.  A README at the top of the tree (a course's) is used, else
# ldx's README.md.
IMG_README := $(firstword $(wildcard README) README.md)

# UEXTRA: more files for the image, by their last path component (a lab's
# data files, as in MIT's Makefile: findtest.sh, xargstest.sh, ...).
UEXTRA ?= $(wildcard user/*.sh user/*.txt)

# What fs.img gets from here (FSEXTRA, made by fs.img's recipe) and
# depends on; the stamp rebuilds the image when the list changes.
FSEXTRA = $(B)/fsroot/README $(UEXTRA)
FSEXTRA_DEPS = $(IMG_README) $(UEXTRA) $(B)/fsextra
$(B)/fsextra: FORCE
	@mkdir -p $(B)/fsroot
	@echo '$(IMG_README) $(UEXTRA)' | cmp -s - $@ || \
	  echo '$(IMG_README) $(UEXTRA)' > $@

# make grade with a grade-lab-NAME script in the tree (how MIT's labs ship
# their graders): LAB=NAME picks one, and with a single script LAB may be
# left out.  labs/NAME/ (ldx's own labs) comes first; with neither, make
# grade runs ldx's graders.  MIT's way: make clean, then the script.
-include conf/lab.mk
MITLABS := $(patsubst grade-lab-%,%,$(wildcard grade-lab-*))
MITLAB := $(or $(LAB),$(if $(filter 1,$(words $(MITLABS))),$(MITLABS)))
MITGRADER := $(wildcard $(if $(MITLAB),grade-lab-$(MITLAB)))
GRADEFLAGS ?=

# The cross compiler and the flags a user program gets, for tests.
print-cc:
	@echo $(CC)
print-ucflags:
	@echo $(UCFLAGS)
.PHONY: print-cc print-ucflags

# The image gets copies without debug information (user/_name keeps it,
# for gdb): the disk is small.
FSPROGS := $(patsubst user/%,$(B)/fsroot/%,$(UPROGS))
$(B)/fsroot/_%: user/_%
	@mkdir -p $(dir $@)
	$(OBJCOPY) --strip-debug $< $@

# ---------------------------------------------------------------- labs
# With LAB=NAME the image also gets the lab's own programs
# (labs/NAME/user/*.c, built like user programs) and data files
# (labs/NAME/files/*).  A lab may set make variables in labs/NAME/lab.mk
# (MKFSFLAGS = -s 200000 for a bigger image, CPUS = 1, MEM = 256M).  The
# lab's name and image flags are kept in a stamp file so that switching
# labs rebuilds the image.
LABDIR := $(if $(LAB),$(wildcard labs/$(LAB)))
-include $(if $(LABDIR),$(LABDIR)/lab.mk)
MKFSFLAGS ?=
LAB_SRCS := $(if $(LABDIR),$(sort $(wildcard $(LABDIR)/user/*.c)))
LAB_PROGS := $(patsubst $(LABDIR)/user/%.c,$(B)/$(LABDIR)/_%,$(LAB_SRCS))
LAB_FSPROGS := $(patsubst $(B)/$(LABDIR)/_%,$(B)/$(LABDIR)/fsroot/_%,$(LAB_PROGS))
LAB_FILES := $(if $(LABDIR),$(sort $(wildcard $(LABDIR)/files/*)))

# As MIT's lab Makefiles do, a lab's programs see -DLAB_NAME -DSOL_NAME
# (the lab's name in capitals), so course code that tests them builds.
# Only the lab's own programs: the rest of the tree is built the same for
# every LAB, so switching labs rebuilds nothing but the lab.
lab_upper = $(shell echo '$(firstword $(subst /, ,$(1)))' | tr a-z A-Z)
$(B)/labs/%.c.o: labs/%.c
	@mkdir -p $(dir $@)
	$(CC) $(UCFLAGS) -DLAB_$(call lab_upper,$*) -DSOL_$(call lab_upper,$*) -c $< -o $@

ifneq ($(LABDIR),)
$(B)/$(LABDIR)/_%: $(B)/$(LABDIR)/user/%.c.o $(ULIB) user/user.ld
	$(ULINK) -o $@ $< $(ULIB)

$(B)/$(LABDIR)/fsroot/_%: $(B)/$(LABDIR)/_%
	@mkdir -p $(dir $@)
	$(OBJCOPY) --strip-debug $< $@
endif

$(B)/labname: FORCE
	@mkdir -p $(B)
	@echo '$(LABDIR) $(MKFSFLAGS)' | cmp -s - $@ || \
	  echo '$(LABDIR) $(MKFSFLAGS)' > $@

fs.img: mkfs/mkfs README.md $(FSPROGS) $(LAB_FSPROGS) $(LAB_FILES) $(B)/labname \
  $(FSEXTRA_DEPS)
	cp $(IMG_README) $(B)/fsroot/README
	mkfs/mkfs $(strip $(MKFSFLAGS) $@) README.md $(FSPROGS) $(LAB_FSPROGS) $(LAB_FILES) $(FSEXTRA)

# make handout: the tree as a student starts it, without any lab's
# solution.patch (committed files only), as ldx-handout.tar.gz.
handout:
	@tools/handout ldx-handout.tar.gz

# For clangd and other editor tools.
compile_commands.json: FORCE
	@$(PYTHON) tools/compile-commands "$(CC)" "$(KCFLAGS)" "$(UCFLAGS)" \
	  $(KSRCS) -- $(ULIB_SRCS) $(UPROG_SRCS) > $@

# ---------------------------------------------------------------- run
GDBPORT := $(shell expr `id -u` % 5000 + 25000)

QEMUOPTS = -machine virt -bios $(OPENSBI) -kernel kernel/kernel \
  -m $(MEM) -smp $(CPUS) -nographic \
  -global virtio-mmio.force-legacy=false \
  -drive file=fs.img,if=none,format=raw,id=x0 \
  -device virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0
KARGS = $(strip $(BOOTARGS) $(if $(SCHED),sched=$(SCHED)))
ifneq ($(KARGS),)
QEMUOPTS += -append "$(KARGS)"
endif
ifeq ($(ICOUNT),1)
QEMUOPTS += -icount shift=0,align=off
endif

deps:
	@tools/ensure-deps

qemu: deps
	@$(MAKE) --no-print-directory all
	$(QEMU) $(QEMUOPTS)

qemu-nox: qemu

.gdbinit: tools/gdbinit.tmpl
	sed "s/:GDBPORT/:$(GDBPORT)/" < $< > $@

# Graders connect to the gdb port themselves, so a missing gdb-multiarch
# is only worth a hint, not a stop.
qemu-gdb: deps
	@$(MAKE) --no-print-directory all .gdbinit
	@if command -v gdb-multiarch > /dev/null; then \
	  echo "*** Now run in another terminal, in this directory:"; \
	  echo "***   gdb-multiarch -x .gdbinit"; \
	else \
	  echo "*** gdb-multiarch is not installed; to debug, install it with"; \
	  echo "***   sudo apt-get install gdb-multiarch   (or: tools/ensure-deps --gdb)"; \
	  echo "*** then run gdb-multiarch -x .gdbinit.  QEMU waits on port $(GDBPORT)."; \
	fi
	$(QEMU) $(QEMUOPTS) -S -gdb tcp::$(GDBPORT)

print-gdbport:
	@echo $(GDBPORT)

# The QEMU command line, for the test harness (one source of truth).
print-qemu:
	@echo $(QEMU) $(QEMUOPTS)

# ---------------------------------------------------------------- tests
# The tests also drive gdb (boot tests read CSRs at a breakpoint).
test-deps:
	@tools/ensure-deps --gdb

test: test-deps
	@$(PYTHON) tests/run.py --all

test-quick: test-deps
	@$(PYTHON) tests/run.py --quick

# make grade LAB=NAME grades one course lab (labs/NAME/grade.py, which
# takes GRADEFLAGS such as --json result.json); MIT's grade-lab-NAME
# scripts and plain make grade: see "course tooling" above.
grade: deps
	@if [ -n "$(LAB)" ] && [ -d labs/$(LAB) ]; then \
	  $(PYTHON) labs/$(LAB)/grade.py $(GRADEFLAGS); \
	elif [ -n "$(MITGRADER)" ]; then \
	  $(MAKE) --no-print-directory clean && ./$(MITGRADER) $(GRADEFLAGS); \
	elif [ -n "$(MITLABS)" ]; then \
	  echo "make grade: graders for $(MITLABS): pick one with LAB=NAME"; \
	  exit 1; \
	else \
	  $(PYTHON) tests/grade.py; \
	fi

fmt-check:
	@tools/fmt-check

# ---------------------------------------------------------------- clean
clean:
	rm -rf build build-san build-*nopreempt kernel/kernel kernel/.variant \
	  kernel/kernel.asm kernel/kernel.sym \
	  user/_* mkfs/mkfs mkfs/fsck mkfs/*.d fs.img .gdbinit tests/__pycache__ \
	  tests/out compile_commands.json ldx-handout.tar.gz schedplot.svg

FORCE:
.PHONY: all deps test-deps qemu qemu-nox qemu-gdb print-gdbport print-qemu test \
  test-quick grade handout fmt-check clean FORCE
.PRECIOUS: $(B)/%.c.o $(B)/%.S.o
# Keep every intermediate file (user objects included): no rebuilds.
.SECONDARY:

-include $(KOBJS:.o=.d) $(ULIB:.o=.d) $(UPROG_OBJS:.o=.d)
-include $(patsubst %.c,$(B)/%.c.d,$(LAB_SRCS))

# ---------------------------------------------------------------- measure
# make bench: time system calls, switches, fork, exec, files and sbrk in
# the guest (user/bench.c), compare with xv6; writes bench-results.json.
bench: deps
	@$(PYTHON) tests/bench.py $(if $(filter 1,$(ICOUNT)),--icount)

# make bench-harts: the cost per operation of independent work on 1, 2, 4
# and 8 harts, in the deterministic mode; writes bench-harts.json.
bench-harts: deps
	@$(PYTHON) tests/bench.py --harts 1,2,4,8

# make timeline: run a small workload on two harts and draw the kernel's
# event log as timeline.svg (tools/timeline.py).
timeline: deps
	@$(PYTHON) tools/timeline.py --boot --cpus 2 -o timeline.svg

# make schedplot: the sched lab's lottery shares over time, drawn from
# getpinfo samples as schedplot.svg (tools/schedplot.py; SCHED=rr to
# compare).  Needs the sched lab solved.
schedplot: deps
	@$(PYTHON) tools/schedplot.py --sched $(or $(SCHED),lottery) -o schedplot.svg

.PHONY: bench bench-harts timeline schedplot

# ---------------------------------------------------------------- reliability
# make fuzz: the in-guest system-call fuzzer (user/fuzz/) under the host's
# watch (tests/fuzz.py), e.g. make fuzz FUZZARGS="--calls 1000000 --seed 7".
fuzz: deps
	@$(PYTHON) tests/fuzz.py $(FUZZARGS)

# make soak: the nightly scale, not part of make test (tests/soak.py): 2M
# fuzzed calls, 1,000 damaged images, 45,000 crash states, 500 power cuts,
# then a summary table.  SOAKARGS="--scale 0.1" for a quick look.
soak: deps
	@$(PYTHON) tests/soak.py $(SOAKARGS)

# make lint: cppcheck and gcc -fanalyzer, 0 unsuppressed findings
# (tools/lint; suppressions with reasons in tools/lint-suppressions).
lint:
	@CC='$(CC)' HOSTCC='$(HOSTCC)' KCFLAGS='$(KCFLAGS)' tools/lint

.PHONY: fuzz soak lint

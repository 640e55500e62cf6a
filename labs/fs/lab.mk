# The fs lab: an image big enough for the largest file of the lab's
# layout (65803 blocks, 64 MiB) and then some, as MIT's lab has; one hart.
MKFSFLAGS = -s 200000
CPUS = 1
# The solved kernel's check also runs the system-call fuzzer, which draws
# symlink from the table too.
SOLVED_FUZZ_CALLS = 20000

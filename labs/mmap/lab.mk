# The mmap lab: the solved kernel's check (tests/test_labs.py) also runs
# the system-call fuzzer, which draws mmap and munmap from the table too.
SOLVED_FUZZ_CALLS = 30000

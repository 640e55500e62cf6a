# The cow lab: the solved kernel also gets a short run of the system-call
# fuzzer in make test (tests/test_labs.py): copy-on-write changes how every
# fork shares memory.
SOLVED_FUZZ_CALLS = 20000

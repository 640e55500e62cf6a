"""The image fuzzer (tests/imgfuzz.py) at the scale of make test: a few
damaged images, each booted with the workload; none may panic or hang.
`make soak` runs a thousand."""

import harness
import imgfuzz
from harness import check, test

IMAGES = 12
SEED = 1


@test(timeout=600)
def imgfuzz_small(t):
    counts, failures = imgfuzz.fuzz(IMAGES, SEED, jobs=1)
    check(not failures, "%d of %d damaged images failed:\n%s"
          % (len(failures), IMAGES,
             "\n".join("image %d: %s (%s)" % (i, d, "; ".join(w))
                       for i, d, w in failures)))
    check(sum(counts.values()) == IMAGES, "counts %r" % counts)

"""scanprops: property-based verification of JAX scan code against Python-loop oracles.

For a project's own pytest suite: `from scanprops.loops import assert_matches_loop` checks a scan
program against the Python loop over its body (scanprops/loops.py); a course's own exercises are
problem packs (scanprops/pack.py, docs/problem-packs.md)."""

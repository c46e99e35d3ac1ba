"""scanprops: property-based verification of JAX scan code against Python-loop oracles.

`scanprops.assert_matches_loop(f, body, init, xs)` checks a scan program of your own against the
Python loop over its body, for your project's pytest suite (scanprops/loops.py); a course's own
exercises are problem packs (scanprops/pack.py, docs/problem-packs.md)."""

__all__ = ["assert_matches_loop"]


def __getattr__(name: str):
    # Lazily, so that `import scanprops` (pytest loads the plugin at every start) does not load JAX.
    if name == "assert_matches_loop":
        from scanprops.loops import assert_matches_loop

        return assert_matches_loop
    raise AttributeError(f"module 'scanprops' has no attribute {name!r}")

"""Known-wrong modules: one plausible learner bug each. Every module is a learner's file (it
imports JAX only) and declares `BUG`: the function it gets wrong, the property that must reject
it (`caught_by`), text the failure must contain (`pitfall`), the properties that must still hold
(`passes`) and the bug in one line (`why`). tests/test_pack.py grades each and checks all four."""

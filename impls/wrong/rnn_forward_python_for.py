"""The exercise's Python-`for` RNN (impls/rnn_for.py): right values, but it unrolls T steps.

This module is the proof for that version of tests/test_rnn_three_ways.py: rejected by
`structure`, passing every other property."""
from impls.rnn_for import rnn_forward  # noqa: F401
from impls.wrong import Bug

BUG = Bug("rnn_forward", caught_by="structure", pitfall="unrolls",
          passes=("oracle", "shape", "jit", "grad", "vmap", "devices"),
          why="only the structure property can see a Python loop: every value is right")

"""`rnn_forward` as a Python `for` (seed 004's exercise, version 1): correct values, but it
unrolls, so the `structure` property rejects it. See impls/rnn_three_ways.py."""
from impls.rnn_three_ways import rnn_forward_for as rnn_forward  # noqa: F401

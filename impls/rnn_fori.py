"""`rnn_forward` with `lax.fori_loop` (seed 004's exercise, version 3). See impls/rnn_three_ways.py."""
from impls.rnn_three_ways import rnn_forward_fori as rnn_forward  # noqa: F401

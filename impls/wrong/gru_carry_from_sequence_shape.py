"""Seed 003 with the carry made by `initialize_carry(key, x.shape)`: given the whole (T, D)
sequence's shape it makes a (T, H) carry, the seed's `.reshape(-1)` flattens the result to
(T * H,), and only T = 1 looks right. (The shape a cell wants is one step's: x.shape[1:].)"""
import flax.linen as nn
import jax

from impls.flax_seeds import ScanGRU
from impls.wrong import Bug

BUG = Bug("scan_rnn_forward", caught_by="shape",
          why="a (T, H) carry: T copies of the state, flattened")


def scan_rnn_forward(seed, x, hidden):
    key = jax.random.PRNGKey(seed)
    carry = nn.GRUCell(features=hidden).initialize_carry(key, x.shape)
    cell = ScanGRU(features=hidden)
    params = cell.init(key, carry, x)
    final_carry, _ = cell.apply(params, carry, x)
    return final_carry.reshape(-1)

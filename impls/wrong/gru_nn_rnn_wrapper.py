"""Seed 003 with `nn.RNN(nn.GRUCell(H))`: the same recurrence, but the cell's parameters live
under the submodule name "cell", so PRNGKey(seed) initialises them to other values than the
seed's top-level nn.scan(GRUCell) tree."""
import flax.linen as nn
import jax

from impls.wrong import Bug

BUG = Bug("scan_rnn_forward", caught_by="oracle", pitfall="parameters under a submodule",
          why="another parameter tree, so other initial weights for the same seed")


def scan_rnn_forward(seed, x, hidden):
    rnn = nn.RNN(nn.GRUCell(features=hidden), return_carry=True)
    params = rnn.init(jax.random.PRNGKey(seed), x)
    return rnn.apply(params, x)[0]

"""Python-loop oracles for the Flax rows (seeds 002 and 003), written without lax.scan or nn.scan.

The parameters come from Flax's own initialisation of the parameter tree the seeds specify,
never from the implementation under test: a top-level `self.param("W", lecun_normal, (H, H))`
for seed 002, and a plain top-level `nn.GRUCell(features=H)` for seed 003 (nn.scan with
`variable_broadcast="params"` and `split_rngs={"params": False}` initialises exactly those;
tests/test_flax_oracles.py checks both). They are pure functions of (seed, H[, D]), so they
are computed once, in float32 as the code under test gets them, and used in float64.

Like every oracle (scanprops/oracles/__init__.py), each takes an array module `xp` first (NumPy
for values, jax.numpy under x64 for gradients); the parameters are constants.
"""
from __future__ import annotations

import functools
from typing import Callable, Mapping

import numpy as np

Params = Mapping[str, Mapping[str, np.ndarray]]  # GRU: {"ir": {"kernel", "bias"}, "hr": {"kernel"}, ...}


def _float32_mode():
    """Initialise as the code under test does: outside x64 (the initialisers' default dtype
    follows it), even when an oracle's first call happens inside the x64 gradient check."""
    from scanprops.compat import x64

    return x64(False)


def _frozen64(tree) -> dict:
    """Nested dicts of read-only float64 copies (they are shared through the cache)."""
    if isinstance(tree, Mapping):
        return {k: _frozen64(v) for k, v in tree.items()}
    arr = np.array(tree, dtype=np.float64)
    arr.setflags(write=False)
    return arr


# --- seed 002: h = tanh(x @ W), then T times h = tanh(h @ W) ---------------------------------
@functools.lru_cache(maxsize=None)
def module_weight(seed: int, hidden: int) -> np.ndarray:
    """W as Flax initialises `self.param("W", lecun_normal(), (H, H))` at the top level."""
    import flax.linen as nn
    import jax

    class OneWeight(nn.Module):
        hidden: int

        @nn.compact
        def __call__(self):
            return self.param("W", nn.initializers.lecun_normal(), (self.hidden, self.hidden))

    with _float32_mode():
        variables = OneWeight(hidden).init(jax.random.PRNGKey(seed))
    return _frozen64(variables["params"]["W"])


def lax_scan_in_module(xp, seed, x, hidden, T, *, applications=None, transposed=False):
    """T + 1 applications of h -> tanh(h @ W) to x: the initial one, then T steps.

    `applications` and `transposed` describe known pitfalls (see the catalog); the oracle
    itself uses their defaults.
    """
    W = xp.asarray(module_weight(seed, hidden))
    if transposed:
        W = W.T
    h = x
    for _ in range(T + 1 if applications is None else applications):
        h = xp.tanh(h @ W)
    return h


# --- seed 003: a GRU cell run over x (T, D) from a zero carry --------------------------------
def _gru_init(cell, seed: int, carry_shape: tuple, x_shape: tuple) -> dict:
    import jax
    import jax.numpy as jnp

    with _float32_mode():
        variables = cell.init(jax.random.PRNGKey(seed), jnp.zeros(carry_shape), jnp.zeros(x_shape))
    return _frozen64(variables["params"])


@functools.lru_cache(maxsize=None)
def gru_params(seed: int, hidden: int, features: int) -> dict:
    """A plain top-level nn.GRUCell(features=H) initialised with PRNGKey(seed)."""
    import flax.linen as nn

    return _gru_init(nn.GRUCell(features=hidden), seed, (hidden,), (features,))


def gru_step(xp, p: Params, h, x):
    """One step of Flax's GRUCell: the input denses carry a bias, the hidden ones do not,
    except `hn`, whose bias sits inside the reset gate's product."""

    def dense(name, v):
        out = v @ xp.asarray(p[name]["kernel"])
        return out + xp.asarray(p[name]["bias"]) if "bias" in p[name] else out

    def sigmoid(v):
        return 1.0 / (1.0 + xp.exp(-v))

    r = sigmoid(dense("ir", x) + dense("hr", h))
    z = sigmoid(dense("iz", x) + dense("hz", h))
    n = xp.tanh(dense("in", x) + r * dense("hn", h))
    return (1.0 - z) * n + z * h


def gru_final_carry(xp, params_at: Callable[[int], Params], x, hidden):
    """The carry after stepping through x[0], x[1], ... from zeros, with params_at(t) at step t."""
    from scanprops.oracles import rows

    h = xp.zeros(hidden)
    for t, x_t in enumerate(rows(xp, x)):
        h = gru_step(xp, params_at(t), h, x_t)
    return h


def scan_rnn_forward(xp, seed, x, hidden):
    params = gru_params(seed, hidden, x.shape[1])
    return gru_final_carry(xp, lambda t: params, x, hidden)


# --- seed 003's mistaken parameter trees, for recognising pitfalls ---------------------------
@functools.lru_cache(maxsize=None)
def gru_per_step_params(seed: int, hidden: int, features: int, steps: int, split: bool) -> dict:
    """Params of nn.scan(GRUCell, variable_axes={"params": 0}, split_rngs={"params": split}):
    one set per time step (leading axis `steps`), as Flax initialises them."""
    import flax.linen as nn

    cell = nn.scan(nn.GRUCell, variable_axes={"params": 0}, split_rngs={"params": split},
                   in_axes=0, out_axes=0)(features=hidden)
    return _gru_init(cell, seed, (hidden,), (steps, features))


@functools.lru_cache(maxsize=None)
def gru_rnn_wrapper_params(seed: int, hidden: int, features: int) -> dict:
    """The cell's params inside nn.RNN(nn.GRUCell(H)): under the submodule name "cell", which
    gives them other initial values than the top-level tree the seed specifies."""
    import flax.linen as nn
    import jax
    import jax.numpy as jnp

    with _float32_mode():
        variables = nn.RNN(nn.GRUCell(features=hidden)).init(jax.random.PRNGKey(seed), jnp.zeros((1, features)))
    return _frozen64(variables["params"]["cell"])


def per_step(tree: dict, t: int) -> dict:
    return {name: {k: v[t] for k, v in leaf.items()} for name, leaf in tree.items()}

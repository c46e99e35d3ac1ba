"""Inputs for the scan rows of seed 004: running sums, EMA, the RNN, shared layers.

Every loop here is non-expanding, so float32 rounding is not amplified (see
scanprops/tolerance.py): an EMA is a convex combination; the RNN's recurrent weight and the
shared layer's weight have entries at most 2**-ceil(log2(size)), so each row and column sums
to at most 1 in magnitude and the step is a contraction up to tanh/relu (Lipschitz 1). That
bound is the only limit the contract needs; everything that does not feed the recurrence (the
RNN's input weight, bias, inputs and h0; the layers' input and bias) is drawn across decades,
so tanh saturates and relu's input is far past its kink. Bounds are powers of two so Hypothesis
can use them as float32 bounds exactly, and scaling by a power of two is exact.
"""
from __future__ import annotations

import math

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from scanprops.cases import KEYWORD, OMITTED, POSITIONAL, Case
from scanprops.oracles import lesson_scan as oracles
from scanprops.strategies.pools import FEATURES, HIDDEN, STEPS, Signatures, float32_arrays, powers_of_two, rng, scalar32
from scanprops.tolerance import Allowance

# alpha is drawn over all of [0, 1]; these come first and are where shrinking ends. (alpha = 0.5
# makes swapped coefficients invisible, alpha == 1 - alpha; 0.1 and 0.9 do not.)
ALPHAS = (0.1, 0.5, 0.9)
ALPHA_ENDS = (0.0, 1.0, 2.0**-24, 1.0 - 2.0**-24, 2.0**-10, 1.0 - 2.0**-10)  # endpoints and near
BIAS_OFFSET = 0.125  # |b| >= this (times the bias's magnitude) for the shared layers
DECADES = 24  # running sums and EMAs: data scaled by 2**e, |e| <= DECADES, per element
SPREAD = 3  # RNN and shared layers: inputs, biases and input weights scaled by 2**e, |e| <= SPREAD


SMALLEST = 2.0 ** -24  # magnitudes below this are drawn as 0 (see `arrays`)


def arrays(shape: tuple[int, ...], bound: float = 2.0):
    """float32 arrays in [-bound, bound] whose nonzero elements are at least SMALLEST in
    magnitude. Products of smaller values (Hypothesis likes 1.18e-38, the smallest normal
    float32) fall below float32's normal range, where XLA on CPU flushes to zero: an absolute
    error that no relative allowance covers. Shrinks towards all-zero."""
    return float32_arrays(shape, bound).map(lambda a: np.where(np.abs(a) < SMALLEST, np.float32(0), a))


def scaled(shape: tuple[int, ...], spread: int, bound: float = 2.0):
    """`arrays` times one power of two in [2**-spread, 2**spread]; shrinks to magnitude 1."""
    return st.tuples(arrays(shape, bound), powers_of_two(-spread, spread)).map(lambda t: t[0] * np.float32(t[1]))


def decades(shape: tuple[int, ...]):
    """`arrays` with every element scaled by its own power of two within 2**±DECADES: values
    across many decades in one array, big ones beside small ones. Shrinks to magnitude 1."""
    exps = float32_arrays(shape, 1.0).map(lambda a: np.rint(a * DECADES))
    return st.tuples(arrays(shape), exps).map(lambda t: (t[0] * np.exp2(t[1])).astype(np.float32))


def contraction_bound(size: int) -> float:
    """The largest power of two <= 1/size: a (size, size) matrix with entries within it has
    row and column sums of magnitude <= 1."""
    return 2.0 ** -math.ceil(math.log2(size))


def _u(r: np.random.Generator, shape, bound: float = 2.0, spread: int = 0) -> np.ndarray:
    """The large inputs' data: uniform in [-bound, bound], times 2**e with |e| <= spread drawn
    per leading index."""
    mags = 2.0 ** r.integers(-spread, spread + 1, shape[:1] if shape else ())
    mags = np.reshape(mags, np.shape(mags) + (1,) * max(len(shape) - 1, 0))
    return (r.uniform(-bound, bound, shape) * mags).astype(np.float32)


# --- running_sum, custom_cumsum -----------------------------------------------------------
@st.composite
def sum_cases(draw, length: int | None = None, like: Case | None = None) -> Case:
    """xs of length N (from the long-tailed pool, 0 included) with elements across decades;
    shrinks towards zeros."""
    n = like["xs"].shape[0] if like is not None else draw(STEPS.sizes())
    if length is not None:
        n = length
    return Case.of(xs=draw(decades((n,))))


def sum_large_case(salt: int, length: int | None = None) -> Case:
    """N at its large size (or `length`), elements across decades; salt 0's first element at
    the top decade, so that the last sum still shows it (a sum that starts late is seen)."""
    n = STEPS.big() if length is None else length
    xs = _u(rng(salt, "sum"), (n,), spread=DECADES)
    if salt == 0 and n:  # the first element at the top decade: every later sum still shows it
        xs[0] = np.float32(1.83 * 2.0**DECADES)
    return Case.of(xs=xs)


def sum_edge_cases() -> tuple[Case, ...]:
    """N = 0, N = 1, all-zero data, and the seed's own example."""
    return (
        Case.of(xs=np.zeros((0,), np.float32)),
        Case.of(xs=np.array([-1.5], np.float32)),
        Case.of(xs=np.zeros((4,), np.float32)),
        Case.of(xs=np.array([1.0, 2.0, 3.0, 4.0, 5.0], np.float32)),  # [1, 3, 6, 10, 15]
    )


# --- ema ----------------------------------------------------------------------------------
@st.composite
def ema_cases(draw, length: int | None = None, like: Case | None = None) -> Case:
    """xs of length N >= 1 (the long-tailed pool) across decades; alpha anywhere in [0, 1], its
    endpoints and near-endpoints included (shrinks to the default 0.1)."""
    n = like["xs"].shape[0] if like is not None else max(draw(STEPS.sizes()), 1)  # xs[0]: N >= 1 (docs/contract.md)
    if length is not None:
        n = length
    alpha = draw(st.one_of(st.sampled_from(ALPHAS), st.floats(0.0, 1.0, width=32, allow_subnormal=False),
                           st.sampled_from(ALPHA_ENDS), long_memory_alphas()))
    return Case.of(xs=draw(decades((n,))), alpha=scalar32(alpha))


def long_memory_alphas() -> st.SearchStrategy[float]:
    """alpha = m * 2**-k, m in [1, 2), 3 <= k <= 8 (1/8 down to 1/256): an average over the last
    8 to 256 values, so at the large N the first values still carry weight."""
    return st.builds(lambda m, k: float(np.float32(m * 2.0**-k)), st.floats(1.0, 2.0, exclude_max=True),
                     st.integers(3, 8))


LONG_MEMORY_ALPHA = 0.00618034  # the large input's: (1 - alpha)**79 = 0.61, many digits


def ema_large_case(salt: int, length: int | None = None) -> Case:
    """N at its large size (or `length`), data across decades, an alpha of many digits. Salt 0
    (the input every property runs) keeps a long memory: alpha = LONG_MEMORY_ALPHA and xs[0] at
    the top decade, so the last value still depends on the first step."""
    r = rng(salt, "ema")
    n = STEPS.big() if length is None else length
    xs = _u(r, (n,), spread=DECADES)
    if salt == 0 and n:
        xs[0] = np.float32(1.83 * 2.0**DECADES)
    return Case.of(xs=xs, alpha=scalar32((LONG_MEMORY_ALPHA, 0.7182818, 0.0271828)[salt % 3]))


def ema_edge_cases() -> tuple[Case, ...]:
    """N = 1, all-zero data, the default alpha = 0.1 on data where swapped coefficients and a
    zero initial carry show, whatever alphas Hypothesis draws (called `ema(xs)`: the
    all-defaults call), and on the same data the ends of alpha's range and the values next to
    them (2**-24, 1 - 2**-24, 2**-10, 1 - 2**-10), two of them passed by keyword."""
    data = np.array([1.0, -2.0, 0.5, 1.5, 2.0], np.float32)
    keyword = (2.0**-10, 1.0 - 2.0**-24)
    return (
        Case.of(xs=np.array([0.75], np.float32), alpha=scalar32(0.1)).called(alpha=KEYWORD),
        Case.of(xs=np.zeros((3,), np.float32), alpha=scalar32(0.1)).called(),
        Case.of(xs=data, alpha=scalar32(0.1)).called(alpha=OMITTED),
        # alpha at and next to both ends of [0, 1]
        *(Case.of(xs=data, alpha=scalar32(a)).called(alpha=KEYWORD if a in keyword else POSITIONAL)
          for a in ALPHA_ENDS),
    )


# --- rnn_forward --------------------------------------------------------------------------
# (H, D, T): the edge cases' (rnn_edge_cases), then three that meet the other small sizes; two
# odd, one (H, D) at two lengths (the oracle's gradient compiles per (H, D), not per T); the
# large one.
RNN_SIZES = Signatures((HIDDEN, FEATURES, STEPS),
                       small=((3, 2, 0), (3, 2, 1), (1, 2, 4), (2, 3, 4), (4, 1, 5), (8, 5, 3), (3, 2, 2)),
                       odd=((17, 9, 9), (17, 9, 33)))


def rnn_case(W_h, W_x, b, h0, xs) -> Case:
    return Case.of(params={"W_h": W_h, "W_x": W_x, "b": b}, h0=h0, xs=xs)


@st.composite
def rnn_cases(draw, length: int | None = None, like: Case | None = None) -> Case:
    """(H, D, T) from RNN_SIZES; W_h within contraction_bound(H) (the recurrence must
    not expand); W_x, b, h0 and xs unit-sized times 2**e, |e| <= SPREAD each, so pre-activations
    range from nearly linear to deep in tanh's saturation. One draw in four is a recurrence at
    the edge of contraction instead (memory_rnn)."""
    if like is not None:
        t, d = like["xs"].shape
        h = like["h0"].shape[0]
    else:
        h, d, t = draw(RNN_SIZES.draw())
    if length is not None:
        t = length
    if draw(st.integers(0, 3)) == 3:  # one draw in four: a recurrence at the edge of contraction
        return memory_rnn(rng(draw(st.integers(0, 2**16)), "rnn memory"), h, d, t)
    return rnn_case(
        draw(arrays((h, h), contraction_bound(h))),
        draw(scaled((h, d), SPREAD, contraction_bound(d))),
        draw(scaled((h,), SPREAD, 1.0)),
        draw(scaled((h,), SPREAD, 1.0)),
        draw(scaled((t, d), SPREAD)),
    )


MEMORY_STATE = 2.0**-3  # |h0| of a memory-keeping RNN input; its inputs and bias are 2**-6 of that


def signed_cycle(r: np.random.Generator, size: int) -> np.ndarray:
    """A cycle's permutation matrix with random signs: orthogonal, so |W h| = |h|."""
    return cycle(r, size) * r.choice((-1.0, 1.0), (size, 1))


def memory_rnn(r: np.random.Generator, h: int, d: int, t: int) -> Case:
    """A recurrence at the edge of contraction: W_h = c S, S a signed cycle (orthogonal), c =
    memory_rate(t); h0 of size MEMORY_STATE and inputs and bias 64 times smaller, so tanh stays
    nearly linear (slope >= 1 - 2**-5) and the state still carries h0 and the first input after
    t steps."""
    c = memory_rate(t)
    small = MEMORY_STATE / 64
    return rnn_case((c * signed_cycle(r, h)).astype(np.float32),
                    (r.uniform(-1, 1, (h, d)) * contraction_bound(d) * small).astype(np.float32),
                    (r.uniform(-1, 1, h) * small).astype(np.float32),
                    (r.uniform(0.5, 1.0, h) * r.choice((-1.0, 1.0), h) * MEMORY_STATE).astype(np.float32),
                    (r.uniform(-1, 1, (t, d)) * small).astype(np.float32))


def rnn_large_case(salt: int, length: int | None = None) -> Case:
    """H, D, T at their large sizes (T = `length` when given); inputs at mixed magnitudes. Salt
    0 (the input every property runs) is a recurrence at the edge of contraction (memory_rnn)."""
    r = rng(salt, "rnn")
    h, d, t = HIDDEN.big(), FEATURES.big(), STEPS.big() if length is None else length
    if salt == 0:
        case = memory_rnn(r, h, d, STEPS.big())
        return case if length is None else case.replace(xs=memory_rnn(r, h, d, t)["xs"])
    return rnn_case(_u(r, (h, h), contraction_bound(h)), _u(r, (h, d), contraction_bound(d), SPREAD),
                    _u(r, (h,), 1.0, SPREAD), _u(r, (h,), 1.0), _u(r, (t, d), 2.0, SPREAD))


def rnn_edge_cases() -> tuple[Case, ...]:
    """T = 0, T = 1, H = 1 (over four steps), all-zero data, a saturating one (biases of 6
    and inputs eight times larger: pre-activations far past tanh's knee, which the large input,
    at the edge of contraction and nearly linear, no longer reaches), and a cancelling one."""
    rng = np.random.default_rng(4)

    def u(shape, bound):
        return rng.uniform(-bound, bound, shape).astype(np.float32)

    def general(h, d, t):
        return rnn_case(u((h, h), contraction_bound(h)), u((h, d), contraction_bound(d)), u((h,), 1.0),
                        u((h,), 1.0), u((t, d), 2.0))

    zeros = rnn_case(np.zeros((2, 2), np.float32), np.zeros((2, 3), np.float32), np.zeros((2,), np.float32),
                     np.zeros((2,), np.float32), np.zeros((4, 3), np.float32))
    saturated = rnn_case(u((2, 2), contraction_bound(2)), u((2, 3), contraction_bound(3)),
                         np.array([6.0, -6.0], np.float32), u((2,), 1.0), u((4, 3), 16.0))
    # A state that stays near 0 under a tiny W_h: each gradient entry sums the mixed-sign
    # cotangent over the steps, terms of size 1 that cancel to 4e-5 (a false alarm found by a
    # `thorough` run, when the gradient's allowance was scaled by the result).
    cancelling = rnn_case(np.full((3, 3), 6.103516e-05, np.float32), np.zeros((3, 2), np.float32),
                          np.zeros((3,), np.float32), np.zeros((3,), np.float32), np.zeros((2, 2), np.float32))
    return (general(3, 2, 0), general(3, 2, 1), general(1, 2, 4), zeros, saturated, cancelling)


# --- apply_shared_layers ------------------------------------------------------------------
# (D, num_layers): the edge cases' (shared_layers_edge_cases), then two that meet the other small
# sizes; two odd; the large one.
LAYERS_SIZES = Signatures((FEATURES, STEPS), small=((3, 0), (3, 1), (1, 3), (3, 2), (2, 5), (5, 3)),
                          odd=((9, 9), (9, 33)))


def shared_layers_allowance(case: Case) -> Allowance:
    """Each layer sums D products and the bias; `scale` is the largest such sum of magnitudes
    over the layers (or |x| itself when no layer runs), from the float64 trajectory."""
    params, x, layers = case["params"], np.asarray(case["x"], np.float64), case["num_layers"]
    w, b = np.abs(np.asarray(params["w"], np.float64)), np.abs(np.asarray(params["b"], np.float64))
    pre, _ = oracles.shared_layer_preactivations(np, {k: np.asarray(v, np.float64) for k, v in params.items()},
                                                 x, layers)
    inputs = ([x] + [np.where(v > 0, v, 0.0) for v in pre])[:layers]  # what each layer multiplies
    scale = max([float(np.max(np.abs(x), initial=0.0))] + [float(np.max(np.abs(i) @ w + b)) for i in inputs])
    return Allowance(steps=layers + 1, width=x.shape[0] + 1, scale=scale)


def clear_of_relu_kink(case: Case) -> bool:
    """Every pre-activation is farther from 0 than the value allowance.

    At the kink jax.nn.relu's derivative is 0 while jnp.maximum's is 1/2, and a float32
    pre-activation within rounding of 0 may land on the other side of it than the float64
    oracle's: gradients would then differ for no fault of the code under test.
    """
    params = {k: np.asarray(v, np.float64) for k, v in case["params"].items()}
    pre, _ = oracles.shared_layer_preactivations(np, params, np.asarray(case["x"], np.float64), case["num_layers"])
    margin = float(shared_layers_allowance(case).atol())
    return all(float(np.min(np.abs(v))) > margin for v in pre)


def shared_layers_case(w, b, x, num_layers: int) -> Case:
    return Case.of(params={"w": w, "b": b}, x=x, num_layers=num_layers)


def memory_rate(length: int) -> float:
    """1 - 2**-k with 2**k >= 2 * length: a contraction factor whose length-th power stays
    above e**-(1/2) (0.6), so a loop of `length` steps at that rate still remembers its start."""
    return 1.0 - 2.0 ** -(max(int(length), 1) * 2 - 1).bit_length()


def cycle(r: np.random.Generator, size: int) -> np.ndarray:
    """A permutation matrix of one cycle through all `size` units, in random order: its n-th and
    (n-1)-th powers differ for every n (size > 1)."""
    order = r.permutation(size)
    p = np.zeros((size, size))
    p[order, np.roll(order, -1)] = 1.0
    return p


def memory_layers(r: np.random.Generator, d: int, layers: int, magnitude: float) -> Case:
    """A stack that remembers its input at every depth: w = c P, P one cycle (an orthogonal
    matrix, so |x @ w| = c |x|: non-expanding) with c = memory_rate(layers); x positive in
    [1/4, 1/2] * magnitude and b positive in [1, 2] * (1 - c) * magnitude, so every unit stays
    active (every pre-activation is at least b, far from relu's kink) and the map is affine:
    layer n and layer n - 1 differ by c**(n-1) |x @ w + b - x|, which moves the permuted input and
    the bias, at least (1 - c) * magnitude / 2 even where x @ w and x agree (D = 1)."""
    c = memory_rate(layers)
    w = (c * cycle(r, d)).astype(np.float32)
    x = (r.uniform(0.25, 0.5, d) * magnitude).astype(np.float32)
    b = (r.uniform(1.0, 2.0, d) * (1.0 - c) * magnitude).astype(np.float32)
    return shared_layers_case(w, b, x, layers)


@st.composite
def shared_layers_cases(draw, length: int | None = None, like: Case | None = None) -> Case:
    """(D, num_layers) from LAYERS_SIZES, w within contraction_bound(D) (the layer
    must not expand), x in [-2, 2] and b with BIAS_OFFSET <= |b| <= 5/8, each times its own
    2**e, |e| <= SPREAD: a unit whose input is all zero still sits clear of the relu kink.
    Inputs whose pre-activations come within rounding of 0 are rejected (clear_of_relu_kink).
    One draw in four is a memory-keeping stack (memory_layers)."""
    if like is not None:
        d, layers = like["x"].shape[0], like["num_layers"]
    else:
        d, layers = draw(LAYERS_SIZES.draw())
    if length is not None:
        layers = length
    if draw(st.integers(0, 3)) == 3:  # one draw in four keeps a memory of its input at every depth
        case = memory_layers(rng(draw(st.integers(0, 2**16)), "layers memory"), d, layers,
                             draw(powers_of_two(-SPREAD, SPREAD)))
        assume(clear_of_relu_kink(case))
        return case
    raw_b = draw(arrays((d,), 0.5))
    b = np.where(raw_b >= 0, raw_b + np.float32(BIAS_OFFSET), raw_b - np.float32(BIAS_OFFSET)).astype(np.float32)
    b = b * np.float32(draw(powers_of_two(-SPREAD, SPREAD)))
    case = shared_layers_case(draw(arrays((d, d), contraction_bound(d))), b, draw(scaled((d,), SPREAD)), layers)
    assume(clear_of_relu_kink(case))
    return case


def shared_layers_large_case(salt: int, length: int | None = None) -> Case:
    """D and num_layers at their large sizes (num_layers = `length` when given). Salt 0 (the
    input every property runs) keeps a memory of its input at every depth (memory_layers, at
    the large depth's rate even at another `length`); other salts have random weights, the
    first such input clear of the relu kink."""
    d, layers = FEATURES.big(), STEPS.big() if length is None else length
    if salt == 0:
        case = memory_layers(rng(0, "layers memory"), d, STEPS.big(), 1.0)
        return case.replace(num_layers=layers)
    for attempt in range(100):
        r = rng(1000 * salt + attempt, "layers")
        raw_b = r.uniform(-0.5, 0.5, d)
        shifted = np.where(raw_b >= 0, raw_b + BIAS_OFFSET, raw_b - BIAS_OFFSET)
        b = (shifted * 2.0 ** r.integers(-1, 2)).astype(np.float32)
        case = shared_layers_case(_u(r, (d, d), contraction_bound(d)), b, _u(r, (d,), 2.0, SPREAD), layers)
        if clear_of_relu_kink(case):
            return case
    raise AssertionError("no large shared-layers input clear of the relu kink in 100 tries")


def shared_layers_edge_cases() -> tuple[Case, ...]:
    """num_layers = 0 and 1, D = 1 (a unit switching off in the third layer), and an all-zero
    input (the biases keep it off the relu kink)."""
    w3 = np.array([[0.25, -0.125, 0.0625], [-0.25, 0.1875, 0.125], [0.125, 0.25, -0.1875]], np.float32)
    b3 = np.array([0.25, -0.375, 0.5], np.float32)
    x3 = np.array([1.5, -0.5, 1.0], np.float32)
    return (
        shared_layers_case(w3, b3, x3, 0),
        shared_layers_case(w3, b3, x3, 1),
        shared_layers_case(np.array([[0.75]], np.float32), np.array([-0.25], np.float32),
                           np.array([1.25], np.float32), 3),
        shared_layers_case(w3, b3, np.zeros((3,), np.float32), 2),
    )

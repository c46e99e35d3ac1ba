"""The runner's role: a sandboxed process that never imports a submission and only deserializes,
checks and runs the programs the submissions' children export (scanprops/child/calls.py's
`export_call`). It is started like a submission's child (scanprops/child/main.py, its start-up
message saying `role: runner`) and answers Run and InspectProgram requests with these functions.
"""
from __future__ import annotations

from .bound import ORIG, to_jax
from .failures import CallError, call_error, first_line
from .values import encode_grads, encode_output


def prepare(jax_module) -> None:
    """Before the limits and the filter: JAX 0.4.x registers LAPACK's kernels when it first lowers
    a linear-algebra operation, so a runner that never did would run a program calling them
    (Flax's orthogonal init: QR) into a crash (SIGSEGV). One small QR registers them, on every
    version."""
    jax_module.block_until_ready(jax_module.numpy.linalg.qr(jax_module.numpy.eye(2)))


# What a program the runner runs may call besides StableHLO's own operations: XLA's sharding
# annotations and jax.export's shape checks, XLA's own operations written as custom calls
# (`mhlo.erf` on JAX 0.4.x, which gelu uses), the CPU's LAPACK kernels (jnp.linalg) and the
# accelerators' vendor kernels. Host callbacks (Python in the process that exported the program)
# and any other custom call are refused.
ALLOWED_CUSTOM_CALLS = ("Sharding", "SPMDFullToShardShape", "SPMDShardToFullShape", "shape_assertion",
                        "annotate_device_placement", "MoveToHost", "MoveToDevice")
ALLOWED_CUSTOM_CALL_PREFIXES = ("lapack_", "cu", "hip", "ducc_", "mhlo.", "chlo.")


def _custom_calls(text: str) -> list[str]:
    import re

    return sorted(set(re.findall(r"stablehlo\.custom_call\s+@([\w.$-]+)", text))
                  | set(re.findall(r"call_target_name\s*=\s*\"([^\"]+)\"", text)))


_RUNNABLE: dict = {}


def runnable(blob: bytes, function: str):
    """(exported, its module text, a jitted caller) for a serialized program, after checking that
    it is one the runner may run: one device, no effects, no custom call outside the list."""
    import hashlib

    digest = hashlib.sha256(blob).digest()
    if digest in _RUNNABLE:
        return _RUNNABLE[digest]
    try:
        exported = ORIG["deserialize"](bytearray(blob))
    except Exception as exc:  # noqa: BLE001
        raise CallError(f"the program exported for {function} cannot be read: {type(exc).__name__}: "
                        f"{first_line(exc)}") from None
    text = exported.mlir_module()
    refused = [t for t in _custom_calls(text)
               if t not in ALLOWED_CUSTOM_CALLS and not t.startswith(ALLOWED_CUSTOM_CALL_PREFIXES)]
    if refused or exported.ordered_effects or exported.unordered_effects:
        raise CallError(
            f"the compiled program of {function} calls out of XLA ({', '.join(refused) or 'effects'}): host "
            "callbacks (jax.pure_callback, io_callback, jax.debug.print) and foreign custom calls are not run",
            "The program is judged on its own, in a process without the submission's Python; remove callbacks "
            "and debug prints from the function.")
    if exported.nr_devices != 1:
        raise CallError(f"the program exported for {function} spans {exported.nr_devices} devices, not one.")
    entry = (exported, text, ORIG["jit"](exported.call))
    _RUNNABLE[digest] = entry
    return entry


def program_stats(text: str) -> tuple:
    """The program's size (StableHLO operations, nested regions included, constants not: the
    lowering merges equal constants, so a loop's trip count may or may not have one of its own),
    the loops in it, and its lines: what `structure` judges."""
    import re

    ops = [op for op in re.findall(r"\b(stablehlo|chlo|mhlo)\.([a-z_]+)", text) if op[1] != "constant"]
    loops = tuple("while" for _, op in ops if op == "while")
    return (len(ops), loops, len(text.splitlines()))


def run_program(blob: bytes, function: str, kind: str, wrt, args):
    """The runner's one job: run a checked program on the arguments; (wire result, devices).
    `kind`: jit, grad (gradients for the arguments `wrt`) or vmap."""
    exported, text, call = runnable(blob, function)
    try:
        out = call(*[to_jax(a) for a in args])
    except Exception as exc:  # noqa: BLE001
        raise call_error(exc, function, f"the compiled program of {function} ({kind}) fails: "
                          f"{type(exc).__name__}: {first_line(exc)}", "") from None
    if kind == "grad":
        return encode_grads(tuple(out), tuple(wrt), f"grad of {function}"), ()
    return encode_output(out, f"vmap of {function}" if kind == "vmap" else function)


def inspect_program(blob: bytes, function: str, args) -> tuple:
    """("hlo", operations, loops, lines, the value it computes on `args`): what `structure` judges."""
    _, text, _ = runnable(blob, function)
    value, _ = run_program(blob, function, "jit", (), args)
    return ("hlo", *program_stats(text), value)

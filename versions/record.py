"""Record golden values: an implementation's outputs on the committed inputs, with the
environment that produced them.

    python -m versions.record                                  # the reference implementations
    python -m versions.record --impl my_solutions.py           # any module (run in the sandbox)
    JAX_THREEFRY_PARTITIONABLE=1 python -m versions.record --variant threefry-flipped

Writes `<out>/golden/jax-<version>.json` (or `...-<variant>.json`): for every catalog row and
every input of versions/inputs.json, the result of a plain call and of `jax.jit` (stored only
where it differs from the plain call's bits), any error, the warnings the row raised, the
signatures of the JAX/Flax APIs the row's code refers to, and `allowed`: twice the harness's
float32 rounding allowance for that input (scanprops/tolerance.py), the most two correct float32
results may differ by; the comparison calls a change within it numerics.

The reference (the harness's own code) is called in this process, exactly as the sandboxed
child calls code under test (scanprops/in_process.py), so its warnings are seen; any other
module is called in the sandboxed child (scanprops/isolation.py), whose warnings stay there.
"""
from __future__ import annotations

import argparse
import ast
import hashlib
import inspect
import json
import os
import platform
import re
import sys
import textwrap
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
INPUTS = HERE / "inputs.json"
SCHEMA = 1
REFERENCE = "impls.reference"
API_PACKAGES = ("jax", "flax", "optax")
CPU_DEVICES = 4  # the plugin's default --cpu-devices
ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def results_dir(impl: str) -> Path:
    """Where a run's reports and golden values go: versions/results/<label>/."""
    label = "reference" if impl == REFERENCE else Path(impl).stem if impl.endswith(".py") else impl.replace(".", "_")
    return HERE / "results" / label


def environment() -> dict:
    import jax
    import numpy as np

    from scanprops import compat
    from scanprops.report import versions

    devices = jax.devices()
    return {
        **versions(),
        "numpy": np.__version__,
        "platform": platform.platform(),
        "machine": platform.machine(),
        "backend": jax.default_backend(),
        "devices": len(devices),
        "device_kind": devices[0].device_kind,
        "jax_threefry_partitionable": bool(jax.config.jax_threefry_partitionable),
        "threefry_partitionable_default": compat.threefry_partitionable_default(),
        "apis_available": compat.surface(),
        "env": {k: v for k, v in sorted(os.environ.items()) if k.startswith(("JAX_", "XLA_"))},
    }


# --- the APIs a row's code refers to ------------------------------------------------------------
def _dotted(node: ast.AST) -> list[str] | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return [node.id, *reversed(parts)]
    return None


def _module_assignments(module) -> dict[str, list[ast.AST]]:
    try:
        tree = ast.parse(inspect.getsource(module))
    except (OSError, TypeError, SyntaxError):
        return {}
    found: dict[str, list[ast.AST]] = {}
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and node.value is not None:
                    found.setdefault(target.id, []).append(node.value)
    return found


def api_names(fn) -> dict[str, object]:
    """Public JAX/Flax/Optax objects `fn` refers to, by their dotted name (`jax.lax.scan`,
    `flax.linen.scan`), following the functions, classes and module-level assignments of its
    own module that it uses."""
    module = sys.modules.get(getattr(fn, "__module__", ""), None)
    names = vars(module) if module is not None else getattr(fn, "__globals__", {})
    assignments = _module_assignments(module) if module is not None else {}
    found: dict[str, object] = {}
    seen: set[int] = set()
    todo: list[ast.AST] = []

    def visit(obj) -> None:
        if id(obj) in seen:
            return
        seen.add(id(obj))
        try:
            todo.append(ast.parse(textwrap.dedent(inspect.getsource(obj))))
        except (OSError, TypeError, SyntaxError):
            pass

    visit(fn)
    while todo:
        for node in ast.walk(todo.pop()):
            chain = _dotted(node) if isinstance(node, (ast.Attribute, ast.Name)) else None
            if not chain or chain[0] not in names:
                continue
            obj = names[chain[0]]
            if getattr(obj, "__module__", None) == getattr(module, "__name__", None) and (
                    inspect.isfunction(obj) or inspect.isclass(obj)):
                visit(obj)
                continue
            if chain[0] in assignments and id(assignments[chain[0]]) not in seen:
                seen.add(id(assignments[chain[0]]))
                todo.extend(assignments[chain[0]])
            if not inspect.ismodule(obj) or obj.__name__.split(".")[0] not in API_PACKAGES:
                continue  # only names reached from a module: stable labels across versions
            target, label = obj, obj.__name__
            for attr in chain[1:]:
                nxt = getattr(target, attr, None)
                if nxt is None:
                    break
                target, label = nxt, f"{label}.{attr}"
            if not inspect.ismodule(target) and callable(target):
                found[label] = target
    return dict(sorted(found.items()))


def signature(obj) -> str:
    """The call's shape: parameter names, kinds and simple defaults, without annotations (whose
    module paths move between releases without any change a caller could see)."""
    try:
        params = inspect.signature(obj).parameters.values()
    except (TypeError, ValueError):
        return "<no signature>"
    parts, star = [], False
    for p in params:
        if p.kind is p.VAR_POSITIONAL:
            parts.append(f"*{p.name}")
            star = True
            continue
        if p.kind is p.VAR_KEYWORD:
            parts.append(f"**{p.name}")
            continue
        if p.kind is p.KEYWORD_ONLY and not star:
            parts.append("*")
            star = True
        text = p.name
        if p.default is not p.empty:
            simple = p.default is None or isinstance(p.default, (bool, int, float, str))
            text += f"={p.default!r}" if simple else "=..."
        parts.append(text)
        if p.kind is p.POSITIONAL_ONLY and (p is list(params)[-1] or
                                            list(params)[list(params).index(p) + 1].kind is not p.POSITIONAL_ONLY):
            parts.append("/")
    return "(" + ", ".join(parts) + ")"


# --- calling --------------------------------------------------------------------------------------
def _prepare() -> None:
    """As a props run does: the forced CPU devices (also part of a compiled program's cache key)
    and the persistent compilation cache, so that programs the props run just compiled for the
    same inputs load from disk (SCANPROPS_COMPILE_CACHE=0 turns it off)."""
    from scanprops import compile_cache, devices, isolation
    from scanprops.child.jax_cache import use_compile_cache
    from scanprops.limits import RunLimits

    devices.force_cpu_devices(CPU_DEVICES)
    folders = compile_cache.folders(None)
    isolation.start(RunLimits.from_environment(cache=folders))  # children (any other module) use their own folder
    import jax

    # this process calls only the reference, the harness's own code: its children's folder
    use_compile_cache(jax, compile_cache.children_folder(folders, REFERENCE, (), True))


def _caller(impl: str):
    """call(problem, case, how) -> Outcome, raising scanprops.seam.ImplFailure (or LookupError
    for a function the module lacks); the module when it runs in this process (warnings seen)."""
    from scanprops import in_process, seam

    if impl == REFERENCE:
        import importlib

        module = importlib.import_module(REFERENCE)

        def call(problem, case, how):
            fn = getattr(module, problem.name, None)
            if fn is None:
                raise LookupError(problem.name)
            return in_process.execute(fn, problem.name, problem.static, case, how)

        return call, module
    from scanprops import loading

    the_seam = seam.Seam(module=loading.resolve(impl, Path.cwd()), label=impl)

    def call(problem, case, how):
        if not the_seam.provides(problem.name):
            raise LookupError(problem.name)
        return the_seam.run(problem, case, how)

    return call, None


def _warning_text(w: warnings.WarningMessage) -> str:
    text = ADDRESS.sub("", str(w.message)).strip().splitlines()[0][:300]
    return f"{w.category.__name__}: {text}"


def _outputs(value) -> list[dict]:
    from versions import codec

    leaves = list(value) if isinstance(value, tuple) else [value]
    return [codec.encode_array(leaf) for leaf in leaves]


def _params_digest(problem, case) -> str | None:
    """For the seeded (Flax) rows: a digest of the float32 parameters Flax initialises from the
    case's seed (the oracle's own copy), so a comparison can tell a changed random stream
    (other parameters) from changed arithmetic on the same parameters."""
    import numpy as np

    from scanprops.oracles import flax_seeds

    if problem.name == "lax_scan_in_module":
        tree = {"W": flax_seeds.module_weight(case["seed"], case["hidden"])}
    elif problem.name == "scan_rnn_forward":
        tree = flax_seeds.gru_params(case["seed"], case["hidden"], np.shape(case["x"])[1])
    else:
        return None
    digest = hashlib.sha256()

    def walk(node, path=""):
        if isinstance(node, dict):
            for key in sorted(node):
                walk(node[key], f"{path}/{key}")
        else:
            digest.update(path.encode())
            digest.update(np.asarray(node, np.float32).tobytes())

    walk(tree)
    return digest.hexdigest()[:16]


def record_row(problem, cases, call, module) -> dict:
    import numpy as np

    from scanprops.seam import ImplFailure, Jit, Plain
    from scanprops.tolerance import TRANSFORM_FACTOR
    from versions import codec

    entries, seen_warnings = [], {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for case in cases:
            entry: dict = {}
            for mode, how in (("plain", Plain()), ("jit", Jit())):
                try:
                    outcome = call(problem, case, how)
                except LookupError:
                    return {"missing": True}
                except ImplFailure as exc:
                    entry[mode] = {"error": exc.summary[:500]}
                    continue
                outputs = _outputs(outcome.value)
                if mode == "jit" and outputs == entry.get("plain", {}).get("out"):
                    entry[mode] = "same as plain"
                else:
                    entry[mode] = {"out": outputs}
            digest = _params_digest(problem, case)
            if digest:
                entry["params_sha256"] = digest
            try:
                with np.errstate(all="ignore"):
                    allowed = np.asarray(problem.allowance(case).atol(TRANSFORM_FACTOR), np.float64)
                    rounded = allowed.astype(np.float32)  # half the bytes; rounded up, never tighter
                    rounded = np.where(rounded < allowed, np.nextafter(rounded, np.float32(np.inf)), rounded)
                    entry["allowed"] = codec.encode_array(rounded.astype(np.float32))
            except Exception as exc:  # noqa: BLE001  (the harness's own allowance: say so, record on)
                entry["allowed_error"] = f"{type(exc).__name__}: {exc}"[:300]
            entries.append(entry)
    for w in caught:
        text = _warning_text(w)
        seen_warnings[text] = seen_warnings.get(text, 0) + 1
    row: dict = {"cases": entries}
    if module is not None:
        row["warnings"] = seen_warnings
        fn = getattr(module, problem.name)
        row["apis"] = {name: signature(obj) for name, obj in api_names(fn).items()}
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--impl", default=REFERENCE, help="module to record (default: the reference)")
    parser.add_argument("--out", default=None, help="results folder (default versions/results/<impl>)")
    parser.add_argument("--variant", default="default",
                        help="label of this recording, e.g. threefry-flipped (set the flag in the environment)")
    parser.add_argument("--rows", default="", help="comma-separated catalog rows, or `seeded`: those that "
                        "take a PRNG seed (default: all)")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))  # impls/ (the answer key) lives in the repository only
    from scanprops.catalog import CATALOG
    from versions import codec

    stored = json.loads(INPUTS.read_text())
    wanted = [r for r in args.rows.split(",") if r]
    if wanted == ["seeded"]:
        wanted = [p.name for p in CATALOG if "seed" in p.argnames]
    out_dir = Path(args.out) if args.out else results_dir(args.impl)
    _prepare()
    call, module = _caller(args.impl)
    env = environment()
    started = time.time()
    rows = {}
    for problem in CATALOG:
        if (wanted and problem.name not in wanted) or problem.name not in stored["rows"]:
            continue
        cases = [_case(problem, c, codec) for c in stored["rows"][problem.name]]
        t0 = time.time()
        rows[problem.name] = record_row(problem, cases, call, module)
        rows[problem.name]["seconds"] = round(time.time() - t0, 2)
    jax_version = env["jax"]
    name = f"jax-{jax_version}.json" if args.variant == "default" else f"jax-{jax_version}-{args.variant}.json"
    document = {
        "schema": SCHEMA,
        "impl": args.impl,
        "variant": args.variant,
        "inputs_sha256": hashlib.sha256(INPUTS.read_bytes()).hexdigest(),
        "environment": env,
        "recorded": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "seconds": round(time.time() - started, 1),
        "rows": rows,
    }
    (out_dir / "golden").mkdir(parents=True, exist_ok=True)
    target = out_dir / "golden" / name
    target.write_text(json.dumps(document, indent=1) + "\n")
    shown = target.relative_to(Path.cwd()) if target.is_relative_to(Path.cwd()) else target
    print(f"recorded {len(rows)} rows in {document['seconds']} s -> {shown}")
    if module is None:
        from scanprops import isolation

        isolation.close()
    return 0


def _case(problem, stored_case: dict, codec):
    from scanprops.cases import Case

    return Case(tuple((name, codec.decode(value)) for name, value in stored_case.items()))


if __name__ == "__main__":
    sys.exit(main())

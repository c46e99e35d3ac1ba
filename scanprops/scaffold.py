"""`scanprops new-problem NAME`: the skeleton of a problem pack's row, its reference, a wrong and
an alternative module, and the pack's tests (docs/problem-packs.md walks through filling it in).

The pack is a folder (`--pack`, default ./problems): `__init__.py` lists its problems and builds
ROWS from them; each problem is a module NAME.py holding its row (oracle, inputs, allowance, edge
cases) through the public API (scanprops.pack); reference.py holds every problem's reference
function; wrong/ and alt/ a module each; tests/test_pack.py grades them all from the command
line. The oracle of a new row raises NotImplementedError until it is written, so the pack does
not load before then, and says so (scanprops.pack.validate).
"""
from __future__ import annotations

import ast
import keyword
from pathlib import Path


class ScaffoldError(Exception):
    """What keeps the skeleton from being written; the message says why."""


INIT = '''"""A problem pack (docs/problem-packs.md): `scanprops check FILE --catalog THIS_FOLDER`."""
from importlib import import_module

PROBLEMS = []  # one module of this folder per problem; `scanprops new-problem NAME` adds to it
ROWS = tuple(import_module(f".{name}", __name__).ROW for name in PROBLEMS)
'''

ROW = '''"""The row `{name}` (written by `scanprops new-problem`; fill in every TODO, docs/problem-packs.md).

Contract (TODO: say it in the words a learner reads): {name}(xs) takes xs of shape (N,) and
returns an array of shape (N,).
"""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from scanprops.pack import STEPS, Allowance, Case, Out, Pitfall, arrays, rng, row


def oracle(xp, xs):
    """The contract as a plain Python loop: xp is NumPy (float64) for values and jax.numpy (under
    x64) for gradients, so use xp's functions and never assign into an array."""
    raise NotImplementedError("{name}: write the oracle, a Python loop over xs")  # TODO


@st.composite
def cases(draw, length=None, like=None):
    """xs of length N from the harness's long-tailed pool; `like`: the same shapes as that case,
    `length`: that N (the `structure` property)."""
    n = like["xs"].shape[0] if like is not None else draw(STEPS.sizes())
    return Case.of(xs=draw(arrays((n if length is None else length,))))


def large(salt, length=None):
    """One input at the large size (every property runs large(0))."""
    n = STEPS.big() if length is None else length
    return Case.of(xs=rng(salt, "{name}").uniform(-2, 2, n).astype(np.float32))


EDGE_CASES = (  # run first by every property. TODO: the inputs where a plausible bug shows
    Case.of(xs=np.zeros((0,), np.float32)),
    Case.of(xs=np.array([1.5], np.float32)),
    Case.of(xs=np.array([1.0, -2.0, 3.0, 0.5], np.float32)),
)


def allowance(case):
    """The rounding a float32 result may carry (scanprops/tolerance.py). TODO: one addition per
    step on operands at most the partial sums of |xs| is a running sum's; say what yours does."""
    xs = np.abs(np.asarray(case["xs"], np.float64))
    return Allowance(steps=len(xs), width=1, scale=np.cumsum(xs) if len(xs) else 0.0)


PITFALLS: tuple[Pitfall, ...] = ()  # TODO: Pitfall(name, advice, a mistaken oracle) for each known mistake

ROW = row(name="{name}", signature="{name}(xs)", oracle=oracle, cases=cases, edge_cases=EDGE_CASES, large=large,
          out=lambda case: Out(case["xs"].shape), allowance=allowance, differentiable=("xs",), loop_length="N",
          pitfalls=PITFALLS)
'''

REFERENCE_HEAD = '''"""The pack's reference implementations (its answer key: no submission can read this folder)."""
import jax  # noqa: F401
import jax.numpy as jnp  # noqa: F401
'''

REFERENCE = '''

def {name}(xs):
    raise NotImplementedError("{name}: the reference solution")  # TODO: with lax.scan
'''

WRONG = '''"""{name} with a plausible learner bug (TODO: write one, and say which property catches it)."""
import jax.numpy as jnp

BUG = {{"function": "{name}", "caught_by": "oracle", "pitfall": "", "passes": ("shape",),
       "why": "TODO: the bug in one line"}}


def {name}(xs):
    return jnp.zeros_like(xs)  # TODO: a real mistake (a reversed scan, an off-by-one, an exclusive sum)
'''

ALT = '''"""{name} written in another style than the reference (TODO: e.g. fori_loop instead of scan)."""
import jax  # noqa: F401
import jax.numpy as jnp  # noqa: F401


def {name}(xs):
    raise NotImplementedError("{name}: a second correct solution")  # TODO
'''

# The pack's tests, the same text as examples/scan_pack/tests/test_pack.py (tests/test_packs.py checks).
PACK_TEST = '''"""The pack proves itself through the command line alone (scanprops.pack_proof): the reference and
the alternative pass every property of every function, and each known-wrong module fails the
property its BUG names, with its pitfall's words, and still passes the ones it lists."""
from pathlib import Path

from scanprops.pack_proof import faults


def test_the_pack_proves_both_directions(tmp_path):
    """One grading run (one test, so that a parallel run grades the class once)."""
    found = faults(Path(__file__).resolve().parents[1], work=tmp_path)
    assert not found, "\\n".join(found)
'''


def new_problem(*, name: str, pack: Path) -> list[Path]:
    """Write the skeleton of the row `name` into the pack folder `pack` (created when absent);
    the files written. ScaffoldError when the name is no function name or the pack has it."""
    if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_"):
        raise ScaffoldError(f"{name!r} is not a function name (letters, digits and underscores, not a keyword)")
    pack = Path(pack)
    init = pack / "__init__.py"
    if pack.exists() and not pack.is_dir():
        raise ScaffoldError(f"{pack} is a file; name a folder for the pack")
    if init.exists():
        problems = _problems(init)
        if name in problems:
            raise ScaffoldError(f"{pack} already has the problem {name}")
    else:
        problems = []
    if (pack / f"{name}.py").exists():
        raise ScaffoldError(f"{pack / (name + '.py')} exists already")
    written = []
    for folder in (pack, pack / "wrong", pack / "alt", pack / "tests"):
        folder.mkdir(parents=True, exist_ok=True)
    if not init.exists():
        init.write_text(INIT)
    _write(init, INIT.replace("PROBLEMS = []", f"PROBLEMS = {[*problems, name]!r}") if not problems
           else init.read_text().replace(f"PROBLEMS = {problems!r}", f"PROBLEMS = {[*problems, name]!r}"), written)
    _write(pack / f"{name}.py", ROW.format(name=name), written)
    reference = pack / "reference.py"
    _write(reference, (reference.read_text() if reference.exists() else REFERENCE_HEAD) + REFERENCE.format(name=name),
           written)
    for folder, text in (("wrong", WRONG), ("alt", ALT)):
        if not (pack / folder / "__init__.py").exists():
            _write(pack / folder / "__init__.py", "", written)
        _write(pack / folder / f"{name}_todo.py", text.format(name=name), written)
    if not (pack / "tests" / "test_pack.py").exists():
        _write(pack / "tests" / "test_pack.py", PACK_TEST, written)
    return written


def _problems(init: Path) -> list[str]:
    """The PROBLEMS list of a pack's __init__.py (ScaffoldError if it has none the scaffold wrote)."""
    for node in ast.parse(init.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "PROBLEMS" for t in node.targets):
            try:
                found = ast.literal_eval(node.value)
            except ValueError:
                break
            if isinstance(found, list) and init.read_text().count(f"PROBLEMS = {found!r}") == 1:
                return found
    raise ScaffoldError(f"{init} has no `PROBLEMS = [...]` list written by scanprops new-problem; add the new "
                        "row to its ROWS by hand (the files are the same)")


def _write(path: Path, text: str, written: list[Path]) -> None:
    path.write_text(text)
    written.append(path)


def main(args) -> int:
    import sys

    pack = Path(args.pack)
    try:
        written = new_problem(name=args.name, pack=pack)
    except ScaffoldError as exc:
        print(f"scanprops new-problem: {exc}", file=sys.stderr)
        return 4
    for path in written:
        print(f"  wrote {path}")
    print(f"next: write the oracle in {pack / (args.name + '.py')}, the reference in {pack / 'reference.py'}, a wrong "
          f"and an alternative module; then `scanprops check {pack / 'reference.py'} --catalog {pack}` and "
          f"`pytest {pack / 'tests'}` (docs/problem-packs.md)")
    return 0

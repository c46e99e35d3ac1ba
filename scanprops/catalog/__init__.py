"""The catalog: one `Problem` per function a learner may provide. Data, not code.

To add a row: write its Python-loop oracle in `scanprops/oracles/`, its reference
implementation (re-exported by `impls/reference.py`), its input strategy in `strategies/`,
then one `Problem(...)` entry in the module of this package for its seed. Every property
family that applies picks it up (each family's `applies`, props/registry.py); known-wrong implementations in
`impls/wrong/` and correct ones in `impls/alt/` are found by the harness's own tests.
"""
from __future__ import annotations

from scanprops.catalog import flax_seeds, lesson_control, lesson_scan, sgd
from scanprops.problem import Problem

CATALOG: tuple[Problem, ...] = (*sgd.ROWS, *flax_seeds.ROWS, *lesson_scan.ROWS, *lesson_control.ROWS)

BY_NAME = {p.name: p for p in CATALOG}


def function_names(text: str | None, rows=CATALOG) -> list[str]:
    """`--functions NAME,...` as a list of names: split at the commas, spaces and empty names
    dropped ([] for none); a name no row of `rows` has raises ValueError, naming the known ones.

    >>> function_names(" ema, rnn_forward,")
    ['ema', 'rnn_forward']
    """
    names = [n.strip() for n in (text or "").split(",") if n.strip()]
    known = [p.name for p in rows]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"--functions: {', '.join(unknown)} is not in the catalog ({', '.join(known)})")
    return names

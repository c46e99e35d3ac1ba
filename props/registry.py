"""Every property family, in the contract's order: the one list the rows' families, the tests,
the report, the points file and the feedback descriptions are read from.

To add a family: write its check (a function of the row and the seam that raises
PropertyFailure) in props/families.py, or a module of its own for a large one
(props/termination.py), give it a `Family` record beside it, and list the record here. Its test
comes from the one parametrized module, props/test_properties.py.
"""
from __future__ import annotations

from typing import Iterable

from scanprops.catalog import CATALOG
from scanprops.problem import Problem
from scanprops.props.families import DEVICES, GRAD, JIT, ORACLE, PRE_UPDATE, SHAPE, STRUCTURE, VMAP
from scanprops.props.family import Family
from scanprops.props.termination import TERMINATION

__all__ = ["FAMILIES", "BY_NAME", "Family", "families_of", "rows_with", "pairs", "describe"]

FAMILIES: tuple[Family, ...] = (ORACLE, SHAPE, PRE_UPDATE, JIT, GRAD, VMAP, DEVICES, STRUCTURE, TERMINATION)

BY_NAME: dict[str, Family] = {f.name: f for f in FAMILIES}


def families_of(problem: Problem) -> tuple[str, ...]:
    """The names of the families that apply to `problem`, in the contract's order.

    >>> from scanprops.catalog import BY_NAME as ROWS
    >>> families_of(ROWS["ema"])
    ('oracle', 'shape', 'jit', 'grad', 'vmap', 'devices', 'structure')
    """
    return tuple(f.name for f in FAMILIES if f.applies(problem))


def rows_with(family: str, rows: Iterable[Problem] | None = None) -> list[Problem]:
    """The rows (the catalog's, unless given) a family applies to, in their order."""
    return [p for p in (CATALOG if rows is None else rows) if BY_NAME[family].applies(p)]


def pairs(rows: Iterable[Problem] | None = None) -> list[tuple[Family, Problem]]:
    """Every (family, row) pair a run tests: family by family, each over its rows."""
    rows = None if rows is None else list(rows)
    return [(f, p) for f in FAMILIES for p in rows_with(f.name, rows)]


def describe(name: str) -> str:
    """What a family checks, in one line ('satisfies `name`' for a name no family has)."""
    family = BY_NAME.get(name)
    return family.checks if family is not None else f"satisfies `{name}`"

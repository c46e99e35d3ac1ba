"""What a property family is: one record, registered in props/registry.py.

A record says everything the harness needs to know of a family besides its code: its name (in
the report, the test ids, the points file), when it applies to a catalog row, what it checks in
one line (summaries, PrairieLearn's test descriptions) and the headline of its main failure.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from scanprops.problem import Problem

__all__ = ["Family", "always", "split_test_id"]


def always(problem: Problem) -> bool:
    """A family that applies to every row."""
    return True


@dataclass(frozen=True)
class Family:
    """One property family.

    >>> def oracle(problem, seam, max_examples=None): ...   # raises PropertyFailure when it fails
    >>> ORACLE = Family(name="oracle", check=oracle, applies=always,
    ...                 checks="agrees with a plain Python-loop oracle on generated inputs",
    ...                 headline="the result differs from the Python-loop oracle")
    >>> from scanprops.catalog import BY_NAME
    >>> ORACLE.applies(BY_NAME["ema"]), ORACLE.test_id(BY_NAME["ema"])
    (True, 'oracle-ema')
    """

    name: str
    check: Callable[..., None]  # check(problem, seam, max_examples=None): raises PropertyFailure
    applies: Callable[[Problem], bool]  # whether the row has what the family needs
    checks: str  # what it checks, one line, completing "the function ..."
    headline: str  # what its main failure says, after "property `name` failed:"

    def test_id(self, problem: Problem) -> str:
        """The id of the family's test of `problem` (the one parametrized test, props/test_properties.py)."""
        return f"{self.name}-{problem.name}"


def split_test_id(test_id: str) -> tuple[str, str] | None:
    """(family, row) of an id `Family.test_id` made; None for another id. Family and row names are
    identifiers, so the first '-' divides them.

    >>> split_test_id("pre_update-scan_collect_losses")
    ('pre_update', 'scan_collect_losses')
    """
    family, dash, row = test_id.partition("-")
    return (family, row) if dash and family.isidentifier() and row.isidentifier() else None

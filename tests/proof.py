"""Find the proof material in impls/alt and impls/wrong, and run one property on one module."""
from __future__ import annotations

import contextlib
import importlib
import pkgutil
from types import ModuleType

from hypothesis import settings

import impls.alt
import impls.wrong
from scanprops import isolation
from scanprops.catalog import BY_NAME, CATALOG
from scanprops.props.registry import BY_NAME as FAMILIES
from scanprops.props.registry import families_of
from scanprops.seam import Seam

# The own tests use fewer examples than a learner's run: every wrong module's bug shows on an
# edge case or on most inputs, and the edge cases always run. (The `thorough` profile raises it.)
SELFTEST_EXAMPLES = 5


def modules(package) -> list[ModuleType]:
    return [
        importlib.import_module(f"{package.__name__}.{info.name}")
        for info in pkgutil.iter_modules(package.__path__)
        if not info.name.startswith("_")
    ]


def correct_cases() -> list[tuple[str, str, str]]:
    """(module, function, family) for every catalog function each alt module defines."""
    out = []
    for module in modules(impls.alt):
        for problem in CATALOG:
            if callable(getattr(module, problem.name, None)):
                out += [(module.__name__, problem.name, family) for family in families_of(problem)]
    return out


def wrong_modules() -> list[ModuleType]:
    return modules(impls.wrong)


def run(module_name: str, function: str, family: str) -> None:
    """Run one property family on one module's function (in this process's sandboxed child, as
    in a learner's run); raises PropertyFailure on failure."""
    limit = SELFTEST_EXAMPLES if settings().derandomize else None  # `thorough` keeps its own count
    FAMILIES[family].check(BY_NAME[function], Seam(module_name, module_name), max_examples=limit)


@contextlib.contextmanager
def call_deadline(seconds: float | None):
    """This process's child gets `seconds` per call inside the block (None: unchanged)."""
    child = isolation.executor()
    saved = child.deadline
    child.deadline = saved if seconds is None else seconds
    try:
        yield
    finally:
        child.deadline = saved

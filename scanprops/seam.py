"""The one narrow seam through which the harness calls code under test.

Properties never call a learner's function themselves: they describe a call (which function,
which inputs, under which transformation) and get NumPy results back, or an `ImplFailure`
that says what went wrong in words (the call kinds and results: scanprops/call.py). The
description is plain data, so `Seam.run` sends every call to a sandboxed child process
(scanprops/isolation.py) that alone imports and runs the code under test
(scanprops/child/); the properties' own process never does. The harness's own tests and
benchmarks may call its own implementations in their process (scanprops/in_process.py).
"""
from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from typing import Any

from scanprops import isolation
from scanprops.call import Grad, How, ImplFailure, Jaxpr, JaxprStats, Jit, OnDevice, Outcome, Plain, Single, Vmap
from scanprops.cases import Case

# The call kinds and their results, which the properties name from here (scanprops/call.py).
__all__ = ["Seam", "Grad", "How", "ImplFailure", "Jaxpr", "JaxprStats", "Jit", "OnDevice", "Outcome",
           "Plain", "Single", "Vmap"]


# --- the seam object the properties hold -----------------------------------------------------
@dataclass
class Seam:
    """Calls into one implementation, in a sandboxed child process (scanprops/isolation.py),
    memoising plain and single calls (several properties reuse them).

    `module` is a dotted name, a .py path or a module object of the harness's own (its tests);
    `provided` (function names) is what the import probe found, when known; otherwise the child
    is asked once, about `catalog` (the run's rows; the built-in catalog when empty).
    """

    module: Any
    label: str
    provided: frozenset[str] | None = None
    signature_problems: dict[str, str] = field(default_factory=dict)
    catalog: tuple = ()  # the run's rows (scanprops/packs.py); empty: the built-in catalog
    _memo: dict[bytes, Outcome] = field(default_factory=dict)

    def _inspect(self) -> None:
        from scanprops.catalog import CATALOG

        rows = self.catalog or CATALOG
        info = isolation.executor().inspect(self.module, {p.name: (p.argnames, p.signature) for p in rows})
        self.provided = frozenset(info["provided"])
        self.signature_problems = info["signature"]

    def provides(self, function: str) -> bool:
        if self.provided is None:
            self._inspect()
        return function in self.provided

    def signature_problem(self, function: str) -> str:
        if self.provided is None:
            self._inspect()
        return self.signature_problems.get(function, "")

    def run(self, problem, case: Case, how: How = Plain()) -> Any:
        def call():
            return isolation.execute(self.module, problem.name, problem.static, case, how)

        if isinstance(how, (Plain, Single)):  # pure calls of one input: several properties ask again
            key = pickle.dumps((type(how).__name__, problem.name, case))
            if key not in self._memo:
                self._memo[key] = call()
            return self._memo[key]
        return call()

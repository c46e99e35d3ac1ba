"""What one run may spend: the limits of its sandboxed calls and of the whole run, in one value.

A `RunLimits` is built once, from the command's options and the environment (its defaults and
variables below), and handed to the executor that runs the calls (scanprops/isolation.py);
nothing reads them from module globals. pytest-xdist workers get the controller's value, so every
process of a run spends against the same end time.

- SCANPROPS_CALL_DEADLINE (20 s): one call, compiling included (isolation.py says how it is
  counted on a loaded machine).
- SCANPROPS_IMPORT_DEADLINE (90 s): starting a child and importing the implementation into it.
- SCANPROPS_CHILD_MEMORY_MB (8192): the address space a child may add to what JAX reserves.
- SCANPROPS_REQUIRE_SANDBOX (none): the kernel's layers a child must apply before it runs code
  under test (`--require-sandbox`; names checked by isolation.required_layers).
- the time budget (`--time-budget`; by default the profile's, scanprops/profiles.py, for a
  submission, and none for the harness's own tests): the whole run's wall-clock time.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from typing import Mapping

from scanprops.compile_cache import Folders

__all__ = ["RunLimits"]


def _number(environ: Mapping[str, str], name: str, default: float) -> float:
    try:
        return float(environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class RunLimits:
    """The run's limits.

    >>> limits = RunLimits.from_environment(time_budget_s=600).started()
    >>> limits.left_s() <= 600
    True
    """

    call_deadline_s: float = 20.0
    import_deadline_s: float = 90.0
    memory_mb: int = 8192
    time_budget_s: float | None = None  # the whole run's wall-clock time; None: unbounded
    ends_at: float | None = None  # time.time() at which the budget is spent (`started`)
    cache: Folders | None = None  # JAX's persistent compilation cache folders; None: off
    compile_stats: bool = False  # children count JAX's compile events (benchmarks/speed.py only)
    required_layers: tuple[str, ...] = ()  # kernel layers a child must apply, or the run is refused

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None, **given) -> RunLimits:
        """The defaults, then the SCANPROPS_* variables of `environ` (os.environ), then `given`."""
        environ = os.environ if environ is None else environ
        found = cls(call_deadline_s=_number(environ, "SCANPROPS_CALL_DEADLINE", cls.call_deadline_s),
                    import_deadline_s=_number(environ, "SCANPROPS_IMPORT_DEADLINE", cls.import_deadline_s),
                    memory_mb=int(_number(environ, "SCANPROPS_CHILD_MEMORY_MB", cls.memory_mb)),
                    required_layers=tuple(dict.fromkeys(n.strip() for n in environ.get("SCANPROPS_REQUIRE_SANDBOX", "")
                                                        .split(",") if n.strip())))
        return replace(found, **given)

    def started(self, now: float | None = None) -> RunLimits:
        """The same limits with the time budget counted from `now` (time.time())."""
        if self.time_budget_s is None:
            return self
        return replace(self, ends_at=(time.time() if now is None else now) + self.time_budget_s)

    def left_s(self) -> float | None:
        """Seconds of the time budget left (negative once spent); None without a budget."""
        return None if self.ends_at is None else self.ends_at - time.time()

    def spent_text(self) -> str:
        """What a property past the run's time budget says (one line, the same everywhere)."""
        return (f"not run: the run's time budget of {self.time_budget_s:g} s (--time-budget) was spent; "
                "slow or hanging calls used it up")

    def to_json(self) -> dict:
        """For an xdist worker (pytest_configure_node): plain data."""
        cache = self.cache
        return {"call_deadline_s": self.call_deadline_s, "import_deadline_s": self.import_deadline_s,
                "memory_mb": self.memory_mb, "time_budget_s": self.time_budget_s, "ends_at": self.ends_at,
                "cache": None if cache is None else [cache.judge, cache.children, cache.by_function],
                "compile_stats": self.compile_stats, "required_layers": list(self.required_layers)}

    @classmethod
    def from_json(cls, data: dict) -> RunLimits:
        cache = data.get("cache")
        return cls(**{**data, "cache": Folders(*cache) if cache else None,
                      "required_layers": tuple(data.get("required_layers", ()))})

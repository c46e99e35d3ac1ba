"""Family 7, termination: a while_loop row's call returns, within its deadline and its
iteration cap, on every input, including inputs with no root or no convergence.

Every call of code under test runs in a child process under a hard deadline
(scanprops/isolation.py), so a loop that never ends is a failure of this property after the
deadline, not a hung run.
"""
from __future__ import annotations

import numpy as np

from scanprops.cases import Case
from scanprops.failure import plain
from scanprops.isolation import CallTimeout
from scanprops.problem import Problem
from scanprops.props import checking
from scanprops.props.checking import leaves
from scanprops.props.family import Family
from scanprops.seam import ImplFailure, Seam


def termination(problem: Problem, seam: Seam, max_examples: int | None = None) -> None:
    def check(case: Case) -> None:
        try:
            out = seam.run(problem, case)
        except CallTimeout as exc:
            raise plain(problem.name, "termination", case, f"the call did not finish within {exc.deadline:g} s",
                        "  hint:      a while_loop ends only when its condition becomes false: give it an "
                        "iteration cap (i < max_iter), and a stopping test that float32 can meet "
                        "for every input (relative, not absolute).") from None
        except ImplFailure as exc:
            raise plain(problem.name, "termination", case, "the function did not return a result",
                        f"  raised:    {exc.summary}", f"  where:\n{exc.detail}" if exc.detail else "") from None
        if problem.count_cap is None:
            return
        want = problem.out(case)
        for leaf, spec in zip(leaves(out.value), want if isinstance(want, tuple) else (want,)):
            if np.issubdtype(np.dtype(spec.dtype), np.integer):
                count = np.asarray(leaf)
                if count.size and not (count.min() >= 0 and count.max() <= problem.count_cap):
                    raise plain(problem.name, "termination", case,
                                f"the iteration count is {count.tolist()}, outside [0, {problem.count_cap}]",
                                f"  hint:      this loop may take at most {problem.count_cap} iterations; a "
                                "larger count means its stopping test did not end it (it ran to a cap of its own).",
                                detail={"cap": problem.count_cap})

    strategy = problem.stress() if problem.stress is not None else problem.cases()
    checking.hypothesis_check(strategy, check, problem.edge_cases + problem.stress_examples, max_examples=max_examples)


TERMINATION = Family(name="termination", check=termination, applies=lambda problem: problem.may_not_terminate,
                     checks="finishes within its iteration cap for every input",
                     headline="the call did not finish within its deadline or its iteration cap")

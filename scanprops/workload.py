"""How many pytest-xdist workers a learner's run gets (`-n auto`): by the work left, not the cores.

Each worker is a process of its own that imports pytest, Hypothesis and JAX, collects the
property tests and starts a sandboxed child (and a runner) that imports JAX again: seconds of
start-up for each, on the same cores as the tests. One function's seven properties take a few
seconds of tests, less than a second worker costs to start; the whole catalog's ninety take
half a minute, which two workers share. So the run counts the tests it will run, read from the
catalog and the module's source text (the functions it defines, by scanprops/fingerprint.py;
never by importing it), and gives one worker per TESTS_PER_WORKER of them, up to the cores; below
two workers it runs in one process (no xdist: the controller's import probe child then runs the
calls too). The figures behind TESTS_PER_WORKER are in docs/speed.md ("Start-up").
"""
from __future__ import annotations

import os
from pathlib import Path

TESTS_PER_WORKER = 20  # about three functions' properties; see the module docstring


def defined_functions(path: str | Path, names) -> set[str] | None:
    """Which of `names` the module at `path` binds at its top level, from its text (None: it cannot
    be read or parsed; the run then says why)."""
    from scanprops import fingerprint

    try:
        text = Path(path).read_text(errors="replace")
        return set(fingerprint.fingerprints(text=text, names=list(names)))
    except (OSError, SyntaxError):
        return None


def tests_left(*, path: str | Path, catalog, functions=None, keyword: str | None = None) -> int:
    """The property tests a run of the module at `path` will run: the catalog's rows it defines
    (those in `functions` where given), each with its families, matched against pytest's -k
    `keyword` where one is given (by the row's and the family's names, as the test ids hold them)."""
    wanted = [p for p in catalog if not functions or p.name in functions]
    defined = defined_functions(path, [p.name for p in wanted])
    if defined is not None:
        wanted = [p for p in wanted if p.name in defined]
    from scanprops.props.registry import BY_NAME, families_of

    tests = [{p.name, family, BY_NAME[family].test_id(p), "test_property", "test_properties.py", "props"}
             for p in wanted for family in families_of(p)]
    matches = _keyword_matcher(keyword, set().union(*tests) if tests else set())
    return sum(1 for words in tests if matches(words))


def _keyword_matcher(keyword: str | None, known: set[str]):
    """A test's keywords -> whether -k `keyword` selects it, as far as this can tell: a word of the
    expression that is in none of the `known` keywords (a test function's name, say) is taken to
    match; every test matches where the expression cannot be read."""
    if not keyword:
        return lambda words: True
    try:  # pytest's own -k grammar (its module is not public API: any failure counts every test)
        from _pytest.mark.expression import Expression

        expression = Expression.compile(keyword)
    except Exception:  # noqa: BLE001
        return lambda words: True

    def matches(words) -> bool:
        def word_matches(word, **_):
            word = word.lower()
            return any(word in w.lower() for w in words) or not any(word in w.lower() for w in known)

        try:
            return bool(expression.evaluate(word_matches))
        except Exception:  # noqa: BLE001
            return True

    return matches


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def workers(*, tests: int, cores: int) -> int:
    """xdist's worker count for `tests` tests on `cores` cores; 0 for one process without xdist."""
    chosen = min(cores, tests // TESTS_PER_WORKER)
    return chosen if chosen >= 2 else 0

"""The mutation run's mutator (benchmarks/mutation.py; the run itself is slow and stays out of
the suite): every operator the docs list makes mutants, every catalog row is reached, and every
mutant is valid Python that differs from the reference in one place."""
import ast

from benchmarks import mutation
from scanprops.catalog import CATALOG


def test_every_operator_makes_mutants_and_every_row_is_reached():
    found = mutation.mutants({p.name for p in CATALOG})
    assert {m.operator for m in found} == {"const", "compare", "reverse", "stop_gradient", "slice", "swap", "default"}
    assert {f for m in found for f in m.functions} == {p.name for p in CATALOG}
    for m in found:
        ast.parse(m.code)
        original = (mutation.ROOT / m.source).read_text()
        assert ast.dump(ast.parse(m.code)) != ast.dump(ast.parse(original)), (m.source, m.line, m.what)


def test_a_changed_default_is_a_mutant():
    found = mutation.mutants({"ema"})
    assert any(m.operator == "default" and m.what == "default 0.1 -> 0.2" and m.functions == ("ema",) for m in found)

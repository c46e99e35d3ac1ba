"""Every property family on every catalog row it applies to: one test per (family, row), with the
id `family-row` (props/registry.py lists the families; docs/contract.md says what each checks)."""
import pytest

from scanprops.props import registry

CASES = [pytest.param(family, problem, id=family.test_id(problem), marks=pytest.mark.family(family.name))
         for family, problem in registry.pairs()]


@pytest.mark.parametrize(("family", "problem"), CASES)
def test_property(family, problem, under_test):
    family.check(problem, under_test)

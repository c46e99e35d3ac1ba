"""Family 6: a compiled loop whose traced program does not grow with N or T."""
import pytest

from scanprops.catalog import rows_with
from scanprops.props import families


@pytest.mark.parametrize("problem", rows_with("structure"), ids=lambda p: p.name)
def test_compiles_to_a_loop_that_does_not_grow(problem, under_test):
    families.structure(problem, under_test)

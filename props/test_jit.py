"""Family 4a: jax.jit(f) gives f's result (within the float32 rounding budget)."""
import pytest

from scanprops.catalog import rows_with
from scanprops.props import families


@pytest.mark.parametrize("problem", rows_with("jit"), ids=lambda p: p.name)
def test_jit_leaves_the_result_unchanged(problem, under_test):
    families.jit(problem, under_test)

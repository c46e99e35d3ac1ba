"""Family 4c: jax.vmap(f) over a batch equals f on each input alone, stacked."""
import pytest

from scanprops.catalog import rows_with
from scanprops.props import families


@pytest.mark.parametrize("problem", rows_with("vmap"), ids=lambda p: p.name)
def test_vmap_equals_stacked_single_calls(problem, under_test):
    families.vmap(problem, under_test)

"""Family 4b: jax.grad of f equals the gradient of the float64 oracle, for every differentiable input."""
import pytest

from scanprops.catalog import rows_with
from scanprops.props import families


@pytest.mark.parametrize("problem", rows_with("grad"), ids=lambda p: p.name)
def test_grad_matches_the_oracle_grad(problem, under_test):
    families.grad(problem, under_test)

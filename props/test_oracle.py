"""Family 1: every generated input gives the Python-loop oracle's result."""
import pytest

from scanprops.catalog import rows_with
from scanprops.props import families


@pytest.mark.parametrize("problem", rows_with("oracle"), ids=lambda p: p.name)
def test_matches_the_python_loop_oracle(problem, under_test):
    families.oracle(problem, under_test)

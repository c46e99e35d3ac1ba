"""Family 7: a while_loop row returns, within its deadline and iteration cap, on every input."""
import pytest

from scanprops.catalog import rows_with
from scanprops.props.termination import termination


@pytest.mark.parametrize("problem", rows_with("termination"), ids=lambda p: p.name)
def test_finishes_within_its_deadline_and_cap(problem, under_test):
    termination(problem, under_test)

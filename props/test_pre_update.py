"""Family 3: a collector's losses[i] is the loss at the weight before step i."""
import pytest

from scanprops.catalog import rows_with
from scanprops.props import families


@pytest.mark.parametrize("problem", rows_with("pre_update"), ids=lambda p: p.name)
def test_losses_are_pre_update(problem, under_test):
    families.pre_update(problem, under_test)

"""Family 5: the same result on every visible device, and it lands where the inputs were committed."""
import pytest

from scanprops.catalog import rows_with
from scanprops.props import families


@pytest.mark.parametrize("problem", rows_with("devices"), ids=lambda p: p.name)
def test_same_result_on_every_device(problem, under_test):
    families.devices(problem, under_test)

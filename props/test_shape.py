"""Family 2: exactly the output shape and dtype the catalog states; no silent float64."""
import pytest

from scanprops.catalog import rows_with
from scanprops.props import families


@pytest.mark.parametrize("problem", rows_with("shape"), ids=lambda p: p.name)
def test_output_has_the_catalog_shape_and_dtype(problem, under_test):
    families.shape(problem, under_test)

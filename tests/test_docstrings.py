"""The examples in the public modules' docstrings run as written (the style of Hypothesis's
extra.numpy: a docstring's example is part of the documentation, so it is tested)."""
import doctest
import importlib

import pytest

MODULES = ["scanprops.pack", "scanprops.limits", "scanprops.report", "scanprops.catalog", "scanprops.props.family",
           "scanprops.props.registry"]


@pytest.mark.parametrize("name", MODULES)
def test_the_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples of {name} failed"
    assert result.attempted > 0, f"{name} has no example"

"""Correct implementations written in other styles pass every property (never a false reject)."""
import pytest

from tests import proof


@pytest.mark.parametrize("module,function,family", proof.correct_cases(),
                         ids=lambda v: v.rsplit(".", 1)[-1] if isinstance(v, str) else v)
def test_correct_implementation_passes(module, function, family):
    proof.run(module, function, family)

"""Known-wrong implementations are rejected, each by the property that names its bug."""
import pytest

from scanprops.catalog import BY_NAME
from scanprops.failure import PropertyFailure
from scanprops.props.registry import families_of
from tests import proof

WRONG = proof.wrong_modules()
HANG_DEADLINE_S = 5.0


def test_every_wrong_module_declares_its_bug():
    for module in WRONG:
        bug = getattr(module, "BUG", None)
        assert bug is not None, f"{module.__name__} has no BUG declaration"
        assert bug.function in BY_NAME, f"{module.__name__}: {bug.function} is not a catalog function"
        assert bug.caught_by in families_of(BY_NAME[bug.function]), (
            f"{module.__name__}: {bug.caught_by} does not apply to {bug.function}")


@pytest.mark.parametrize("module", WRONG, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_wrong_implementation_is_rejected_by_the_named_property(module):
    bug = module.BUG
    # A loop that never ends is caught by the call deadline, the same mechanism at any length:
    # a short one here keeps the suite fast (the default is 20 s).
    deadline = HANG_DEADLINE_S if bug.caught_by == "termination" else None
    with pytest.raises(PropertyFailure) as failure, proof.call_deadline(deadline):
        proof.run(module.__name__, bug.function, bug.caught_by)
    assert failure.value.family == bug.caught_by
    assert failure.value.problem == bug.function
    if bug.pitfall:
        assert bug.pitfall in failure.value.text, failure.value.text


@pytest.mark.parametrize(
    "module,family",
    [(m, f) for m in WRONG for f in m.BUG.passes],
    ids=lambda v: v if isinstance(v, str) else v.__name__.rsplit(".", 1)[-1],
)
def test_only_the_named_property_sees_the_bug(module, family):
    """A bug declared invisible to `family` must pass it: proof the named property is needed."""
    proof.run(module.__name__, module.BUG.function, family)

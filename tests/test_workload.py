"""Workers by the work left (scanprops/workload.py): a function or two run in one process, the
whole catalog on the cores; counted from the catalog and the module's text."""
from __future__ import annotations

from scanprops import workload
from scanprops.catalog import CATALOG
from scanprops.props.registry import families_of

MODULE = "import jax.numpy as jnp\n\ndef ema(xs, alpha=0.1):\n    return xs\n\n\ndef running_sum(xs):\n    return xs\n"
FAMILIES = {p.name: len(families_of(p)) for p in CATALOG}


def test_the_tests_left_are_the_defined_functions_properties(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(MODULE)
    assert workload.tests_left(path=module, catalog=CATALOG) == FAMILIES["ema"] + FAMILIES["running_sum"]
    assert workload.tests_left(path=module, catalog=CATALOG, functions=["ema"]) == FAMILIES["ema"]
    assert workload.tests_left(path=module, catalog=CATALOG, functions=["safe_divide"]) == 0  # not defined
    assert workload.tests_left(path=module, catalog=CATALOG, keyword="ema") == FAMILIES["ema"]
    assert workload.tests_left(path=module, catalog=CATALOG, keyword="ema and grad") == 1
    assert workload.tests_left(path=module, catalog=CATALOG, keyword="not ema") == FAMILIES["running_sum"]
    # a word no test id holds that this can see (a test function's name) is taken to match
    assert workload.tests_left(path=module, catalog=CATALOG, keyword="test_matches_the_oracle and ema") == \
        FAMILIES["ema"]
    module.write_text("def ema(:\n")  # unreadable: every selected row counts
    assert workload.tests_left(path=module, catalog=CATALOG, functions=["ema"]) == FAMILIES["ema"]


def test_one_process_for_a_function_or_two_the_cores_for_the_catalog():
    assert workload.workers(tests=FAMILIES["ema"], cores=2) == 0
    assert workload.workers(tests=FAMILIES["ema"] + FAMILIES["running_sum"], cores=16) == 0
    assert workload.workers(tests=sum(FAMILIES.values()), cores=2) == 2
    assert workload.workers(tests=sum(FAMILIES.values()), cores=16) == sum(FAMILIES.values()) // 20
    assert workload.workers(tests=sum(FAMILIES.values()), cores=1) == 0

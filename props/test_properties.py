"""Every property family on every row of the run it applies to: one test per (family, row), with
the id `family-row` (props/registry.py lists the families; docs/contract.md says what each checks).

The run's rows are the built-in catalog and the problem packs `--catalog` names
(scanprops/packs.py), so the pairs are known only once the run is configured: the plugin
parametrizes this test from them (scanprops/plugin.py, pytest_generate_tests)."""


def test_property(family, problem, under_test):
    family.check(problem, under_test)

"""The functions' fingerprints (scanprops/fingerprint.py): an edit changes the keys of the
functions that reach what it changed, and only those; where the text cannot show what a function
reaches, there is no fingerprint (the caller keys by the whole file)."""
from __future__ import annotations

import pytest

from scanprops.fingerprint import fingerprints

MODULE = '''"""A learner's module."""
import jax.numpy as jnp
from jax import lax

ALPHA = 0.1
SCALE = 2.0


def _scaled(x):
    return x * SCALE


def ema(xs, alpha=ALPHA):
    def step(prev, x):
        new = alpha * x + (1 - alpha) * prev
        return new, new

    _, rest = lax.scan(step, xs[0], xs[1:])
    return jnp.concatenate([xs[:1], rest])


def running_sum(xs):
    return _scaled(jnp.cumsum(xs))


def custom_cumsum(xs):
    return lax.associative_scan(jnp.add, xs)


if __name__ == "__main__":
    print(ema(jnp.ones(3)))
'''
NAMES = ("ema", "running_sum", "custom_cumsum")


def changed(before: str, after: str, folder=None) -> set[str]:
    old, new = fingerprints(text=before, folder=folder), fingerprints(text=after, folder=folder)
    assert all(old[n] and new[n] for n in NAMES)
    return {n for n in NAMES if old[n] != new[n]}


def test_an_edit_of_one_function_changes_only_its_key():
    assert changed(MODULE, MODULE.replace("(1 - alpha) * prev", "(1.0 - alpha) * prev")) == {"ema"}
    assert changed(MODULE, MODULE.replace("jnp.add, xs", "lambda a, b: a + b, xs")) == {"custom_cumsum"}


def test_an_edit_of_a_helper_changes_the_keys_of_its_callers():
    assert changed(MODULE, MODULE.replace("return x * SCALE", "return SCALE * x")) == {"running_sum"}


def test_an_edit_of_a_module_constant_changes_the_keys_of_its_readers():
    assert changed(MODULE, MODULE.replace("SCALE = 2.0", "SCALE = 3.0")) == {"running_sum"}  # through the helper
    assert changed(MODULE, MODULE.replace("ALPHA = 0.1", "ALPHA = 0.2")) == {"ema"}  # a default
    assert changed(MODULE, MODULE + "\ndef reset():\n    global SCALE\n    SCALE = 1.0\n") == {"running_sum"}
    assert changed(MODULE, MODULE + "\nSCALE += 1\n") == {"running_sum"}


def test_what_does_not_run_or_is_not_code_changes_nothing():
    assert changed(MODULE, MODULE.replace("print(ema(", "print(running_sum(")) == set()  # the __main__ block
    assert changed(MODULE, MODULE.replace("def ema", "# smoothing\n\n\ndef ema")) == set()  # comments, layout
    assert changed(MODULE, MODULE.replace('"""A learner\'s module."""', '"""Another docstring."""')) == set()
    assert changed(MODULE, MODULE + "\n\ndef unrelated():\n    return 1\n") == set()


def test_a_statement_run_at_import_changes_every_key():
    assert changed(MODULE, MODULE + "\njnp.ones(3).block_until_ready()\n") == set(NAMES)
    assert changed(MODULE, MODULE.replace("import jax.numpy as jnp", "import jax\nimport jax.numpy as jnp")
                   + "\njax.config.update('jax_enable_x64', True)\n") == set(NAMES)


def test_an_import_changes_the_keys_of_the_functions_that_read_it():
    assert changed(MODULE, MODULE.replace("from jax import lax", "from jax import lax\nimport numpy as np")) == set()
    assert changed(MODULE, MODULE.replace("from jax import lax", "import jax.lax as lax")) == {"ema", "custom_cumsum"}


def test_a_helper_module_beside_the_file_is_part_of_the_key(tmp_path):
    (tmp_path / "helpers.py").write_text("def twice(x):\n    return 2 * x\n")
    text = MODULE + "\nfrom helpers import twice\n\n\ndef doubled(xs):\n    return twice(xs)\n"
    before = fingerprints(text=text, folder=tmp_path)
    (tmp_path / "helpers.py").write_text("def twice(x):\n    return x + x\n")
    after = fingerprints(text=text, folder=tmp_path)
    assert before["doubled"] != after["doubled"] and before["ema"] == after["ema"]
    (tmp_path / "helpers").mkdir()  # a package beside it: not read, so no fingerprint
    (tmp_path / "helpers.py").unlink()
    assert fingerprints(text=text, folder=tmp_path)["doubled"] is None


@pytest.mark.parametrize("added, names", [
    ("from numpy import *\n", NAMES),  # a star import: any name may come from it
    ("def __getattr__(name):\n    return 1\n", NAMES),
    ("def ema2(xs):\n    return eval('xs')\n", ("ema2",)),
    ("def ema2(xs, name='cumsum'):\n    return getattr(jnp, name)(xs)\n", ("ema2",)),
    ("import sys\n\n\ndef ema2(xs):\n    return sys.modules[__name__]\n", ("ema2",)),
    ("def ema2(xs):\n    return globals()['ema'](xs)\n", ("ema2",)),
    ("@unknown_decorator\ndef ema2(xs):\n    return xs\n", ("ema2",)),  # a name bound nowhere
    ("def ema2(xs):\n    from . import sibling\n    return xs\n", NAMES + ("ema2",)),  # a relative import
])
def test_where_the_text_cannot_show_what_a_function_reaches_there_is_no_fingerprint(added, names):
    found = fingerprints(text=MODULE + "\n" + added)
    assert all(found[n] is None for n in names)
    assert all(found[n] is not None for n in set(NAMES) - set(names))


def test_a_literal_attribute_name_and_a_local_name_are_resolved():
    text = MODULE + "\ndef ema2(xs):\n    f = getattr(jnp, 'cumsum')\n    return f(xs)\n"
    assert fingerprints(text=text)["ema2"] is not None


def test_a_syntax_error_raises_and_a_function_assigned_a_call_counts():
    with pytest.raises(SyntaxError):
        fingerprints(text="def ema(:\n")
    found = fingerprints(text=MODULE + "\nimport jax\nfast_ema = jax.jit(ema)\n")
    assert set(found) >= {"ema", "running_sum", "fast_ema", "_scaled"}

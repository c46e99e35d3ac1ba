"""Reference implementations of every catalog function, exactly as the seeds specify them.

`pytest -n auto` verifies this module; `--impl` swaps in another one with the same names.
Each seed's functions live in their own module; this one gathers them under the catalog's names.
"""
from impls.flax_seeds import *  # noqa: F401,F403  seeds 002, 003
from impls.lesson_control import *  # noqa: F401,F403  seed 004: fori/while/cond/switch rows
from impls.lesson_scan import *  # noqa: F401,F403  seed 004: scan rows
from impls.sgd import scan_collect_losses, scan_training_step  # noqa: F401  seeds 000, 001

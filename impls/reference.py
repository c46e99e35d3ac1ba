"""Reference implementations of every catalog function, exactly as the seeds specify them.

`pytest -n auto` verifies this module; `--impl` swaps in another one with the same names.
Each seed's functions live in their own module; this one gathers them under the catalog's names.
"""
from impls.sgd import scan_collect_losses, scan_training_step  # noqa: F401  seeds 000, 001

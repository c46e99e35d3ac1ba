"""The pack proves itself through the command line alone (scanprops.pack_proof): the reference and
the alternative pass every property of every function, and each known-wrong module fails the
property its BUG names, with its pitfall's words, and still passes the ones it lists."""
from pathlib import Path

from scanprops.pack_proof import faults


def test_the_pack_proves_both_directions(tmp_path):
    """One grading run (one test, so that a parallel run grades the class once)."""
    found = faults(Path(__file__).resolve().parents[1], work=tmp_path)
    assert not found, "\n".join(found)

"""What the submission printed during its failing call is attached to the failure, in the report
and under the message, marked as its own output, capped and cleaned; never part of the verdict."""
from __future__ import annotations

from tests.test_command_line import scanprops

NOISY = """
import sys
import jax
import jax.numpy as jnp


def running_sum(xs):
    print("call with", xs.shape[0], "elements")
    print("\\x1b[31mred\\x07 on stderr", file=sys.stderr)
    if xs.shape[0] == 0:
        print("x" * 100_000)  # a flood on the edge case: capped, and only shown where it was printed

    def step(c, x):
        c = c + x
        return c, c * 1.5

    return jax.lax.scan(step, jnp.zeros((), xs.dtype), xs)[1]
"""

ORACLE = ("-k", "oracle and running_sum")


def test_the_failing_calls_output_is_attached_and_marked_as_the_submissions(tmp_path):
    code, out, report = scanprops(tmp_path, NOISY, *ORACLE)
    assert code != 0
    entry = report["problems"]["running_sum"]["properties"]["oracle"]
    assert entry["verdict"] == "fail"
    n = entry["values"]["shape"][0]
    printed = entry["printed"]
    stdout, _, stderr = printed.partition("stderr:")
    lines = [line for line in stdout.split("\n")[1:] if line]
    assert lines and all(line == f"call with {n} elements" for line in lines), printed  # that call's, no other's
    assert "red" in stderr and "\x1b" not in printed and "\x07" not in printed  # control characters replaced
    assert "printed" not in entry["message"] and "call with" not in entry["message"]  # not the judge's text
    assert "the submission's own output during the failing call (shown, not judged)" in out
    assert f"    call with {n} elements" in out


def test_a_flood_is_capped(tmp_path):
    flood = NOISY.replace("if xs.shape[0] == 0:", "if True:")
    code, _, report = scanprops(tmp_path, flood, *ORACLE)
    assert code != 0
    printed = report["problems"]["running_sum"]["properties"]["oracle"]["printed"]
    assert len(printed) < 9_000
    assert "earlier bytes not shown]" in printed

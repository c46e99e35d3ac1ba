"""Regression testing across the supported JAX/Flax pairs (docs/contract.md, docs/versions.md).

    pip install nox uv && nox                     # every pair, then the table (13 to 21 min on 2 shared cores)
    nox -s "matrix(0.4.30)" "matrix(0.10.2)" table    # the pairs named, then the table of those with results
    nox -- --impl path/to/my_solutions.py         # any module instead of the reference implementations
    nox -s table -- 0.4.38 0.5.3                  # compare two versions' results again, no runs

Each `matrix(<jax>)` session installs `jax==<jax> jaxlib==<jax> flax==<its flax>` and this
project with uv (seconds), then, into versions/results/<impl>/ (`reference` by default):
1. runs the property tests (props/, on the reference or on `--impl`) and, for the reference,
   the version guards (tests/test_version_guards.py): `reports/jax-<jax>.json` (the JSON report)
   and `reports/jax-<jax>-junit.xml`; failing properties are results, not session errors;
2. records golden values on the committed inputs (versions/inputs.json), with the environment:
   `golden/jax-<jax>.json`;
3. records the seeded (Flax) rows again with `jax_threefry_partitionable` flipped from this
   version's default: `golden/jax-<jax>-threefry-flipped.json`, which shows whether the PRNG
   change of JAX 0.5.0 explains a difference.
`admitted(<jax>-flax<flax>)` checks the Flax rows on the pairs the packages' metadata admits
beyond that list (versions/pairs.py ADMITTED; not run by plain `nox`).
`table` (no environment of its own: standard library only) prints the version x row table of
verdicts and, between consecutive versions, every change with its class (versions/compare.py);
it exits non-zero when a pair lacks results or a verdict is not pass.

Arguments after `--` go to pytest (e.g. `-k oracle`), except `--impl X`, which also chooses
what is recorded. The pairs are listed once, in versions/pairs.py.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
from versions.pairs import ADMITTED, PAIRS, version_key  # noqa: E402
from versions.record import REFERENCE, results_dir  # noqa: E402  (standard library at import)

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["matrix", "table"]


def _split_impl(posargs: list[str]) -> tuple[str, list[str]]:
    """The --impl value (the reference by default) and the pytest arguments (with --impl kept)."""
    impl = REFERENCE
    for i, arg in enumerate(posargs):
        if arg == "--impl" and i + 1 < len(posargs):
            impl = posargs[i + 1]
        elif arg.startswith("--impl="):
            impl = arg.split("=", 1)[1]
    return impl, list(posargs)


@nox.session(python="3.11")
@nox.parametrize(("jax", "flax"), PAIRS, ids=[j for j, _ in PAIRS])
def matrix(session: nox.Session, jax: str, flax: str) -> None:
    """One supported pair: the properties (and the guards), golden values, the flipped PRNG flag."""
    impl, pytest_args = _split_impl(session.posargs)
    out = results_dir(impl)
    (out / "reports").mkdir(parents=True, exist_ok=True)
    timing: dict[str, float] = {}

    started = time.time()
    session.install(f"jax=={jax}", f"jaxlib=={jax}", f"flax=={flax}", "-e", ".")
    timing["install_s"] = time.time() - started

    started = time.time()
    tests = ["props"] + (["tests/test_version_guards.py"] if impl == REFERENCE else [])
    session.run("pytest", "-n", "auto", *tests, f"--scan-report={out / 'reports' / f'jax-{jax}.json'}",
                f"--junitxml={out / 'reports' / f'jax-{jax}-junit.xml'}", *pytest_args, success_codes=[0, 1])
    timing["pytest_s"] = time.time() - started

    started = time.time()
    session.run("python", "-m", "versions.record", "--impl", impl, "--out", str(out))
    timing["golden_s"] = time.time() - started

    started = time.time()
    flipped = "0" if version_key(jax) >= (0, 5, 0) else "1"  # the other side of 0.5.0's default
    session.run("python", "-m", "versions.record", "--impl", impl, "--out", str(out), "--variant",
                "threefry-flipped", "--rows", "seeded", env={"JAX_THREEFRY_PARTITIONABLE": flipped})
    timing["flipped_s"] = time.time() - started
    timing_file = out / "reports" / f"jax-{jax}-timing.json"
    timing_file.write_text(json.dumps({k: round(v, 1) for k, v in timing.items()}) + "\n")


@nox.session(python="3.11")
@nox.parametrize(("jax", "flax"), ADMITTED, ids=[f"{j}-flax{f}" for j, f in ADMITTED])
def admitted(session: nox.Session, jax: str, flax: str) -> None:
    """A pair the metadata admits but versions/pairs.py does not list: the Flax rows' properties
    (the rows that depend on Flax), reported to versions/results/reference/admitted/."""
    out = results_dir(REFERENCE) / "admitted"
    out.mkdir(parents=True, exist_ok=True)
    session.install(f"jax=={jax}", f"jaxlib=={jax}", f"flax=={flax}", "-e", ".")
    session.run("pytest", "-n", "auto", "props", "-k", "lax_scan_in_module or scan_rnn_forward",
                f"--scan-report={out / f'jax-{jax}-flax-{flax}.json'}", *session.posargs, success_codes=[0, 1])


@nox.session(python=False)
def table(session: nox.Session) -> None:
    """The version x row table and the changes, from the results on disk (versions/compare.py)."""
    impl, rest = _split_impl(session.posargs)
    versions = [a for a in rest if a[:1].isdigit()]
    out = results_dir(impl)
    session.run(sys.executable, "-m", "versions.compare", "--results", str(out),
                "--markdown", str(out / "table.md"), *versions)

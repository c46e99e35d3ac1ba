"""Run the suite across the JAX/Flax pairs SPEC.md supports (regression testing across versions).

    pip install nox && nox                      # every pair
    nox -s "tests(0.4.30)" -- -k oracle          # one pair, extra pytest arguments after --

Each session writes report-jax<version>.json; diff two of them to see what an upgrade changed.
Flax rows' parameters differ between 0.4.x and 0.5+ (jax_threefry_partitionable became the
default), which the oracles follow because they take parameters from Flax's own init.
"""
import nox

# (jax, newest Flax that works with it), checked by hand: the packages' metadata admits broken pairs.
PAIRS = [
    ("0.4.30", "0.10.3"),
    ("0.4.38", "0.10.3"),
    ("0.5.3", "0.10.6"),
    ("0.6.2", "0.11.2"),
    ("0.7.2", "0.12.0"),
    ("0.8.3", "0.12.6"),
    ("0.10.2", "0.12.8"),
]

nox.options.default_venv_backend = "uv|virtualenv"


@nox.session(python="3.11")
@nox.parametrize(("jax", "flax"), PAIRS, ids=[j for j, _ in PAIRS])
def tests(session, jax, flax):
    session.install(f"jax=={jax}", f"jaxlib=={jax}", f"flax=={flax}", "-e", ".")
    session.run("pytest", "-n", "auto", f"--scan-report=report-jax{jax}.json", *session.posargs)

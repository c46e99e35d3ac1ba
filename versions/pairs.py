"""The JAX/Flax pairs the contract supports (docs/contract.md), in one place (noxfile.py, .ci/run
and the comparison read it). Plain data: importable without JAX, nox or the harness.

Each JAX release is paired with the newest Flax that works with it, as verified end to end by
`nox` (docs/versions.md): the packages' metadata admits broken pairs (Flax 0.10.4 and later
install next to JAX 0.4.x, and their `nn.scan` fails there).
"""
from __future__ import annotations

# (jax == jaxlib, flax), oldest first.
PAIRS: tuple[tuple[str, str], ...] = (
    ("0.4.30", "0.10.3"),
    ("0.4.38", "0.10.3"),
    ("0.5.3", "0.10.6"),
    ("0.6.2", "0.11.2"),
    ("0.7.2", "0.12.0"),
    ("0.8.3", "0.12.6"),
    ("0.10.2", "0.12.8"),
)

# Pairs the packages' metadata admits (uv resolves them) that PAIRS does not list: the Flax the
# resolver picks for JAX 0.4.x when Flax is left unpinned (0.10.4), and each supported JAX
# with the previous pair's Flax (an upgrade of JAX alone). `nox -s admitted` checks them.
ADMITTED: tuple[tuple[str, str], ...] = (
    ("0.4.30", "0.10.4"),
    ("0.4.38", "0.10.4"),
    ("0.5.3", "0.10.3"),
    ("0.6.2", "0.10.6"),
    ("0.7.2", "0.11.2"),
    ("0.8.3", "0.12.0"),
    ("0.10.2", "0.12.6"),
)

OLDEST, NEWEST = PAIRS[0], PAIRS[-1]
FLAX_FOR = dict(PAIRS)


def version_key(version: str) -> tuple[int, ...]:
    """'0.4.30' -> (0, 4, 30), for ordering releases (no pre-release tags here)."""
    return tuple(int(part) for part in version.split(".") if part.isdigit())


if __name__ == "__main__":  # `python -m versions.pairs oldest` prints "0.4.30 0.10.3" (.ci/run)
    import sys

    which = sys.argv[1] if len(sys.argv) > 1 else "all"
    chosen = {"oldest": [OLDEST], "newest": [NEWEST]}.get(which, list(PAIRS))
    print("\n".join(f"{jax} {flax}" for jax, flax in chosen))

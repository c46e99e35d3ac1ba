"""Version guards: JAX APIs whose existence, name or default changed within the supported range
(JAX 0.4.30 to the newest release), each behind one function that works on every supported
version, and the list of them (`GUARDED`).

tests/test_version_guards.py exercises every guard on the JAX it runs under (the version matrix
runs it on all seven pairs, CI on the oldest and the newest) and fails when harness code names
one of these APIs outside the files `GUARDED` allows. Measured on the pairs of versions/pairs.py:

| API | 0.4.30 | 0.4.38 | 0.5.3 | 0.6.2 | 0.7.2 | 0.8.3 | 0.10.2 |
|---|---|---|---|---|---|---|---|
| config `jax_num_cpu_devices` | - | - | yes | yes | yes | yes | yes |
| `jax.make_mesh` | - | yes | yes | yes | yes | yes | yes |
| its default axis type | | Auto | Auto | Auto | Auto | Auto | Explicit |
| `jax.shard_map` (`check_vma`) | - | - | - | yes | yes | yes | yes |
| `jax.experimental.shard_map` (`check_rep` until 0.5) | yes | yes | yes | yes | yes | deprecated | deprecated |
| `jax.enable_x64(bool)` context | - | - | - | - | - | yes | yes |
| `jax.experimental.enable_x64`, `disable_x64` | yes | yes | yes | yes | yes | yes | - |
| `jax_threefry_partitionable` default | False | False | True | True | True | True | True |
| shard_map's check rejects a scan from a constant carry | - | - | - | yes | yes | yes | yes |
| `jax._src.lru_cache._CACHE_SUFFIX` (private) | - | yes | yes | yes | yes | yes | yes |
| `Primitive.get_bind_params` returns | (subfuns, params) | | | | | | params |

(The last row was measured on the oldest and the newest pair only; `bind` accepts either form.)
"""
from __future__ import annotations

# raw API text -> (where it changed, the only files that may name it: their guard; this file may)
GUARDED: dict[str, tuple[str, tuple[str, ...]]] = {
    "jax_num_cpu_devices": ("config option from 0.5; XLA_FLAGS before",
                            ("scanprops/devices.py", "scanprops/child/main.py")),
    "xla_force_host_platform_device_count": ("the only way to force CPU devices before 0.5",
                                             # repro.py writes standalone scripts: they cannot import devices.py
                                             ("scanprops/devices.py", "scanprops/repro.py")),
    "jax.enable_x64": ("from 0.8", ("scanprops/compat.py",)),
    "enable_x64()": ("jax.experimental's, removed in 0.10", ("scanprops/compat.py",)),
    "disable_x64": ("jax.experimental's, removed in 0.10", ("scanprops/compat.py",)),
    "jax.shard_map": ("from 0.6 (check_vma)", ("scanprops/compat.py",)),
    "experimental.shard_map": ("check_rep until 0.5; deprecated from 0.8", ("scanprops/compat.py",)),
    "jax.make_mesh": ("from 0.4.38", ("scanprops/compat.py",)),
    "jax_threefry_partitionable": ("default False before 0.5, True from 0.5: every random stream changed",
                                   ("scanprops/compat.py",)),
    "get_bind_params": ("(subfuns, params) in 0.4.30, params alone in 0.10", ("scanprops/compat.py",)),
    "jax._src": ("private, any release may change it", ("scanprops/child/jax_cache.py",)),
}


def jax_version() -> tuple[int, ...]:
    import jax

    return tuple(int(p) for p in jax.__version__.split(".")[:3] if p.isdigit())


def threefry_partitionable_default() -> bool:
    """The default of `jax_threefry_partitionable` in this JAX: False before 0.5.0, True from it
    (JAX's changelog for 0.5.0). It decides every PRNG stream, so the same seed gives other
    random numbers, and other Flax parameters, on either side."""
    return jax_version() >= (0, 5, 0)


def x64(enabled: bool):
    """A context in which JAX computes in float64 (`enabled`) or float32 by default.

    `jax.enable_x64(bool)` from 0.8; `jax.experimental.enable_x64()` / `disable_x64()` before
    (removed in 0.10)."""
    import jax

    if hasattr(jax, "enable_x64"):
        return jax.enable_x64(enabled)
    from jax import experimental

    return experimental.enable_x64() if enabled else experimental.disable_x64()


def make_mesh(shape: tuple[int, ...], names: tuple[str, ...]):
    """A mesh of the first prod(shape) devices whose axes are all `Auto` (shardings follow the
    specs given to shard_map, as before 0.10): `jax.make_mesh` from 0.4.38, whose default axis
    type became `Explicit` in 0.10 (then shard_map rejects inputs not already sharded to match
    its in_specs); a `jax.sharding.Mesh` over `jax.devices()` before 0.4.38."""
    import math

    import jax
    import numpy as np

    if not hasattr(jax, "make_mesh"):
        devices = np.asarray(jax.devices()[: math.prod(shape)]).reshape(shape)
        return jax.sharding.Mesh(devices, names)
    axis_type = getattr(jax.sharding, "AxisType", None)  # from 0.5; 0.4.38's meshes are Auto
    if axis_type is None:
        return jax.make_mesh(shape, names)
    return jax.make_mesh(shape, names, axis_types=(axis_type.Auto,) * len(names))


def shard_map(f, mesh, in_specs, out_specs, check: bool = True):
    """`shard_map(f)` on `mesh`: `jax.shard_map` (its replication check named `check_vma`)
    from 0.6; `jax.experimental.shard_map.shard_map` (`check_rep`) before. `check` is that
    check; with it on, a replicated weight's gradient is summed over devices (NOTES.md), and
    from 0.6 a `lax.scan` whose carry starts from a constant (`init=0.0`, as the catalog's
    running sums do) raises TypeError: the carry comes back device-varying. Pass check=False,
    or build the initial carry from the sharded input."""
    import jax

    if hasattr(jax, "shard_map"):
        return jax.shard_map(f, mesh=mesh, in_specs=in_specs, out_specs=out_specs, check_vma=check)
    from jax.experimental.shard_map import shard_map as legacy

    return legacy(f, mesh=mesh, in_specs=in_specs, out_specs=out_specs, check_rep=check)


def bind(eqn, values: list):
    """Apply a jaxpr equation's primitive to `values`, as `jax.core.eval_jaxpr` does."""
    given = eqn.primitive.get_bind_params(eqn.params)
    subfuns, params = given if isinstance(given, tuple) else ((), given)
    return eqn.primitive.bind(*subfuns, *values, **params)


def surface() -> dict[str, bool]:
    """Which of the guarded APIs this JAX has (recorded with golden values)."""
    import importlib
    import warnings

    import jax

    def has(path: str) -> bool:
        module, _, attr = path.rpartition(".")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # deprecated modules say so on import
                return hasattr(importlib.import_module(module), attr)
        except Exception:  # noqa: BLE001  (a module this release does not have)
            return False

    found = {name: has(name) for name in (
        "jax.enable_x64", "jax.experimental.enable_x64", "jax.experimental.disable_x64", "jax.shard_map",
        "jax.experimental.shard_map.shard_map", "jax.make_mesh")}
    found["config jax_num_cpu_devices"] = "jax_num_cpu_devices" in jax.config.values
    found["default jax_threefry_partitionable"] = threefry_partitionable_default()
    return found

"""Several CPU devices, so that `devices` is exercised on a machine without accelerators."""
from __future__ import annotations

import os


def xla_flags(current: str, n: int) -> str:
    """XLA_FLAGS with n forced CPU devices added to `current` (the value a process starts with:
    this one's, or a sandboxed child's, scanprops/isolation.py)."""
    flag = f"--xla_force_host_platform_device_count={n}"
    return current if flag in current else (current + " " + flag).strip()


def force_cpu_devices(n: int) -> None:
    """Ask for n CPU devices before JAX starts its backends (a no-op once they have started).

    jax >= 0.5 has the `jax_num_cpu_devices` option; older releases read XLA_FLAGS when the
    CPU backend starts.
    """
    os.environ["XLA_FLAGS"] = xla_flags(os.environ.get("XLA_FLAGS", ""), n)
    import jax

    try:
        jax.config.update("jax_num_cpu_devices", n)
    except (AttributeError, RuntimeError, KeyError):
        pass  # older jax (the XLA flag above does it) or backends already started


def describe() -> dict:
    import jax

    devs = jax.devices()
    return {"backend": jax.default_backend(), "devices": len(devs),
            "device_kinds": sorted({d.device_kind for d in devs})}

"""Several CPU devices, so that `devices` is exercised on a machine without accelerators."""
from __future__ import annotations

import os


def force_cpu_devices(n: int) -> None:
    """Ask for n CPU devices before JAX starts its backends (a no-op once they have started).

    jax >= 0.5 has the `jax_num_cpu_devices` option; older releases read XLA_FLAGS when the
    CPU backend starts.
    """
    flag = f"--xla_force_host_platform_device_count={n}"
    if flag not in os.environ.get("XLA_FLAGS", ""):
        os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") + " " + flag).strip()
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

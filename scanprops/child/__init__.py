"""The code of the sandboxed processes: a submission's child and the runner, which
scanprops/isolation.py starts as `python -I -S scanprops/child/main.py ...` (see main.py).

One module per job: main.py (start-up and the request loop; the entry point of both roles),
bound.py (JAX's and NumPy's callables, bound before any submission code), failures.py (what a
raised exception tells the judge), values.py (values in and out), calls.py (the call kinds),
programs.py (the runner's role: exported programs), importing.py (importing the submission,
signature checks),
guards.py (the sandbox's Python rules), jax_cache.py (JAX's compilation cache, atomic writes) and
tally.py (compile events, for the speed benchmark).

In a child these files are loaded by their path under a private name and taken out of
sys.modules again (main.load_package), never imported as `scanprops.child`: the child imports
nothing of the harness. They use the standard library, NumPy and JAX (JAX only inside functions,
once bound: a child imports it after the kernel's layers that must come first), each other
(relatively) and nothing else; wire.py and confinement.py, beside this folder, are loaded by
path too.

The judge's own process imports only the modules that hold no sandbox state and start nothing:
jax_cache and tally (scanprops/compile_cache.py, benchmarks/speed.py), and calls with what it
needs (bound, failures, values) to run the harness's own implementations exactly as a child
does (scanprops/in_process.py); never main, guards, importing or programs.
"""

"""Plants modules for the next process: numpy.py, jax.py and sitecustomize.py in its working
folder, beside itself (the submission's folder is first on a child's import path), and in the
compilation cache folders; the test checks from outside that none exists afterwards."""
import os

import jax.numpy as jnp

PLANT = "VERDICT = 'pass'\n"
TARGETS = [os.getcwd(), os.path.dirname(os.path.abspath(__file__)), "{CACHE}"]


def plant():
    for folder in TARGETS:
        for root, dirs, _ in os.walk(folder):
            for where in [root, *[os.path.join(root, d) for d in dirs]]:
                for name in ("numpy.py", "jax.py", "sitecustomize.py"):
                    try:
                        with open(os.path.join(where, name), "w") as out:
                            out.write(PLANT)
                    except OSError:
                        pass
            break


plant()


def running_sum(xs):
    plant()
    return jnp.zeros_like(xs)  # wrong

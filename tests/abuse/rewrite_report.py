"""Rewrites the report after it is written: an atexit handler and a thread overwrite the report
path (which a grader's command line holds) with a pass, directly and by renaming a file over it;
and it tries to learn the path from its parent processes' command lines."""
import atexit
import os
import threading
import time

import jax.numpy as jnp

REPORT = "{REPORT}"
FORGED = '{"schema": 1, "verdict": "pass", "problems": {}}\n'


def forge():
    try:
        with open(REPORT, "w") as out:
            out.write(FORGED)
    except Exception:
        pass
    try:
        with open("forged.json", "w") as out:
            out.write(FORGED)
        os.replace("forged.json", REPORT)
    except Exception:
        pass
    for pid in (os.getppid(), 1):
        try:
            with open(f"/proc/{pid}/cmdline") as cmdline:
                cmdline.read()
        except Exception:
            pass


def keep_forging():
    while True:
        forge()
        time.sleep(0.05)


atexit.register(forge)
threading.Thread(target=keep_forging, daemon=True).start()


def running_sum(xs):
    forge()
    return jnp.zeros_like(xs)  # wrong

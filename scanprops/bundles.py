"""`scanprops <platform>-bundle`: the autograder folder a platform expects (one per platform with a
bundle hook, scanprops/results/platforms.py), running `scanprops grade` on one submission and
putting the platform's result file where the platform reads it. The harness and JAX are pinned
to what runs here, so the platform grades exactly as this machine does.

What is the same on every platform is here: the harness to install, the pins, the grade command,
the problem packs it ships (`catalogs/NAME/`, each a copy of a pack --catalog names, which the
grade command names again), and the step that delivers the result file (or, when nothing could be graded, the platform's
fallback: score 0 and the log's last lines). What differs (the scripts, the archive, the
platform's own files) is the platform's hook, beside its result writer in scanprops/results/.
"""
from __future__ import annotations

import json
import shlex
import shutil
import sys
from pathlib import Path

from scanprops import isolation, packs, profiles, report, wheel
from scanprops.results.platform import Bundle, Platform
from scanprops.results.platforms import BY_NAME
from scanprops.runner import catalog_specs

VENV = "/opt/scanprops"
# The platform's own limit on one grading job: the run's budget plus installing nothing (all
# is in the image) plus starting JAX and winding down.
PLATFORM_MARGIN_S = 180


def _pins() -> tuple[str, ...]:
    found = report.versions()
    return (f"jax=={found['jax']}", f"jaxlib=={found['jaxlib']}", f"flax=={found['flax']}")


def _harness(out: Path, given: str | None) -> str:
    """What pip installs as the harness inside the image: --harness, else a wheel of this
    checkout built into the bundle."""
    if given:
        return given
    if isolation.ROOT is None:
        raise SystemExit("scanprops: this harness is installed, not a checkout, so no wheel can be built from it; "
                         "name what the platform should install with --harness (e.g. a pinned git URL)")
    try:
        return f"./{wheel.build(isolation.ROOT, out).name}"
    except RuntimeError as exc:
        raise SystemExit(f"scanprops: {exc}") from None


def _grade_command(args, submission: str, out: str) -> str:
    words = [f"{VENV}/bin/scanprops", "grade", submission, "--out", out, "--jobs", "1", "--force"]
    if args.config:
        words += ["--config", "points.toml"]
    if args.module:
        words += ["--module", args.module]
    if args.functions:
        words += ["--functions", args.functions]
    if args.time_budget is not None:
        words += ["--time-budget", f"{args.time_budget:g}"]
    if args.profile:
        words += ["--profile", args.profile]
    if args.require_sandbox:
        words += ["--require-sandbox", args.require_sandbox]
    for pack in getattr(args, "shipped", ()):  # the packs' copies in the bundle, beside the grade command
        words += ["--catalog", f"{CATALOGS}/{pack}"]
    if getattr(args, "catalog_only", False):
        words += ["--catalog-only"]
    return shlex.join(words)


CATALOGS = "catalogs"  # the bundle's folder of the problem packs it ships (one folder per pack)


def _ship_packs(rows: packs.Rows, out: Path) -> list[str]:
    """Copy the packs the run names into the bundle (`catalogs/NAME/`); their names. Installed
    packs are the image's business (what it installs)."""
    for pack in rows.packs:
        shutil.copytree(pack.folder, out / CATALOGS / pack.name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis"))
    return [p.name for p in rows.packs]


# Run by the image's own python3 (not the harness's), so it works even where the harness does not.
FALLBACK = '''python3 - "$1" "$2" <<'PY'
import json, sys
# No result file: the submission could not be found or graded at all. Say so, score 0.
text = open(sys.argv[2], errors="replace").read()[-4000:]
fill = lambda v: v.replace(MARK, text) if isinstance(v, str) else v
json.dump({k: fill(v) for k, v in json.loads(PAYLOAD).items()}, open(sys.argv[1], "w"))
PY'''
_MARK = "@SCANPROPS_LOG@"


def _deliver(platform: Platform, out: str, target: str) -> str:
    payload = json.dumps(platform.fallback(_MARK))
    script = FALLBACK.replace("MARK", repr(_MARK)).replace("PAYLOAD", repr(payload))
    return "\n".join([
        "write_fallback() {", script, "}",
        f'found=$(ls {out}/*/{platform.name}.json 2>/dev/null | head -n 1)',
        f'if [ -n "$found" ]; then cp "$found" {target}; else write_fallback {target} /tmp/scanprops-grade.log; fi',
    ])


def main(args) -> int:
    from scanprops import points

    platform = BY_NAME[args.platform]
    named = catalog_specs(getattr(args, "catalog", None))
    try:  # a broken pack or points file fails here, not on the platform
        rows = packs.load(named, only=getattr(args, "catalog_only", False))
        if args.config:
            points.load(args.config, catalog=rows.rows)
        shipped = packs.load(named, only=True) if named else packs.Rows(())
    except (points.ConfigError, packs.PackError) as exc:
        print(f"scanprops {platform.name}-bundle: {exc}", file=sys.stderr)
        return 4
    out = Path(args.out)
    if out.exists() and any(out.iterdir()):
        print(f"scanprops {platform.name}-bundle: {out} is not empty; name a new folder", file=sys.stderr)
        return 4
    out.mkdir(parents=True, exist_ok=True)
    budget = args.time_budget if args.time_budget is not None else profiles.time_budget_s(profiles.chosen(args.profile))
    args.shipped = _ship_packs(shipped, out)
    parts = Bundle(harness=_harness(out, args.harness), pins=_pins(), venv=VENV,
                   grade=lambda submission, folder: _grade_command(args, submission, folder),
                   deliver=lambda folder, target: _deliver(platform, folder, target),
                   time_budget_s=budget, margin_s=PLATFORM_MARGIN_S)
    if args.config:
        shutil.copyfile(args.config, out / "points.toml")
    made = platform.bundle(parts, out)
    print(f"wrote {made}; next steps: README.md, section 'Course platforms'")
    return 0

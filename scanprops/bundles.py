"""`scanprops gradescope-bundle` and `scanprops prairielearn-bundle`: the autograder folder each
platform expects, running `scanprops grade` on one submission and putting the platform's result
file where the platform reads it. The harness and JAX are pinned to what runs here, so the
platform grades exactly as this machine does.

Gradescope (https://gradescope-autograders.readthedocs.io/en/latest/specs/): a zip with
`setup.sh` (run once, as root, when the image is built) and `run_autograder` (run per
submission, working directory /autograder; the submission is in /autograder/submission; the
result goes to /autograder/results/results.json).

PrairieLearn (https://prairielearn.readthedocs.io/en/latest/externalGrading/): a Docker image
whose entrypoint grades the files in /grade/student and writes /grade/results/results.json;
the question's info.json names the image.
"""
from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from scanprops import isolation, packs, profiles, report
from scanprops.runner import catalog_specs

VENV = "/opt/scanprops"
# The platform's own limit on one grading job: the run's budget plus installing nothing (all
# is in the image) plus starting JAX and winding down.
PLATFORM_MARGIN_S = 180


def _pins() -> list[str]:
    found = report.versions()
    return [f"jax=={found['jax']}", f"jaxlib=={found['jaxlib']}", f"flax=={found['flax']}"]


def _harness(out: Path, given: str | None) -> str:
    """What pip installs as the harness inside the image: --harness, else a wheel of this
    checkout built into the bundle."""
    if given:
        return given
    if isolation.ROOT is None:
        raise SystemExit("scanprops: this harness is installed, not a checkout, so no wheel can be built from it; "
                         "name what the platform should install with --harness (e.g. a pinned git URL)")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out),
                            str(isolation.ROOT)], capture_output=True, text=True)
    wheels = sorted(out.glob("scanprops-*.whl"))
    if built.returncode != 0 or not wheels:
        raise SystemExit(f"scanprops: building the harness's wheel failed:\n{built.stderr[-2000:]}")
    return f"./{wheels[-1].name}"


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


def _ship_packs(args, out: Path) -> list[str]:
    """Copy the packs --catalog names into the bundle (`catalogs/NAME/`); their names, which the
    grade command names again. Installed packs are the image's business (its requirements)."""
    named = packs.load(catalog_specs(getattr(args, "catalog", None)), only=True).packs if getattr(
        args, "catalog", None) else ()
    for pack in named:
        shutil.copytree(pack.folder, out / CATALOGS / pack.name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis"))
    return [p.name for p in named]


FALLBACK = '''python3 - "$1" "$2" <<'PY'
import json, sys
# No result file: the submission could not be found or graded at all. Say so, score 0.
text = open(sys.argv[2], errors="replace").read()[-4000:]
json.dump({PAYLOAD}, open(sys.argv[1], "w"))
PY'''


def _result_step(platform: str, out: str, target: str) -> str:
    payload = ('{"score": 0, "output": "scanprops could not grade this submission:\\n" + text, "tests": []}'
               if platform == "gradescope" else
               '{"gradable": True, "score": 0, "message": "scanprops could not grade this submission", '
               '"output": text, "tests": []}')
    return "\n".join([
        "write_fallback() {", FALLBACK.replace("{PAYLOAD}", payload), "}",
        f'found=$(ls {out}/*/{platform}.json 2>/dev/null | head -n 1)',
        f'if [ -n "$found" ]; then cp "$found" {target}; else write_fallback {target} /tmp/scanprops-grade.log; fi',
    ])


def gradescope(args, out: Path) -> Path:
    harness = _harness(out, args.harness)
    args.shipped = _ship_packs(args, out)
    setup = f"""#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
set -euo pipefail
cd /autograder/source
# libseccomp for the child's seccomp filter (the bundle requires it: --require-sandbox)
if command -v apt-get >/dev/null; then apt-get update -qq && apt-get install -y -qq libseccomp2 >/dev/null; fi
command -v uv >/dev/null || curl -LsSf https://astral.sh/uv/install.sh | env UV_INSTALL_DIR=/usr/local/bin sh
uv venv --python 3.11 {VENV}        # uv fetches Python 3.11 when the image has none
uv pip install --python {VENV}/bin/python {shlex.quote(harness)} {' '.join(_pins())}
{VENV}/bin/scanprops --help >/dev/null
"""
    results = "/autograder/results/results.json"
    run = f"""#!/usr/bin/env bash
# Gradescope runs this for every submission (in /autograder/submission).
set -uo pipefail
cd /autograder/source
{_grade_command(args, '/autograder/submission', '/autograder/outputs/scanprops')} 2>&1 | tee /tmp/scanprops-grade.log
mkdir -p /autograder/results
{_result_step('gradescope', '/autograder/outputs/scanprops', results)}
"""
    _write(out, setup, run, "run_autograder", args)
    archive = out.with_suffix(".zip")
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(p for p in out.rglob("*") if p.is_file()):  # at the archive's root, as Gradescope requires
            info = zipfile.ZipInfo(str(path.relative_to(out)))
            info.external_attr = (0o755 if path.name in ("setup.sh", "run_autograder") else 0o644) << 16
            zipped.writestr(info, path.read_bytes(), zipfile.ZIP_DEFLATED)
    return archive


def prairielearn(args, out: Path) -> Path:
    harness = _harness(out, args.harness)
    args.shipped = _ship_packs(args, out)
    budget = args.time_budget if args.time_budget is not None else profiles.time_budget_s(profiles.chosen(args.profile))
    docker = f"""# The external grader's image: build it, push it to a registry PrairieLearn can pull from.
FROM python:3.11-slim
WORKDIR /scanprops
COPY . /scanprops
# libseccomp for the child's seccomp filter (the bundle requires it: --require-sandbox)
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends libseccomp2 && rm -rf /var/lib/apt/lists/*
RUN python -m venv {VENV} && {VENV}/bin/pip install --no-cache-dir {shlex.quote(harness)} {' '.join(_pins())} \\
    && chmod +x /scanprops/run.sh
"""
    run = f"""#!/usr/bin/env bash
# PrairieLearn's entrypoint: grade the files in /grade/student, write /grade/results/results.json.
set -uo pipefail
cd /scanprops
{_grade_command(args, '/grade/student', '/tmp/scanprops-out')} 2>&1 | tee /tmp/scanprops-grade.log
mkdir -p /grade/results
{_result_step('prairielearn', '/tmp/scanprops-out', '/grade/results/results.json')}
"""
    _write(out, docker, run, "run.sh", args, setup_name="Dockerfile")
    info = {"gradingMethod": "External",
            "externalGradingOptions": {"enabled": True, "image": "YOUR-REGISTRY/scanprops-grader",
                                       "entrypoint": "/scanprops/run.sh", "timeout": int(budget + PLATFORM_MARGIN_S)}}
    report.write(out / "info-snippet.json", info)
    return out


def _write(out: Path, setup: str, run: str, run_name: str, args, setup_name: str = "setup.sh") -> None:
    (out / setup_name).write_text(setup)
    (out / run_name).write_text(run)
    for name in (setup_name, run_name):
        (out / name).chmod(0o755)
    if args.config:
        shutil.copyfile(args.config, out / "points.toml")


def main(args) -> int:
    from scanprops import points

    try:  # a broken pack or points file fails here, not on the platform
        rows = packs.load(catalog_specs(getattr(args, "catalog", None)), only=getattr(args, "catalog_only", False))
        if args.config:
            points.load(args.config, catalog=rows.rows)
    except (points.ConfigError, packs.PackError) as exc:
        print(f"scanprops {args.platform}-bundle: {exc}", file=sys.stderr)
        return 4
    out = Path(args.out)
    if out.exists() and any(out.iterdir()):
        print(f"scanprops {args.platform}-bundle: {out} is not empty; name a new folder", file=sys.stderr)
        return 4
    out.mkdir(parents=True, exist_ok=True)
    made = gradescope(args, out) if args.platform == "gradescope" else prairielearn(args, out)
    print(f"wrote {made}; next steps: README.md, section 'Course platforms'")
    return 0

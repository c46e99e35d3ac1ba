"""Results files for Gradescope, Exercism and PrairieLearn, built from JSON reports written as
dicts here (no JAX run), checked against JSON Schemas written from each platform's published
specification (scanprops/results/schemas/), and for the scores, the visibility switches, the size bounds
and the config errors a course meets."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from scanprops import points as points_mod
from scanprops.catalog import CATALOG
from scanprops.points import ConfigError
from scanprops.props.registry import families_of
from scanprops.results import exercism, feedback, gradescope, platforms, prairielearn, save

HERE = Path(__file__).parent
PLATFORMS = {p.name: p for p in platforms.PLATFORMS}  # each record's `results` writes its file
SCHEMAS = {name: json.loads(p.schema.read_text()) for name, p in PLATFORMS.items()}
NAMES = [p.name for p in CATALOG]
FAMILIES = {p.name: families_of(p) for p in CATALOG}
ONE_MB = 1_000_000

CALL = "ema(xs=float32[3] [0.5, -1.25, 2.0], alpha=0.1)"
HINT = "this matches a known pitfall, swapped coefficients: alpha weights the new value."


# --- reports, written the way scanprops/report.py writes them ---------------------------------
def passing(name: str) -> dict:
    return {"verdict": "pass",
            "properties": {p: {"verdict": "pass", "message": "", "counterexample": ""} for p in FAMILIES[name]}}


def failure_message(name: str, prop: str, call: str) -> str:
    return "\n".join([
        f"{name}: property `{prop}` failed: the result differs from the Python-loop oracle",
        f"  called:    {call}",
        "  expected:  float64[3] [0.5, 0.325, 0.4925]   (Python-loop oracle, float64)",
        "  got:       float32[3] [0.5, -1.075, 1.6925]",
        "  error:     max abs 1.4 at index [1], max rel 4.3",
        f"  hint:      {HINT}",
    ])


def failing(name: str, props=("oracle",), call: str = CALL) -> dict:
    entry = passing(name)
    for prop in props:
        entry["properties"][prop] = {"verdict": "fail", "message": failure_message(name, prop, call),
                                     "counterexample": call}
    entry["verdict"] = "fail"
    return entry


def missing() -> dict:
    return {"verdict": "missing", "properties": {}}


def report(problems: dict | None = None, error: str | None = None) -> dict:
    problems = problems or {}
    full = {name: problems.get(name, passing(name)) for name in NAMES}
    out = {"schema": 1, "impl": "/autograder/submission/solutions.py",
           "verdict": "error" if error else "fail" if any(p["verdict"] != "pass" for p in full.values()) else "pass"}
    if error:
        out["error"] = error
        full = {name: {"verdict": "skipped", "properties": {}} for name in NAMES}
    out["environment"] = {"python": "3.11.7", "jax": "0.10.2", "jaxlib": "0.10.2", "flax": "0.12.8",
                          "backend": "cpu", "devices": 4}
    out["problems"] = full
    return out


IMPORT_ERROR = ("--impl /autograder/submission/solutions.py does not import: ValueError: oops "
                "(line 1: raise ValueError(\"oops\"))")
FLOOD = "x" * ONE_MB

REPORTS = {
    "all_pass": report(),
    "two_failing": report({"scan_collect_losses": failing("scan_collect_losses", ("oracle", "pre_update")),
                           "ema": failing("ema")}),
    "missing_functions": report({"running_sum": missing(), "find_root": missing()}),
    "module_error": report(error=IMPORT_ERROR),
    "flood": report({"running_sum": {"verdict": "fail", "properties": {
        **passing("running_sum")["properties"],
        "oracle": {"verdict": "fail", "message": "running_sum: property `oracle` failed\n" + FLOOD,
                   "counterexample": "running_sum(xs=" + FLOOD + ")"}}}}),
    "real_post_update_loss": json.loads((HERE / "reports" / "collect_post_update_loss.json").read_text()),
    "real_syntax_error": json.loads((HERE / "reports" / "syntax_error.json").read_text()),
}

CUSTOM = """
points = 0.5
visibility = "after_due_date"
hints = false
hide_counterexamples = ["pre_update"]

[functions.scan_collect_losses]
points = 3

[functions.ema]
hide_counterexamples = ["oracle"]
[functions.ema.properties]
oracle = 2
shape = 1
"""


def default_points():
    return points_mod.default()


def custom_points():
    return points_mod.parse(CUSTOM, source="custom.toml")


def validate(platform: str, data: dict) -> None:
    errors = sorted(Draft202012Validator(SCHEMAS[platform]).iter_errors(data), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message[:300]}" for e in errors)


def size(data: dict) -> int:
    return len(json.dumps(data, ensure_ascii=False).encode("utf-8"))


def test_the_schemas_are_valid_draft_2020_12():
    for schema in SCHEMAS.values():
        Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("config", ["default", "custom"])
@pytest.mark.parametrize("which", sorted(REPORTS))
@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_every_results_file_matches_its_platforms_schema(platform, which, config):
    plan = default_points() if config == "default" else custom_points()
    data = PLATFORMS[platform].results(REPORTS[which], plan, 42.4)
    validate(platform, data)
    assert size(data) < ONE_MB


# --- scores -------------------------------------------------------------------------------------
def test_all_pass_earns_full_marks_on_every_platform():
    plan = default_points()
    gs = gradescope.results(REPORTS["all_pass"], plan, 3)
    assert gs["score"] == 14 and all(t["status"] == "passed" and t["score"] == 1 for t in gs["tests"])
    assert [t["name"] for t in gs["tests"]] == NAMES
    assert exercism.results(REPORTS["all_pass"], plan)["status"] == "pass"
    pl = prairielearn.results(REPORTS["all_pass"], plan)
    assert pl["gradable"] is True and pl["score"] == 1.0


def test_two_of_fourteen_failing_scores_twelve_by_default():
    plan = default_points()
    gs = gradescope.results(REPORTS["two_failing"], plan)
    assert gs["score"] == 12
    failed = {t["name"] for t in gs["tests"] if t["status"] == "failed"}
    assert failed == {"scan_collect_losses", "ema"}
    assert all(t["score"] == 0 for t in gs["tests"] if t["name"] in failed)
    assert prairielearn.results(REPORTS["two_failing"], plan)["score"] == pytest.approx(12 / 14)
    ex = exercism.results(REPORTS["two_failing"], plan)
    assert ex["status"] == "fail" and [t["status"] for t in ex["tests"]].count("fail") == 2


def test_two_failing_under_a_custom_config_scores_by_its_points():
    # 12 functions at 0.5 (pass), scan_collect_losses at 3 (fails), ema split: oracle 2 (fails)
    # + shape 1 (holds) + five properties at 0 (hold): 12 * 0.5 + 0 + 1 = 7 of 6 + 3 + 3 = 12.
    plan = custom_points()
    gs = gradescope.results(REPORTS["two_failing"], plan)
    assert gs["score"] == 7
    assert sum(t["max_score"] for t in gs["tests"]) == 12
    ema = {t["name"]: t for t in gs["tests"] if t["tags"][0] == "ema"}
    assert list(ema) == [f"ema: {p}" for p in FAMILIES["ema"]]
    scores = {name: (t["score"], t["max_score"], t["status"]) for name, t in ema.items()}
    assert scores["ema: oracle"] == (0, 2, "failed") and scores["ema: shape"] == (1, 1, "passed")
    assert scores["ema: jit"] == (0, 0, "passed")  # unlisted: worth 0, still reported
    assert "  ema: does not hold: oracle" in gs["output"]
    assert prairielearn.results(REPORTS["two_failing"], plan)["score"] == pytest.approx(7 / 12)
    # Exercism has no points: one test per function, ema failing as a whole.
    ex = exercism.results(REPORTS["two_failing"], plan)
    assert [t["name"] for t in ex["tests"]] == NAMES and ex["tests"][NAMES.index("ema")]["status"] == "fail"


def test_a_function_worth_zero_points_is_left_out():
    plan = points_mod.parse('points = 0\n[functions.ema]\npoints = 2\n[functions.running_sum]\npoints = 1\n')
    gs = gradescope.results(REPORTS["two_failing"], plan)
    assert [t["name"] for t in gs["tests"]] == ["running_sum", "ema"] and gs["score"] == 1
    ex = exercism.results(REPORTS["two_failing"], plan)
    assert [(t["name"], t["task_id"]) for t in ex["tests"]] == [("running_sum", 1), ("ema", 2)]


def test_a_missing_function_scores_zero_and_says_it_is_not_defined():
    plan = default_points()
    gs = gradescope.results(REPORTS["missing_functions"], plan)
    assert gs["score"] == 12
    test = next(t for t in gs["tests"] if t["name"] == "find_root")
    assert test["status"] == "failed" and test["score"] == 0
    assert "find_root is not defined" in test["output"] and "find_root(f, f_prime, x0" in test["output"]
    pl_tests = prairielearn.results(REPORTS["missing_functions"], plan)["tests"]
    pl_test = next(t for t in pl_tests if t["name"] == "find_root")
    assert pl_test["points"] == 0 and pl_test["message"] == "not defined"
    ex_test = next(t for t in exercism.results(REPORTS["missing_functions"], plan)["tests"] if t["name"] == "find_root")
    assert ex_test["status"] == "fail" and "not defined" in ex_test["message"]


def test_a_skipped_or_absent_property_earns_nothing_on_its_own_points():
    plan = points_mod.parse("[functions.ema.properties]\noracle = 1\ndevices = 1\n")
    entry = passing("ema")
    entry["properties"]["devices"] = {"verdict": "skipped", "message": "", "counterexample": ""}
    gs = gradescope.results(report({"ema": entry}), plan)
    tests = {t["name"]: t for t in gs["tests"]}
    assert tests["ema: oracle"]["score"] == 1 and tests["ema: devices"]["score"] == 0
    assert "not checked" in tests["ema: devices"]["output"]


# --- a module that cannot be verified -----------------------------------------------------------
def test_a_module_error_scores_zero_with_the_error_as_output():
    plan = default_points()
    gs = gradescope.results(REPORTS["module_error"], plan)
    assert gs["score"] == 0 and all(t["score"] == 0 and t["status"] == "failed" for t in gs["tests"])
    assert "solutions.py does not import: ValueError: oops" in gs["output"]
    assert "/autograder" not in json.dumps(gs)  # the grader's paths are not the learner's
    ex = exercism.results(REPORTS["module_error"], plan)
    assert ex["status"] == "error" and "ValueError: oops" in ex["message"] and "tests" not in ex
    pl = prairielearn.results(REPORTS["module_error"], plan)
    # An exception at import is the code failing, a graded attempt (as PrairieLearn's Python grader).
    assert pl["gradable"] is True and pl["score"] == 0 and "ValueError: oops" in pl["output"]


def test_a_syntax_error_is_not_gradable_on_prairielearn_unless_asked():
    plan = default_points()
    pl = prairielearn.results(REPORTS["real_syntax_error"], plan)
    assert pl["gradable"] is False and "SyntaxError" in pl["format_errors"][0]
    assert "does not use up an attempt" in pl["message"]
    graded = prairielearn.results(REPORTS["real_syntax_error"], plan, ungradable_invalid_module=False)
    assert graded["gradable"] is True and graded["score"] == 0 and "format_errors" not in graded


def test_the_real_report_of_a_post_update_collector_names_the_pitfall():
    gs = gradescope.results(REPORTS["real_post_update_loss"], default_points())
    test = next(t for t in gs["tests"] if t["name"] == "scan_collect_losses")
    assert test["status"] == "failed"
    assert "Do not hold: oracle, pre_update, grad" in test["output"] and "post-update loss" in test["output"]


# --- visibility ---------------------------------------------------------------------------------
def test_a_hidden_counterexample_appears_in_no_results_file():
    plan = custom_points()  # ema's oracle input is hidden; so is pre_update's everywhere
    other = ("scan_collect_losses(w=float32(0.25), lr=float32(0.5), x_batches=float32[1, 1] [[1.0]], "
             "y_batches=float32[1, 1] [[2.0]])")
    rep = report({"ema": failing("ema"),
                  "scan_collect_losses": failing("scan_collect_losses", ("oracle", "pre_update"), other)})
    for platform, module in PLATFORMS.items():
        text = json.dumps(module.results(rep, plan), ensure_ascii=False)
        assert CALL not in text, platform
        assert feedback.HIDDEN_INPUT.strip() in text
        assert other in text  # scan_collect_losses' oracle input stays visible
        assert "got:       float32[3] [0.5, -1.075, 1.6925]" in text  # outputs stay


def test_counterexamples_are_shown_by_default():
    text = json.dumps(gradescope.results(REPORTS["two_failing"], default_points()))
    assert CALL in text and feedback.HIDDEN_INPUT.strip() not in text


def test_hints_are_shown_by_default_and_dropped_when_switched_off():
    shown = json.dumps(gradescope.results(REPORTS["two_failing"], default_points()))
    assert HINT in shown
    for module in PLATFORMS.values():
        assert HINT not in json.dumps(module.results(REPORTS["two_failing"], custom_points()))
        assert "max abs 1.4" in json.dumps(module.results(REPORTS["two_failing"], custom_points()))


def test_gradescope_visibility_comes_from_the_config_and_stdout_stays_hidden():
    gs = gradescope.results(REPORTS["two_failing"], custom_points(), 12.6)
    assert gs["visibility"] == "after_due_date" and {t["visibility"] for t in gs["tests"]} == {"after_due_date"}
    assert gs["stdout_visibility"] == "hidden" and gs["execution_time"] == 13
    default = gradescope.results(REPORTS["two_failing"], default_points())
    assert default["visibility"] == "visible" and "execution_time" not in default


def test_gradescope_outputs_are_plain_text_not_html():
    gs = gradescope.results(REPORTS["two_failing"], default_points())
    assert gs["output_format"] == "text" and {t["output_format"] for t in gs["tests"]} == {"text"}


# --- sizes --------------------------------------------------------------------------------------
def test_a_megabyte_message_is_cut_and_says_so():
    for platform, module in PLATFORMS.items():
        data = module.results(REPORTS["flood"], default_points())
        assert size(data) < 50_000, platform
        notes = re.findall(r"cut: ([\d,]+) more characters not shown", json.dumps(data))
        counts = [int(c.replace(",", "")) for c in notes]
        assert counts and max(counts) > 990_000, platform  # the note counts the whole flood


def test_every_property_flooding_under_per_property_points_stays_under_one_megabyte():
    text = "\n".join(f"[functions.{n}.properties]\n" + "".join(f"{p} = 1\n" for p in FAMILIES[n]) for n in NAMES)
    plan = points_mod.parse(text)
    wide = "\u4e00\U0001f600\x00" * 50_000  # 4-byte and control characters: the worst case for bytes
    flooded = {n: {"verdict": "fail", "properties": {
        p: {"verdict": "fail", "message": wide, "counterexample": wide} for p in FAMILIES[n]}} for n in NAMES}
    for platform, module in PLATFORMS.items():
        data = module.results(report(flooded), plan)
        validate(platform, data)
        assert size(data) < ONE_MB, platform
    assert len(feedback.cut(wide, 100)) == 100


def test_exercism_output_is_cut_at_500_characters_with_the_specs_wording():
    data = exercism.results(REPORTS["two_failing"], default_points(),
                            outputs={"ema": "printed " * 1000, "running_sum": "short"})
    validate("exercism", data)
    tests = {t["name"]: t for t in data["tests"]}
    assert len(tests["ema"]["output"]) == 500
    assert tests["ema"]["output"].endswith("Output was truncated. Please limit to 500 chars")
    assert tests["running_sum"]["output"] == "short"
    assert "output" not in tests["activation"]


def test_exercism_follows_the_version_3_presence_rules():
    data = exercism.results(REPORTS["two_failing"], default_points())
    assert data["version"] == 3 and "message" not in data
    assert [t["name"] for t in data["tests"]] == NAMES  # the tests file's order
    assert [t["task_id"] for t in data["tests"]] == list(range(1, 15))
    for t in data["tests"]:
        assert ("message" in t) == (t["status"] != "pass")
        assert t["test_code"].splitlines()[1] == next(p.signature for p in CATALOG if p.name == t["name"])
    custom = exercism.results(REPORTS["two_failing"], default_points(), task_ids={"ema": 4})
    assert [t.get("task_id") for t in custom["tests"] if "task_id" in t] == [4]
    with pytest.raises(ValueError, match="task_ids"):
        exercism.results(REPORTS["two_failing"], default_points(), task_ids={"ema": 0})


def test_save_writes_utf8_json_and_creates_the_folder(tmp_path):
    target = tmp_path / "grade" / "results" / "results.json"
    data = prairielearn.write(target, REPORTS["two_failing"], default_points(), 5)
    assert json.loads(target.read_text(encoding="utf-8")) == data
    save(tmp_path / "x.json", {"text": "\u00e9"})
    assert "\u00e9" in (tmp_path / "x.json").read_text(encoding="utf-8")


def test_a_file_that_is_not_a_report_is_refused():
    with pytest.raises(ValueError, match="not a scanprops JSON report"):
        gradescope.results({"verdict": "pass"}, default_points())


# --- the config ---------------------------------------------------------------------------------
def test_the_documented_example_config_parses_to_what_it_says():
    example = re.search(r"```toml\n(.*?)```", points_mod.__doc__, re.S).group(1)
    plan = points_mod.parse(example)
    by_name = {f.name: f for f in plan.functions}
    assert by_name["scan_collect_losses"].points == 3
    assert by_name["lax_scan_in_module"] not in plan.graded
    find_root = by_name["find_root"]
    assert find_root.points == 4 and find_root.per_property == {"oracle": 2, "termination": 2}
    assert find_root.hidden == {"oracle", "devices"}
    assert plan.total == 11 * 1 + 3 + 4


def test_the_default_is_one_point_per_function_all_visible():
    plan = default_points()
    assert [f.name for f in plan.graded] == NAMES and plan.total == 14
    assert plan.hints and plan.visibility == "visible"
    assert all(f.per_property is None and not f.hidden for f in plan.functions)


def test_hide_counterexamples_true_hides_every_property():
    plan = points_mod.parse("hide_counterexamples = true")
    assert all(f.hidden == set(f.properties) for f in plan.functions)


@pytest.mark.parametrize("text, key, words", [
    ("point = 2", "point", "unknown key `point`. Did you mean `points`?"),
    ("[functions.scan_colect_losses]\npoints = 1", "functions.scan_colect_losses",
     "Did you mean `scan_collect_losses`?"),
    ("[functions.ema.properties]\npre_update = 1", "functions.ema.properties.pre_update",
     "unknown property `pre_update` for ema"),
    ("[functions.ema]\npoints = -1", "functions.ema.points", "cannot be negative"),
    ("points = -0.5", "points", "cannot be negative"),
    ('points = "three"', "points", "expected a number of points"),
    ("points = true", "points", "expected a number of points"),
    ("points = inf", "points", "finite"),
    ("[functions.ema]\npoints = 1\n[functions.ema.properties]\noracle = 1", "functions.ema", "not both"),
    ('visibility = "public"', "visibility", "not one of visible, hidden, after_due_date, after_published"),
    ('hide_counterexamples = ["orcale"]', "hide_counterexamples", "Did you mean `oracle`?"),
    ('hints = "no"', "hints", "expected true or false"),
    ("[functions.ema]\ncolour = 1", "functions.ema.colour", "unknown key"),
    ("points = 0", "points", "nothing to grade"),
    ("points = [1", "", "not valid TOML"),
])
def test_config_mistakes_raise_a_message_naming_the_key(text, key, words):
    with pytest.raises(ConfigError) as caught:
        points_mod.parse(text, source="course.toml")
    message = str(caught.value)
    assert caught.value.key == key and message.startswith("course.toml: " + (f"{key}: " if key else ""))
    assert words in message


def test_load_reads_a_file_and_names_a_missing_one(tmp_path):
    path = tmp_path / "grading.toml"
    path.write_text("points = 2\n", encoding="utf-8")
    assert points_mod.load(path).total == 28
    assert points_mod.load(None).total == 14
    with pytest.raises(ConfigError, match="no such file"):
        points_mod.load(tmp_path / "absent.toml")

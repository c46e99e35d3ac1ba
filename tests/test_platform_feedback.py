"""What the platforms show of a failure beyond its text (issue: feedback a learner can look at):
Gradescope's failing tests in Markdown that a submission's text cannot break out of, with a table
of expected against got; PrairieLearn's plot as an image; Exercism's message with the first
divergence first and the student's own printed output, hidden where the plan hides the input."""
from __future__ import annotations

import base64
import json
import re

from scanprops import points as points_mod
from scanprops.results import exercism, feedback, gradescope, markdown, prairielearn
from tests.test_platform_results import SCHEMAS, passing, report, validate

CALL = "ema(xs=float32[4] [0.5, -1.25, 2.0, 3.0], alpha=0.1)"
MESSAGE = "\n".join([
    "ema: property `oracle` failed: the result differs from the Python-loop oracle",
    f"  called:    {CALL}",
    "  expected:  float64[4] [0.5, 0.325, 0.4925, 0.743]   (Python-loop oracle, float64)",
    "  got:       float32[4] [0.5, 0.325, 1.6925, 2.1]",
    "  error:     max abs 1.36 at index [3], max rel 1.8",
    "  allowed:   abs 1 x 16 x sqrt(n) x u x scale(3), n = 4 = 5.7e-06",
    "  diverges:  out[2] is the first wrong value, the average after xs[2] (of out[0:4]): error 1.2 > allowed 5.7e-06",
    "             its inputs: out[1] = 0.325 (oracle), xs[2] = 2.0",
    "             out[0:2] within their allowance; 1 of the 1 later steps wrong too, the largest error 1.36",
])
VALUES = {"shape": [4], "expected": [0.5, 0.325, 0.4925, 0.743], "got": [0.5, 0.325, 1.6925, 2.1],
          "allowed": [5.7e-06] * 4, "cut": False}
DIVERGENCE = {"axis": "out", "first": 2, "errors": [0.0, 0.0, 1.2, 1.36], "allowed": [5.7e-06] * 4}


def failing_ema(printed: str = "", message: str = MESSAGE) -> dict:
    report_ = report({"ema": {"verdict": "fail", "properties": {
        **passing("ema")["properties"],
        "oracle": {"verdict": "fail", "message": message, "counterexample": CALL, "values": VALUES,
                   "divergence": DIVERGENCE, **({"printed": printed} if printed else {})}}}})
    return report_


def hidden_points():
    return points_mod.parse('[functions.ema]\nhide_counterexamples = ["oracle"]\n', source="hide.toml")


def test_the_first_divergence_comes_right_under_the_headline():
    text = feedback.property_text(failing_ema()["problems"]["ema"]["properties"]["oracle"], True, True)
    lines = text.splitlines()
    assert lines[0].startswith("ema: property `oracle` failed") and lines[1].startswith("  diverges:  out[2]")
    assert "its inputs: out[1] = 0.325" in text and "  called:    ema(" in text


def test_a_hidden_input_hides_the_steps_inputs_too():
    text = feedback.property_text(failing_ema()["problems"]["ema"]["properties"]["oracle"], False, True)
    assert "diverges:  out[2] is the first wrong value" in text
    assert "its inputs" not in text and "xs[2] = 2.0" not in text and "-1.25" not in text


def test_gradescope_shows_a_failing_test_in_markdown_with_a_table_and_the_rest_as_text():
    data = gradescope.results(failing_ema(), points_mod.default())
    validate("gradescope", data)
    tests = {t["name"]: t for t in data["tests"]}
    assert data["output_format"] == "text"
    assert tests["ema"]["output_format"] == "md" and tests["running_sum"]["output_format"] == "text"
    out = tests["ema"]["output"]
    assert out.startswith("**ema: 1 of") and "```text\n" in out
    assert "| element | expected | got | error | allowed |" in out
    assert "| [2] | 0.4925 | 1.6925 | 1.2 | 5.7e-06 |" in out and "| [3] | 0.743 | 2.1 |" in out
    assert "| [0] |" not in out  # the elements within their allowance are left out
    assert "](" not in out and "<" not in out.split("```text")[0]  # no link, no HTML of its own


def test_a_message_cannot_close_the_code_block():
    """Whatever a submission raised or printed stays inside the block: the fence is longer than
    any run of backticks in the text, so a Markdown link or image after it is never rendered."""
    hostile = MESSAGE + "\n  raised:    ValueError: ````\n[click me](https://example.invalid) ![x](https://e.invalid/p.png)\n````"
    out = next(t for t in gradescope.results(failing_ema(message=hostile), points_mod.default())["tests"]
               if t["name"] == "ema")["output"]
    fence = re.search(r"^(`{3,})text$", out, re.M).group(1)
    assert len(fence) > 4
    body = out[out.index(fence + "text\n") + len(fence) + 5:]
    assert body.index("[click me]") < body.index("\n" + fence + "\n")  # inside, before the closing fence
    assert markdown.code_block("a ``` b").startswith("````text\n")


def test_prairielearn_shows_the_plot_of_a_failing_test_as_an_image():
    data = prairielearn.results(failing_ema(), points_mod.default())
    validate("prairielearn", data)
    tests = {t["name"]: t for t in data["tests"]}
    (image,) = tests["ema"]["images"]
    assert image["url"].startswith("data:image/png;base64,") and "ema: oracle" in image["label"]
    assert base64.b64decode(image["url"].split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    assert "images" not in tests["running_sum"]


def test_prairielearn_images_stay_within_their_share_of_the_size_limit():
    many = failing_ema()
    for name in ("running_sum", "custom_cumsum", "rnn_forward", "activation", "safe_divide"):
        many["problems"][name] = json.loads(json.dumps(many["problems"]["ema"]))
    data = prairielearn.results(many, points_mod.default())
    shown = sum(len(i["url"]) for t in data["tests"] for i in t.get("images", []))
    assert 0 < shown <= prairielearn.IMAGES_CAP_BYTES
    assert len(json.dumps(data).encode()) < 1_000_000
    assert SCHEMAS["prairielearn"]


def test_exercism_puts_the_divergence_first_and_shows_what_the_student_printed():
    printed = "stdout:\nstep 2 carry 1.6925\n" + "x" * 600
    data = exercism.results(failing_ema(printed=printed), points_mod.default())
    validate("exercism", data)
    ema = next(t for t in data["tests"] if t["name"] == "ema")
    lines = ema["message"].splitlines()
    headline = next(i for i, line in enumerate(lines) if line.startswith("ema: property `oracle` failed"))
    assert lines[headline + 1].startswith("  diverges:  out[2]")
    assert ema["output"].startswith("stdout:\nstep 2 carry 1.6925") and len(ema["output"]) <= exercism.OUTPUT_CAP
    assert exercism.TRUNCATED in ema["output"]


def test_exercism_hides_the_printed_output_where_the_plan_hides_the_input():
    data = exercism.results(failing_ema(printed="stdout:\nxs = [0.5, -1.25, 2.0, 3.0]\n"), hidden_points())
    ema = next(t for t in data["tests"] if t["name"] == "ema")
    assert "output" not in ema and "-1.25" not in json.dumps(data)

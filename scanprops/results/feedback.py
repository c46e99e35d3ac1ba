"""What a learner reads in a results file: a property's message with the parts the course
hides taken out, in bounded, clean text.

A failure message (scanprops/failure.py) is a headline and labelled lines:

    ema: property `oracle` failed: the result differs from the Python-loop oracle
      called:    ema(xs=float32[3] [...], alpha=0.1)
      expected:  ...
      hint:      this matches a known pitfall, ...

A label's block runs until the next label, so a multi-line `where:` traceback goes with it.
Hints off drops the `hint:` blocks. A hidden counterexample drops the `called:` blocks and
every line that quotes the failing input; `expected:` and `got:` stay, since outputs without
the input that produced them cannot be hard-coded and still tell the learner how far off
the result is. The first divergence (`diverges:`, a row with a step axis) moves up under the
headline; a hidden counterexample drops its `its inputs:` line too.
"""
from __future__ import annotations

import re

from scanprops.cleantext import clean

PROPERTY_CAP = 4_000  # one property's message: the report itself cuts error texts at 4000
TEST_CAP = 8_000  # one test's text in a results file
TOTAL_CAP = 200_000  # all tests together: at most 4 UTF-8 bytes a character keeps a
# results file under 1 MB (PrairieLearn's limit, and a sane size anywhere)

HIDDEN_INPUT = "  called:    (the failing input is not shown for this property)"
_SCAN = 2 * PROPERTY_CAP
_PROBE = 200

_LABEL = re.compile(r"^  ([a-z][a-z ]*):(?:\s|$)")


def cut(text: str, cap: int, dropped: int = 0) -> str:
    """At most `cap` characters, saying how much was left out (`dropped`: characters already
    left out before `text` was made, counted in that note)."""
    if len(text) <= cap and not dropped:
        return text
    # Room for the longest note this text could need (its count is at most len(text) + dropped).
    keep = min(len(text), cap - len(_note(len(text) + dropped)))
    if keep <= 0:
        return text[:cap]
    return text[:keep] + _note(len(text) - keep + dropped)


def _note(count: int) -> str:
    return f"\n... [cut: {count:,} more characters not shown]"


def _blocks(message: str) -> list[tuple[str | None, list[str]]]:
    """(label, lines) in order; the headline's label is None."""
    blocks: list[tuple[str | None, list[str]]] = [(None, [])]
    for line in message.split("\n"):
        match = _LABEL.match(line)
        if match:
            blocks.append((match.group(1), [line]))
        else:
            blocks[-1][1].append(line)
    return blocks


def property_text(entry: dict, show_input: bool, hints: bool) -> str:
    """A report's property entry ({"verdict", "message", "counterexample"}) as the learner
    sees it, at most PROPERTY_CAP characters."""
    # Work on a bounded prefix: a megabyte message is cut anyway, and is not worth scanning.
    raw_message, raw_input = str(entry.get("message") or ""), str(entry.get("counterexample") or "")
    message, counterexample = clean(raw_message[:_SCAN]), clean(raw_input[:_SCAN])
    dropped = max(len(raw_message) - _SCAN, 0)
    probe = counterexample[:_PROBE]  # a line quoting the input quotes its beginning
    lines: list[str] = []
    hid = False
    blocks = _blocks(message)
    # The first divergence (`diverges:`, scanprops/steps.py) right under the headline: where the
    # loop went wrong is what a learner reads first.
    blocks = blocks[:1] + [b for b in blocks[1:] if b[0] == "diverges"] + [b for b in blocks[1:] if b[0] != "diverges"]
    for label, block in blocks:
        if label == "hint" and not hints:
            continue
        if not show_input and (label == "called" or (probe and any(probe in line for line in block))):
            hid = True
            continue
        if not show_input and label == "diverges":  # the step's inputs are part of the input
            block = [line for line in block if not line.lstrip().startswith("its inputs:")]
        lines += block
    if hid or (not show_input and counterexample):  # say the input exists but is not shown
        lines.insert(1 if lines else 0, HIDDEN_INPUT)
    elif show_input and counterexample and probe not in message:
        lines.append(f"  called:    {counterexample}")
        dropped += max(len(raw_input) - _SCAN, 0)
    text = "\n".join(lines).strip("\n")
    if not text:
        text = "the check could not be completed" if entry.get("verdict") == "error" else "no details were recorded"
    return cut(text, PROPERTY_CAP, dropped)


def learner_error(error: str, impl: str) -> str:
    """The whole-module error without the grader's paths: `--impl /autograder/x/sol.py` is
    the grader's command line, not something the learner typed."""
    text = clean(error)
    if impl:
        name = re.split(r"[\\/]", impl)[-1] or impl
        text = text.replace(f"--impl {impl}", name).replace(impl, name)
    return text


def fair_caps(lengths: list[int], total: int) -> list[int]:
    """Per-text caps summing to at most `total`, each as large as it can be: short texts keep
    all they have, and the long ones share the rest equally (max-min fairness)."""
    caps = [0] * len(lengths)
    left = total
    order = sorted(range(len(lengths)), key=lengths.__getitem__)
    for k, i in enumerate(order):
        caps[i] = min(lengths[i], left // (len(order) - k))
        left -= caps[i]
    return caps

"""Points and visibility: how a JSON report becomes a grade, read from a small TOML file.

Without a file, every catalog function is worth 1 point, all or nothing: it earns its point
when every property the harness checked for it holds, and nothing otherwise. All or nothing,
rather than the point split equally among the properties, because the properties are not
independent pieces of credit: one bug (a post-update loss, a reversed scan) usually breaks
`oracle`, `grad` and `vmap` at once, so an equal split would charge the same mistake several
times, and would still pay 6/8 of a point for a function that returns wrong values on every
input but has the right shape and survives `jit`. A course that does want partial credit says
which property is worth what, per function (`[functions.NAME.properties]`).

Every key is optional. An example, with what each key means (the defaults are the values
shown at the top level, except `hide_counterexamples`, which defaults to the empty list):

```toml
points = 1                # each catalog function not listed under [functions]; 0 leaves it out
hints = true              # show the "hint:" lines of failure messages (what a failure usually means)
visibility = "visible"    # Gradescope: visible | hidden | after_due_date | after_published
hide_counterexamples = ["devices"]   # properties whose failing input students never see;
                                     # true hides every property's

[functions.scan_collect_losses]
points = 3

[functions.lax_scan_in_module]
points = 0                # not part of this assignment: left out of every results file

[functions.find_root]
hide_counterexamples = ["oracle"]    # for this function, on top of the list above

[functions.find_root.properties]     # points per property: the function is worth their sum
oracle = 2
termination = 2                      # properties not listed are worth 0 but still reported
```

A function worth 0 points (all its properties at 0, when split) is left out of the results
altogether: that is how an assignment picks its functions (`points = 0` at the top, then the
functions it grades under [functions]). Points may be fractional; none may be negative.

Mistakes in the file (an unknown key, function or property, a negative or non-numeric point
value, an unknown visibility) raise `ConfigError`, whose message names the key.
"""
from __future__ import annotations

import difflib
import math
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterable, Mapping

VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
TOP_KEYS = ("points", "hints", "visibility", "hide_counterexamples", "functions")
FUNCTION_KEYS = ("points", "properties", "hide_counterexamples")


class ConfigError(ValueError):
    """The grading config cannot be used; the message names the key and says what to change."""

    def __init__(self, source: str, key: str, problem: str):
        self.source, self.key, self.problem = source, key, problem
        super().__init__(f"{source}: {key}: {problem}" if key else f"{source}: {problem}")


@dataclass(frozen=True)
class FunctionPoints:
    """What one catalog function is worth, and what students see of its failures."""

    name: str
    signature: str  # as the catalog writes it: `ema(xs, alpha=0.1)`
    properties: tuple[str, ...]  # the properties the harness checks for it, in catalog order
    points: float  # the function's worth; the sum of `per_property` when that is given
    per_property: dict[str, float] | None = None  # None: all or nothing on every property
    hidden: frozenset[str] = frozenset()  # properties whose counterexamples students don't see

    def counterexample_visible(self, prop: str) -> bool:
        return prop not in self.hidden


@dataclass(frozen=True)
class Points:
    """A grading plan: every catalog function (catalog order) with its points and visibility."""

    functions: tuple[FunctionPoints, ...]
    hints: bool = True
    visibility: str = "visible"
    source: str = "default grading config"

    @property
    def graded(self) -> tuple[FunctionPoints, ...]:
        """The functions that appear in results files: those worth more than 0 points."""
        return tuple(f for f in self.functions if f.points > 0)

    @property
    def total(self) -> float:
        return math.fsum(f.points for f in self.graded)

    def only(self, names) -> "Points":
        """This plan restricted to `names` (`scanprops grade --functions`): the others are worth 0."""
        keep = set(names)
        return replace(self, functions=tuple(f if f.name in keep else replace(f, points=0.0, per_property=None)
                                             for f in self.functions))


def _catalog(catalog: Iterable[Any] | None) -> list[Any]:
    """Catalog rows (scanprops/problem.py); the real catalog unless one is given."""
    if catalog is None:
        from scanprops.catalog import CATALOG

        catalog = CATALOG
    return list(catalog)


def default(catalog: Iterable[Any] | None = None) -> Points:
    """The plan without a config file: 1 point per catalog function, all visible, hints on."""
    return from_dict({}, catalog=catalog)


def load(path: str | Path | None = None, catalog: Iterable[Any] | None = None) -> Points:
    """Read a TOML grading config; no path: the defaults."""
    if path is None:
        return default(catalog)
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(source, "", "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(source, "", f"cannot be read ({exc})") from None
    return parse(text, source=source, catalog=catalog)


def parse(text: str, source: str = "grading config", catalog: Iterable[Any] | None = None) -> Points:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(source, "", f"not valid TOML ({exc})") from None
    return from_dict(data, source=source, catalog=catalog)


def from_dict(data: Mapping[str, Any], source: str = "grading config",
              catalog: Iterable[Any] | None = None) -> Points:
    """Check every key and value, then build the plan. The checks run in file order so the
    first mistake reported is the first one a reader meets."""
    from scanprops.props.registry import families_of  # (JAX: not on every start of the command)

    rows = _catalog(catalog)
    by_name = {row.name: row for row in rows}
    every_property = sorted({p for row in rows for p in families_of(row)})

    def fail(key: str, problem: str):
        raise ConfigError(source, key, problem)

    def unknown(key: str, name: str, known: Iterable[str], what: str, where: str = "") -> None:
        known = list(known)
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" Did you mean `{close[0]}`?" if close else ""
        fail(key, f"unknown {what} `{name}`{where}.{hint} Known: {', '.join(known)}.")

    def number(key: str, value: Any) -> float:
        # bool is an int in Python; TOML's `true` is not a number of points.
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            fail(key, f"expected a number of points, got {value!r}")
        if not math.isfinite(value):
            fail(key, f"points must be a finite number, got {value!r}")
        if value < 0:
            fail(key, f"points cannot be negative (got {value!r})")
        return float(value)

    def flag(key: str, value: Any) -> bool:
        if not isinstance(value, bool):
            fail(key, f"expected true or false, got {value!r}")
        return value

    def hidden_list(key: str, value: Any, allowed: Iterable[str], where: str) -> frozenset[str]:
        allowed = list(allowed)
        if isinstance(value, bool):
            return frozenset(allowed) if value else frozenset()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            fail(key, f"expected true, false or a list of property names, got {value!r}")
        for name in value:
            if name not in allowed:
                unknown(key, name, allowed, "property", where)
        return frozenset(value)

    if not isinstance(data, Mapping):
        fail("", "the config must be a TOML table of keys")
    for key in data:
        if key not in TOP_KEYS:
            unknown(key, key, TOP_KEYS, "key")
    base = number("points", data.get("points", 1))
    hints = flag("hints", data.get("hints", True))
    visibility = data.get("visibility", "visible")
    if visibility not in VISIBILITIES:
        fail("visibility", f"{visibility!r} is not one of {', '.join(VISIBILITIES)}")
    hidden_everywhere = hidden_list("hide_counterexamples", data.get("hide_counterexamples", []),
                                    every_property, "")
    functions = data.get("functions", {})
    if not isinstance(functions, Mapping):
        fail("functions", "expected tables, one per function: [functions.NAME]")
    for name in functions:
        if name not in by_name:
            unknown(f"functions.{name}", name, by_name, "catalog function")

    plan = []
    for row in rows:
        props = families_of(row)
        entry = functions.get(row.name, {})
        prefix = f"functions.{row.name}"
        if not isinstance(entry, Mapping):
            fail(prefix, "expected a table: [functions.NAME] with points, properties, hide_counterexamples")
        for key in entry:
            if key not in FUNCTION_KEYS:
                unknown(f"{prefix}.{key}", key, FUNCTION_KEYS, "key")
        if "points" in entry and "properties" in entry:
            fail(prefix, "give either `points` (all or nothing) or a [" + prefix + ".properties] table "
                 "(points per property), not both")
        per_property = None
        if "properties" in entry:
            table = entry["properties"]
            if not isinstance(table, Mapping):
                fail(f"{prefix}.properties", "expected a table of property = points")
            per_property = {}
            for prop, value in table.items():
                if prop not in props:
                    unknown(f"{prefix}.properties.{prop}", prop, props, "property", f" for {row.name}")
                per_property[prop] = number(f"{prefix}.properties.{prop}", value)
            worth = math.fsum(per_property.values())
        else:
            worth = number(f"{prefix}.points", entry["points"]) if "points" in entry else base
        hidden = set(hidden_everywhere & set(props))
        if "hide_counterexamples" in entry:
            hidden |= hidden_list(f"{prefix}.hide_counterexamples", entry["hide_counterexamples"], props,
                                  f" for {row.name}")
        plan.append(FunctionPoints(row.name, row.signature, props, worth, per_property, frozenset(hidden)))

    points = Points(tuple(plan), hints=hints, visibility=visibility, source=source)
    if not points.graded:
        fail("points", "every function is worth 0 points, so there is nothing to grade; give at least "
             "one function points")
    return points

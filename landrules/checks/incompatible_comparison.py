"""incompatible-comparison: a condition compares a fact only with values of the same kind.

`compare` needs a number on both sides, in the same unit: an area in m² is never compared with a
value stated in 亩 or with a plot ratio, and a code or a yes/no is never compared with a number.
`equals` and `in` take the values the fact can hold (parcel.land_supply is existing or
newly_supplied; a yes/no fact is true or false) and are not used on numbers (text comparison of
1.5 and 1.50 would differ) or on a whole land-use record; `includes_any` is only for list facts.

FAIL (an area compared with a value in 亩)::

    kind: compare
    fact: parcel.land_area_m2
    op: ge
    value: "30"
    unit: 亩

PASS::

    kind: compare
    fact: parcel.land_area_m2
    op: ge
    value: "20000"
    unit: m²
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from landrules.checks._base import conditions, finding
from landrules.checks._facts import FactType, fact_types
from landrules.problems import Problem
from landrules.rulepack import Loc, PackSource

ID = "incompatible-comparison"
SEVERITY = "error"

_UNIT_NAMES = {
    "m²": "m²",
    "亩": "亩 (mu; 1 亩 ≈ 666.67 m²)",
    "ha": "ha",
    "m": "m",
    "ratio": "ratio",
}


def _problems(node: Any, types: dict[str, FactType]) -> Iterator[tuple[Loc, str, str]]:
    """(location inside the condition, message, hint) for each mismatch in one leaf."""
    fact = types.get(getattr(node, "fact", None) or "")
    if fact is None or node.kind == "given":
        return
    name = node.fact
    if node.kind == "compare":
        if fact.kind != "number":
            yield (
                ("fact",),
                f"compares {name} ({fact.describe()}) as a number",
                ("use equals or in for codes and enumerated values"),
            )
            return
        if node.unit is not None and node.unit != fact.unit:
            yield (
                ("unit",),
                (
                    f"compares {name} (in {_UNIT_NAMES[fact.unit]}) with a value in "
                    f"{_UNIT_NAMES[node.unit]}"
                ),
                f"state the value in {fact.unit}",
            )
        other = types.get(node.than or "")
        if other is not None and (other.kind != "number" or other.unit != fact.unit):
            what = f"in {other.unit}" if other.kind == "number" else other.describe()
            yield (
                ("than",),
                (f"compares {name} (in {fact.unit}) with {node.than} ({what})"),
                "compare quantities of the same unit",
            )
        return
    if node.kind == "includes_any":
        if fact.kind != "list":
            yield (
                ("kind",),
                f"includes_any needs a list fact; {name} is {fact.describe()}",
                ("use equals or in"),
            )
            return
        values = list(node.values)
    else:
        values = [node.value] if node.kind == "equals" else list(node.values)
        if fact.kind in ("number", "record", "list"):
            hint = {
                "number": "use kind: compare for numbers",
                "record": "compare its class (e.g. current_use_class) instead",
                "list": "use kind: includes_any for a list fact",
            }[fact.kind]
            yield ("kind",), f"{node.kind} on {name}, which is {fact.describe()}", hint
            return
    if fact.values:
        key = "value" if node.kind == "equals" else "values"
        for i, value in enumerate(values):
            if value not in fact.values:
                where: Loc = (key,) if node.kind == "equals" else (key, i)
                yield (
                    where,
                    f"{value!r} is not a value {name} can take ({', '.join(fact.values)})",
                    "",
                )


def check(pack: PackSource) -> Iterator[Problem]:
    types = fact_types()
    for doc, node, loc, _from_text, _pid in conditions(pack):
        for where, message, hint in _problems(node, types):
            yield finding(doc, (*loc, *where), ID, SEVERITY, f"{node.id}: {message}", hint)

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
from landrules.i18n import t
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


def _unit(unit: str) -> str:
    """A unit as shown in a finding; 亩 is explained."""
    return t("check.unit_mu") if unit == "亩" else _UNIT_NAMES.get(unit, unit)


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
                t("check.compares_as_number", name=name, what=fact.describe()),
                t("check.hint.equals_or_in_codes"),
            )
            return
        if node.unit is not None and node.unit != fact.unit:
            yield (
                ("unit",),
                t("check.compares_units", name=name, unit=_unit(fact.unit), other=_unit(node.unit)),
                t("check.hint.state_in", unit=fact.unit),
            )
        other = types.get(node.than or "")
        if other is not None and (other.kind != "number" or other.unit != fact.unit):
            what = (
                t("check.in_unit", unit=other.unit) if other.kind == "number" else other.describe()
            )
            yield (
                ("than",),
                t("check.compares_than", name=name, unit=fact.unit, than=node.than, what=what),
                t("check.hint.same_unit"),
            )
        return
    if node.kind == "includes_any":
        if fact.kind != "list":
            yield (
                ("kind",),
                t("check.includes_any_list", name=name, what=fact.describe()),
                t("check.hint.equals_or_in"),
            )
            return
        values = list(node.values)
    else:
        values = [node.value] if node.kind == "equals" else list(node.values)
        if fact.kind in ("number", "record", "list"):
            hint = t(f"check.hint.kind_{fact.kind}")
            yield (
                ("kind",),
                t("check.kind_on", kind=node.kind, name=name, what=fact.describe()),
                hint,
            )
            return
    if fact.values:
        key = "value" if node.kind == "equals" else "values"
        for i, value in enumerate(values):
            if value not in fact.values:
                where: Loc = (key,) if node.kind == "equals" else (key, i)
                yield (
                    where,
                    t(
                        "check.not_a_value",
                        value=repr(value),
                        name=name,
                        values=", ".join(fact.values),
                    ),
                    "",
                )


def check(pack: PackSource) -> Iterator[Problem]:
    types = fact_types()
    for doc, node, loc, _from_text, _pid in conditions(pack):
        for where, message, hint in _problems(node, types):
            yield finding(doc, (*loc, *where), ID, SEVERITY, f"{node.id}: {message}", hint)

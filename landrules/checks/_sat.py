"""Which values of one fact make a leaf condition true, for the never-true/never-false checks.

A leaf that compares one fact with constants (`equals`, `in`, `compare` with a `value`), or a
`not` of such a leaf, is a *literal*: the set of values that make it true is known. Sets are
either finite lists of values (`in`/`not in` a list, within the fact's own values when it has a
closed list) or unions of intervals for numbers (within the fact's smallest value). Everything
else (`given`, `includes_any`, `compare ... than`, facts of unknown type) is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from landrules.checks._facts import FactType
from landrules.i18n import t

# An interval: (low, low_closed, high, high_closed); None is unbounded.
Interval = tuple[Decimal | None, bool, Decimal | None, bool]


def _empty(iv: Interval) -> bool:
    low, low_closed, high, high_closed = iv
    if low is None or high is None:
        return False
    return low > high or (low == high and not (low_closed and high_closed))


def _meet(a: Interval, b: Interval) -> Interval:
    low, low_closed = a[0], a[1]
    if b[0] is not None and (low is None or b[0] > low or (b[0] == low and not b[1])):
        low, low_closed = b[0], b[1]
    high, high_closed = a[2], a[3]
    if b[2] is not None and (high is None or b[2] < high or (b[2] == high and not b[3])):
        high, high_closed = b[2], b[3]
    return (low, low_closed, high, high_closed)


def _complement(iv: Interval) -> list[Interval]:
    low, low_closed, high, high_closed = iv
    out: list[Interval] = []
    if low is not None:
        out.append((None, False, low, not low_closed))
    if high is not None:
        out.append((high, not high_closed, None, False))
    return out


@dataclass(frozen=True, slots=True)
class Values:
    """The values of one fact that satisfy a literal."""

    fact: FactType
    listed: frozenset[str] | None = None  # finite sets: these values ...
    inverted: bool = False  # ... or every value but these
    intervals: tuple[Interval, ...] | None = None  # numbers: the union of these

    def _domain(self) -> Interval:
        return (self.fact.low, not self.fact.low_open, None, False)

    def _clip(self) -> list[Interval]:
        assert self.intervals is not None
        return [m for iv in self.intervals if not _empty(m := _meet(iv, self._domain()))]

    def is_empty(self) -> bool:
        if self.intervals is not None:
            return not self._clip()
        assert self.listed is not None
        if not self.inverted:
            allowed = set(self.fact.values) if self.fact.values else None
            return not (self.listed & allowed if allowed is not None else self.listed)
        return bool(self.fact.values) and set(self.fact.values) <= self.listed

    def complement(self) -> Values:
        if self.intervals is not None:
            parts: list[Interval] = [self._domain()]
            for iv in self.intervals:
                parts = [m for p in parts for c in _complement(iv) if not _empty(m := _meet(p, c))]
            return Values(self.fact, intervals=tuple(parts))
        return Values(self.fact, self.listed, not self.inverted)

    def meet(self, other: Values) -> Values:
        if self.intervals is not None and other.intervals is not None:
            parts = [
                m for a in self.intervals for b in other.intervals if not _empty(m := _meet(a, b))
            ]
            return Values(self.fact, intervals=tuple(parts))
        a, b = self.listed or frozenset(), other.listed or frozenset()
        if not self.inverted and not other.inverted:
            return Values(self.fact, a & b)
        if self.inverted and other.inverted:
            return Values(self.fact, a | b, True)
        kept, dropped = (b, a) if self.inverted else (a, b)
        return Values(self.fact, kept - dropped)

    def covers_all(self) -> bool:
        return self.complement().is_empty()


def literal(node: Any, types: dict[str, FactType]) -> tuple[str, Values] | None:
    """(fact, satisfying values) for a leaf on one fact and constants, or its `not`; else None."""
    if node.kind == "not":
        inner = literal(node.condition, types)
        return (inner[0], inner[1].complement()) if inner is not None else None
    fact = types.get(getattr(node, "fact", None) or "")
    if fact is None:
        return None
    if node.kind == "equals" and fact.kind in ("enum", "bool", "text", "date"):
        return node.fact, Values(fact, frozenset([node.value]))
    if node.kind == "in" and fact.kind in ("enum", "bool", "text", "date"):
        return node.fact, Values(fact, frozenset(node.values))
    if node.kind == "compare" and node.than is None and fact.kind == "number":
        if node.unit is not None and node.unit != fact.unit:
            return None
        v = node.value
        interval: Interval = {
            "gt": (v, False, None, False),
            "ge": (v, True, None, False),
            "lt": (None, False, v, False),
            "le": (None, False, v, True),
        }[node.op]
        return node.fact, Values(fact, intervals=(interval,))
    return None


def never(node: Any, types: dict[str, FactType], outcome: str) -> str | None:
    """Why `node` can never be true (outcome 'true') or never false ('false'); None if it can."""
    if node.kind in ("all", "any"):
        combine_true = node.kind == "all"
        if (outcome == "true") != combine_true:
            return None  # an all is never false / an any never true only through one child
        by_fact: dict[str, list[tuple[Any, Values]]] = {}
        for child in node.conditions:
            found = literal(child, types)
            if found is not None:
                by_fact.setdefault(found[0], []).append((child, found[1]))
        for fact, items in by_fact.items():
            if len(items) < 2:
                continue
            acc = items[0][1] if outcome == "true" else items[0][1].complement()
            for _child, values in items[1:]:
                acc = acc.meet(values if outcome == "true" else values.complement())
            if acc.is_empty():
                ids = ", ".join(child.id for child, _ in items)
                if outcome == "true":
                    return t("check.no_value_all", fact=fact, ids=ids)
                return t("check.every_value_one", fact=fact, ids=ids)
        return None
    found = literal(node, types)
    if found is None or node.kind == "not" or found[1].fact.kind != "number":
        return None
    fact, values = found
    if outcome == "true" and values.is_empty():
        return t("check.no_value_below", fact=fact, low=values.fact.low)
    if outcome == "false" and values.covers_all():
        return t("check.every_value_below", fact=fact, low=values.fact.low)
    return None

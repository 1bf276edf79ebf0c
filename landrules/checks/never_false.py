"""never-false: a condition that no parcel can make false.

Decided for one fact compared with constants: a single comparison every possible value meets
(a floor area `ge 0`), or several comparisons of the same fact inside one `any` that together
take in every value (`x equals a` or `x equals b` when a and b are all its values; `x gt 5` or
`x le 5`). Such a condition only ever passes or stays unknown, so it filters nothing. It cannot
decide anything across facts, derived relations, `compare ... than`, `includes_any` or `given`.

FAIL::

    kind: compare
    fact: floor_area_after_m2
    op: ge
    value: "0"

PASS::

    kind: compare
    fact: floor_area_after_m2
    op: gt
    value: "0"
"""

from __future__ import annotations

from collections.abc import Iterator

from landrules.checks._base import conditions, finding
from landrules.checks._facts import fact_types
from landrules.checks._sat import never
from landrules.i18n import t
from landrules.problems import Problem
from landrules.rulepack import PackSource

ID = "never-false"
SEVERITY = "error"


def check(pack: PackSource) -> Iterator[Problem]:
    types = fact_types()
    for doc, node, loc, _from_text, _pid in conditions(pack):
        why = never(node, types, "false")
        if why is not None:
            message = t("check.never_false", id=node.id, why=why)
            yield finding(doc, (*loc, "id"), ID, SEVERITY, message)

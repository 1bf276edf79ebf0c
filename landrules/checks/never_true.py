"""never-true: a condition that no parcel can make true.

Decided for one fact compared with constants: a single comparison outside the fact's possible
values (an area `lt 0`), or several comparisons of the same fact inside one `all` that no value
satisfies together (`x equals a` and `x equals b`; `x gt 5` and `x lt 3`). It cannot decide
anything across different facts or derived quantities (plot_ratio_after against
plot_ratio_before), `compare ... than`, `includes_any`, `given`, or groups nested below the
`all`; those are left alone, never reported.

FAIL::

    kind: all
    conditions:
      - {kind: equals, fact: parcel.land_supply, value: existing, ...}
      - {kind: equals, fact: parcel.land_supply, value: newly_supplied, ...}

PASS::

    kind: any
    conditions:
      - {kind: equals, fact: parcel.land_supply, value: existing, ...}
      - {kind: equals, fact: parcel.land_supply, value: newly_supplied, ...}
"""

from __future__ import annotations

from collections.abc import Iterator

from landrules.checks._base import conditions, finding
from landrules.checks._facts import fact_types
from landrules.checks._sat import never
from landrules.i18n import t
from landrules.problems import Problem
from landrules.rulepack import PackSource

ID = "never-true"
SEVERITY = "error"


def check(pack: PackSource) -> Iterator[Problem]:
    types = fact_types()
    for doc, node, loc, _from_text, _pid in conditions(pack):
        why = never(node, types, "true")
        if why is not None:
            message = t("check.never_true", id=node.id, why=why)
            yield finding(doc, (*loc, "id"), ID, SEVERITY, message)

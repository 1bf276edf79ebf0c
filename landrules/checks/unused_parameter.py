"""unused-parameter: every parameter declared in pack.yaml is read by some condition (a warning).

Parameters are classification tables (which land-use codes are industrial); a condition uses one
through a derived quantity that reads it (`current_use_class` reads the code tables). A table
that no condition reaches decides nothing: it is a leftover, or a condition is missing.

WARN::

    parameters:
      industrial_gbt21010: ["0601"]
      storage_codes: ["0602"]        # no condition's quantity reads it

PASS::

    parameters:
      industrial_gbt21010: ["0601"]
"""

from __future__ import annotations

from collections.abc import Iterator

from landrules.checks._base import conditions, finding
from landrules.derive import DERIVATIONS
from landrules.i18n import t
from landrules.problems import Problem
from landrules.rulepack import PackSource

ID = "unused-parameter"
SEVERITY = "warning"


def check(pack: PackSource) -> Iterator[Problem]:
    if pack.meta is None or pack.meta_doc is None:
        return
    used: set[str] = set()
    for _doc, node, _loc, _from_text, _pid in conditions(pack):
        for key in ("fact", "than"):
            derivation = DERIVATIONS.get(getattr(node, key, None) or "")
            if derivation is not None:
                used.update(derivation.params)
    for name in pack.meta.parameters:
        if name not in used:
            message = t("check.unused_parameter", name=repr(name))
            hint = t("check.hint.unused_parameter")
            yield finding(
                pack.meta_doc, ("parameters", name), ID, SEVERITY, message, hint, key=True
            )

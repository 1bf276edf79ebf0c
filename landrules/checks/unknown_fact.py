"""unknown-fact: a condition, quantity or outcome names only facts a parcel record can state.

Facts are the dotted field names of a parcel file (docs/parcel-format.md) and the quantities
landrules derives from them (plot ratios, floor areas added, the class of a land use). A
misspelt fact could never be given, so the condition would stay unknown for every parcel.

FAIL::

    fact: approvals.relevent_rules

PASS::

    fact: approvals.relevant_rules
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from landrules.checks._base import conditions, finding
from landrules.checks._facts import fact_types
from landrules.i18n import t
from landrules.problems import Problem
from landrules.rulepack import PackSource

ID = "unknown-fact"
SEVERITY = "error"


def _hint(name: str) -> str:
    close = difflib.get_close_matches(name, list(fact_types()), n=1)
    if close:
        return t("check.hint.fact_did_you_mean", name=close[0])
    return t("check.hint.fact_names")


def check(pack: PackSource) -> Iterator[Problem]:
    known = fact_types()
    for doc, node, loc, _from_text, _pid in conditions(pack):
        for key in ("fact", "than"):
            named = getattr(node, key, None)
            if named is not None and named not in known:
                yield finding(
                    doc,
                    (*loc, key),
                    ID,
                    SEVERITY,
                    t("check.no_fact", name=repr(named)),
                    _hint(named),
                )
    for _file, provision, doc in pack.provisions():
        for i, name in enumerate(provision.quantities):
            if name not in known:
                message = t("check.no_quantity", name=repr(name))
                yield finding(doc, ("quantities", i), ID, SEVERITY, message, _hint(name))
        covers = provision.outcome.covers
        if covers is not None and covers not in known:
            message = t("check.no_quantity", name=repr(covers))
            yield finding(doc, ("outcome", "covers"), ID, SEVERITY, message, _hint(covers))

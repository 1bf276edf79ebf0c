"""overlapping-versions: two versions of one provision are never both in force on a day.

A pack may hold several versions of a provision (files with the same provision id); a parcel's
application date (or `--as-of`) picks the one in force. If two versions could both be in force on
some day, that choice would be arbitrary. Dates known only to the year or month count as the
whole year or month, and an open `effective_until` runs forever.

FAIL (the 2015 version is still open when the 2020 one starts)::

    # p1-2015.yaml                        # p1-2020.yaml
    effective_from: {date: "2015-01-01"}  effective_from: {date: "2020-05-01"}
    effective_until: {}                   effective_until: {}

PASS::

    effective_until: {date: "2020-04-30"}  effective_from: {date: "2020-05-01"}
"""

from __future__ import annotations

from collections.abc import Iterator

from landrules.checks._base import finding
from landrules.checks._versions import consecutive
from landrules.i18n import t
from landrules.problems import Problem
from landrules.rulepack import PackSource

ID = "overlapping-versions"
SEVERITY = "error"


def check(pack: PackSource) -> Iterator[Problem]:
    for (_first, first_doc, _s1, end), (later, doc, start, _e2) in consecutive(pack):
        if start <= end:
            ends = t("check.never_ends") if end.year == 9999 else t("check.runs_until", day=end)
            message = t("check.overlap", id=later.id, day=start, path=first_doc.path, ends=ends)
            hint = t("check.hint.overlap")
            yield finding(doc, ("effective_from", "date"), ID, SEVERITY, message, hint)

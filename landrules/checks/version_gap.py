"""version-gap: consecutive versions of one provision leave no day uncovered (a warning).

Between the last day of one version and the first day of the next, no version is in force and
every parcel gets "does not apply: no rule in force on DATE". That may be true (a policy lapsed)
or a typo in a date, so it is a warning, not an error.

WARN::

    effective_until: {date: "2020-03-31"}   # and the next version
    effective_from: {date: "2020-05-01"}    # April 2020 is uncovered

PASS::

    effective_until: {date: "2020-04-30"}
    effective_from: {date: "2020-05-01"}
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from landrules.checks._base import finding
from landrules.checks._versions import consecutive
from landrules.i18n import t
from landrules.problems import Problem
from landrules.rulepack import PackSource

ID = "version-gap"
SEVERITY = "warning"


def check(pack: PackSource) -> Iterator[Problem]:
    for (_first, first_doc, _s1, end), (later, doc, start, _e2) in consecutive(pack):
        if end.year != 9999 and start > end + timedelta(days=1):
            message = t(
                "check.gap",
                id=later.id,
                first=end + timedelta(days=1),
                last=start - timedelta(days=1),
                path=first_doc.path,
                end=end,
            )
            hint = t("check.hint.gap")
            yield finding(doc, ("effective_from", "date"), ID, SEVERITY, message, hint)

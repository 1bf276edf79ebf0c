"""missing-citation: every provision cites its document and clause; every condition of the text
quotes the words it encodes.

Review triggers and advisories are not the text and must not quote it (their explanations say
"not a condition of the text"); every leaf condition under `conditions:` is the text and must.

FAIL (a leaf condition of the text with no quote)::

    - id: P1.planning-compliant
      kind: equals
      fact: approvals.urban_rural_planning
      value: given

PASS::

    - id: P1.planning-compliant
      kind: equals
      quote: 符合城乡规划
      fact: approvals.urban_rural_planning
      value: given
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from landrules.checks._base import conditions, finding, is_leaf
from landrules.i18n import t
from landrules.problems import Problem
from landrules.rulepack import PackSource

ID = "missing-citation"
SEVERITY = "error"


def is_missing_citation(problem: Problem, pack: PackSource) -> bool:
    """A provision file's schema problem that is really a missing `citation:`."""
    return (
        problem.code == "missing" and problem.field == "citation" and problem.path != pack.meta_path
    )


def check(pack: PackSource) -> Iterator[Problem]:
    for problem in pack.read_problems:
        if is_missing_citation(problem, pack):
            message = t("check.no_citation")
            hint = t("check.hint.no_citation")
            yield replace(problem, code=ID, severity=SEVERITY, message=message, hint=hint)
    for doc, node, loc, from_text, _pid in conditions(pack):
        if from_text and is_leaf(node) and not node.quote:
            message = t("check.no_quote", id=node.id)
            hint = t("check.hint.no_quote")
            yield finding(doc, loc, ID, SEVERITY, message, hint)

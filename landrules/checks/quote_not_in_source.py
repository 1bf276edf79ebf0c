"""quote-not-in-source: every quote is a verbatim part of the cited clause of the source text.

The pack's `source.txt` holds the document byte for byte and `source_clause_lines` says which
lines are the clause; a quote that is not found there, character for character (full-width
punctuation included), is not the law's words and is refused.

FAIL (城市 for 城乡)::

    quote: 符合城市规划

PASS::

    quote: 符合城乡规划
"""

from __future__ import annotations

from collections.abc import Iterator

from landrules.checks._base import conditions, finding
from landrules.i18n import t
from landrules.problems import Problem
from landrules.rulepack import PackSource

ID = "quote-not-in-source"
SEVERITY = "error"


def check(pack: PackSource) -> Iterator[Problem]:
    if not pack.source_text:
        return  # the source could not be read: reported by `schema`
    for _file, provision, doc in pack.provisions():
        quote = provision.outcome.quote
        if not quote or quote not in pack.clause_text:
            message = t("check.quote", quote=repr(quote))
            yield finding(doc, ("outcome", "quote"), ID, SEVERITY, message, t("check.hint.quote"))
    for doc, node, loc, _from_text, _pid in conditions(pack):
        quote = node.quote
        if quote is not None and (not quote or quote not in pack.clause_text):
            message = t("check.quote", quote=repr(quote))
            yield finding(doc, (*loc, "quote"), ID, SEVERITY, message, t("check.hint.quote"))

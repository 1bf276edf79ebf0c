"""One line per provision, before the tree: the outcome, the area, and the one thing to do next.

A reader with one parcel wants the answer first. The area is shown only where the tree shows it
(the provision applies, or, marked "if it applies", needs review), so nobody reads an area that
no waiver concerns; the next step is the first-ranked missing fact to supply, the review to
request, or nothing. `check --brief` prints only these lines; `ask` ends with them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from landrules.evaluate import Outcome, ProvisionVerdict
from landrules.i18n import Lang, current_lang, pick, t
from landrules.logic import Unknown

if TYPE_CHECKING:
    from landrules.api import Verdict


def _area(pv: ProvisionVerdict, lang: Lang) -> str:
    from landrules.report.text import show_value

    covered = pv.covered
    if covered is None or not pv.quantity_shown or isinstance(covered.value, Unknown):
        return ""
    value = show_value(covered.value, covered.name, lang)
    key = "summary.area" if pv.outcome is Outcome.APPLIES else "summary.area_if_it_applies"
    return t(key, lang, area=value)


def _next(verdict: Verdict, pv: ProvisionVerdict, lang: Lang) -> str:
    from landrules.explain import fact_words
    from landrules.report.explained import ranks_for

    if pv.outcome is Outcome.UNDETERMINED:
        ranked = [r.fact for r in ranks_for(verdict) if r.fact in pv.missing]
        first = (ranked or list(pv.missing) or [""])[0]
        if first:
            return t("summary.next.supply", lang, fact=fact_words(first, lang))
    if pv.outcome is Outcome.NEEDS_REVIEW:
        reasons = [pick(a, lang) for a in pv.ambiguities]
        reasons += [pick(f.review.label, lang) for f in pv.triggered]
        if reasons:
            return t("summary.next.review", lang, reason=reasons[0])
    document = verdict.pack.meta.citation.describes
    if pv.outcome is Outcome.APPLIES and pv.caveat is not None and document:
        return t("summary.next.confirm_in_force", lang, document=document)
    return t("summary.next.nothing", lang)


def summary_line(verdict: Verdict, pv: ProvisionVerdict, lang: Lang | None = None) -> str:
    from landrules.report.text import outcome_word

    lang = lang or current_lang()
    caveat = t("summary.caveat", lang) if pv.caveat is not None else ""
    return t(
        "summary.line",
        lang,
        provision=pv.provision.id,
        outcome=outcome_word(pv.outcome, lang),
        caveat=caveat,
        area=_area(pv, lang),
        next=_next(verdict, pv, lang),
    )


def summary_lines(verdict: Verdict, lang: Lang | None = None) -> list[str]:
    """The verdict's summary, one line per provision, in the order of the pack."""
    return [summary_line(verdict, pv, lang) for pv in verdict.provisions]

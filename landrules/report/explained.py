"""The explanation sections shared by every report: what is needed, what would change it, money.

Each renderer (text tree, JSON, HTML, Markdown) calls `sections` and draws the lines its own way,
so the four always say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from landrules.evaluate import Outcome, ProvisionVerdict
from landrules.explain import (
    FactRank,
    change_sets,
    explanation_data,
    fact_words,
    illustration,
    reviews_after,
)
from landrules.i18n import Lang, t

if TYPE_CHECKING:
    from landrules.api import Verdict
    from landrules.report.tree import Node

MAX_OPTIONS = 6
"""More sets than this are summarised by their count: a reader acts on the first few."""


@dataclass(slots=True)
class Section:
    """A heading and its lines (each line a list of items: one option, or one fact)."""

    title: str
    lines: list[str] = field(default_factory=list)
    style: str = ""


_CACHE: dict[int, tuple[Verdict, list[FactRank]]] = {}


def ranks_for(verdict: Verdict) -> list[FactRank]:
    """The ranked missing facts of a verdict, computed once per verdict (text and JSON share it).

    The cache keeps the verdict itself, so an id reused by a later object is never mistaken.
    """
    from landrules.explain import rank_missing

    cached = _CACHE.get(id(verdict))
    if cached is not None and cached[0] is verdict:
        return cached[1]
    if len(_CACHE) > 64:
        _CACHE.clear()
    ranks = rank_missing(verdict)
    _CACHE[id(verdict)] = (verdict, ranks)
    return ranks


def sections(verdict: Verdict, pv: ProvisionVerdict, lang: Lang) -> list[Section]:
    """The explanation of one provision's outcome, in `lang`."""
    out: list[Section] = []
    if pv.outcome is Outcome.UNDETERMINED:
        total = sum(1 for p in verdict.provisions if p.outcome is Outcome.UNDETERMINED)
        needed = Section(t("explain.needed.title", lang), style="yellow")
        for rank in ranks_for(verdict):
            if rank.fact in pv.missing:
                needed.lines.append(
                    t(
                        "explain.needed.item",
                        lang,
                        fact=fact_words(rank.fact, lang),
                        worst=rank.worst,
                        best=rank.best,
                        total=total,
                    )
                )
        out.append(needed)
    if pv.outcome is Outcome.DOES_NOT_APPLY:
        changes = Section(t("explain.changes.title", lang), style="cyan")
        for n, cs in enumerate(change_sets(pv)[:MAX_OPTIONS], start=1):
            key = (
                "explain.changes.option"
                if all(c.changeable for c in cs)
                else "explain.changes.option_fixed"
            )
            line = t(key, lang, n=n) + t("explain.changes.join", lang).join(
                c.text(lang) for c in cs
            )
            still, maybe = reviews_after(pv, cs)
            if still:
                labels = "; ".join(str(getattr(r.label, lang)) for r in still)
                line += " — " + t("explain.changes.review", lang, reviews=labels)
            if maybe:
                labels = "; ".join(str(getattr(r.label, lang)) for r in maybe)
                line += " — " + t("explain.changes.review_maybe", lang, reviews=labels)
            changes.lines.append(line)
        out.append(changes)
    money = illustration(verdict, pv)
    if money is not None:
        out.append(Section(t("money.title", lang), [money.text(lang)], style="dim"))
    return out


def add_to_tree(node: Node, verdict: Verdict, pv: ProvisionVerdict, lang: Lang = "en") -> None:
    """Hang the explanation under a provision's node in the text tree."""
    from landrules.report.tree import Label

    for section in sections(verdict, pv, lang):
        head = node.add(Label(section.title, style=section.style))
        for line in section.lines:
            head.add(Label(line))


def add_to_data(verdict: Verdict, provisions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add each provision's `explain` block (both languages) to its JSON data."""
    ranks = (
        ranks_for(verdict)
        if any(pv.outcome is Outcome.UNDETERMINED for pv in verdict.provisions)
        else []
    )
    for pv, data in zip(verdict.provisions, provisions, strict=True):
        data["explain"] = explanation_data(verdict, pv, ranks)
    return provisions

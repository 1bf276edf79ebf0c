"""The report as Markdown, for pasting into a document: the same content as the HTML report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from landrules.i18n import t
from landrules.report.html import (
    _MARK,
    OUTCOMES,
    Report,
    _identity,
    meta_text,
    outcome_text,
    word,
)

if TYPE_CHECKING:
    from landrules.evaluate import Step
    from landrules.i18n import Lang


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _step_lines(step: Step, lang: Lang, depth: int) -> list[str]:
    cond = step.condition
    quote = f" 「{cond.quote}」" if cond.quote else ""
    line = f"{'  ' * depth}- {_MARK[step.result]} {getattr(cond.label, lang)}{quote}"
    if not step.children and step.missing:
        line += " — " + t("report.missing", lang, facts=", ".join(step.missing))
    out = [line]
    for child in step.children:
        out.extend(_step_lines(child, lang, depth + 1))
    return out


def render_markdown(report: Report) -> str:
    """Summary table, parcel table, then each parcel's reasoning with quotes."""
    from landrules.report.explained import sections

    lang = report.lang
    meta = report.pack.meta
    lines = [
        f"# {t('report.title', lang)}",
        "",
        meta_text(report, lang),
        "",
        f"## {t('report.summary', lang)}",
        "",
        f"| {t('report.provision', lang)} | "
        + " | ".join(outcome_text(o, lang) for o in OUTCOMES)
        + " |",
        "|---|" + "---:|" * len(OUTCOMES),
    ]
    for pid, counts in report.summary.counts.items():
        lines.append(f"| {pid} | " + " | ".join(str(counts.get(o, 0)) for o in OUTCOMES) + " |")
    provisions = list(report.summary.counts)
    lines += [
        "",
        f"## {t('report.parcels', lang)}",
        "",
        f"| {t('report.col.source', lang)} | {t('report.col.code', lang)} | "
        f"{t('report.col.name', lang)} | " + " | ".join(provisions) + " |",
        "|---|---|---|" + "---|" * len(provisions),
    ]
    for entry in report.entries:
        code, name = _identity(entry)  # the code beside file:row: what a clerk searches for
        head = f"| {_cell(entry.label)} | {_cell(code)} | {_cell(name)} | "
        if entry.verdict is None:  # marked in its place, not dropped; the errors are listed below
            cells = [f"**{word('error', lang)}**", *([""] * (len(provisions) - 1))]
            lines.append(head + " | ".join(cells) + " |")
            continue
        by_id = {pv.provision.id: pv.outcome.value for pv in entry.verdict.provisions}
        cells = [outcome_text(by_id[p], lang) if p in by_id else "" for p in provisions]
        lines.append(head + " | ".join(cells) + " |")
    errors = [p for e in report.entries for p in e.problems]
    if errors:
        lines += ["", f"## {t('report.errors', lang)}", ""]
        lines += [f"- `{p.render()}`" for p in errors]
    lines += ["", f"## {t('report.reasoning', lang)}"]
    for entry in report.entries:
        if entry.verdict is None:
            continue
        code = _identity(entry)[0]
        shown = t("line.where_code", lang, where=entry.label, code=code) if code else entry.label
        lines += ["", f"### {shown}"]
        for pv in entry.verdict.provisions:
            p = pv.provision
            caveat = t("tree.caveat", lang, text=getattr(pv.caveat, lang)) if pv.caveat else ""
            lines += [
                "",
                f"**{p.id} {outcome_text(pv.outcome.value, lang)}**{caveat} — "
                f"{getattr(p.title, lang)}",
                "",
            ]
            for child in pv.root.children:
                lines.extend(_step_lines(child, lang, 0))
            for section in sections(entry.verdict, pv, lang):
                lines += ["", f"*{section.title}*", ""]
                lines += [f"- {line}" for line in section.lines]
    citation = meta.citation
    lines += [
        "",
        t(
            "report.quotes_note",
            lang,
            document=citation.document,
            clause=citation.clause,
            describes=citation.describes or "",
        ),
    ]
    return "\n".join(lines) + "\n"

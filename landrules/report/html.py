"""One self-contained HTML report of many verdicts: counts, an inline SVG chart, a sortable table
and each parcel's reasoning with its quotes.

Nothing is fetched: the style, the chart and the sorting script are inline, so the file works
offline and can be mailed or archived as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any

from landrules.evaluate import Outcome
from landrules.i18n import Lang, t
from landrules.logic import Tri

if TYPE_CHECKING:
    from landrules.api import Verdict
    from landrules.batch import Summary
    from landrules.evaluate import ProvisionVerdict, Step
    from landrules.problems import Problem

OUTCOMES = [o.value for o in Outcome]
COLOURS = {
    "applies": "#2e7d32",
    "does_not_apply": "#c62828",
    "undetermined": "#f9a825",
    "needs_review": "#6a1b9a",
}
_MARK = {Tri.TRUE: "✓", Tri.FALSE: "✗", Tri.UNKNOWN: "?"}


@dataclass(slots=True)
class Entry:
    """One checked input: its verdict, or the problems that stopped it."""

    label: str
    verdict: Verdict | None = None
    problems: list[Problem] = field(default_factory=list)


@dataclass(slots=True)
class Report:
    """Everything a report shows; HTML and Markdown render the same object."""

    pack: Any
    summary: Summary
    entries: list[Entry]
    lang: Lang


def outcome_text(outcome: str, lang: Lang) -> str:
    return t(f"outcome.{outcome}", lang)


def chart_svg(report: Report) -> str:
    """Grouped bars: for each provision, one bar per outcome, height by count."""
    counts = report.summary.counts
    provisions = list(counts)
    top = max([n for c in counts.values() for n in c.values()] + [1])
    bar, gap, height = 18, 28, 160
    legend = sum(14 + 8 * len(outcome_text(o, report.lang)) + 16 for o in OUTCOMES)
    width = max(len(provisions) * (len(OUTCOMES) * bar + gap) + gap, legend + gap)
    parts = [
        f'<svg role="img" id="chart" width="{width}" '
        f'height="{height + 60}" viewBox="0 0 {width} {height + 60}">',
        f"<title>{escape(t('report.chart_label', report.lang))}</title>",
    ]
    x = gap
    for pid in provisions:
        for outcome in OUTCOMES:
            n = counts[pid].get(outcome, 0)
            h = round(height * n / top)
            y = height - h + 10
            label = f"{pid} {outcome_text(outcome, report.lang)}: {n}"
            parts.append(
                f'<rect class="bar" data-provision="{pid}" data-outcome="{outcome}" '
                f'data-count="{n}" x="{x}" y="{y}" width="{bar - 2}" height="{h}" '
                f'fill="{COLOURS[outcome]}"><title>{escape(label)}</title></rect>'
            )
            parts.append(
                f'<text x="{x + (bar - 2) / 2}" y="{y - 2}" font-size="10" '
                f'text-anchor="middle">{n}</text>'
            )
            x += bar
        parts.append(
            f'<text x="{x - len(OUTCOMES) * bar / 2}" y="{height + 28}" font-size="13" '
            f'text-anchor="middle" font-weight="bold">{escape(pid)}</text>'
        )
        x += gap
    legend_x = gap
    for outcome in OUTCOMES:
        parts.append(
            f'<rect x="{legend_x}" y="{height + 40}" width="10" height="10" '
            f'fill="{COLOURS[outcome]}"/><text x="{legend_x + 14}" y="{height + 49}" '
            f'font-size="11">{escape(outcome_text(outcome, report.lang))}</text>'
        )
        legend_x += 14 + 8 * len(outcome_text(outcome, report.lang)) + 16
    parts.append("</svg>")
    return "".join(parts)


def _summary_table(report: Report) -> str:
    lang = report.lang
    head = "".join(f"<th>{escape(outcome_text(o, lang))}</th>" for o in OUTCOMES)
    rows = []
    for pid, counts in report.summary.counts.items():
        cells = "".join(
            f'<td data-provision="{pid}" data-outcome="{o}">{counts.get(o, 0)}</td>'
            for o in OUTCOMES
        )
        rows.append(f"<tr><th>{escape(pid)}</th>{cells}</tr>")
    return (
        f'<table id="summary"><thead><tr><th>{escape(t("report.provision", lang))}</th>{head}'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _parcel_table(report: Report) -> str:
    lang = report.lang
    provisions = list(report.summary.counts)
    cols = [t("report.col.source", lang), t("report.col.name", lang), *provisions]
    head = "".join(
        f'<th data-col="{i}" tabindex="0" role="button">{escape(c)}</th>'
        for i, c in enumerate(cols)
    )
    rows = []
    for n, entry in enumerate(report.entries):
        if entry.verdict is None:
            continue
        identity = entry.verdict.parcel.parcel
        name = (identity.name or identity.code or "") if identity is not None else ""
        cells = [
            f'<td><a href="#parcel-{n}">{escape(entry.label)}</a></td>',
            f"<td>{escape(name)}</td>",
        ]
        by_id = {pv.provision.id: pv.outcome.value for pv in entry.verdict.provisions}
        for pid in provisions:
            outcome = by_id.get(pid, "")
            cells.append(
                f'<td class="o-{outcome}" data-sort="{OUTCOMES.index(outcome) if outcome else 9}">'
                f"{escape(outcome_text(outcome, lang) if outcome else '')}</td>"
            )
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<table id="parcels"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def _step_html(step: Step, lang: Lang) -> str:
    cond = step.condition
    mark = _MARK[step.result]
    quote = f' <q class="quote">「{escape(cond.quote)}」</q>' if cond.quote else ""
    facts = ""
    if not step.children:
        from landrules.report.text import _facts_text  # the same evidence the text tree shows

        shown = _facts_text(step, lang)
        facts = f' <span class="facts">[{escape(shown)}]</span>' if shown else ""
    children = "".join(_step_html(c, lang) for c in step.children)
    inner = f"<ul>{children}</ul>" if children else ""
    return (
        f'<li class="r-{step.result.value}"><span class="mark">{mark}</span> '
        f"{escape(str(getattr(cond.label, lang)))}{quote}{facts}{inner}</li>"
    )


def _provision_html(verdict: Verdict, pv: ProvisionVerdict, lang: Lang) -> str:
    from landrules.report.explained import sections

    p = pv.provision
    outcome = pv.outcome.value
    caveat = t("tree.caveat", lang, text=getattr(pv.caveat, lang)) if pv.caveat else ""
    parts = [
        f'<details open><summary><b>{escape(p.id)}</b> <span class="o-{outcome}">'
        f"{escape(outcome_text(outcome, lang))}</span>{escape(caveat)} — "
        f"{escape(str(getattr(p.title, lang)))}</summary>",
        f'<p>{escape(str(getattr(p.outcome.label, lang)))} <q class="quote">「'
        f"{escape(p.outcome.quote)}」</q></p>",
        f"<p>{escape(t('report.conditions', lang))}</p>",
        f'<ul class="tree">{"".join(_step_html(c, lang) for c in pv.root.children)}</ul>',
    ]
    for amb in pv.ambiguities:
        parts.append(f"<p>{escape(t('report.review', lang, text=getattr(amb, lang)))}</p>")
    for finding in pv.triggered:
        text = f"{getattr(finding.review.label, lang)}: {getattr(finding.review.explanation, lang)}"
        parts.append(f"<p>{escape(t('report.review', lang, text=text))}</p>")
    for section in sections(verdict, pv, lang):
        items = "".join(f"<li>{escape(line)}</li>" for line in section.lines)
        parts.append(f'<div class="explain"><p>{escape(section.title)}</p><ul>{items}</ul></div>')
    for advisory in p.advisories:
        text = t("report.advisory", lang, text=getattr(advisory.text, lang))
        parts.append(f'<p class="dim">{escape(text)}</p>')
    parts.append("</details>")
    return "".join(parts)


_STYLE = """
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #bbb;padding:4px 8px}
#parcels th{cursor:pointer;background:#eee}#parcels th.sorted-asc::after{content:" ▲"}
#parcels th.sorted-desc::after{content:" ▼"}.o-applies{color:#2e7d32;font-weight:bold}
.o-does_not_apply{color:#c62828;font-weight:bold}.o-undetermined{color:#a07000;font-weight:bold}
.o-needs_review{color:#6a1b9a;font-weight:bold}.quote{color:#00695c;quotes:none}
.facts,.dim{color:#777;font-size:90%}.r-true>.mark{color:#2e7d32}.r-false>.mark{color:#c62828}
.r-unknown>.mark{color:#a07000}.explain{background:#f6f6f0;padding:2px 10px}
"""

_SCRIPT = """
(function () {
  var table = document.getElementById("parcels");
  if (!table) { return; }
  var heads = table.tHead.rows[0].cells;
  function key(row, col) {
    var cell = row.cells[col];
    var sort = cell.getAttribute("data-sort");
    return sort !== null ? sort : cell.textContent.trim();
  }
  function sortBy(col) {
    var head = heads[col];
    var asc = !head.classList.contains("sorted-asc");
    for (var i = 0; i < heads.length; i++) {
      heads[i].classList.remove("sorted-asc", "sorted-desc");
    }
    head.classList.add(asc ? "sorted-asc" : "sorted-desc");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a, col), y = key(b, col);
      var c = x < y ? -1 : x > y ? 1 : 0;
      return asc ? c : -c;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  for (var i = 0; i < heads.length; i++) {
    (function (col) {
      heads[col].addEventListener("click", function () { sortBy(col); });
      heads[col].addEventListener("keydown", function (e) {
        if (e.key === "Enter") { sortBy(col); }
      });
    })(i);
  }
})();
"""


def render_html(report: Report) -> str:
    """The whole report as one HTML document (no external reference of any kind)."""
    lang = report.lang
    meta = report.pack.meta
    head = t(
        "report.meta",
        lang,
        parcels=report.summary.parcels,
        errors=report.summary.input_errors,
        pack=meta.id,
        version=meta.version,
        sha=report.pack.sha256[:12],
    )
    body = [
        f"<h1>{escape(t('report.title', lang))}</h1>",
        f'<p id="meta">{escape(head)}</p>',
        f"<h2>{escape(t('report.summary', lang))}</h2>",
        _summary_table(report),
        chart_svg(report),
        f"<h2>{escape(t('report.parcels', lang))}</h2>",
        f"<p>{escape(t('report.sort_hint', lang))}</p>",
        _parcel_table(report),
    ]
    errors = [e for e in report.entries if e.problems]
    if errors:
        body.append(f"<h2>{escape(t('report.errors', lang))}</h2><ul id='errors'>")
        body.extend(
            f"<li><code>{escape(p.render())}</code></li>" for e in errors for p in e.problems
        )
        body.append("</ul>")
    body.append(f"<h2>{escape(t('report.reasoning', lang))}</h2>")
    for n, entry in enumerate(report.entries):
        if entry.verdict is None:
            continue
        identity = entry.verdict.parcel.parcel
        name = f" — {identity.name}" if identity is not None and identity.name else ""
        body.append(f'<section id="parcel-{n}"><h3>{escape(entry.label + name)}</h3>')
        body.extend(_provision_html(entry.verdict, pv, lang) for pv in entry.verdict.provisions)
        body.append("</section>")
    citation = meta.citation
    note = t(
        "report.quotes_note",
        lang,
        document=citation.document,
        clause=citation.clause,
        describes=citation.describes or "",
    )
    body.append(f'<p class="dim">{escape(note)}</p>')
    return (
        f'<!DOCTYPE html>\n<html lang="{t("report.lang_attr", lang)}"><head>'
        f'<meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        f"<title>{escape(t('report.title', lang))}</title><style>{_STYLE}</style></head>"
        f"<body>{''.join(body)}<script>{_SCRIPT}</script></body></html>\n"
    )

"""One self-contained HTML report of many verdicts: the office's questions first (counts, areas,
reviews, missing facts, a chart, a map), then a table that pages, filters and sorts, and each
parcel's reasoning drawn on demand.

Nothing is fetched: style, chart, map and script are inline, so the file works offline and can be
mailed or archived as it is. The page is a Jinja2 template with autoescape (landrules/report/
templates/); the parcels travel once as JSON in `<script type="application/json">`, not as
10,000 pre-rendered trees, which is what keeps a big register's report small and quick to open.
Jinja2 is imported only here, when a report is written.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cache
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
_RESULT = {Tri.TRUE: 0, Tri.FALSE: 1, Tri.UNKNOWN: 2}
_LETTER = {"applies": "a", "does_not_apply": "n", "undetermined": "u", "needs_review": "r"}
RANK_LIMIT = 1000
"""Above this many parcels the per-parcel "still needed" list is not ranked: ranking tries every
candidate value of every missing fact (about 4 ms a parcel), which would triple the time a
10,000-parcel report takes to write. The page says so where it happens."""


@dataclass(slots=True)
class Entry:
    """One checked input: its verdict, or the problems that stopped it (and its geometry, for
    the map, when the input had one)."""

    label: str
    verdict: Verdict | None = None
    problems: list[Problem] = field(default_factory=list)
    geometry: Any = None
    data: Any = None  # the parcel data as read: names a row whose errors stopped its verdict


@dataclass(slots=True)
class Report:
    """Everything a report shows; HTML and Markdown render the same object."""

    pack: Any
    summary: Summary
    entries: list[Entry]
    lang: Lang


def meta_text(report: Report, lang: Lang) -> str:
    """The report's first line: how many parcels and input errors, and the pack that judged them
    (id, version, SHA-256), so a printed report can be replayed."""
    meta = report.pack.meta
    return t(
        "report.meta",
        lang,
        parcels=report.summary.parcels,
        errors=report.summary.input_errors,
        pack=meta.id,
        version=meta.version,
        sha=report.pack.sha256[:12],
    )


def outcome_text(outcome: str, lang: Lang) -> str:
    return t(f"outcome.{outcome}", lang)


@cache
def _words_table() -> dict[str, dict[str, str]]:
    from importlib import resources

    from landrules import yamlio

    path = "landrules/report/templates/words.yaml"
    text = resources.files("landrules.report").joinpath("templates/words.yaml").read_text("utf-8")
    data = yamlio.load_text(text, path).data
    assert isinstance(data, dict)
    return data


def word(key: str, lang: Lang, **values: Any) -> str:
    """A word of the HTML page (templates/words.yaml), in `lang`."""
    text = str(_words_table()[key][lang])
    return text.format(**values) if values else text


def _identity(entry: Entry) -> tuple[str, str]:
    """The parcel's code and name; for a row with errors, as written in the register."""
    if entry.verdict is not None:
        identity = entry.verdict.parcel.parcel
        return (identity.code or "", identity.name or "") if identity is not None else ("", "")
    parcel = entry.data.get("parcel") if isinstance(entry.data, dict) else None
    stamped = next((p.parcel for p in entry.problems if p.parcel), "")  # landrules.rowid
    if not isinstance(parcel, dict):
        return stamped, ""
    code = parcel.get("code")
    return str(code if isinstance(code, str) and code else stamped), str(parcel.get("name") or "")


# --- the office's questions -------------------------------------------------------------------


def _summary_rows(report: Report) -> list[dict[str, Any]]:
    """Per provision: counts per outcome, and the exact area concerned where it applies, added
    exactly and rounded once (`derive.display`)."""
    from landrules.derive import DERIVATIONS, display

    lang = report.lang
    sums: dict[str, Fraction] = {}
    names: dict[str, str] = {}  # the quantity each provision's outcome covers, from the pack
    titles: dict[str, str] = {}
    for versions in report.pack.versions():
        for version in versions:
            p = version.provision
            titles.setdefault(p.id, str(getattr(p.title, lang)))
            if p.outcome.covers:
                names.setdefault(p.id, p.outcome.covers)
    ranges: Counter[str] = Counter()
    for entry in report.entries:
        if entry.verdict is None:
            continue
        for pv in entry.verdict.provisions:
            pid = pv.provision.id
            if pv.outcome is not Outcome.APPLIES or pv.covered is None:
                continue
            value = pv.covered.value
            names.setdefault(pid, pv.covered.name)
            if isinstance(value, (Fraction, Decimal, int)) and not isinstance(value, bool):
                sums[pid] = sums.get(pid, Fraction(0)) + Fraction(value)
            else:
                ranges[pid] += 1
    rows = []
    for pid, counts in report.summary.counts.items():
        name = names.get(pid)
        area = word("area_none", lang)
        label = ""
        if name is not None:
            d = DERIVATIONS[name]
            label = d.zh if lang == "zh" else d.en
            area = display(sums.get(pid, Fraction(0)), name)
        rows.append(
            {
                "id": pid,
                "title": titles.get(pid, ""),
                "counts": [(o, counts.get(o, 0)) for o in OUTCOMES],
                "area": area,
                "area_label": label,
                "ranges": ranges.get(pid, 0),
            }
        )
    return rows


def _reviews(report: Report) -> list[dict[str, Any]]:
    """Parcels that need review, grouped by provision and review (or ambiguity) id."""
    lang = report.lang
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in report.entries:
        if entry.verdict is None:
            continue
        for pv in entry.verdict.provisions:
            if pv.outcome is not Outcome.NEEDS_REVIEW:
                continue
            reasons = [(f.review.id, str(getattr(f.review.label, lang))) for f in pv.triggered]
            reasons += [(a.id, str(getattr(a, lang))) for a in pv.ambiguities]
            for rid, label in dict(reasons).items():
                key = (pv.provision.id, rid)
                group = groups.setdefault(
                    key, {"provision": key[0], "id": rid, "label": label, "n": 0}
                )
                group["n"] += 1
    return sorted(groups.values(), key=lambda g: (g["provision"], -g["n"], g["id"]))


def _missing_ranked(report: Report) -> tuple[list[tuple[str, int]], list[tuple[str, str, int]]]:
    """Undetermined parcels per provision, and each missing fact by how many parcels miss it."""
    from landrules.explain import fact_words

    per_fact: Counter[str] = Counter()
    for entry in report.entries:
        if entry.verdict is None:
            continue
        missing: set[str] = set()
        for pv in entry.verdict.provisions:
            if pv.outcome is Outcome.UNDETERMINED:
                missing.update(pv.missing)
        per_fact.update(missing)
    counts = [(pid, c.get("undetermined", 0)) for pid, c in report.summary.counts.items()]
    ranked = sorted(per_fact.items(), key=lambda kv: (-kv[1], kv[0]))
    return counts, [(name, fact_words(name, report.lang), n) for name, n in ranked]


def _chart(report: Report) -> list[dict[str, Any]]:
    """Stacked 100% bars per provision: all parcels, then those other than does-not-apply."""
    lang = report.lang
    bars = []
    for pid, counts in report.summary.counts.items():
        for which, kept in (
            ("all", OUTCOMES),
            ("rest", [o for o in OUTCOMES if o != "does_not_apply"]),
        ):
            total = sum(counts.get(o, 0) for o in kept)
            x = 0.0
            parts = []
            for o in kept:
                n = counts.get(o, 0)
                width = 100 * n / total if total else 0
                parts.append(
                    {
                        "outcome": o,
                        "n": n,
                        "x": f"{x:.3f}",  # percent of the bar: pixels, not a quantity
                        "w": f"{width:.3f}",
                        "colour": COLOURS[o],
                        "title": f"{pid} {outcome_text(o, lang)}: {n} ({width:.1f}%)",
                    }
                )
                x += width
            label = word("chart_all" if which == "all" else "chart_rest", lang)
            bars.append(
                {"provision": pid, "which": which, "label": label, "total": total, "parts": parts}
            )
    return bars


# --- the map ----------------------------------------------------------------------------------


def _rings(geometry: Any) -> list[tuple[list[Any], bool]]:
    """Every ring or line of a GeoJSON geometry, and whether it closes (a polygon ring)."""
    if not isinstance(geometry, dict):
        return []
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        return [(r, True) for r in coords or []]
    if kind == "MultiPolygon":
        return [(r, True) for poly in coords or [] for r in poly]
    if kind == "LineString":
        return [(coords or [], False)]
    if kind == "MultiLineString":
        return [(line, False) for line in coords or []]
    if kind == "Point":
        return [([coords], False)] if coords else []
    if kind == "MultiPoint":
        return [([p], False) for p in coords or []]
    if kind == "GeometryCollection":
        return [r for g in geometry.get("geometries") or [] for r in _rings(g)]
    return []


def _vertex(point: Any) -> bool:
    return (
        isinstance(point, list)
        and len(point) >= 2
        and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
            for v in point[:2]
        )
    )


def _map(report: Report) -> dict[str, Any] | None:
    """An inline SVG of every parcel with a geometry: equirectangular, every vertex kept."""
    shapes: list[tuple[int, list[tuple[list[Any], bool]]]] = []
    for n, entry in enumerate(report.entries):
        rings = [(ring, closed) for ring, closed in _rings(entry.geometry) if ring]
        # a parcel is drawn whole or not at all (and then counted as not drawn): no vertex is
        # ever dropped to make a shape drawable
        if rings and all(_vertex(p) for ring, _ in rings for p in ring):
            shapes.append((n, rings))
    if not shapes:
        return None
    # coordinates are drawn, not computed with: plain numbers as JSON gave them (`_vertex`)
    xs = [p[0] for _, rings in shapes for ring, _ in rings for p in ring]
    ys = [p[1] for _, rings in shapes for ring, _ in rings for p in ring]
    lonlat = min(xs) >= -180 and max(xs) <= 180 and min(ys) >= -90 and max(ys) <= 90
    k = math.cos(math.radians((min(ys) + max(ys)) / 2)) if lonlat else 1.0
    x0, y1 = min(xs), max(ys)
    span = max((max(xs) - x0) * k, y1 - min(ys)) or 1.0
    scale = 1000 / span
    width = max((max(xs) - x0) * k * scale, 1.0)
    height = max((y1 - min(ys)) * scale, 1.0)
    dot = 2.0

    def point(p: list[Any]) -> str:
        return f"{(p[0] - x0) * k * scale:.2f} {(y1 - p[1]) * scale:.2f}"

    paths = []
    first = next(iter(report.summary.counts), None)
    for n, rings in shapes:
        parts = []
        for ring, closed in rings:
            if len(ring) == 1:  # a point: a small square, so it can be seen and hovered
                x, y = (ring[0][0] - x0) * k * scale, (y1 - ring[0][1]) * scale
                parts.append(f"M{x - dot:.2f} {y - dot:.2f}h{2 * dot}v{2 * dot}h{-2 * dot}Z")
            else:
                parts.append("M" + "L".join(point(p) for p in ring) + ("Z" if closed else ""))
        entry = report.entries[n]
        code, name = _identity(entry)
        outcome = "error"
        if entry.verdict is not None and first is not None:
            by_id = {pv.provision.id: pv.outcome.value for pv in entry.verdict.provisions}
            outcome = by_id.get(first, "error")
        line = any(not closed and len(ring) > 1 for ring, closed in rings)
        paths.append(
            {
                "row": n,
                "d": "".join(parts),
                "title": " ".join(x for x in (code or entry.label, name) if x),
                "outcome": outcome,
                "line": line,
            }
        )
    lang = report.lang
    values = {"drawn": len(shapes), "missing": len(report.entries) - len(shapes)}
    note = word("map_note" if lonlat else "map_planar", lang, **values)
    pad = 10
    box = f"{-pad} {-pad} {width + 2 * pad:.2f} {height + 2 * pad:.2f}"
    return {"paths": paths, "viewbox": box, "note": note, "stroke": max(span * scale / 2000, 0.3)}


# --- the data the table and the reasoning are drawn from ---------------------------------------


class _Strings:
    """One table of every string the reasoning uses: a label, a quote or a line said by many
    parcels travels once."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.index: dict[str, int] = {}

    def __call__(self, text: str | None) -> int:
        if not text:
            return -1
        found = self.index.get(text)
        if found is None:
            found = self.index[text] = len(self.items)
            self.items.append(text)
        return found


def _tree(step: Step, lang: Lang, s: _Strings, conds: dict[int, int], out: list[Any]) -> None:
    """A provision's condition tree, pre-order, as depth, condition, result, facts (4 ints a
    node); the condition's label and quote are in the shared table."""
    from landrules.report.text import _facts_text  # the same evidence the text tree shows

    stack: list[tuple[Step, int]] = [(c, 0) for c in reversed(step.children)]
    while stack:
        node, depth = stack.pop()
        cond = node.condition
        ci = conds.get(id(cond))
        if ci is None:
            ci = conds[id(cond)] = len(conds)
            out[0].append([s(str(getattr(cond.label, lang))), s(cond.quote)])
        facts = s(_facts_text(node, lang)) if not node.children else -1
        out[1].extend((depth, ci, _RESULT[node.result], facts))
        stack.extend((c, depth + 1) for c in reversed(node.children))


def _sections(
    verdict: Verdict, pv: ProvisionVerdict, lang: Lang, ranked: bool, s: _Strings
) -> list[Any]:
    from landrules.explain import fact_words
    from landrules.report.explained import sections

    if ranked or pv.outcome is not Outcome.UNDETERMINED:
        found = sections(verdict, pv, lang)
    else:  # the same sections, the missing facts in field order (see RANK_LIMIT)
        from landrules.explain import illustration
        from landrules.report.explained import Section

        needed = Section(t("explain.needed.title", lang))
        needed.lines = [fact_words(name, lang) for name in pv.missing]
        found = [needed]
        money = illustration(verdict, pv)
        if money is not None:
            found.append(Section(t("money.title", lang), [money.text(lang)]))
    return [[s(x.title), [s(line) for line in x.lines]] for x in found]


def _data(report: Report) -> tuple[list[Any], dict[str, Any]]:
    """The table's rows and, apart, the reasoning (parsed only when a parcel is opened)."""
    lang = report.lang
    provisions = list(report.summary.counts)
    ranked = len(report.entries) <= RANK_LIMIT
    s = _Strings()
    versions: dict[int, int] = {}
    conds: dict[int, int] = {}
    out: list[Any] = [[], []]
    version_rows: list[Any] = []
    rows: list[Any] = []
    why: list[Any] = []
    for entry in report.entries:
        code, name = _identity(entry)
        if entry.verdict is None:
            text = "\n".join(p.render() for p in entry.problems)
            rows.append([entry.label, code, name, "", text])
            why.append(None)
            continue
        by_id = {pv.provision.id: pv for pv in entry.verdict.provisions}
        letters = "".join(
            _LETTER[by_id[p].outcome.value] if p in by_id else "-" for p in provisions
        )
        rows.append([entry.label, code, name, letters, ""])
        parts = []
        for pv in entry.verdict.provisions:
            p = pv.provision
            vi = versions.get(id(p))
            if vi is None:
                vi = versions[id(p)] = len(version_rows)
                version_rows.append(
                    [
                        p.id,
                        s(str(getattr(p.title, lang))),
                        s(str(getattr(p.outcome.label, lang))),
                        s(p.outcome.quote),
                        [
                            s(t("report.advisory", lang, text=getattr(a.text, lang)))
                            for a in p.advisories
                        ],
                    ]
                )
            out[1] = []
            _tree(pv.root, lang, s, conds, out)
            notes = [t("report.review", lang, text=getattr(a, lang)) for a in pv.ambiguities]
            notes += [
                t(
                    "report.review",
                    lang,
                    text=f"{getattr(f.review.label, lang)}: {getattr(f.review.explanation, lang)}",
                )
                for f in pv.triggered
            ]
            caveat = t("tree.caveat", lang, text=getattr(pv.caveat, lang)) if pv.caveat else ""
            parts.append(
                [
                    vi,
                    OUTCOMES.index(pv.outcome.value),
                    s(caveat),
                    out[1],
                    [s(n) for n in notes],
                    _sections(entry.verdict, pv, lang, ranked, s),
                ]
            )
        why.append(parts)
    reasoning = {
        "strings": s.items,
        "conditions": out[0],
        "versions": version_rows,
        "parcels": why,
        "ranked": ranked,
    }
    return rows, reasoning


def _json(data: Any) -> str:
    """JSON safe inside <script>: no `</script>`, no `<!--`, no `&` can end or open anything."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@cache
def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=PackageLoader("landrules.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def _static(name: str) -> str:
    from importlib import resources

    return resources.files("landrules.report").joinpath(f"templates/{name}").read_text("utf-8")


def render_html(report: Report) -> str:
    """The whole report as one HTML document (no external reference of any kind)."""
    from markupsafe import Markup

    lang = report.lang
    meta = report.pack.meta
    rows, reasoning = _data(report)
    counts, facts = _missing_ranked(report)
    citation = meta.citation
    provisions = list(report.summary.counts)
    ui = {
        key: word(key, lang) for key in _words_table() if "{" not in str(_words_table()[key][lang])
    }
    ui["shown"] = word("shown", lang)  # filled in by the script
    ui["ranks_left_out"] = word("ranks_left_out", lang, limit=RANK_LIMIT)
    page = {
        "lang": lang,
        "provisions": provisions,
        "outcomes": {o: outcome_text(o, lang) for o in OUTCOMES},
        "letters": _LETTER,
        "marks": [_MARK[Tri.TRUE], _MARK[Tri.FALSE], _MARK[Tri.UNKNOWN]],
        "words": ui,
        "conditions_word": t("report.conditions", lang),
    }
    undetermined = t("tree.list_separator", lang).join(f"{p} {n}" for p, n in counts)
    context = {
        "lang_attr": t("report.lang_attr", lang),
        "title": t("report.title", lang),
        "meta": meta_text(report, lang),
        "w": ui,
        "outcomes": [(o, outcome_text(o, lang), COLOURS[o]) for o in OUTCOMES],
        "provision_word": t("report.provision", lang),
        "summary": _summary_rows(report),
        "ranges_note": lambda n: word("area_ranges", lang, n=n),
        "reviews": _reviews(report),
        "undetermined": word("undetermined_counts", lang, counts=undetermined),
        "any_undetermined": any(n for _, n in counts),
        "facts": [
            (name, words, word("fact_parcels_one" if n == 1 else "fact_parcels", lang, n=n), n)
            for name, words, n in facts
        ],
        "chart": _chart(report),
        "map": _map(report),
        "provisions": provisions,
        "note": t(
            "report.quotes_note",
            lang,
            document=citation.document,
            clause=citation.clause,
            describes=citation.describes or "",
        ),
        "style": Markup(_static("report.css")),
        "script": Markup(_static("report.js")),
        "page_json": Markup(_json(page)),
        "rows_json": Markup(_json(rows)),
        "why_json": Markup(_json(reasoning)),
    }
    return str(_environment().get_template("report.html.j2").render(context))

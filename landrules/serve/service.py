"""The work behind each endpoint, without HTTP: bytes in, text out, refusals as `Refusal`.

Each function calls the library exactly as the CLI does (`yamlio`, `api.parcel_from_document`,
`api.check_parcel`, `report.data.verdict_data`, `batch`, `report.html`), so a verdict over HTTP
is the verdict `landrules check` prints. Messages built inside the library follow the process's
language (`i18n.use_lang`), so the application runs these functions one at a time on a single
worker thread (`app.Worker`), each inside `use_lang` of its request.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Generator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from landrules.i18n import Lang
from landrules.inputs import REGISTER_SUFFIXES as _REGISTER_SUFFIXES
from landrules.problems import InputError, Problem
from landrules.serve.problems import Refusal
from landrules.serve.words import w

if TYPE_CHECKING:
    from landrules.api import Verdict
    from landrules.batch import Item
    from landrules.rulepack import RulePack

SOURCE = "<request>"
"""What a verdict's `source` says when the caller does not name its parcel (`?source=`)."""

YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
JSON_TYPES = ("application/json",)
REGISTER_TYPES = {
    "text/csv": ".csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/jsonl": ".jsonl",
    "application/x-ndjson": ".jsonl",
    "application/geo+json": ".geojson",
    "text/tab-separated-values": ".tsv",
}
"""Register media types and the suffix the server gives its own temporary file for each."""
NOT_UPLOADED = (".shp", ".dbf", ".gpkg")
"""GIS layers are not taken from the network: a `.shp` is unreadable without the `.dbf` beside
it, and a layer is parsed by GDAL's C code, which the service does not run on a stranger's file
(`landrules check` reads layers on the official's own machine)."""
REGISTER_SUFFIXES = tuple(s for s in _REGISTER_SUFFIXES if s not in NOT_UPLOADED)
"""An uploaded file's name is read for its suffix only: the registers `check` reads, but layers."""


def verdict_json(verdict: Verdict) -> str:
    """The verdict `landrules check FILE --format json` prints (the same `verdict_data`), as
    compact JSON: with `indent` the standard library falls back to its pure-Python encoder, and
    the indented text took 4.2 ms of a 12 ms request against 0.8 ms compact."""
    from landrules.report.data import verdict_data

    return json.dumps(verdict_data(verdict), ensure_ascii=False, separators=(",", ":")) + "\n"


def outcomes_of(verdict: Verdict) -> dict[str, str]:
    return {pv.provision.id: pv.outcome.value for pv in verdict.provisions}


def _json_problems(raw: bytes, source: str, lang: Lang) -> list[Problem]:
    """A body sent as JSON must be JSON: its syntax error, located, before the parcel checks
    (which then read it as the YAML it also is, keeping numbers as written: `0.80` stays exact)."""
    try:
        json.loads(raw)
    except RecursionError:
        return [Problem(source, 1, 1, "too-deep", w("json.too_deep", lang))]
    except json.JSONDecodeError as err:
        message = w("json.invalid", lang, why=err.msg)
        return [Problem(source, err.lineno, err.colno, "json", message, hint=w("json.hint", lang))]
    except ValueError as err:  # not UTF-8/16/32 text
        message = w("json.invalid", lang, why=str(err).split(":")[0])
        return [Problem(source, 1, 1, "encoding", message, hint=w("json.hint", lang))]
    return []


def check_one(
    pack: RulePack,
    raw: bytes,
    *,
    as_json: bool,
    lang: Lang,
    as_of: date | None = None,
    source: str = SOURCE,
    limits: Any = None,
    encoding: str | None = None,
) -> tuple[str, dict[str, str]]:
    """One parcel's verdict JSON and outcomes; `Refusal("invalid-input")` with every located
    problem when the parcel cannot be read (the problems `landrules check` prints). `encoding`
    (the body's `charset`) is `check --encoding`: without it, UTF-8 or a BOM, never a guess."""
    from landrules import yamlio
    from landrules.api import check_parcel, parcel_from_document
    from landrules.i18n import use_lang

    with use_lang(lang):
        problems = _json_problems(raw, source, lang) if as_json and encoding is None else []
        if not problems:
            try:
                doc = yamlio.load_bytes(
                    raw,
                    source,
                    encoding=encoding,
                    limits=limits or yamlio.DEFAULT_LIMITS,
                    keep_going=True,
                )
                verdict = check_parcel(pack, parcel_from_document(doc), source, as_of=as_of)
                return verdict_json(verdict), outcomes_of(verdict)
            except InputError as err:
                problems = err.problems
    raise Refusal("invalid-input", {"n": len(problems)}, problems)


def pack_info(pack: RulePack) -> dict[str, Any]:
    """The pack's identity (id, version, SHA-256), and every version of every provision as its
    rule file states it: conditions with their quotes, reviews, advisories, dates in force."""
    from landrules.report.data import pack_data

    return {
        "pack": pack_data(pack),
        "provisions": [
            {
                "id": versions[0].provision.id,
                "versions": [
                    c.provision.model_dump(mode="json", exclude_none=True) for c in versions
                ],
            }
            for versions in pack.versions()
        ],
    }


# ---------------------------------------------------------------------------------------------
# Registers


def display_name(suffix: str) -> str:
    """How an upload is named in records and problems: never the client's file name, nor the
    server's temporary path."""
    return f"upload{suffix}"


def _renamed(item: Item, path: str, shown: str) -> Item:
    item.source = shown if item.source == path else item.source
    item.problems = [
        dataclasses.replace(p, path=shown) if p.path == path else p for p in item.problems
    ]
    return item


def register_lines(
    pack: RulePack,
    path: Path,
    *,
    fmt: str,
    as_of: date | None = None,
    counted: Any = None,
    sink: _Sink | None = None,
) -> Generator[str, None, None]:
    """The upload checked row by row, as the text of `check REGISTER --format jsonl|csv`, one
    row at a time (memory flat in the rows); JSON Lines ends with a summary line. `counted(result)`
    sees every result (metrics)."""
    from landrules.batch import Summary, evaluate_item
    from landrules.registers import iter_register

    judged = dataclasses.replace(pack, as_of=as_of) if as_of is not None else pack
    shown = display_name(path.suffix.lower())
    notices: list[Problem] = []
    summary = Summary([group[0].provision.id for group in pack.versions()])
    items = iter_register(path, notices=notices.append)
    sink = sink or _Sink()
    writer: Any
    if fmt == "csv":
        from landrules.report.tabular import make_writer, writer_options

        options = writer_options("csv", judged, [path])
        writer = make_writer("csv", sink, None, **options)  # type: ignore[arg-type]
    else:
        from landrules.report.batch import JsonLinesWriter

        writer = JsonLinesWriter(sink, _Sink())  # type: ignore[arg-type]
    writer.start({})
    for item in items:
        result = evaluate_item(judged, _renamed(item, str(path), shown), record="brief")
        summary.add(result)
        if counted is not None:
            counted(result)
        writer.write(result)
        if sink.parts:
            yield sink.take()
    if fmt == "csv":
        writer.err = None
        writer.finish(summary)
        if sink.parts:
            yield sink.take()
        return
    tail = {
        "summary": summary.to_dict(),
        "notices": [dataclasses.replace(p, path=shown).to_dict() for p in notices],
    }
    yield json.dumps(tail, ensure_ascii=False) + "\n"


def register_xlsx(
    pack: RulePack, path: Path, target: Path, *, as_of: date | None = None, counted: Any = None
) -> None:
    """The rows and verdict columns of `check REGISTER --format csv`, as a workbook written to
    `target` (openpyxl's write-only mode: memory flat in the rows; cells stay text, so `0601`
    stays `0601`)."""
    import csv
    import io

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("landrules")
    sink = _Sink()
    sink.encoding = "utf-8-sig"  # the CSV writer's BOM is for Excel reading CSV: not wanted here
    for text in register_lines(pack, path, fmt="csv", as_of=as_of, counted=counted, sink=sink):
        for row in csv.reader(io.StringIO(text, newline="")):
            sheet.append(row)
    book.save(target)


class _Sink:
    """A text stream the writers write into; the generator hands its text on after each row."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.encoding = "utf-8"

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def take(self) -> str:
        text, self.parts = "".join(self.parts), []
        return text


def register_report(pack: RulePack, path: Path, lang: Lang) -> str:
    """The HTML report `landrules report REGISTER` writes (it holds every verdict, so the
    upload limit bounds it)."""
    from landrules.batch import Summary, run
    from landrules.registers import iter_register
    from landrules.report.html import Entry, Report, render_html

    shown = display_name(path.suffix.lower())
    summary = Summary([group[0].provision.id for group in pack.versions()])
    entries: list[Entry] = []
    items = (_renamed(i, str(path), shown) for i in iter_register(path, notices=lambda _: None))
    for result in run(pack, items, keep=True):
        summary.add(result)
        entries.append(Entry(result.item.label, result.full, list(result.problems)))
    return render_html(Report(pack, summary, entries, lang))


# ---------------------------------------------------------------------------------------------
# The applicant's page: the interview of `landrules ask`, over many answers at once


def _askable(fact: str) -> bool:
    from landrules.explain import fact_kind, field_info

    return field_info(fact) is not None and fact_kind(fact) != "other"


def question(fact: str, verdict: Verdict, lang: Lang, *, needed: bool) -> dict[str, Any]:
    """One question as `landrules ask` puts it: the fact in words, the condition it is needed
    for with its quote, and the answers it accepts."""
    from landrules.explain import condition_for, fact_kind, fact_words, literal_values
    from landrules.interview import allowed_answers

    kind = fact_kind(fact)
    options = (
        ["given", "refused"]
        if kind == "approval"
        else ["yes", "no"]
        if kind == "yes_no"
        else literal_values(fact)
        if kind in ("enum", "list")
        else []
    )
    cond = condition_for(verdict, fact)
    return {
        "fact": fact,
        "words": fact_words(fact, lang),
        "kind": kind,
        "options": options,
        "allowed": w("page.allowed", lang, values=allowed_answers(fact, lang)),
        "needed_for": w("page.needed_for", lang, label=getattr(cond.label, lang)) if cond else "",
        "quote": cond.quote if cond is not None and cond.quote else "",
        "needed": needed,
    }


def interview(
    pack: RulePack, answers: dict[str, str], lang: Lang, as_of: date | None = None
) -> dict[str, Any]:
    """Apply the answers as `ask` does (each written as in a parcel file, each validated; a
    refused one is reported beside its fact and left out), then the verdict and the questions
    still needed, ranked as `ask` ranks them, after the ones already answered."""
    from pydantic import ValidationError

    from landrules.api import check_parcel
    from landrules.i18n import use_lang
    from landrules.interview import _copy, answer_fact, dump, set_fact, yaml_value
    from landrules.model.parcel import Parcel
    from landrules.report.data import verdict_data
    from landrules.report.explained import ranks_for
    from landrules.serve.verdict_html import provision_html
    from landrules.yamlio import error_hint, error_message

    with use_lang(lang):
        data: dict[str, Any] = {"schema_version": "1"}
        refused: dict[str, dict[str, str]] = {}
        answered: list[str] = []
        for fact, answer in answers.items():
            text = answer.strip() if isinstance(answer, str) else ""
            if not text or not _askable(fact):
                continue
            trial = _copy(data)
            set_fact(trial, answer_fact(fact, text), yaml_value(fact, text, lang))  # as `ask`
            try:
                Parcel.model_validate(trial)
            except ValidationError as err:
                first = err.errors(include_url=False)[0]
                refused[fact] = {
                    "message": error_message(first, tuple(first["loc"])),
                    "hint": error_hint(first),
                }
                answered.append(fact)
                continue
            data = trial
            answered.append(fact)
        verdict = check_parcel(pack, Parcel.model_validate(data), "<page>", as_of=as_of)
        needed = [r.fact for r in ranks_for(verdict) if r.fact not in answered]
        questions = [question(f, verdict, lang, needed=False) for f in answered]
        questions += [question(f, verdict, lang, needed=True) for f in needed]
        return {
            "verdict": verdict_data(verdict),
            "html": [provision_html(verdict, pv, lang) for pv in verdict.provisions],
            "outcomes": outcomes_of(verdict),
            "questions": questions,
            "refused": refused,
            "yaml": dump(data),
        }

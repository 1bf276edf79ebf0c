"""Writers for batch results: one object per format, fed one result at a time.

Every writer streams: nothing is kept per record, so a register of a million rows is written in
flat memory. Per-parcel lines are plain writes (rich costs as much per line as parsing a file).
"""

from __future__ import annotations

import json
from typing import IO, Any, Protocol

from landrules.batch import Result, Summary
from landrules.i18n import t


class Writer(Protocol):
    def start(self, pack: dict[str, Any]) -> None: ...
    def write(self, result: Result) -> None: ...
    def finish(self, summary: Summary) -> None: ...


class TextWriter:
    """One line per parcel (outcome per provision), or the full tree with --detail; then the
    summary line. Problems are printed to stderr by the caller, whatever the format."""

    def __init__(self, out: IO[str], *, detail: bool = False) -> None:
        self.out, self.detail = out, detail
        self.console: Any = None

    def start(self, pack: dict[str, Any]) -> None:  # noqa: ARG002 - nothing to say up front
        return None

    def write(self, result: Result) -> None:
        if not result.ok:
            return
        if self.detail and result.full is not None:
            from landrules.report.text import make_console, verdict_tree

            if self.console is None:
                self.console = make_console(self.out)
            self.console.print(verdict_tree(result.full))
            return
        self.out.write(result.rendered if result.rendered is not None else render_line(result))

    def finish(self, summary: Summary) -> None:
        self.out.write(summary.line() + "\n")


def render_line(result: Result) -> str:
    """`source: P1 applies · P2 does not apply · …` — the text format's line for one parcel."""
    if not result.ok:
        return ""
    outcomes = " · ".join(
        t("line.outcome", id=p, outcome=t(f"outcome.{o}")) for p, o in result.outcomes.items()
    )
    return t("line.parcel", source=shown_label(result), outcomes=outcomes) + "\n"


def shown_label(result: Result) -> str:
    """`file:row`, with the parcel code beside it when the parcel or row gave one."""
    label = result.item.label
    return t("line.where_code", where=label, code=result.code) if result.code else label


def render_record(result: Result) -> str:
    """The verdict, or the input errors, as one line of JSON."""
    if result.ok and result.verdict is not None:
        return json.dumps(result.verdict, ensure_ascii=False)
    errors = [p.to_dict() for p in result.problems]
    record: dict[str, Any] = {"source": result.item.label, "errors": errors}
    if result.code:  # as a verdict record names its parcel
        record["parcel"] = {"code": result.code}
    return json.dumps(record, ensure_ascii=False)


RENDERERS = {"text": render_line, "json": render_record, "jsonl": render_record}
"""Formats whose per-parcel output a worker can produce on its own (they keep no state)."""


class JsonWriter:
    """One document `{schema_version, pack, results, summary}`, written as results arrive."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.first = True

    def start(self, pack: dict[str, Any]) -> None:
        head = json.dumps({"schema_version": 1, "pack": pack}, ensure_ascii=False)
        self.out.write(head[:-1] + ', "results": [\n')

    def write(self, result: Result) -> None:
        if not self.first:
            self.out.write(",\n")
        self.first = False
        self.out.write(result.rendered if result.rendered is not None else render_record(result))

    def finish(self, summary: Summary) -> None:
        tail = json.dumps(summary.to_dict(), ensure_ascii=False)
        self.out.write(f'\n], "summary": {tail}}}\n')


class JsonLinesWriter:
    """One verdict (or one error record) per line; the summary goes to stderr."""

    def __init__(self, out: IO[str], err: IO[str]) -> None:
        self.out, self.err = out, err

    def start(self, pack: dict[str, Any]) -> None:  # noqa: ARG002 - nothing to say up front
        return None

    def write(self, result: Result) -> None:
        rendered = result.rendered if result.rendered is not None else render_record(result)
        self.out.write(rendered + "\n")

    def finish(self, summary: Summary) -> None:
        self.err.write(summary.line() + "\n")


def make_writer(
    fmt: str, out: Any, err: IO[str], *, detail: bool = False, **tabular_options: Any
) -> Writer:
    """The writer for a format name; CSV, GeoJSON and XLSX live in report/tabular.py
    (`tabular_options`: their options, from `tabular.writer_options`). `out`: a text stream, or
    for xlsx the path of the file to write."""
    if fmt == "text":
        return TextWriter(out, detail=detail)
    if fmt == "json":
        return JsonWriter(out)
    if fmt == "jsonl":
        return JsonLinesWriter(out, err)
    from landrules.report import tabular

    return tabular.make_writer(fmt, out, err, **tabular_options)

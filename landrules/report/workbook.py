"""The workbook an official opens: the register's rows unchanged plus the verdict, and a summary.

Sheet 1 is the CSV result as a sheet: each input cell as read (`0601` stays text; a cell that
was a number or a date in the input workbook is one again), the verdict columns after them (the
covered areas as numbers, to sum), one bold header row, panes frozen below it (and after the
parcel code when it leads the row), an autofilter over the table and one width per column.
Sheet 2 holds the counts per provision and outcome, and every input error with its place, its
code and what to type instead.

It is written in openpyxl's write-only mode, so memory stays flat however long the register:
rows go to disk as they come. Column widths precede the rows in the file, so they are measured
on the header and the first `MEASURED` rows, which are held back until then; the input errors
wait in a temporary file until sheet 2 is written.
"""

from __future__ import annotations

import csv
import json
import math
import re
import tempfile
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from landrules.batch import OUTCOMES, Result, Summary
from landrules.cells import SheetDate, SheetNumber
from landrules.i18n import t
from landrules.outputs import OutputError, plain_reason
from landrules.report.tabular import Naming, ProvisionColumns, _input_columns, verdict_cells

__all__ = ["MEASURED", "XlsxWriter"]

MEASURED = 200
"""Rows held back to measure the column widths on (the widths come before the rows)."""
MAX_WIDTH = 50
"""No column wider than this (Excel's units, about one Latin character): long texts wrap off."""
MIN_WIDTH = 6


class XlsxWriter:
    """`--format xlsx`: write to `target` (a temporary file `outputs.atomic_file` renames).

    `shown`: the output's name in an error. `pack` and `columns` as for `tabular.CsvWriter`.
    """

    def __init__(
        self,
        target: Path,
        err: IO[str] | None = None,
        *,
        shown: Path | str | None = None,
        pack: Any = None,
        columns: Sequence[str] | None = None,
        naming: Naming | None = None,
        fid: bool = False,
    ) -> None:
        self.target, self.err = target, err
        self.fid = fid  # a layer's fid or a GeoJSON id, before the errors: joins a row back
        self.shown = shown if shown is not None else target
        self.naming = naming or Naming.chosen()
        self.provisions = ProvisionColumns.of_pack(pack) if pack is not None else None
        self.columns = _input_columns(columns) if columns is not None else None
        self.held: list[Result] = []
        self.book: Any = None
        self.sheet: Any = None
        self.rows = 0
        self.width = 0
        self.numbers: frozenset[int] = frozenset()  # the verdict's quantity columns
        # closed in finish(); a run that fails before drops it with the writer
        self.errors: IO[str] = tempfile.TemporaryFile(  # noqa: SIM115
            "w+", encoding="utf-8", newline=""
        )
        self.error_rows = csv.writer(self.errors)

    def start(self, pack: dict[str, Any]) -> None:  # noqa: ARG002 - the header needs rows
        return None

    def write(self, result: Result) -> None:
        try:
            for p in result.problems:
                self.error_rows.writerow(
                    [p.path, p.line or "", p.col or "", p.field, p.code, p.message, p.hint]
                )
            if self.sheet is None:
                self.held.append(result)
                if len(self.held) >= MEASURED and self._known(result):
                    self._open()
                return
            self._row(result)
        except OSError as err:
            raise OutputError(self.shown, plain_reason(err)) from None

    def finish(self, summary: Summary) -> None:
        try:
            if self.sheet is None:
                if self.provisions is None:
                    self.provisions = [ProvisionColumns(p, None) for p in summary.provisions]
                self._open()
            from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

            self.sheet.auto_filter.ref = f"A1:{get_column_letter(self.width)}{self.rows + 1}"
            self._summary(summary)
            self.book.save(self.target)
        except OSError as err:
            raise OutputError(self.shown, plain_reason(err)) from None
        finally:
            self.errors.close()
        if self.err is not None:
            self.err.write(summary.line() + "\n")

    def _known(self, result: Result) -> bool:
        """Can the header be written: are the columns and provisions known?"""
        if self.columns is None:
            self.columns = _input_columns(list(result.item.raw or {}))
        if self.provisions is None and result.verdict is not None:
            self.provisions = ProvisionColumns.of_verdict(result.verdict)
        return self.provisions is not None

    def _open(self) -> None:
        """Sheet 1's header, widths and frozen panes, then the rows held back."""
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
        from openpyxl.styles import Font  # type: ignore[import-untyped]
        from openpyxl.utils import get_column_letter

        held, self.held = self.held, []
        for result in held:
            self._known(result)
        if self.columns is None:
            self.columns = []
        if self.provisions is None:
            self.provisions = []
        heads = [*self.columns, *self.naming.heads(self.provisions)]
        if self.fid:
            heads.insert(len(heads) - 1, self.naming.head("fid"))
        self.width = len(heads)
        self.numbers = frozenset(
            i for i, h in enumerate(heads) if i >= len(self.columns) and _quantity_head(h)
        )
        self.book = Workbook(write_only=True)
        self.sheet = self.book.create_sheet(t("xlsx.sheet.rows"))
        rows = [self._values(r) for r in held]
        for i, head in enumerate(heads):
            widest = max([_width(head), *(_width(row[i]) for row in rows)])
            letter = get_column_letter(i + 1)
            self.sheet.column_dimensions[letter].width = max(MIN_WIDTH, min(MAX_WIDTH, widest + 2))
        self.sheet.freeze_panes = self._freeze(held)
        bold = Font(bold=True)
        header = []
        for head in heads:
            cell = WriteOnlyCell(self.sheet, value=_text(head))
            cell.font = bold
            header.append(cell)
        self.sheet.append(header)
        for row in rows:
            self._append(row)

    def _freeze(self, held: Sequence[Result]) -> str:
        """Below the header; after the parcel code too when it is among the first 3 columns,
        so the code stays in sight while scrolling right through 40 columns."""
        from openpyxl.utils import get_column_letter

        assert self.columns is not None
        for result in held:
            code = (result.item.columns or {}).get("parcel.code")
            if code is not None and code[1] in self.columns[:3]:
                return f"{get_column_letter(self.columns.index(code[1]) + 2)}2"
        return "A2"

    def _values(self, result: Result) -> list[Any]:
        assert self.columns is not None and self.provisions is not None
        raw = result.item.raw or {}
        cells: list[Any] = [_input_value(raw.get(c)) for c in self.columns]
        verdict = verdict_cells(result, self.provisions, self.naming)
        if self.fid:
            fid = result.item.fid
            verdict.insert(len(verdict) - 1, "" if fid is None else str(fid))
        for i, text in enumerate(verdict):
            at = len(self.columns) + i
            cells.append(_decimal(text) if at in self.numbers else text or None)
        return cells

    def _row(self, result: Result) -> None:
        self._append(self._values(result))

    def _append(self, values: list[Any]) -> None:
        self.sheet.append([_cell(self.sheet, v) for v in values])
        self.rows += 1

    def _summary(self, summary: Summary) -> None:
        """Sheet 2: outcomes per provision, then every input error, located."""
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        sheet = self.book.create_sheet(t("xlsx.sheet.summary"))
        bold = Font(bold=True)

        def heading(*texts: str) -> list[Any]:
            cells = []
            for text in texts:
                cell = WriteOnlyCell(sheet, value=_text(text))
                cell.font = bold
                cells.append(cell)
            return cells

        for letter, width in zip("ABCDEFG", (40, 10, 10, 16, 16, 60, 60), strict=True):
            sheet.column_dimensions[letter].width = width
        sheet.append(heading(t("xlsx.summary.title")))
        outcomes = [self.naming.outcome(o) for o in OUTCOMES]
        sheet.append(heading(t("xlsx.summary.provision"), *outcomes))
        for provision, counts in summary.counts.items():
            sheet.append([provision, *(counts.get(o, 0) for o in OUTCOMES)])
        sheet.append([t("xlsx.summary.parcels"), summary.parcels])
        sheet.append([t("xlsx.summary.input_errors"), summary.input_errors])
        sheet.append([])
        sheet.append(heading(t("xlsx.errors.title")))
        names = ("file", "row", "column", "header", "code", "message", "hint")
        sheet.append(heading(*(t(f"xlsx.errors.{n}") for n in names)))
        self.errors.seek(0)
        found = False
        for path, line, col, header, code, message, hint in csv.reader(self.errors):
            found = True
            row = [path, int(line) if line else None, int(col) if col else None]
            sheet.append([_cell(sheet, v) for v in (*row, header, code, message, hint)])
        if not found:
            sheet.append([t("xlsx.errors.none")])


def _quantity_head(head: str) -> bool:
    """A covered-quantity column (`landrules.P1.area_m2`, `判定·P1·所涉面积（平方米）`)."""
    return any(k in head for k in ("area_m2", ".value", "所涉面积", "所涉数值"))


def _input_value(value: Any) -> Any:
    """An input cell as the workbook keeps it: a number or a date where the input workbook
    (or JSON) had one, text where it had text; lists and objects as JSON text."""
    if value is None or value == "":
        return None
    if isinstance(value, SheetNumber):
        return _number(value)
    if isinstance(value, SheetDate):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return value if math.isfinite(value) else json.dumps(value)
    return json.dumps(value, ensure_ascii=False)


def _number(text: str) -> Any:
    """A workbook number's text (`20000`, `0.15`) as the number it was."""
    try:
        return int(text)
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            return str(text)
        return number if math.isfinite(number) else str(text)


def _decimal(text: str) -> Any:
    """A covered quantity (`16000.00`) as a number to sum; a span `a..b` stays text."""
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return text


_ESCAPE = "_x{:04X}_"
_LOOKS_ESCAPED = re.compile(r"_x(?=[0-9A-Fa-f]{4}_)")


def _text(value: str) -> str:
    """Text a sheet can hold, and shows as written. A character XML forbids (a control
    character) is written as Excel writes it, `_x0001_`; a text that already reads like such
    an escape (`_x0041_`) gets its `_` escaped (`_x005F_x0041_`), or Excel would show `A`."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]

    if "_x" in value:
        value = _LOOKS_ESCAPED.sub("_x005F_x", value)
    if ILLEGAL_CHARACTERS_RE.search(value) is None:
        return value
    return ILLEGAL_CHARACTERS_RE.sub(lambda m: _ESCAPE.format(ord(m.group())), value)


def _cell(sheet: Any, value: Any) -> Any:
    """A value for `sheet.append`: text is always text (a leading `=` is no formula), a date
    shows as a date, a quantity with two decimals."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str):
        value = str(value)
        text = _text(value)
        if text == value and not value.startswith("="):
            return value
        cell = WriteOnlyCell(sheet, value=None)
        cell.value = text
        cell.data_type = "s"
        return cell
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = (
            "yyyy-mm-dd" if value.time() == datetime.min.time() else ("yyyy-mm-dd hh:mm:ss")
        )
        return cell
    if isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "0.00"
        return cell
    return value


def _width(value: Any) -> int:
    """A cell's width in Excel's units: a CJK character takes two, a date ten."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 10 if value.time() == datetime.min.time() else 19
    text = value if isinstance(value, str) else str(value)
    text = max(text.split("\n"), key=len)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)

"""Workbooks: .xlsx, .xls (old Excel's and WPS's default) and .ods, read through calamine.

calamine (Rust) reads a sheet about 20 times faster than openpyxl's streaming mode, but it holds
the whole sheet in memory (benchmarks/workbook_readers.py: 100,000 rows × 47 columns, 222 MB of
sheet XML, read whole through `iter_register`: calamine 18.5 s and 358 MB, openpyxl 93 s and
73 MB). So an .xlsx sheet whose part
inflates to at most `RegisterLimits.max_sheet_whole` is read by calamine and a larger one is
streamed by openpyxl: a big register costs time, never memory. An .xls or .ods has no streaming
reader, so its size is capped instead (docs/hardening.md §2).

What calamine does not say is read from the .xlsx zip in one streamed pass over the sheet part:
which rows are hidden, and which formula cells hold no stored result (calamine reads those as
empty, which would make a fact silently unknown).
"""

from __future__ import annotations

import contextlib
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from xml.etree import ElementTree
from xml.sax.saxutils import unescape

from landrules.i18n import t
from landrules.inputs import REGISTER_LIMIT_FLAGS, RegisterLimits
from landrules.items import Item
from landrules.items import failed as _failed
from landrules.mapping import LoadedMapping, letters_number
from landrules.problems import Problem
from landrules.readers import Format, Notices
from landrules.readers.xlsx import _zip_refusal, read_xlsx
from landrules.rows import _amount, rows_to_items

__all__ = ["WORKBOOK", "iter_workbook", "line_runs"]

_KINDS = {".xlsx": ".xlsx", ".xls": ".xls", ".ods": ".ods"}


def iter_workbook(
    path: Path,
    encoding: str | None,  # noqa: ARG001 - a workbook knows its encoding
    loaded: LoadedMapping,
    emit: Notices,
    limits: RegisterLimits,
) -> Iterator[Item]:
    """The chosen sheet's rows as Items: `--sheet`/`sheet:`, else the first visible sheet."""
    source = str(path)
    kind = _KINDS.get(path.suffix.lower(), path.suffix.lower())
    if kind == ".xls":
        size = path.stat().st_size
        if size > limits.max_xlsx_part:
            message = t(
                "reg.limit.whole_file",
                kind=kind,
                limit=_amount("max_xlsx_part", limits.max_xlsx_part),
            )
            hint = t("reg.hint.limit", flag=REGISTER_LIMIT_FLAGS["max_xlsx_part"])
            yield _failed(source, 0, 0, "workbook-too-big", message, hint)
            return
    else:
        refused = _zip_refusal(path, limits)
        if refused is not None:
            yield Item(source, 0, problems=[refused])
            return
    try:
        from python_calamine import CalamineWorkbook, SheetVisibleEnum
    except ImportError:
        hint = "pip install python-calamine"
        yield _failed(source, 0, 0, "needs-calamine", t("reg.needs_calamine"), hint)
        return
    try:
        book = CalamineWorkbook.from_path(str(path))
        visible = SheetVisibleEnum.Visible
        sheets = [(m.name, m.visible != visible) for m in book.sheets_metadata]
    except Exception as e:  # zip, XML, BIFF: calamine's errors all mean "not a workbook"
        yield _bad(source, kind, str(e))
        return
    try:
        chosen = _choose(source, sheets, loaded.sheet)
        if isinstance(chosen, Problem):
            yield Item(source, 0, problems=[chosen])
            return
        for notice in _sheet_notices(source, sheets, chosen, loaded.sheet):
            emit(notice)
        scan = _scan_xlsx(path, chosen) if kind == ".xlsx" else _Scan()
        if scan.error:  # Python's zip reader cannot read it: its limits were not checked either
            yield _bad(source, kind, scan.error)
            return
        if scan.size > limits.max_sheet_whole:  # too big to hold: streamed by openpyxl
            book.close()  # its shared strings are not held while openpyxl reads its own
            one = replace(loaded, sheet=chosen)
            rows = read_xlsx(path, None, one, emit, limits)
            streamed = rows_to_items(source, rows, one, emit, limits)
            yield from _annotate(source, streamed, scan, emit)
            return
        try:
            sheet = book.get_sheet_by_name(chosen)
        except Exception as e:  # a damaged sheet part
            yield _bad(source, kind, str(e))
            return
        rows = _calamine_rows(sheet, scan.last_row)
        items = rows_to_items(source, rows, loaded, emit, limits)
        yield from _annotate(source, items, scan, emit)
    finally:
        with contextlib.suppress(Exception):  # already closed for openpyxl
            book.close()


WORKBOOK = Format("workbook", (".xlsx", ".xls", ".ods"), items=iter_workbook)
"""A workbook reads its rows itself (`items=`): what calamine does not say (hidden rows,
formulas without a stored result) is added to the Items the rows became."""


def _bad(source: str, kind: str, error: str) -> Item:
    error = error or t("reg.bad_xlsx_unknown")
    if kind == ".xlsx":  # the code and words .xlsx refusals always had
        return _failed(
            source, 0, 0, "bad-xlsx", t("reg.bad_xlsx", error=error), t("reg.hint.bad_xlsx")
        )
    message = t("reg.bad_workbook", kind=kind, error=error)
    return _failed(source, 0, 0, "bad-workbook", message, t("reg.hint.bad_xlsx"))


def _calamine_rows(sheet: Any, last_row: int) -> Iterator[tuple[int, Sequence[object]]]:
    """Rows numbered as the spreadsheet numbers them. calamine yields every row from the
    first, but its columns start at the first used one: they are padded back to column A, so a
    column's number is its place in Excel (C is 3). It ends at the last cell with a value; the
    rows the sheet has after it (`last_row`, .xlsx) are given as blank rows, so they are named."""
    start = sheet.start
    pad: list[object] = [""] * (start[1] if start else 0)
    n = 0
    for n, cells in enumerate(sheet.iter_rows(), 1):
        yield n, [*pad, *cells] if pad else cells
    for blank in range(n + 1, last_row + 1):
        yield blank, []


# Sheets ----------------------------------------------------------------------------------------


def _choose(source: str, sheets: list[tuple[str, bool]], wanted: str | None) -> str | Problem:
    names = [name for name, _ in sheets]
    if wanted is not None:
        if wanted in names:
            return wanted
        listed = ", ".join(f"'{n}'" for n in names)
        message = t("reg.no_sheet", sheet=repr(wanted), names=listed)
        return Problem(source, 0, 0, "no-sheet", message, hint=t("reg.hint.no_sheet"))
    if not sheets:
        return Problem(source, 0, 0, "no-sheet", t("reg.no_sheets"))
    visible = [name for name, hidden in sheets if not hidden]
    return visible[0] if visible else names[0]  # Excel keeps one sheet visible; WPS may not


def _sheet_notices(
    source: str, sheets: list[tuple[str, bool]], chosen: str, wanted: str | None
) -> Iterator[Problem]:
    """Which sheet was read, and the others that were not (hidden ones said so)."""
    hidden_word = t("reg.sheet_hidden")
    if wanted is not None and dict(sheets).get(chosen):
        yield Problem(
            source,
            0,
            0,
            "hidden-sheet",
            t("reg.hidden_sheet_read", sheet=chosen),
            severity="warning",
        )
    others = [
        f"'{name}'{hidden_word if hidden else ''}" for name, hidden in sheets if name != chosen
    ]
    if others:
        message = t("reg.other_sheets", sheet=chosen, others=", ".join(others))
        yield Problem(source, 0, 0, "other-sheets", message, severity="warning")


# The .xlsx sheet part: hidden rows, formulas without a stored result ---------------------------

_CHUNK = 4 << 20
_HIDDEN_ROW = re.compile(rb'<row\b[^>]*?\bhidden="(?:1|true)"[^>]*?(?<!/)>')
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_NO_RESULT = re.compile(
    rb"<c\b([^>]*?)(?<!/)>\s*<f\b[^>]*?(?:/>|>([^<]*)</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>"
)
"""A cell holding a formula and no value, or an empty one: written by a program that does not
calculate (openpyxl, many exporters). Excel's own empty-text result is `t="str"` with `<v></v>`."""
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_STRING_RESULT = re.compile(rb'\bt="str"')


@dataclass(slots=True)
class _Scan:
    size: int = 0  # the sheet part, inflated
    last_row: int = 0  # the last <row> element's number
    error: str = ""  # the zip cannot be read by Python's zip reader
    hidden: set[int] = field(default_factory=set)
    no_result: dict[int, list[tuple[int, str, str]]] = field(default_factory=dict)
    """row → [(column number, cell reference, formula)]"""


def _scan_xlsx(path: Path, sheet: str) -> _Scan:
    """One streamed pass over the sheet's part; an unreadable zip gives an empty scan (calamine
    has read it, so this only loses the extra notices, never rows)."""
    scan = _Scan()
    try:
        with zipfile.ZipFile(path) as z:
            part = _sheet_part(z, sheet)
            if part is None:
                return scan
            scan.size = z.getinfo(part).file_size
            with z.open(part) as f:
                _scan_stream(f, scan)
    except (KeyError, ElementTree.ParseError, ValueError):
        return scan  # no such part or relationship: calamine has read the sheet regardless
    except Exception as e:  # a damaged zip (a version Python does not know, a bad checksum)
        scan.error = str(e) or type(e).__name__
    return scan


def _sheet_part(z: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member holding the named sheet, from xl/workbook.xml and its relationships."""
    rid = None
    for el in ElementTree.fromstring(z.read("xl/workbook.xml")).iter():
        if el.tag.endswith("}sheet") and el.get("name") == sheet:
            rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
            break
    if rid is None:
        return None
    for el in ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels")).iter():
        if el.get("Id") == rid:
            target = el.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


def _scan_stream(f: Any, scan: _Scan) -> None:
    rest = b""
    while True:
        chunk = f.read(_CHUNK)
        buf = rest + chunk
        if chunk:
            at, n = max((buf.rfind(b"</c>"), 4), (buf.rfind(b"</row>"), 6))
            cut = at + n if at >= 0 else 0
        else:
            cut = len(buf)
        body, rest = buf[:cut], buf[cut:]
        if len(rest) > 4 * _CHUNK:  # no cell ends in 16 MiB: not a sheet worth scanning on
            rest = rest[-_CHUNK:]
        at = body.rfind(b"<row ")
        if at >= 0:
            r = _ROW_NUMBER.search(body, at, at + 200)
            if r is not None:
                scan.last_row = max(scan.last_row, int(r[1]))
        if b'hidden="' in body:
            for m in _HIDDEN_ROW.finditer(body):
                r = _ROW_NUMBER.search(m[0])
                if r is not None:
                    scan.hidden.add(int(r[1]))
        if b"<f" in body:
            for m in _NO_RESULT.finditer(body):
                attrs = m[1]
                ref = _CELL_REF.search(attrs)
                if ref is None or (_STRING_RESULT.search(attrs) and b"<v" in m[0]):
                    continue
                col = letters_number(ref[1].decode())
                formula = unescape((m[2] or b"").decode("utf-8", "replace"))
                cell = (col, f"{ref[1].decode()}{ref[2].decode()}", formula)
                scan.no_result.setdefault(int(ref[2]), []).append(cell)
        if not chunk:
            return


def _annotate(source: str, items: Iterable[Item], scan: _Scan, emit: Notices) -> Iterator[Item]:
    """Rows with a formula that has no stored result in a column read as a fact: an error at
    the cell. Hidden rows read as parcels: one notice naming them."""
    if not scan.hidden and not scan.no_result:
        yield from items
        return
    hidden: list[int] = []
    unread = {row: list(cells) for row, cells in scan.no_result.items()}
    rows: set[int] = set()  # lines that became rows: a skipped totals row's formulas are moot
    for item in items:
        rows.add(item.line)
        cells = scan.no_result.get(item.line) if item.data is not None else None
        for col, ref, formula in cells or ():
            header = next((h for c, h in (item.columns or {}).values() if c == col), None)
            if header is None:
                continue
            shown = f"={formula}" if formula else ref
            message = t("reg.formula_no_result", formula=shown)
            hint = t("reg.hint.formula_no_result")
            item.problems.append(
                Problem(source, item.line, col, "formula-no-result", message, header, hint)
            )
            unread[item.line].remove((col, ref, formula))
        if item.line in scan.hidden and item.data is not None:
            hidden.append(item.line)
        yield item
    if hidden:
        message = t("reg.hidden_rows", lines=line_runs(hidden))
        emit(Problem(source, hidden[0], 0, "hidden-rows", message, severity="warning"))
    unread = {row: cells for row, cells in unread.items() if row in rows and cells}
    refs = [ref for row in sorted(unread) for _, ref, _ in unread[row]]
    if refs:
        shown = ", ".join(refs[:10]) + (
            t("reg.and_more", n=len(refs) - 10) if len(refs) > 10 else ""
        )
        first = min(unread)
        message = t("reg.formulas_not_read", cells=shown)
        hint = t("reg.hint.formula_no_result")
        emit(Problem(source, first, 0, "formula-no-result", message, hint=hint, severity="warning"))


def line_runs(lines: Sequence[int]) -> str:
    """`3, 7–9, 12`: row numbers as a person reads them."""
    runs: list[list[int]] = []
    for n in lines:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)

"""XLSX through openpyxl (imported on first use): a sheet's rows as located rows.

The zip directory is checked before openpyxl opens the file, so a workbook bomb is refused.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from landrules.i18n import t
from landrules.inputs import (
    MAX_ZIP_ENTRIES,
    RATIO_FLOOR,
    REGISTER_LIMIT_FLAGS,
    RegisterLimits,
)
from landrules.mapping import LoadedMapping
from landrules.problems import Problem
from landrules.readers import Format, Notices, Refused
from landrules.rows import _amount, _limit


def read_xlsx(
    path: Path,
    encoding: str | None,  # noqa: ARG001 - a workbook knows its encoding
    loaded: LoadedMapping,
    emit: Notices,  # noqa: ARG001 - nothing to say about a whole workbook yet
    limits: RegisterLimits,
) -> Iterator[tuple[int, Sequence[object] | Problem]]:
    """The first sheet (or `sheet:`), in openpyxl's read-only streaming mode.

    The zip directory is checked first (`_zip_refusal`): openpyxl reads shared strings and
    styles whole, so a small workbook inflating to gigabytes must be refused before it opens.
    """
    source = str(path)
    try:
        import openpyxl  # type: ignore[import-untyped]
    except ImportError:
        hint = "pip install 'landrules[xlsx]'"
        raise Refused(
            Problem(source, 0, 0, "needs-openpyxl", t("reg.needs_openpyxl"), hint=hint)
        ) from None
    refused = _zip_refusal(path, limits)
    if refused is not None:
        raise Refused(refused)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # zip, XML and openpyxl's own errors all mean "not a workbook"
        message = t("reg.bad_xlsx", error=str(e) or t("reg.bad_xlsx_unknown"))
        hint = t("reg.hint.bad_xlsx")
        raise Refused(Problem(source, 0, 0, "bad-xlsx", message, hint=hint)) from None
    try:
        if loaded.sheet is not None and loaded.sheet not in book.sheetnames:
            names = ", ".join(book.sheetnames)
            message = t("reg.no_sheet", sheet=repr(loaded.sheet), names=names)
            raise Refused(Problem(source, 0, 0, "no-sheet", message))
        sheet = book[loaded.sheet] if loaded.sheet is not None else book.worksheets[0]
        sheet.reset_dimensions()  # trust the rows, not a stale <dimension> tag
        yield from _sheet_rows(sheet.iter_rows(values_only=True), source)
    finally:
        book.close()


XLSX = Format("XLSX", (".xlsx",), rows=read_xlsx)
"""Not in the table: `readers.workbook` reads .xlsx through calamine and streams a sheet too
big to hold through `read_xlsx`."""


def _zip_refusal(path: Path, limits: RegisterLimits) -> Problem | None:
    """A workbook whose zip directory promises too much, refused from the directory alone.

    The directory's sizes bind: Python's zip reader never inflates a part past the size the
    directory gives (a part that tries fails its CRC), so what is checked here is what openpyxl
    can be made to read. Not a zip at all: None, and openpyxl says so in its own words.
    """
    import zipfile

    source = str(path)
    try:
        with path.open("rb") as f:
            end = zipfile._EndRecData(f)  # type: ignore[attr-defined]  # the count, before reading
        if end and end[4] > MAX_ZIP_ENTRIES:
            message = t("reg.zip_entries", n=end[4], limit=MAX_ZIP_ENTRIES)
            return Problem(source, 0, 0, "xlsx-entries", message)
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except Exception:  # any damaged directory: openpyxl refuses it, located, in its own words
        return None
    total = 0
    for info in infos:
        size, stored = info.file_size, info.compress_size
        total += size
        if size > RATIO_FLOOR and size > limits.max_ratio * max(stored, 1):
            ratio = size // max(stored, 1)
            message = t(
                "reg.limit.max_ratio",
                part=info.filename,
                stored=_amount("max_xlsx_part", stored),
                size=_amount("max_xlsx_part", size),
                ratio=ratio,
                limit=limits.max_ratio,
            )
            hint = t("reg.hint.limit", flag=REGISTER_LIMIT_FLAGS["max_ratio"])
            return Problem(source, 0, 0, "xlsx-ratio", message, hint=hint)
        if size > limits.max_xlsx_part and "worksheets/" not in info.filename.lower():
            refused = _limit(
                source, 0, 0, "xlsx-part-too-big", "max_xlsx_part", limits.max_xlsx_part
            )
            return replace(refused, message=f"{info.filename}: {refused.message}")
    if total > limits.max_unzipped:
        return _limit(source, 0, 0, "xlsx-too-big", "max_unzipped", limits.max_unzipped)
    return None


def _sheet_rows(
    rows: Iterator[Sequence[object]], source: str
) -> Iterator[tuple[int, Sequence[object] | Problem]]:
    """Number the sheet's rows; a damaged sheet ends in one problem instead of a traceback."""
    n = 0
    while True:
        try:
            cells = next(rows)
        except StopIteration:
            return
        except Exception as e:  # the sheet XML is broken from here on
            message = f"the sheet cannot be read past this row ({type(e).__name__}: {e})"
            yield n + 1, Problem(source, n + 1, 0, "bad-xlsx", message)
            return
        n += 1
        yield n, cells

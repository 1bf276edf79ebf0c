"""Registers: parcels read row by row from CSV, TSV, XLSX, JSON Lines and GeoJSON files.

A land bureau keeps its parcels in a spreadsheet or a GIS layer, not in YAML files. Each row or
feature becomes one `Item` whose `data` is the nested parcel record, validated later and per row
by `batch.evaluate_item`, so a bad cell stops its own row and never the file. Files are streamed:
one row is in memory at a time, however long the register.

The pipeline, one module per step: `readers` (a module per format: bytes → located rows or
records) → `rows` (located rows → Items: header, title/totals/blank rows, Excel's formats) with
`mapping` (headers → fields, units, cell words). This module is the front door: `iter_register`
picks the reader by suffix, and the names other code imports are re-exported here.

Cells are text. An empty cell is an unknown fact and is left out, never read as "no" or 0.
Warnings about a whole file (unknown columns, a GB18030 fallback, codes stored as numbers) go to
the `notices` callback, or to stderr as one rendered line each when there is none; a warning
never stops a row.
"""

from __future__ import annotations

import sys
from collections.abc import Generator, Iterator
from dataclasses import replace
from pathlib import Path

from landrules.i18n import t
from landrules.inputs import REGISTER_LIMITS, VERDICT_PREFIXES, RegisterLimits
from landrules.items import Item, failed
from landrules.mapping import (
    DEFAULT_MAPPING,
    REGISTER_FIELDS,
    ColumnMapping,
    LoadedMapping,
    area_to_m2,
    header_field,
    load_mapping,
    record_as_row,
)
from landrules.problems import InputError, Problem
from landrules.readers import Notices, Refused, by_suffix
from landrules.rows import SkippedRows, rows_to_items

__all__ = [
    "DEFAULT_MAPPING",
    "REGISTER_FIELDS",
    "VERDICT_PREFIXES",
    "ColumnMapping",
    "LoadedMapping",
    "Notices",
    "SkippedRows",
    "area_to_m2",
    "header_field",
    "iter_register",
    "load_mapping",
    "record_as_row",
]


def _stderr(problem: Problem) -> None:
    sys.stderr.write(problem.render() + "\n")


def iter_register(
    path: Path,
    *,
    encoding: str | None = None,
    mapping: Path | None = None,
    notices: Notices | None = None,
    limits: RegisterLimits | None = None,
    header_row: int | None = None,
    sheet: str | None = None,
) -> Iterator[Item]:
    """Every row or feature of a register as an `Item`, in file order, one at a time.

    `sheet` (--sheet) wins over the mapping's `sheet:` (workbooks; a GeoPackage's layer).

    `header_row` (--header-row) wins over the mapping's `header_row:`; with neither, title rows
    above the header are found and skipped by name (`rows._title_like`).

    `encoding` (CSV, JSON Lines, GeoJSON) wins over the mapping's `encoding:`. File-level
    warnings go to `notices` (stderr when None). A file that cannot be read, or a bad column
    mapping, gives one Item carrying the problem, so one file never stops a batch. `limits`
    caps rows, cells and workbooks (docs/hardening.md §2).
    """
    source = str(path)
    try:
        loaded = load_mapping(mapping)
    except InputError as err:
        yield Item(source, problems=err.problems)
        return
    if header_row is not None:
        loaded = replace(loaded, header_row=header_row, auto_header=False)
    if sheet is not None:
        loaded = replace(loaded, sheet=sheet)
    formats = by_suffix()
    fmt = formats.get(path.suffix.lower())
    if fmt is None:
        kinds = ", ".join(formats)
        yield failed(source, 0, 0, "not-a-register", t("reg.not_a_register", kinds=kinds))
        return
    caps = limits or REGISTER_LIMITS
    emit = notices or _stderr
    codec = encoding or loaded.encoding
    try:
        if fmt.items is not None:
            yield from fmt.items(path, codec, loaded, emit, caps)
            return
        assert fmt.rows is not None  # a Format has one or the other
        if fmt.fixed_header:
            loaded = replace(loaded, header_row=1, auto_header=False)
        rows = fmt.rows(path, codec, loaded, emit, caps)
        try:
            yield from rows_to_items(
                source,
                rows,
                loaded,
                emit,
                caps,
                text_cells=fmt.text_cells,
                extras=fmt.extras,
            )
        finally:
            if isinstance(rows, Generator):
                rows.close()  # a reader's file or workbook is closed now, not when collected
    except Refused as refused:
        yield Item(source, refused.problem.line, problems=[refused.problem])
    except OSError as e:
        yield failed(source, 0, 0, "unreadable", t("yaml.unreadable", reason=e.strerror or e))

"""Register readers: one module per input format, behind one small interface.

A format is a module exposing a `Format` record (its name, its suffixes and a read function) and
one line in `TABLE` below; nothing else changes when a format is added. Every read function is
called as `read(path, encoding, mapping, notices, limits)` and is one of two kinds:

- `rows` (tabular: CSV/TSV/TXT, XLSX, ...): yields *located rows*, `(line, cells)` pairs,
  header first, in file order. `line` is the 1-based row or physical line; `cells` is a sequence
  of str or Python values (int, float, date, datetime, bool, None), or a `Problem` for a record
  that cannot be read (reading goes on). `landrules.rows` turns them into Items: header layout,
  title, totals and blank rows, Excel's display formats. A format whose rows carry more than
  cells (a GIS layer's feature id, a geometry) sets `extras=True` and yields
  `(line, cells, extras)` triples, `extras` being a mapping of `Item` field → value (or None).
  `fixed_header=True` says the first row is the header, one row, with nothing above it (a
  layer's field names), so no title rows or second header level are looked for.
  `text_cells=True` says every cell is already a str, lines are physical lines (a cell's line
  breaks count) and the reader checked the cell limits itself (CSV).
- `items` (records: JSON Lines, GeoJSON): yields finished `Item`s, one per record.

A file that cannot be read at all (wrong encoding, not a workbook, no such sheet) raises
`Refused` with the problem; `registers.iter_register` turns it into the Item that reports it,
so one file never stops a batch. File-level warnings go to `notices`, never raised.

Kept free of heavy imports: the table names modules, loaded on first use.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Union

from landrules.problems import Problem

if TYPE_CHECKING:
    from landrules.items import Item

Notices = Callable[[Problem], None]
"""Receives the warnings about a whole file (severity "warning"); never errors."""

Cells = Union[Sequence[object], Problem]  # noqa: UP007 - evaluated at run time
LocatedRow = Union[tuple[int, Cells], tuple[int, Cells, Union[Mapping[str, Any], None]]]  # noqa: UP007
"""`(line, cells)`, or `(line, cells, extras)` for a format with `extras=True`."""

TABLE = (
    "landrules.readers.delimited:CSV",
    "landrules.readers.delimited:TSV",
    "landrules.readers.workbook:WORKBOOK",
    "landrules.readers.jsonl:JSONL",
    "landrules.readers.geojson:GEOJSON",
    "landrules.readers.layer:LAYER",
)
"""Every format, `module:record`, in the order their suffixes are listed to a user."""


class Refused(Exception):
    """The whole file cannot be read: the problem is reported as the file's one Item."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Format:
    """One input format: exactly one of `rows` (tabular) or `items` (records) is given."""

    name: str
    suffixes: tuple[str, ...]
    rows: Callable[..., Iterator[LocatedRow]] | None = None
    items: Callable[..., Iterator[Item]] | None = None
    text_cells: bool = False
    extras: bool = False
    fixed_header: bool = False  # the first row is the header (a layer's field names): no titles

    def __post_init__(self) -> None:
        if (self.rows is None) == (self.items is None):
            raise ValueError(f"format {self.name}: give one of rows= or items=")


@functools.cache
def by_suffix() -> dict[str, Format]:
    """Suffix (lower case, with its dot) → format, from TABLE; loaded once, on first use."""
    found: dict[str, Format] = {}
    for entry in TABLE:
        module, _, name = entry.partition(":")
        fmt = getattr(importlib.import_module(module), name)
        for suffix in fmt.suffixes:
            found.setdefault(suffix, fmt)
    return found

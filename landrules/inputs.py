"""What kind of input a path is, told by its suffix. Kept apart so that the CLI can tell one
parcel file from a folder or a register without importing the batch machinery."""

from __future__ import annotations

from dataclasses import dataclass

YAML_SUFFIXES = (".yaml", ".yml")
REGISTER_SUFFIXES = (
    ".csv",
    ".tsv",
    ".txt",
    ".xlsx",
    ".xls",
    ".ods",
    ".jsonl",
    ".ndjson",
    ".geojson",
    ".shp",
    ".dbf",
    ".gpkg",
)
"""Read as registers when given by name; in a folder only YAML files are read, so a folder of
parcel files never starts reading its notes (`*.txt`) as registers (docs/parcel-format.md §10)."""

VERDICT_PREFIXES = ("landrules.", "landrules_", "判定·")
"""Columns a previous run added (`判定·`: with --lang zh): re-reading a result ignores them."""

MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class RegisterLimits:
    """Caps on one register, checked before a row is built, so a bomb costs ≤ 1 s and ≤ 200 MB.

    A register row is one record, as a parcel file is, so its caps are raised by the same
    `check` flags (--max-bytes, --max-nodes, --max-scalar); a workbook is a zip, whose central
    directory is checked against the last three before openpyxl opens it (docs/hardening.md §2).
    """

    max_record_bytes: int = 10 * MiB  # one CSV/TSV line, JSON line or GeoJSON feature
    max_cells: int = 50_000  # cells in one row; keys in one JSON record
    max_cell_chars: int = 100_000  # characters in one cell or JSON value
    max_unzipped: int = 2048 * MiB  # a workbook's parts, all inflated
    max_ratio: int = 100  # inflated ÷ stored size of a workbook part over 1 MiB
    max_xlsx_part: int = 64 * MiB  # shared strings, styles and other parts read whole; a .xls
    max_sheet_whole: int = 32 * MiB  # an .xlsx sheet part calamine may hold whole; else streamed


REGISTER_LIMITS = RegisterLimits()
MAX_ZIP_ENTRIES = 10_000
"""Parts in a workbook's zip directory (an .xlsx has a few dozen); not raised by any flag."""
RATIO_FLOOR = 1 * MiB
"""Parts inflating to less than this are not held to the ratio: a small part costs nothing."""
REGISTER_LIMIT_FLAGS = {
    "max_record_bytes": "--max-bytes",
    "max_cells": "--max-nodes",
    "max_cell_chars": "--max-scalar",
    "max_unzipped": "--max-unzipped",
    "max_ratio": "--max-ratio",
    "max_xlsx_part": "--max-xlsx-part",
}
"""The `check` flag that raises each register limit."""

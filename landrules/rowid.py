"""Which parcel a register row is: its code (宗地号) beside `file:row` wherever the row is named.

A clerk finds a row by its parcel code, not by its line number (the register may be sorted or
filtered since); so the text line, each error and the JSON error record carry the code whenever
the row gave one. The code is shown as written, even when it is the cell being refused, since
that is what the clerk searches for.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from landrules.batch import Item
    from landrules.problems import Problem

CODE = "parcel.code"


def row_code(item: Item) -> str:
    """The parcel code a register row or feature gave (as written), or ''."""
    data = item.data
    if isinstance(data, dict):
        parcel = data.get("parcel")
        if isinstance(parcel, dict):
            code = parcel.get("code")
            if isinstance(code, str) and code.strip():
                return code.strip()
    column = (item.columns or {}).get(CODE)
    if column is not None and item.raw:
        return _as_text(cell_at(item.raw, *column))
    return ""


def cell_at(raw: dict[str, Any], col: int, header: str) -> Any:
    """A row's cell as written, by its header (layers, JSON Lines) or its column (tables)."""
    if header in raw:
        return raw[header]
    if 1 <= col <= len(raw):
        return list(raw.values())[col - 1]
    return None


def _as_text(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed as a number: shown as the cell shows it
    return str(value).strip()


def identified(item: Item, problems: list[Problem]) -> list[Problem]:
    """`problems` of a register row, each carrying the row's parcel code (when it gave one) and
    the refused cell as written (what a grouped error shows as found)."""
    if item.data is None and not item.raw:
        return problems  # a YAML file, or a row that could not be read at all
    code = row_code(item)
    return [
        dataclasses.replace(p, parcel=p.parcel or code, found=p.found or found_cell(item, p))
        for p in problems
    ]


def found_cell(item: Item, problem: Problem) -> str:
    """The refused cell as written, or ''."""
    if not item.raw or not problem.col:
        return ""
    return _as_text(cell_at(item.raw, problem.col, problem.field))

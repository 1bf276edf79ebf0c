"""Which register cells a workbook held as numbers or dates, so a workbook result keeps them so.

A register row's `Item.raw` holds each cell as the text a person sees (`0601`, `20000`,
`2024-06-03`): that is what the CSV result copies. A workbook result must also keep a cell's
kind, so a number the official typed is still a number to sum and a code typed as text is still
text. The text stays the value; its class says what the cell was.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any


class SheetNumber(str):
    """A workbook cell that held a number, as the text Excel shows (15 significant digits)."""

    __slots__ = ()


class SheetDate(str):
    """A workbook cell that held a date (or a date and time), as `YYYY-MM-DD[ HH:MM:SS]`."""

    __slots__ = ()


def mark_typed(raw: dict[str, Any], keys: Sequence[str], cells: Sequence[object]) -> None:
    """Give the texts in `raw` of the number and date cells among `cells` their kind."""
    for key, cell in zip(keys, cells, strict=False):
        if isinstance(cell, (int, float)):
            if not isinstance(cell, bool):
                raw[key] = SheetNumber(raw[key])
        elif isinstance(cell, (datetime, date)):
            raw[key] = SheetDate(raw[key])

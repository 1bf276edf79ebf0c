"""An `Item`: one parcel to check, as every reader hands it on.

Kept apart from `batch` so that reading registers never loads evaluation (nor batch the readers).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from landrules.problems import Problem


@dataclass(slots=True)
class Item:
    """One parcel to check: a whole YAML file, or one row or feature of a register."""

    source: str
    line: int = 0
    data: dict[str, Any] | None = None
    columns: Mapping[str, tuple[int, str]] | None = None
    raw: dict[str, Any] | None = None
    geometry: Any = None
    problems: list[Problem] = field(default_factory=list)
    fid: Any = None  # a layer's feature id or a GeoJSON feature's `id`: joins a result back

    @property
    def label(self) -> str:
        return f"{self.source}:{self.line}" if self.line else self.source

    def row_problems(self, err: ValidationError) -> list[Problem]:
        """A register row's validation errors at `file:line:col`, named by the column's header."""
        from landrules.yamlio import data_loc, error_hint, error_message

        problems = []
        for error in err.errors(include_url=False):
            loc = data_loc(self.data, tuple(error["loc"]), error["type"])
            path = ".".join(str(p) for p in loc)
            col, header = _column_for(self.columns or {}, path)
            problems.append(
                Problem(
                    self.source,
                    self.line,
                    col,
                    error["type"],
                    error_message(error, loc),
                    header or path,
                    error_hint(error),
                )
            )
        return problems


def _column_for(columns: Mapping[str, tuple[int, str]], path: str) -> tuple[int, str]:
    """The column a field path came from: the longest mapped prefix of the path."""
    parts = path.split(".")
    for end in range(len(parts), 0, -1):
        found = columns.get(".".join(parts[:end]))
        if found is not None:
            return found
    return 0, ""


def failed(source: str, line: int, col: int, code: str, message: str, hint: str = "") -> Item:
    """An item that is only a problem: the file (or this line of it) cannot be read."""
    return Item(source, line, problems=[Problem(source, line, col, code, message, hint=hint)])

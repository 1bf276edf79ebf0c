"""JSON records (JSON Lines, GeoJSON properties) → Items, numbers kept as written.

Shared by the two JSON readers: a record is keyed by name, not by column, so it does not go
through `rows`, but it enters the parcel data through the same `_Row`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from landrules.i18n import t
from landrules.inputs import (
    VERDICT_PREFIXES,
    RegisterLimits,
)
from landrules.items import Item
from landrules.mapping import LoadedMapping, _resolve, _Target
from landrules.problems import Problem
from landrules.readers import Notices
from landrules.rows import _Column, _limit, _Row, _unknown_notice


class _JsonNumber(str):
    """A JSON number as the text written (`1e4`, `-0`, `20000.000000000001`), never a float.

    A register cell is text; the model reads it as it reads a YAML number, with the same
    refusals and hints (no exponent, decimal places, no sign), so no value changes on the way.
    """

    __slots__ = ()


@dataclass(slots=True)
class _Json:
    """A JSON decoder that keeps numbers as written and notes every key given twice."""

    duplicates: list[str] = field(default_factory=list)
    decoder: json.JSONDecoder = field(init=False)

    def __post_init__(self) -> None:
        self.decoder = json.JSONDecoder(
            object_pairs_hook=self._pairs,
            parse_float=_JsonNumber,
            parse_int=_JsonNumber,
            parse_constant=_JsonNumber,
        )

    def _pairs(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    self.duplicates.append(key)
                seen.add(key)
        return obj


def _plain(value: Any) -> Any:
    """Numbers back to JSON's own (int or float) for what is copied through to the output."""
    if isinstance(value, _JsonNumber):
        try:
            return int(value)
        except ValueError:
            try:
                return float(value)
            except ValueError:
                return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _flatten(
    obj: Mapping[str, Any], prefix: str = "", clashes: list[str] | None = None
) -> dict[str, Any]:
    """Nested objects become dotted keys ({"parcel": {"code": …}} → parcel.code); lists stay.

    A name given both flat ("parcel.code") and nested goes into `clashes`: which one is meant
    cannot be told, so neither may win silently.
    """
    out: dict[str, Any] = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            inner = _flatten(value, f"{name}.", clashes)
            if clashes is not None:
                clashes.extend(k for k in inner if k in out)
            out.update(inner)
        else:
            if clashes is not None and name in out:
                clashes.append(name)
            out[name] = value
    return out


def _record_problems(
    source: str, line: int, obj: Mapping[str, Any], duplicates: list[str], limits: RegisterLimits
) -> tuple[dict[str, Any], list[Problem]]:
    """A JSON record flattened, and the problems that refuse it (keys twice, limits)."""
    clashes: list[str] = []
    flat = _flatten(obj, "", clashes)
    problems = [
        Problem(source, line, 1, "duplicate-key", t("reg.duplicate_key", key=key), key)
        for key in dict.fromkeys(duplicates)
    ]
    for name in dict.fromkeys(clashes):
        parent, _, leaf = name.rpartition(".")
        nested = (
            "".join(f'{{"{p}": ' for p in parent.split("."))
            + f'{{"{leaf}": …}}'
            + "}" * (parent.count(".") + 1)
        )
        message = t("reg.two_spellings", name=name, nested=nested)
        problems.append(Problem(source, line, 1, "two-spellings", message, name))
    if len(flat) > limits.max_cells:
        problems.append(_limit(source, line, 1, "too-many-cells", "max_cells", limits.max_cells))
    cap = limits.max_cell_chars
    for col, (key, value) in enumerate(flat.items(), 1):
        if isinstance(value, str) and len(value) > cap:
            problems.append(_limit(source, line, col, "cell-too-long", "max_cell_chars", cap, key))
            break
    return flat, problems


@dataclass(slots=True)
class _Keys:
    """JSON records: each key resolved once per file; each unknown key reported once."""

    loaded: LoadedMapping
    source: str
    emit: Notices
    resolved: dict[str, tuple[_Target | None, bool, str]] = field(default_factory=dict)
    warned: set[str] = field(default_factory=set)

    def item(self, line: int, flat: dict[str, Any], raw: dict[str, Any], geometry: Any) -> Item:
        row = _Row(self.loaded, self.source, line)
        columns: dict[str, tuple[int, str]] = {}
        for col, (key, value) in enumerate(flat.items(), 1):
            found = self.resolved.get(key)
            if found is None:
                found = self.resolved[key] = _resolve(key, self.loaded)
            target, known, problem = found
            if problem:
                row.problems.append(Problem(self.source, line, col, "bad-header", problem, key))
            elif target is None:
                if not known and key not in self.warned and not key.startswith(VERDICT_PREFIXES):
                    self.warned.add(key)
                    self.emit(_unknown_notice(self.source, line, [_Column(col, key, key, None)]))
            elif isinstance(value, list) and not target.field.is_list:
                message = t("reg.list_value")
                row.problems.append(Problem(self.source, line, col, "list-value", message, key))
            else:
                columns.setdefault(target.field.path, (col, key))
                row.cell(target, value, col, key)
        return Item(
            self.source,
            line,
            data=row.finish(),
            columns=columns,
            raw=raw,
            geometry=geometry,
            problems=row.problems,
        )

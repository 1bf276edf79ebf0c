"""Which input columns a table of results carries, decided before any row is written.

Beside the writers that use it (`report.tabular`); it reads the inputs' headers through
`registers`, never the other way round.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from landrules.i18n import t
from landrules.inputs import (
    REGISTER_LIMITS,
    REGISTER_SUFFIXES,
    RegisterLimits,
)
from landrules.paths import expand_paths
from landrules.readers import Notices
from landrules.readers.encoding import detect
from landrules.readers.geojson import _geojson_events, _JsonError, _JsonStream
from landrules.registers import iter_register


class MixedInputsError(ValueError):
    """The inputs cannot share one table of results: a usage error for `--format csv`."""


def register_columns(
    path: Path,
    *,
    encoding: str | None = None,
    mapping: Path | None = None,
    limits: RegisterLimits | None = None,
    header_row: int | None = None,
    sheet: str | None = None,
) -> list[str]:
    """The keys of `Item.raw` for one register, in first-seen order ([] if unreadable).

    CSV and XLSX: the header row. JSON Lines and GeoJSON: every key of every record (one extra
    streaming pass), since records may differ.
    """
    keys: dict[str, None] = {}
    whole = path.suffix.lower() in (".jsonl", ".ndjson", ".geojson")
    quiet: Notices = lambda _: None  # noqa: E731 - the run itself reports the warnings
    rows = iter_register(
        path,
        encoding=encoding,
        mapping=mapping,
        notices=quiet,
        limits=limits,
        header_row=header_row,
        sheet=sheet,
    )
    for item in rows:
        if item.raw is not None:
            keys.update(dict.fromkeys(item.raw))
            if not whole:
                break
    return list(keys)


def tabular_columns(
    paths: Iterable[Path],
    *,
    exclude: Iterable[str] = (),
    encoding: str | None = None,
    mapping: Path | None = None,
    limits: RegisterLimits | None = None,
    header_row: int | None = None,
    sheet: str | None = None,
) -> list[str]:
    """The input columns of a CSV result table; MixedInputsError when one table cannot hold all.

    One table has one set of columns: YAML files only (no input columns), or registers that all
    have the same columns (one template per township). YAML files mixed with registers, or
    registers with different columns, are refused before anything is written.
    """
    found: list[tuple[Path, list[str]]] = []
    yaml_files = 0
    for path in expand_paths(paths, exclude):
        if path.suffix.lower() in REGISTER_SUFFIXES:
            columns = register_columns(
                path,
                encoding=encoding,
                mapping=mapping,
                limits=limits,
                header_row=header_row,
                sheet=sheet,
            )
            if columns:
                found.append((path, columns))
        else:
            yaml_files += 1
    if found and yaml_files:
        raise MixedInputsError(t("reg.mixed_inputs"))
    for path, columns in found[1:]:
        if columns != found[0][1]:
            raise MixedInputsError(
                f"--format csv needs registers with the same columns, but {found[0][0]} and "
                f"{path} differ (run once per register, or use --format jsonl)"
            )
    return found[0][1] if found else []


def geojson_members(
    paths: Iterable[Path], *, exclude: Iterable[str] = (), encoding: str | None = None
) -> dict[str, Any]:
    """Top-level members (crs, name, …) of the GeoJSON inputs, to carry into GeoJSON output.

    Members written after `features` are not read (GDAL and QGIS write them before). Layers in
    different coordinate systems cannot share one output: MixedInputsError.
    """
    members: dict[str, Any] = {}
    first: Path | None = None
    for path in expand_paths(paths, exclude):
        if path.suffix.lower() != ".geojson":
            continue
        enc = detect(path, encoding)
        if enc.problem is not None:
            continue
        these: dict[str, Any] = {}
        with path.open(encoding=enc.codec) as f:
            stream = _JsonStream(f, cap=REGISTER_LIMITS.max_record_bytes)  # a bomb stops here too
            try:
                for kind, value in _geojson_events(f, stream):
                    if kind != "member":
                        break
                    if value[0] != "type":
                        these[value[0]] = value[1]
            except _JsonError:
                continue
        if first is None:
            first, members = path, these
        elif these.get("crs") != members.get("crs"):
            raise MixedInputsError(t("reg.mixed_crs", first=first, path=path))
    return members

"""GeoPackage results: the input features, geometry and attributes unchanged, plus verdicts.

An official opens the result in QGIS or ArcGIS next to the layer it came from: each feature
keeps its geometry (the WKB bytes as read; a GeoJSON geometry is encoded once), its attributes
with their field types, the layer's coordinate system, and gains `landrules_*` fields: the input
fid (`landrules_fid`, to join back), `file:line`, per provision its outcome, caveat, covered
quantity and missing facts, and the errors of a row that could not be checked.

Why no Shapefile: a `.dbf` field name has at most 10 bytes, so `landrules_P1_outcome` cannot be
written, nor a text over 254 bytes (missing facts, errors); shortened names would be a second
vocabulary. A GeoPackage has neither limit and is what QGIS saves by default.

Features are written a batch at a time (memory stays flat) into a temporary file beside the
target, renamed over it only when complete (`layer_output`), like every other output.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from landrules.batch import Result, Summary
from landrules.i18n import t

__all__ = ["LayerSchema", "LayerWriter", "layer_output", "layer_schema"]

BATCH = 2000
_INTS = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32")


@dataclass(frozen=True, slots=True)
class LayerSchema:
    """The result layer's fields and place, fixed before the first feature."""

    name: str
    fields: tuple[str, ...]
    dtypes: tuple[str, ...]  # numpy dtypes; "object" is text
    geometry_type: str | None  # None: an attribute table (CSV, XLSX inputs)
    crs: str | None
    fids: bool  # the inputs have fids or feature ids: `landrules_fid` is written


def _geojson_crs(members: dict[str, Any]) -> str:
    """A GeoJSON layer's `crs` member as GDAL reads it (none: WGS 84 lon/lat, RFC 7946)."""
    crs = members.get("crs")
    if isinstance(crs, dict):
        name = (crs.get("properties") or {}).get("name")
        if isinstance(name, str):
            return name
    return "OGC:CRS84"


def layer_schema(
    paths: Sequence[Path],
    *,
    exclude: Sequence[str] = (),
    encoding: str | None = None,
    mapping: Path | None = None,
    limits: Any = None,
    header_row: int | None = None,
    sheet: str | None = None,
) -> LayerSchema:
    """The result layer of these inputs; `report.columns.MixedInputsError` when one layer
    cannot hold them all (layers with different fields or coordinate systems, as for csv).

    `sheet` (--sheet) names the layer read, as it does for the reader: else the mapping's.
    """
    from landrules.inputs import VERDICT_PREFIXES
    from landrules.mapping import load_mapping
    from landrules.paths import expand_paths
    from landrules.readers.layer import LAYER_SUFFIXES, layer_info
    from landrules.report.columns import MixedInputsError, geojson_members, tabular_columns

    files = list(expand_paths(paths, exclude))
    layers = [p for p in files if p.suffix.lower() in LAYER_SUFFIXES]
    geojson = [p for p in files if p.suffix.lower() == ".geojson"]
    if not layers:
        columns = tabular_columns(
            files,
            encoding=encoding,
            mapping=mapping,
            limits=limits,
            header_row=header_row,
            sheet=sheet,
        )
        crs = _geojson_crs(geojson_members(geojson, encoding=encoding)) if geojson else None
        return LayerSchema(
            name=Path(paths[0]).stem if paths else "landrules",
            fields=tuple(columns),
            dtypes=("object",) * len(columns),
            geometry_type="Unknown" if geojson else None,
            crs=crs,
            fids=bool(geojson),
        )
    if len(layers) != len(files):
        raise MixedInputsError(t("reg.mixed_inputs"))
    sheet = sheet if sheet is not None else load_mapping(mapping).sheet
    first = layers[0]
    schema: LayerSchema | None = None
    for path in layers:
        try:
            info = layer_info(path, sheet, encoding)
        except Exception:  # unreadable: the run reports it, located, as an input error
            continue
        names = _field_names(info)
        kept = [(n, d) for n, d in zip(names, info.dtypes, strict=True)]
        kept = [(n, d) for n, d in kept if not n.startswith(VERDICT_PREFIXES)]
        these = LayerSchema(
            name=info.layer,
            fields=tuple(n for n, _ in kept),
            dtypes=tuple(d for _, d in kept),
            geometry_type=info.geometry_type,
            crs=info.crs,
            fids=True,
        )
        if schema is None:
            schema, first = these, path
        elif these.fields != schema.fields:
            raise MixedInputsError(t("layer.mixed_fields", first=first, path=path))
        elif these.crs != schema.crs:
            raise MixedInputsError(t("layer.mixed_crs", first=first, path=path))
        elif these.geometry_type != schema.geometry_type:
            schema = LayerSchema(
                schema.name, schema.fields, schema.dtypes, "Unknown", schema.crs, True
            )
    if schema is None:
        return LayerSchema(first.stem, (), (), None, None, True)
    return schema


def _field_names(info: Any) -> list[str]:
    """The field names as the reader gives them (a guessed `.dbf` encoding decoded)."""
    from landrules.readers.layer import _guess_codec

    names = list(info.fields)
    if info.guess:
        codec = _guess_codec(names)
        if codec is not None:
            names = [n.encode("latin-1").decode(codec, "replace") for n in names]
    return names


@contextmanager
def layer_output(path: Path) -> Iterator[Path]:
    """A temporary path beside `path` to write the GeoPackage to, renamed over `path` only when
    the block ends without an error; the temporary file is removed in every case."""
    from landrules.outputs import OutputError, plain_reason

    target = Path(os.path.realpath(path))
    try:
        mode = target.stat().st_mode & 0o7777 if target.exists() else None
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".gpkg")
        os.close(fd)
        Path(name).unlink()  # GDAL creates the file itself
    except OSError as err:
        raise OutputError(path, plain_reason(err)) from None
    temporary = Path(name)
    try:
        yield temporary
        try:
            if mode is not None:
                temporary.chmod(mode)
            temporary.replace(target)
        except OSError as err:
            raise OutputError(path, plain_reason(err)) from None
    finally:
        for leftover in (temporary, *(Path(f"{temporary}{s}") for s in ("-wal", "-shm"))):
            with suppress(OSError):
                leftover.unlink(missing_ok=True)


class LayerWriter:
    """Writes results into a GeoPackage layer at `path` (a temporary path: `layer_output`)."""

    def __init__(
        self, path: Path, err: IO[str] | None = None, *, pack: Any, schema: LayerSchema
    ) -> None:
        from landrules.report.tabular import ProvisionColumns

        self.path, self.err, self.schema = path, err, schema
        self.provisions = ProvisionColumns.of_pack(pack)
        self.rows: list[Result] = []
        self.written = False

    def start(self, pack: dict[str, Any]) -> None:  # noqa: ARG002 - the schema is fixed
        return None

    def write(self, result: Result) -> None:
        self.rows.append(result)
        if len(self.rows) >= BATCH:
            self._flush()

    def finish(self, summary: Summary) -> None:
        if self.rows or not self.written:
            self._flush()
        if self.err is not None:
            self.err.write(summary.line() + "\n")

    def _verdict_fields(self) -> list[tuple[str, str]]:
        fields = [("landrules_fid", "int64")] if self.schema.fids else []
        fields.append(("landrules_source", "object"))
        for p in self.provisions:
            key = f"landrules_{p.id}"
            fields += [(f"{key}_outcome", "object"), (f"{key}_caveat", "object")]
            if p.quantity:
                fields.append((f"{key}_{p.quantity}", "float64"))
                fields.append((f"{key}_{p.quantity}_if_it_applies", "float64"))
            fields.append((f"{key}_missing", "object"))
        fields.append(("landrules_errors", "object"))
        return fields

    def _verdict_values(self, result: Result) -> list[Any]:
        from landrules.report.tabular import _caveat, _errors, _quantity

        values: list[Any] = []
        if self.schema.fids:
            fid = result.item.fid
            values.append(fid if isinstance(fid, int) and not isinstance(fid, bool) else None)
        values.append(result.item.label)
        by_id = {p["id"]: p for p in (result.verdict or {}).get("provisions", [])}
        for p in self.provisions:
            found = by_id.get(p.id)
            values += [
                found["outcome"] if found else None,
                (_caveat(found) or None) if found else None,
            ]
            if p.quantity:
                values.append(_real(_quantity(found)) if found else None)
                values.append(_real(_quantity(found, if_it_applies=True)) if found else None)
            values.append(";".join(found["missing_facts"]) if found else None)
        values.append(_errors(result) if not result.ok else None)
        return values

    def _flush(self) -> None:
        import numpy as np
        from pyogrio import raw

        from landrules.geometry import GeometryError, geojson_to_wkb

        rows, self.rows = self.rows, []
        schema = self.schema
        verdicts = self._verdict_fields()
        names = [*schema.fields, *(n for n, _ in verdicts)]
        dtypes = [*schema.dtypes, *(d for _, d in verdicts)]
        columns: list[list[Any]] = [[] for _ in names]
        geometries: list[Any] = []
        for result in rows:
            raw_values = result.item.raw or {}
            values = [
                _input_value(raw_values.get(f), d)
                for f, d in zip(schema.fields, schema.dtypes, strict=True)
            ]
            values += self._verdict_values(result)
            geometry = result.item.geometry
            if isinstance(geometry, dict):
                try:
                    geometry = geojson_to_wkb(geometry)
                except GeometryError as e:
                    problem = t("layer.geometry", error=e)
                    values[-1] = f"{values[-1]} | {problem}" if values[-1] else problem
                    geometry = None
            geometries.append(bytes(geometry) if geometry is not None else None)
            for column, value in zip(columns, values, strict=True):
                column.append(value)
        data, masks = [], []
        for column, dtype in zip(columns, dtypes, strict=True):
            array, mask = _array(np, column, dtype)
            data.append(array)
            masks.append(mask)
        raw.write(
            str(self.path),
            np.array(geometries, dtype=object) if schema.geometry_type is not None else None,
            data,
            names,
            field_mask=masks,
            layer=schema.name,
            driver="GPKG",
            geometry_type=schema.geometry_type,
            crs=schema.crs,
            promote_to_multi=False,
            append=self.written,
        )
        self.written = True


def _real(text: Any) -> float | None:
    """A covered quantity (rounded decimal text) as a number QGIS can grade by; a span: null."""
    if not isinstance(text, str) or ".." in text:
        return None
    return float(text)


def _input_value(value: Any, dtype: str) -> Any:
    """An input attribute for its field: a layer's typed value as read; text for a CSV's cell."""
    from landrules.readers.layer import Typed

    if isinstance(value, Typed):
        value = value.value
    if dtype == "object" and value is not None and not isinstance(value, str):
        from landrules.report.tabular import _cell

        return _cell(value)
    return value


def _array(np: Any, column: Iterable[Any], dtype: str) -> tuple[Any, Any]:
    """A numpy array of `dtype` and its null mask (None for text, where None is null)."""
    values = list(column)
    if dtype == "object":
        return np.array(values, dtype=object), None
    nulls = [v is None for v in values]
    if dtype.startswith("datetime64"):
        return np.array(["NaT" if v is None else v for v in values], dtype=dtype), None
    if dtype in _INTS:
        filled: list[Any] = [0 if v is None else int(v) for v in values]
    elif dtype == "bool":
        filled = [bool(v) for v in values]
    else:
        filled = [0.0 if v is None else float(v) for v in values]
    return np.array(filled, dtype=dtype), (np.array(nulls, dtype=bool) if any(nulls) else None)


def geojson_crs_member(schema: LayerSchema) -> dict[str, Any]:
    """GeoJSON output of layer inputs: their CRS as the `crs` member QGIS and GDAL read
    (`EPSG:4490` → `urn:ogc:def:crs:EPSG::4490`); none for lon/lat WGS 84 or an unknown CRS."""
    crs = schema.crs or ""
    authority, _, code = crs.partition(":")
    if not code.isdigit() or crs in ("EPSG:4326", "OGC:CRS84"):
        return {}
    return {"crs": {"type": "name", "properties": {"name": f"urn:ogc:def:crs:{authority}::{code}"}}}

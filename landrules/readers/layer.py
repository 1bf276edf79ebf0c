"""Shapefiles and GeoPackages as registers: the attribute table, feature by feature.

A GIS layer is read through pyogrio (GDAL, bundled in its wheels; imported only here). Its field
names are the header and each feature is a row, numbered by its position in the layer (the
`line` of `file:line`), so mapping, totals rows, notices and Excel's formats work as for a
workbook (`landrules.rows`). Each Item keeps the feature's geometry (WKB bytes, as
read), its fid and its attributes as typed in the layer, so a GeoPackage result can give them
back unchanged. Features are read a batch at a time: memory stays flat however large the layer.

A `.dbf` without a `.cpg` has no stated encoding: GDAL then reads its bytes as ISO-8859-1,
which turns Chinese into mojibake. Those bytes are recovered and decoded as UTF-8 if they are
UTF-8, else as GBK (GB18030, what ArcGIS and Chinese Windows write), and the guess is named in
a notice; `--encoding` (or the mapping's `encoding:`) is used as given, without a guess.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from landrules.i18n import t
from landrules.problems import Problem
from landrules.readers import Format, LocatedRow, Notices, Refused

if TYPE_CHECKING:
    from landrules.inputs import RegisterLimits
    from landrules.mapping import LoadedMapping

__all__ = ["LAYER", "LAYER_SUFFIXES", "LayerInfo", "Typed", "layer_info", "read_layer"]

LAYER_SUFFIXES = (".shp", ".dbf", ".gpkg")
BATCH = 2000
"""Features read per call: large enough that GDAL's per-call cost vanishes, small for memory."""

_LATIN1 = "ISO-8859-1"
_GUESSED_FROM = 2000
"""Features whose text decides a guessed encoding (every later cell is still checked)."""


@dataclass(frozen=True, slots=True)
class LayerInfo:
    """What a result layer needs from an input layer before the first feature is written."""

    layer: str
    layers: tuple[str, ...]
    fields: tuple[str, ...]
    dtypes: tuple[str, ...]
    crs: str | None
    geometry_type: str | None
    read_as: str | None  # the encoding to ask GDAL for (None: the layer's own)
    guess: bool  # a .dbf without a stated encoding: bytes recovered and decoded here


def _needs_pyogrio(source: str) -> Problem:
    hint = "pip install pyogrio"
    return Problem(source, 0, 0, "needs-pyogrio", t("layer.needs_pyogrio"), hint=hint)


def _states_encoding(path: Path) -> bool:
    """Does a Shapefile's `.cpg` (any case of the suffix) say its encoding?"""
    return any(p.is_file() for p in (path.with_suffix(".cpg"), path.with_suffix(".CPG")))


def layer_info(path: Path, layer: str | None, encoding: str | None) -> LayerInfo:
    """The chosen (or first) layer of `path`; raises pyogrio's errors for an unreadable file,
    KeyError for a layer that is not there."""
    import pyogrio

    names = tuple(str(name) for name, _ in pyogrio.list_layers(path))
    if layer is not None and layer not in names:
        raise KeyError(layer)
    chosen = layer if layer is not None else (names[0] if names else None)
    gpkg = path.suffix.lower() == ".gpkg"
    read_as = None if gpkg else encoding
    info = pyogrio.read_info(path, layer=chosen, encoding=read_as)
    guess = (
        not gpkg
        and read_as is None
        and str(info.get("encoding") or "").upper() == _LATIN1
        and not _states_encoding(path)
    )
    return LayerInfo(
        layer=str(info.get("layer_name") or chosen or ""),
        layers=names,
        fields=tuple(str(f) for f in info["fields"]),
        dtypes=tuple(str(d) for d in info["dtypes"]),
        crs=info.get("crs"),
        geometry_type=info.get("geometry_type"),
        read_as=_LATIN1 if guess else read_as,
        guess=guess,
    )


class Typed(str):
    """A layer's number, date or flag as the text a person sees (`20000`, as from a workbook),
    holding the value as GDAL gave it (`20000.0`), which a GeoPackage result writes back."""

    __slots__ = ("value",)
    value: Any

    def __new__(cls, text: str, value: Any) -> Typed:
        made = super().__new__(cls, text)
        made.value = value
        return made

    def __reduce__(self) -> tuple[Any, ...]:  # results travel between worker processes
        return (Typed, (str(self), self.value))


def _typed(value: Any) -> Any:
    """A cell for `Item.raw`: text stays text; anything else is `Typed` (None stays None)."""
    if value is None or isinstance(value, str):
        return value
    from landrules.rows import _cell_text

    return Typed(_cell_text(value), value)


def _plain(value: Any) -> Any:
    """A cell as Python gives it: NaN (GDAL's null in a number field) is an empty cell."""
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _guess_codec(texts: Sequence[str]) -> str | None:
    """The encoding of a `.dbf`'s text read as ISO-8859-1: None if it is all ASCII."""
    blob = "".join(texts).encode("latin-1")
    if blob.isascii():
        return None
    try:
        blob.decode("utf-8")
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def read_layer(
    path: Path,
    encoding: str | None,
    loaded: LoadedMapping,
    emit: Notices,
    limits: RegisterLimits,  # noqa: ARG001 - a layer's cells are bounded by its field widths
) -> Iterator[LocatedRow]:
    """The features of a Shapefile, a `.dbf` or a GeoPackage layer as located rows, in layer
    order: the field names, then `(line, cells, extras)` per feature, the extras giving its
    Item the fid, the geometry (WKB) and the attributes as typed in the layer.

    The layer is the mapping's `sheet:` or the first one (several: a notice names them all).
    """
    source = str(path)
    try:
        import pyogrio
        from pyogrio import raw
    except ImportError:
        raise Refused(_needs_pyogrio(source)) from None
    try:
        info = layer_info(path, loaded.sheet, encoding)
    except KeyError:
        names = ", ".join(str(n) for n, _ in pyogrio.list_layers(path))
        message = t("layer.no_layer", layer=repr(loaded.sheet), names=names)
        raise Refused(Problem(source, 0, 0, "no-layer", message)) from None
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as e:
        message = t("layer.bad", error=str(e).strip() or path.name)
        hint = t("layer.hint.bad")
        raise Refused(Problem(source, 0, 0, "bad-layer", message, hint=hint)) from None
    if len(info.layers) > 1 and loaded.sheet is None:
        message = t("layer.several", n=len(info.layers), names=", ".join(info.layers))
        emit(
            Problem(
                source, 0, 0, "layers", message, severity="warning", hint=t("layer.hint.several")
            )
        )
    codec: str | None = None
    if info.guess:
        sample = list(info.fields)
        meta, _, _, columns = raw.read(
            path,
            layer=info.layer,
            encoding=_LATIN1,
            read_geometry=False,
            max_features=_GUESSED_FROM,
        )
        for values, dtype in zip(columns, meta["dtypes"], strict=True):
            if str(dtype) == "object":
                sample.extend(v for v in values.tolist() if isinstance(v, str))
        codec = _guess_codec(sample)
        if codec is not None:
            shown = "GBK (GB18030)" if codec == "gb18030" else "UTF-8"
            emit(
                Problem(
                    source,
                    0,
                    0,
                    "encoding",
                    t("layer.guessed", codec=shown),
                    severity="warning",
                    hint=t("layer.hint.guessed"),
                )
            )
    fields = list(info.fields)
    if codec is not None:
        fields = [f.encode("latin-1").decode(codec, "replace") for f in fields]
    yield 1, fields, None
    done = 0
    while True:
        _, fids, geometries, columns = raw.read(
            path,
            layer=info.layer,
            encoding=info.read_as,
            read_geometry=info.geometry_type is not None,
            skip_features=done,
            max_features=BATCH,
            return_fids=True,
            datetime_as_string=True,
        )
        values = [c.tolist() for c in columns]
        fid_list = fids.tolist()
        shapes = list(geometries) if geometries is not None else None
        del fids, geometries, columns
        gc.collect(0)  # pyogrio's result is in a reference cycle: freed now, memory stays flat
        if not fid_list:
            return
        for i, fid in enumerate(fid_list):
            line = done + i + 1
            cells = [_plain(v[i]) for v in values]
            bad = None
            if codec is not None:
                for col, cell in enumerate(cells):
                    if isinstance(cell, str) and not cell.isascii():
                        try:
                            cells[col] = cell.encode("latin-1").decode(codec)
                        except UnicodeDecodeError:
                            bad = bad or (col + 1)
            if bad:
                message = t("layer.bad_text", codec=codec)
                hint = t("layer.hint.guessed")
                problem = Problem(source, line, bad, "encoding", message, fields[bad - 1], hint)
                yield line, problem, None
                continue
            extras = {
                "fid": fid,
                "geometry": shapes[i] if shapes is not None else None,
                "raw": {f: _typed(c) for f, c in zip(fields, cells, strict=True)},
            }
            yield line, cells, extras
        done += len(fid_list)


LAYER = Format("layer", LAYER_SUFFIXES, rows=read_layer, extras=True, fixed_header=True)

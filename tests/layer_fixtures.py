"""GIS layers written by pyogrio (GDAL) itself, as QGIS and ArcGIS export them.

Geometry is WKB built by hand (struct), so shapely is not needed: one small square per feature,
its ring clockwise as a Shapefile stores it (so a Shapefile gives back the very bytes).
"""

from __future__ import annotations

import csv
import struct
from pathlib import Path
from typing import Any

import numpy as np
from pyogrio import raw

CRS = "EPSG:4490"  # CGCS2000, what Chinese land offices map in


def square(n: int) -> bytes:
    x, y = 121.2 + n * 0.001, 30.17
    ring = [(x, y), (x, y + 0.0005), (x + 0.0005, y + 0.0005), (x + 0.0005, y), (x, y)]
    head = struct.pack("<BII", 1, 3, 1) + struct.pack("<I", len(ring))
    return head + b"".join(struct.pack("<dd", *p) for p in ring)


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def columns_of(header: list[str], rows: list[list[str]]) -> list[np.ndarray]:
    """A GIS export's columns: areas and plot ratios as numbers (Real fields), the rest text
    (codes such as `0601` too); an empty cell is null."""
    out = []
    for j, name in enumerate(header):
        cells = [r[j] if j < len(r) else "" for r in rows]
        given = [c for c in cells if c]
        numeric = given and all(_number(c) for c in given) and ("面积" in name or "容积率" in name)
        if numeric:
            out.append(np.array([float(c) if c else np.nan for c in cells]))
        else:
            out.append(np.array([c or None for c in cells], dtype=object))
    return out


def write_layer(
    target: Path,
    header: list[str],
    rows: list[list[str]],
    *,
    layer: str | None = None,
    encoding: str | None = None,
    append: bool = False,
) -> Path:
    """`rows` (cells as text) as a Polygon layer in CGCS2000; `.shp` or `.gpkg` by suffix."""
    options: dict[str, Any] = {}
    if encoding is not None:
        options["encoding"] = encoding
    raw.write(
        str(target),
        np.array([square(n) for n in range(len(rows))], dtype=object),
        columns_of(header, rows),
        header,
        geometry_type="Polygon",
        crs=CRS,
        layer=layer,
        append=append,
        **options,
    )
    return target


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        header, *rows = list(csv.reader(f))
    return header, rows

"""Geometries between a layer's WKB and GeoJSON, without shapely.

A layer (Shapefile, GeoPackage) gives its geometry as WKB bytes and a GeoPackage result takes it
back byte for byte; GeoJSON holds coordinates. A register read from one and written as the other
needs the simple types both know (points, lines, polygons, their multi forms, collections), in
2D or with Z. M values have no place in GeoJSON and curves none in its coordinates: such a
geometry is refused by name (`GeometryError`), never written flattened or dropped silently.
"""

from __future__ import annotations

import math
import struct
from typing import Any

__all__ = ["GeometryError", "geojson_to_wkb", "wkb_to_geojson"]

_TYPES = {
    1: "Point",
    2: "LineString",
    3: "Polygon",
    4: "MultiPoint",
    5: "MultiLineString",
    6: "MultiPolygon",
    7: "GeometryCollection",
}
_CODES = {name: code for code, name in _TYPES.items()}
_EWKB_Z, _EWKB_M, _EWKB_SRID = 0x80000000, 0x40000000, 0x20000000


class GeometryError(ValueError):
    """A geometry GeoJSON (or WKB) cannot carry unchanged: the message names its type."""


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def take(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from(fmt, self.data, self.at)
        self.at += struct.calcsize(fmt)
        return values

    def geometry(self) -> dict[str, Any]:
        (order,) = self.take("B")
        e = "<" if order == 1 else ">"
        (code,) = self.take(e + "I")
        z = bool(code & _EWKB_Z) or (code % 10000) // 1000 in (1, 3)
        m = bool(code & _EWKB_M) or (code % 10000) // 1000 in (2, 3)
        if code & _EWKB_SRID:
            self.take(e + "I")
        base = (code & 0x0FFFFFFF) % 1000
        name = _TYPES.get(base)
        if name is None or m:
            what = f"type {base}" + (" with M values" if m else "")
            raise GeometryError(f"a geometry of WKB {what} has no GeoJSON form")
        dims = 3 if z else 2
        point = e + "d" * dims

        def points() -> list[list[float]]:
            (n,) = self.take(e + "I")
            return [list(self.take(point)) for _ in range(n)]

        if base == 1:
            xy = list(self.take(point))
            coords: Any = [] if all(math.isnan(v) for v in xy) else xy
        elif base == 2:
            coords = points()
        elif base == 3:
            (n,) = self.take(e + "I")
            coords = [points() for _ in range(n)]
        else:
            (n,) = self.take(e + "I")
            parts = [self.geometry() for _ in range(n)]
            if base == 7:
                return {"type": name, "geometries": parts}
            coords = [p["coordinates"] for p in parts]
        return {"type": name, "coordinates": coords}


def wkb_to_geojson(data: bytes) -> dict[str, Any]:
    """A GeoJSON geometry object for WKB (ISO or extended) bytes."""
    try:
        return _Reader(bytes(data)).geometry()
    except struct.error:
        raise GeometryError("the geometry's WKB bytes are cut short") from None


def _dims(coords: Any) -> int:
    while isinstance(coords, list) and coords and isinstance(coords[0], list):
        coords = coords[0]
    return 3 if isinstance(coords, list) and len(coords) >= 3 else 2


def geojson_to_wkb(geometry: dict[str, Any]) -> bytes:
    """ISO WKB, little-endian, for a GeoJSON geometry object (Z kept when the coordinates have
    it; GeoJSON has no M)."""
    kind = geometry.get("type")
    code = _CODES.get(str(kind))
    if code is None:
        raise GeometryError(f"a GeoJSON geometry of type {kind!r} is not a simple geometry")
    if code == 7:
        parts = geometry.get("geometries") or []
        z = any(_dims(p.get("coordinates")) == 3 for p in parts if p.get("type") != kind)
        head = struct.pack("<BII", 1, code + (1000 if z else 0), len(parts))
        return head + b"".join(geojson_to_wkb(p) for p in parts)
    coords = geometry.get("coordinates")
    dims = _dims(coords)
    head = struct.pack("<BI", 1, code + (1000 if dims == 3 else 0))
    pt = "<" + "d" * dims

    def point(p: list[float]) -> bytes:
        values = [float(v) for v in p[:dims]]
        return struct.pack(pt, *(values + [math.nan] * (dims - len(values))))

    def line(ps: list[list[float]]) -> bytes:
        return struct.pack("<I", len(ps)) + b"".join(point(p) for p in ps)

    def polygon(rings: list[list[list[float]]]) -> bytes:
        return struct.pack("<I", len(rings)) + b"".join(line(r) for r in rings)

    if code == 1:
        return head + point(coords or [math.nan] * dims)
    if code == 2:
        return head + line(coords or [])
    if code == 3:
        return head + polygon(coords or [])
    one = {4: "Point", 5: "LineString", 6: "Polygon"}[code]
    parts = coords or []
    return (
        head
        + struct.pack("<I", len(parts))
        + b"".join(geojson_to_wkb({"type": one, "coordinates": p}) for p in parts)
    )

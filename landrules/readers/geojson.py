"""GeoJSON: a FeatureCollection's features streamed one at a time (memory: one feature).

The streaming parser also serves `report.columns.geojson_members` (crs, name) for the output.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from landrules.i18n import t
from landrules.inputs import (
    REGISTER_LIMIT_FLAGS,
    RegisterLimits,
)
from landrules.items import Item, failed
from landrules.mapping import LoadedMapping
from landrules.problems import Problem
from landrules.readers import Format, Notices
from landrules.readers.encoding import codec_or_refuse
from landrules.readers.records import _Json, _Keys, _plain, _record_problems
from landrules.rows import _amount, _limit


@dataclass(frozen=True, slots=True)
class _TooBig:
    """A value over `max_record_bytes` that was read to its end: refused, and reading goes on."""

    line: int
    col: int


class _JsonError(Exception):
    def __init__(self, line: int, col: int, message: str, code: str = "json") -> None:
        super().__init__(message)
        self.line, self.col, self.message, self.code = line, col, message, code


class _JsonStream:
    """JSON values pulled one at a time from a large text through a bounded buffer.

    The standard decoder only parses whole strings; `raw_decode` at an offset, reading more
    when a value is cut by the buffer's end, gives one feature at a time, so a layer of any size
    is read in memory proportional to its largest feature.
    """

    _WS = " \t\r\n"

    def __init__(
        self, f: IO[str], decoder: json.JSONDecoder | None = None, cap: int | None = None
    ) -> None:
        self.f = f
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.base_line = 1  # the line number of buf[0]
        self.decoder = decoder or json.JSONDecoder()
        self.want = 1 << 16
        self.cap = cap  # characters one value (a feature) may take: max_record_bytes

    def _more(self) -> bool:
        if self.eof:
            return False
        data = self.f.read(self.want)
        if not data:
            self.eof = True
            return False
        self.base_line += self.buf.count("\n", 0, self.pos)
        self.buf = self.buf[self.pos :] + data
        self.pos = 0
        return True

    def where(self, pos: int | None = None) -> tuple[int, int]:
        p = self.pos if pos is None else pos
        return self.base_line + self.buf.count("\n", 0, p), p - self.buf.rfind("\n", 0, p)

    def peek(self) -> str:
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in self._WS:
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._more():
                return ""

    def take(self, expected: str) -> None:
        ch = self.peek()
        if ch != expected:
            line, col = self.where()
            found = repr(ch) if ch else "the end of the file"
            raise _JsonError(line, col, f"expected {expected!r}, found {found}")
        self.pos += 1

    def value(self) -> Any:
        self.peek()
        while True:
            try:
                obj, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as e:
                if self.cap is not None and len(self.buf) - self.pos > self.cap:
                    line, col = self.where()
                    raise _JsonError(
                        line,
                        col,
                        t(
                            "reg.limit.max_record_bytes",
                            limit=_amount("max_record_bytes", self.cap),
                        ),
                        "row-too-big",
                    ) from None
                if self._more():
                    self.want = min(self.want * 2, 1 << 22)  # a big feature: read in larger steps
                    continue
                line, col = self.where(e.pos)
                raise _JsonError(line, col, f"not valid JSON: {e.msg}") from None
            except RecursionError:
                line, col = self.where()
                raise _JsonError(line, col, t("reg.too_deep")) from None
            if end == len(self.buf) and not isinstance(obj, (dict, list, str)) and self._more():
                continue  # a number or literal cut by the buffer's end
            if self.cap is not None and end - self.pos > self.cap:
                obj = _TooBig(*self.where())  # read whole by one last step: refused all the same
            self.pos = end
            self.want = 1 << 16
            return obj


def _geojson_events(f: IO[str], stream: _JsonStream | None = None) -> Iterator[tuple[str, Any]]:
    """("member", (name, value)) for each top-level member, ("feature", obj) for each feature."""
    stream = stream or _JsonStream(f)
    stream.take("{")
    if stream.peek() == "}":
        return
    while True:
        key = stream.value()
        if not isinstance(key, str):
            line, col = stream.where()
            raise _JsonError(line, col, "expected a member name")
        stream.take(":")
        if key != "features":
            yield "member", (key, stream.value())
        else:
            stream.take("[")
            if stream.peek() == "]":
                stream.pos += 1
            else:
                while True:
                    yield "feature", stream.value()
                    if stream.peek() != ",":
                        stream.take("]")
                        break
                    stream.pos += 1
        if stream.peek() != ",":
            stream.take("}")
            return
        stream.pos += 1


def read_geojson(
    path: Path,
    encoding: str | None,
    loaded: LoadedMapping,
    emit: Notices,
    limits: RegisterLimits,
) -> Iterator[Item]:
    """Features of a FeatureCollection, streamed; `Item.line` is the feature's 1-based number.

    A feature over `max_record_bytes` ends the reading with an error that says so: where the
    next feature starts cannot be known without reading the big one.
    """
    source = str(path)
    codec = codec_or_refuse(path, encoding, emit)
    keys = _Keys(loaded, source, emit)
    reader = _Json()
    n = 0
    with path.open(encoding=codec) as f:
        stream = _JsonStream(f, reader.decoder, limits.max_record_bytes)
        try:
            for kind, value in _geojson_events(f, stream):
                if kind == "member":
                    name, member = value
                    reader.duplicates.clear()
                    if name == "type" and member != "FeatureCollection":
                        message = t("reg.not_a_collection", found=repr(member))
                        yield failed(source, 1, 1, "not-a-collection", message)
                        return
                    continue
                n += 1
                duplicates = list(reader.duplicates)
                reader.duplicates.clear()
                if isinstance(value, _TooBig):
                    cap = limits.max_record_bytes
                    yield Item(
                        source,
                        n,
                        problems=[_limit(source, n, 0, "row-too-big", "max_record_bytes", cap)],
                    )
                    continue
                props = value.get("properties") if isinstance(value, dict) else None
                if not isinstance(value, dict) or value.get("type") != "Feature":
                    yield failed(source, n, 0, "not-a-feature", t("reg.not_a_feature", n=n))
                elif props is not None and not isinstance(props, dict):
                    message = t("reg.properties", n=n)
                    yield failed(source, n, 0, "properties", message)
                else:
                    props = props or {}
                    flat, problems = _record_problems(source, n, props, duplicates, limits)
                    if problems:
                        yield Item(source, n, problems=problems)
                        continue
                    geometry = _plain(value.get("geometry"))
                    item = keys.item(n, flat, _plain(props), geometry)
                    item.fid = _plain(value.get("id"))  # the feature's id, joined back on
                    yield item
        except _JsonError as e:
            after = f" (after feature {n})" if n else ""
            message = f"{e.message}{after}; the rest of the file is not read"
            hint = (
                t("reg.hint.limit", flag=REGISTER_LIMIT_FLAGS["max_record_bytes"])
                if e.code == "row-too-big"
                else ""
            )
            problem = Problem(source, e.line, e.col, e.code, message, hint=hint)
            yield Item(source, n + 1, problems=[problem])


GEOJSON = Format("GeoJSON", (".geojson",), items=read_geojson)

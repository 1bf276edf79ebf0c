"""JSON Lines: one parcel record per line; a bad line is that line's error, reading goes on."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from landrules.i18n import t
from landrules.inputs import (
    RegisterLimits,
)
from landrules.items import Item, failed
from landrules.mapping import LoadedMapping
from landrules.readers import Format, Notices
from landrules.readers.encoding import _CHUNK, detect
from landrules.readers.records import _Json, _Keys, _plain, _record_problems
from landrules.rows import _limit, _skipped


def read_jsonl(
    path: Path,
    encoding: str | None,
    loaded: LoadedMapping,
    emit: Notices,
    limits: RegisterLimits,
) -> Iterator[Item]:
    """One JSON object per line; a bad line is an error for that line, and reading goes on.

    A line is read at most `max_record_bytes` at a time: a longer one is refused and skipped,
    never held whole. Blank lines are skipped and named (`SkippedRows`).
    """
    source = str(path)
    enc = detect(path, encoding)
    if enc.notice is not None:
        emit(enc.notice)
    codec = "utf-8" if enc.codec == "utf-8-sig" else enc.codec
    keys = _Keys(loaded, source, emit)
    reader = _Json()
    cap = limits.max_record_bytes
    skipped: list[int] = []
    with path.open("rb") as f:
        line = 0
        while blob := f.readline(cap + 1):
            line += 1
            if len(blob) > cap and not blob.endswith(b"\n"):
                _skip_line(f)
                if skipped:
                    emit(_skipped(source, skipped))
                    skipped = []
                yield Item(
                    source,
                    line,
                    problems=[_limit(source, line, 1, "row-too-big", "max_record_bytes", cap)],
                )
                continue
            try:
                text = blob.decode(codec).rstrip("\r\n")
            except UnicodeDecodeError as e:
                message = t(
                    "reg.line_not_valid", line=line, codec=codec, byte=f"0x{blob[e.start]:02X}"
                )
                text = None
                refusal = failed(source, line, e.start + 1, "encoding", message)
            if line == 1 and text is not None:
                text = text.removeprefix("\ufeff")
            if text is not None and not text.strip():
                skipped = [skipped[0] if skipped else line, line]
                continue
            if skipped:
                emit(_skipped(source, skipped))
                skipped = []
            if text is None:
                yield refusal
                continue
            reader.duplicates.clear()
            try:
                obj = reader.decoder.decode(text)
            except json.JSONDecodeError as e:
                yield failed(source, line, e.colno, "json", t("reg.bad_json", error=e.msg))
                continue
            except RecursionError:
                yield failed(source, line, 1, "json", t("reg.bad_json", error=t("reg.too_deep")))
                continue
            if not isinstance(obj, dict):
                found = t("num.kind.list" if isinstance(obj, list) else "parcel.found_value")
                message = t("reg.not_an_object", found=found)
                yield failed(source, line, 1, "not-an-object", message)
                continue
            flat, problems = _record_problems(source, line, obj, reader.duplicates, limits)
            if problems:
                yield Item(source, line, problems=problems)
                continue
            yield keys.item(line, flat, _plain(flat), None)
    if skipped:
        emit(_skipped(source, skipped))


def _skip_line(f: IO[bytes]) -> None:
    """Move past the end of the current line, a block at a time (readline scans byte by byte)."""
    while block := f.read(_CHUNK):
        end = block.find(b"\n")
        if end >= 0:
            f.seek(end + 1 - len(block), 1)
            return


JSONL = Format("JSON Lines", (".jsonl", ".ndjson"), items=read_jsonl)

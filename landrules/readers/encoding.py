"""The text encoding of a register file: BOM, strict UTF-8, else GB18030 with a notice.

Decided over the whole file before any row is read, so a bad byte near the end never turns up
after half the rows were reported. Shared by CSV/TSV, JSON Lines and GeoJSON.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from landrules.i18n import t
from landrules.problems import Problem
from landrules.readers import Notices, Refused

_CHUNK = 1 << 20


_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True, slots=True)
class _Encoding:
    codec: str
    notice: Problem | None = None
    problem: Problem | None = None


@dataclass(frozen=True, slots=True)
class _Bad:
    line: int
    col: int
    offset: int
    byte: int
    after_cjk: bool  # the text before it was valid and held Chinese


def _first_bad(path: Path, codec: str) -> _Bad | None:
    """Decode the whole file in 1 MiB chunks (flat memory); where the first bad byte is."""
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    offset = lines = 0
    line_start = 0  # file offset where the current line starts
    cjk = False
    with path.open("rb") as f:
        while True:
            chunk = f.read(_CHUNK)
            pending = decoder.getstate()[0]
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as e:
                before = (pending + chunk)[: e.start].decode(codec, errors="ignore")
                cjk = cjk or _CJK.search(before) is not None
                at = offset - len(pending) + e.start
                within = chunk[: max(0, at - offset)]
                if b"\n" in within:
                    line_start = offset + within.rindex(b"\n") + 1
                line = lines + within.count(b"\n") + 1
                data = pending + chunk
                return _Bad(line, at - line_start + 1, at, data[e.start], cjk)
            if not chunk:
                return None
            cjk = cjk or (not text.isascii() and _CJK.search(text) is not None)  # isascii: C speed
            if b"\n" in chunk:
                line_start = offset + chunk.rindex(b"\n") + 1
            lines += chunk.count(b"\n")
            offset += len(chunk)


def codec_or_refuse(path: Path, encoding: str | None, emit: Notices) -> str:
    """The codec to read a whole-file register with; `Refused` when no codec reads it."""
    enc = detect(path, encoding)
    if enc.problem is not None:
        raise Refused(enc.problem)
    if enc.notice is not None:
        emit(enc.notice)
    return enc.codec


def detect(path: Path, explicit: str | None) -> _Encoding:
    """Explicit codec, else BOM, else strict UTF-8, else GB18030 with a notice.

    Decided over the whole file before any row is read, so a GB18030 byte on the last line
    cannot turn up after half the rows were already reported.
    """
    name = str(path)
    with path.open("rb") as f:
        head = f.read(4)
    if explicit is not None:
        codec = codecs.lookup(explicit).name
        codec = "utf-8-sig" if codec == "utf-8" else codec
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        codec = "utf-16"
    else:
        codec = "utf-8-sig"  # also reads files without a BOM
    bad = _first_bad(path, codec)
    if bad is None:
        return _Encoding(codec)
    where = t("reg.where", byte=f"0x{bad.byte:02X}", offset=bad.offset)
    label = explicit or ("UTF-16" if codec == "utf-16" else "UTF-8")
    if explicit is not None or codec == "utf-16" or bad.after_cjk:
        message = t("reg.not_valid", line=bad.line, label=label, where=where)
        if bad.after_cjk:
            message += t("reg.after_cjk")
        hint = t("reg.hint.repair")
        return _Encoding(
            codec, problem=Problem(name, bad.line, bad.col, "encoding", message, hint=hint)
        )
    if _first_bad(path, "gb18030") is not None:
        message = t("reg.neither", line=bad.line, where=where)
        hint = t("reg.hint.encoding")
        return _Encoding(
            codec, problem=Problem(name, bad.line, bad.col, "encoding", message, hint=hint)
        )
    message = t("reg.read_as_gb18030", where=where, line=bad.line)
    notice = Problem(name, bad.line, bad.col, "encoding", message, severity="warning")
    return _Encoding("gb18030", notice=notice)

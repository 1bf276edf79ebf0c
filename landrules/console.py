"""Standard output and error in whatever encoding the console, pipe or redirect has.

Chinese Windows gives a redirected or piped output the GBK code page (cp936); `PYTHONIOENCODING`
may name any codec. Python then raises on the first character the codec lacks (`✓` in GBK),
part-way through a report. Here each stream's glyph set is decided once, from its encoding,
before anything is written: a glyph the encoding cannot hold becomes the first stand-in it can
(`✓` → `√` in GBK, `v` in ASCII); Chinese stays Chinese wherever the encoding holds it. Whatever
is still unencodable (Chinese on an ASCII console) is written as a visible `\\uXXXX` escape,
never dropped and never a crash.

Machine-readable output (JSON, XML, CSV) to such a stream gets no stand-ins, which would change its
values: `data_stream` escapes the format's own way (`\\u2713` in JSON; XML, which declares
UTF-8, is written as ASCII with `&#10003;` references, which UTF-8 readers read the same).
Files written with `--output` never pass through here: they keep their documented encodings.
"""

from __future__ import annotations

import codecs
import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any, TextIO

GLYPHS: dict[str, tuple[str, ...]] = {
    "✓": ("√", "v"),
    "✗": ("×", "x"),
    "×": ("x",),
    "√": ("v",),
    "├": ("+",),
    "└": ("`",),
    "│": ("|",),
    "─": ("-",),
    "「": ('"',),
    "」": ('"',),
    "²": ("2",),
    "←": ("<-",),
    "→": ("->",),
    "—": ("--",),
    "–": ("-",),
    "·": ("|",),
    "…": ("...",),
    "≈": ("~",),
    "≤": ("<=",),
    "≥": (">=",),
    "‘": ("'",),
    "’": ("'",),
    "“": ('"',),
    "”": ('"',),
}
"""Every non-ASCII glyph landrules itself draws around the data, with stand-ins, best first; the
last is ASCII, so every ASCII-compatible encoding has one. Characters people write (full-width
punctuation and digits, Chinese) are not here: an error quoting a full-width colon must not show
an ASCII one, so where the encoding lacks them they are escaped, never given look-alikes."""

ESCAPE = "landrules-escape"
"""The last-resort error handler: `\\uXXXX` (a surrogate pair beyond U+FFFF), valid in JSON."""


def _escape(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    out = []
    for char in error.object[error.start : error.end]:
        code = ord(char)
        if code > 0xFFFF:
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            out.append(f"\\u{code:04x}")
    return "".join(out), error.end


codecs.register_error(ESCAPE, _escape)


def _holds(encoding: str, text: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def is_utf(encoding: str) -> bool:
    """UTF-8/16/32 hold every character and are what JSON and XML declare: nothing to do.
    (GB18030 holds every character too, but XML written to it must still be made ASCII.)"""
    return codecs.lookup(encoding).name.startswith("utf")


@cache
def glyph_table(encoding: str) -> dict[int, str]:
    """`str.translate` table: each glyph `encoding` cannot hold → its first stand-in it can."""
    table: dict[int, str] = {}
    for glyph, stand_ins in GLYPHS.items():
        if not _holds(encoding, glyph):
            table[ord(glyph)] = next((s for s in stand_ins if _holds(encoding, s)), stand_ins[-1])
    return table


class GlyphStream(io.TextIOBase):
    """A text stream that writes through `stream` with the stand-ins of its encoding.

    It has no `buffer`, so libraries that would rewrap an ASCII stream's bytes as UTF-8 (click
    does) write through it too; everything else (`isatty`, `fileno`, `encoding`) is the stream's.
    """

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream
        self.table = glyph_table(stream.encoding)

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.stream.encoding

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return self.stream.errors

    def write(self, text: str) -> int:  # type: ignore[override]
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self.stream.write(text.translate(self.table))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    def writable(self) -> bool:
        return True

    def close(self) -> None:
        """Closing the wrapper leaves the real stream to the interpreter, which closes it last."""
        self.flush()


def _prepare(stream: Any) -> Any:
    encoding = getattr(stream, "encoding", None)
    if stream is None or not encoding or isinstance(stream, GlyphStream):
        return stream
    reconfigure = getattr(stream, "reconfigure", None)
    try:
        if is_utf(encoding):
            if reconfigure is not None and stream.errors == "strict":
                reconfigure(errors=ESCAPE)  # a file name in another encoding (Linux) is escaped
            return stream
    except LookupError:
        return stream
    if reconfigure is not None:
        stream.flush()
        reconfigure(errors=ESCAPE)
    return GlyphStream(stream)


def prepare_streams() -> None:
    """Give stdout and stderr the stand-ins of their encodings (once, before the CLI writes)."""
    sys.stdout = _prepare(sys.stdout)
    sys.stderr = _prepare(sys.stderr)


@contextmanager
def data_stream(kind: str) -> Iterator[TextIO]:
    """Standard output for machine-readable text (`kind` "json" or "xml"): the real stream,
    without stand-ins, escaping what its encoding lacks the format's own way."""
    stream = sys.stdout
    if not isinstance(stream, GlyphStream):
        yield stream
        return
    real = stream.stream
    previous = real.errors
    reconfigure = getattr(real, "reconfigure", None)
    if reconfigure is None:
        yield real
        return
    encoding = real.encoding
    real.flush()
    if kind == "xml":
        reconfigure(encoding="ascii", errors="xmlcharrefreplace")
    else:
        reconfigure(errors=ESCAPE)
    try:
        yield real
    finally:
        real.flush()
        reconfigure(encoding=encoding, errors=previous)

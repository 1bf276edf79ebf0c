"""The project's only YAML reader: every scalar stays text, and every refusal is located.

Parcel and rule files are read from libyaml's event stream by an iterative builder rather than with
`yaml.safe_load`, because the typed loaders change values silently (`0601` -> 385, `no` -> False),
keep the last of duplicate keys, and let tags, anchors and merge keys through. The measurements
behind each choice are in the design note yaml-pitfalls.md §9.
"""

from __future__ import annotations

import bisect
import codecs
import difflib
import heapq
import io
import itertools
import os
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from landrules.i18n import current_lang, t
from landrules.problems import InputError, Problem

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError
    from pydantic_core import ErrorDetails

__all__ = [
    "DEFAULT_LIMITS",
    "DEFAULT_MAX_BYTES",
    "LIMIT_FLAGS",
    "MAX_PROBLEMS",
    "Document",
    "Limits",
    "error_hint",
    "error_message",
    "load",
    "load_bytes",
    "load_text",
    "locate",
    "read_text",
    "validate",
    "validation_problems",
]

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_PROBLEMS = 50
PURE_ENV = "LANDRULES_YAML_PURE"

_DataPath = tuple[object, ...]


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps applied before and while parsing, so hostile input fails fast and small.

    Each is per YAML document and each has its own error code and `check` flag, so a genuine
    file that is merely large can be let through on purpose (docs/hardening.md).
    """

    max_bytes: int = DEFAULT_MAX_BYTES
    max_depth: int = 64
    # A parcel or rule file holds a few hundred values. Each value the schema refuses costs
    # pydantic and the error report about 10 µs and 2 KB, so 50,000 keeps the worst file under
    # a second and 200 MB (benchmarks/README.md); a million would take 15 s and 2 GB.
    max_nodes: int = 50_000
    max_scalar_chars: int = 100_000
    max_key_chars: int = 200

    def __post_init__(self) -> None:
        for name in ("max_bytes", "max_depth", "max_nodes", "max_scalar_chars", "max_key_chars"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")


DEFAULT_LIMITS = Limits()
LIBYAML_MAX_DEPTH = 1000
"""libyaml refuses deeper nesting itself, whatever --max-depth says."""

LIMIT_FLAGS = {
    "too-big": "--max-bytes",
    "too-deep": "--max-depth",
    "too-many-nodes": "--max-nodes",
    "too-long": "--max-scalar",
}
"""The error code of each limit and the `check` flag that raises it."""


@dataclass(frozen=True, slots=True)
class _Marks:
    """1-based (line, col) of every node and of every mapping key, by data path."""

    values: dict[_DataPath, tuple[int, int]]
    keys: dict[_DataPath, tuple[int, int]]


@dataclass(slots=True)
class Document:
    """A loaded file: `data` holds only dicts, lists, str and None (plain null/~/empty).

    `problems` holds refusals that left the data whole enough to validate (a duplicate key, a
    tag, an anchor…); they are only ever set by `load(..., keep_going=True)`, so that `validate`
    can report them together with the schema's complaints in one pass.
    """

    path: str
    text: str
    data: object
    problems: list[Problem] = field(default_factory=list)
    taints: list[tuple[str, bool]] = field(default_factory=list, repr=False)
    _marks: _Marks | None = field(default=None, init=False, repr=False, compare=False)


_HINT_CODES = frozenset(
    (
        "anchor",
        "alias",
        "tag",
        "merge-key",
        "complex-key",
        "duplicate-key",
        "multi-doc",
        "multiline-plain",
        "too-deep",
        "too-big",
        "too-long",
        "too-many-nodes",
        "tab",
        "bad-char",
        "bad-indent",
    )
)


def _hint(code: str) -> str:
    """The advice for a loader refusal, in the current language ('' for codes without one)."""
    return t(f"yaml.hint.{code}") if code in _HINT_CODES else ""


def _error(
    path: str, code: str, message: str, hint: str = "", line: int = 1, col: int = 1
) -> InputError:
    return InputError([Problem(path, line, col, code, message, hint=hint)])


# ---------------------------------------------------------------------------------------------
# Reading and decoding

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_GBK_AS_UTF8 = re.compile("[\u00c0-\u07ff]")


def read_text(
    path: str | Path, *, encoding: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> str:
    """Read at most `max_bytes` and decode without guessing; a leading BOM is dropped."""
    name = os.fspath(path)
    _refuse_a_pipe(name)
    try:
        # Unbuffered: a BufferedReader (and a Path) cost more than reading a parcel file.
        # Path("") meant ".", which is still what an empty name opens.
        with io.FileIO(name or ".") as f:
            raw = _read_capped(f, limits.max_bytes + 1)
    except OSError as e:
        reason = e.strerror or str(e)
        raise _error(
            name, "unreadable", t("yaml.unreadable", reason=reason), line=0, col=0
        ) from None
    if len(raw) > limits.max_bytes:
        raise _error(name, "too-big", _too_big(limits), _hint("too-big"))
    return _decode(raw, name, encoding)


def _refuse_a_pipe(name: str) -> None:
    """A named pipe, socket or device is refused before it is opened: opening a pipe with no
    writer waits forever. (`/dev/stdin` is read when it is a redirected file, not a pipe.)"""
    import stat

    try:
        mode = Path(name or ".").stat().st_mode
    except OSError:
        return  # missing, unreadable, a broken link: opening it says which
    if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "fifo" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode) else "device"
        message = t("input.not_a_file", kind=t(f"input.kind.{kind}"))
        raise _error(name, "not-a-file", message, t("input.hint.not_a_file"), line=0, col=0)


def _too_big(limits: Limits) -> str:
    return t("yaml.too_big", size=_bytes(limits.max_bytes))


def _bytes(n: int) -> str:
    if n >= 1 << 20 and n % (1 << 20) == 0:
        return t("yaml.mib", mib=n >> 20, n=n)
    return t("yaml.bytes", n=n)


def _read_capped(f: BinaryIO, cap: int) -> bytes:
    """At most `cap` bytes, without allocating `cap` up front (a 10 MiB buffer costs 20 µs)."""
    size = os.fstat(f.fileno()).st_size
    chunk = min(size + 1, cap) if size else 1 << 16
    parts: list[bytes] = []
    while cap > 0:
        data = f.read(min(chunk, cap))
        if not data:
            break
        parts.append(data)
        cap -= len(data)
        chunk = 1 << 20
    return b"".join(parts)


def _decode(raw: bytes, name: str, encoding: str | None) -> str:
    """Explicit encoding, else BOM, else strict UTF-8: GB18030 is only ever a hint."""
    if encoding is not None:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise _error(
                name, "encoding", t("yaml.unknown_encoding", encoding=repr(encoding))
            ) from None
        return _strict(raw, name, "utf-8-sig" if codec == "utf-8" else codec, encoding)
    for bom, codec, label in _BOMS:
        if raw.startswith(bom):
            return _strict(raw, name, codec, label)
    _refuse_utf16_without_bom(raw, name)
    text = _strict(raw, name, "utf-8", "UTF-8")
    _refuse_ambiguous(raw, text, name)
    return text


def _strict(raw: bytes, name: str, codec: str, label: str) -> str:
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as e:
        raise InputError(_undecodable(raw, name, codec, label, e)) from None
    return text[1:] if text.startswith("\ufeff") else text


MAX_UNDECODABLE_LINES = 20
"""Undecodable lines named one by one; the rest are counted in one more line."""


def _undecodable(
    raw: bytes, name: str, codec: str, label: str, first: UnicodeDecodeError
) -> list[Problem]:
    """One problem per line that cannot be decoded, each at its first bad byte (capped).

    Lines are tried one by one in codecs where a `\n` byte is always a line break (UTF-8, the
    GB and single-byte codecs); in UTF-16 and UTF-32 the first bad byte is reported alone.
    """
    inner = "utf-8" if codec == "utf-8-sig" else codec
    offsets: list[int] = []
    if codecs.lookup(codec).name not in ("utf-16", "utf-16-le", "utf-16-be", "utf-32"):
        pos = 0
        for n, chunk in enumerate(raw.split(b"\n")):
            try:
                chunk.decode(codec if n == 0 else inner)
            except UnicodeDecodeError as e:
                offsets.append(pos + e.start)
            pos += len(chunk) + 1
    if not offsets or offsets[0] != first.start:
        offsets = [first.start]
    shown = offsets[:MAX_UNDECODABLE_LINES]
    # decode the text before each bad byte once, in pieces, to place each on its line
    pieces, at, previous = [], [], 0
    for offset in offsets[: MAX_UNDECODABLE_LINES + 1]:
        pieces.append(raw[previous:offset].decode(codec if previous == 0 else inner, "replace"))
        at.append(sum(map(len, pieces)))
        previous = offset
    index = _LineIndex("".join(pieces))
    as_gb = codec in ("utf-8", "utf-8-sig") and _reads_as_gb18030(raw)
    problems = []
    for n, (offset, char_offset) in enumerate(zip(shown, at[: len(shown)], strict=True)):
        line, col = index.position(char_offset)
        message = t(
            "yaml.undecodable", line=line, label=label, byte=f"0x{raw[offset]:02X}", offset=offset
        )
        hint = ""
        if as_gb:
            gb_line = _gb18030_line(raw, offset, checked=True) or ""
            message += t("yaml.as_gb18030", text=_quote_line(gb_line))
            hint = t("yaml.hint.gb18030") if n == 0 else ""
        problems.append(Problem(name, line, col, "encoding", message, hint=hint))
    if len(offsets) > len(shown):  # placed at the first line not shown
        line, col = index.position(at[-1])
        n = len(offsets) - len(shown)
        more = t("yaml.more_undecodable_one" if n == 1 else "yaml.more_undecodable", n=n)
        problems.append(Problem(name, line, col, "encoding", more))
    return problems


def _reads_as_gb18030(raw: bytes) -> bool:
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return True


def decode_utf8(raw: bytes, name: str) -> str:
    """Strict UTF-8 (a leading BOM dropped), or an InputError naming each bad line: for text
    files read whole, such as a rule pack's source.txt (no --encoding option: save as UTF-8)."""
    try:
        return _strict(raw, name, "utf-8-sig", "UTF-8")
    except InputError as err:
        hint = t("yaml.hint.save_utf8")
        err.problems = [
            Problem(p.path, p.line, p.col, p.code, p.message, p.field, hint if p.hint else "")
            for p in err.problems
        ]
        raise


def _gb18030_line(raw: bytes, offset: int, checked: bool = False) -> str | None:
    """The line around `offset` read as GB18030, when the whole file decodes that way
    (`checked`: the caller knows it does)."""
    if not checked and not _reads_as_gb18030(raw):
        return None
    start = max(raw.rfind(b"\n", 0, offset), raw.rfind(b"\r", 0, offset)) + 1
    ends = [i for i in (raw.find(b"\n", offset), raw.find(b"\r", offset)) if i >= 0]
    return raw[start : min(ends, default=len(raw))].decode("gb18030").strip()


def _refuse_utf16_without_bom(raw: bytes, name: str) -> None:
    """Many NUL bytes in the first 4 KB mean UTF-16 saved without a byte order mark."""
    sample = raw[:4096]
    nuls = sample.count(0)
    if not nuls or nuls * 8 < len(sample):
        return
    variant = "utf-16-le" if sample[1::2].count(0) >= sample[0::2].count(0) else "utf-16-be"
    if not _reads_as_utf16(raw, variant):
        return  # a NUL in a short UTF-8 file: the character check names it where it is
    raise _error(
        name,
        "encoding",
        t("yaml.utf16", variant=variant.upper()),
        t("yaml.hint.utf16", variant=variant),
    )


def _reads_as_utf16(raw: bytes, variant: str) -> bool:
    """Whole code units that decode to text with no NUL or control character but line breaks."""
    if len(raw) % 2:
        return False
    try:
        text = raw[: 1 << 16].decode(variant, errors="strict")
    except UnicodeDecodeError:
        return False
    return not any(ch < " " and ch not in "\t\n\r" for ch in text)


def _refuse_ambiguous(raw: bytes, text: str, name: str) -> None:
    """Refuse text with no CJK but GBK-looking letters: GBK '某某' is also valid UTF-8 'ĳĳ'."""
    if text.isascii() or _CJK.search(text):
        return
    first = next((m for m in _GBK_AS_UTF8.finditer(text) if m.group().isalpha()), None)
    if first is None:
        return
    try:
        as_gb = raw.decode("gb18030")
    except UnicodeDecodeError:
        return
    if not _CJK.search(as_gb):
        return
    index = _LineIndex(text)
    line, col = index.position(first.start())
    utf8_line = index.line_text(line).strip()
    gb_line = _LineIndex(as_gb).line_text(line).strip()
    raise _error(
        name,
        "encoding",
        t("yaml.ambiguous", utf8=_quote(utf8_line), gb=_quote(gb_line)),
        t("yaml.hint.ambiguous"),
        line,
        col,
    )


# ---------------------------------------------------------------------------------------------
# Character scan

_BAD_CHARS = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e"
    "\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff\ufffe\uffff"
)
_SUSPECT = re.compile(f"[\t{_BAD_CHARS}]")
_ESCAPED_BAD = re.compile(f"[{_BAD_CHARS}]")
_ODD_INDENT = re.compile(" *[\u3000\u00a0]")
_ODD_INDENT_AFTER_BREAK = re.compile("[\n\r] *[\u3000\u00a0]")
_BREAK = re.compile("\r\n|\r|\n")
_MAX_HITS = 10_000  # a file of tabs on one line must not be walked to its end


class _LineIndex:
    """Maps string offsets to 1-based (line, col), counting CRLF, CR and LF as one break each."""

    __slots__ = ("starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0, *(m.end() for m in _BREAK.finditer(text))]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def line_text(self, line: int) -> str:
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        return self.text[self.starts[line - 1] : end].rstrip("\r\n")


def _char_name(ch: str) -> str:
    code = f"U+{ord(ch):04X}"
    if current_lang() != "en":  # Unicode's names are English: Chinese readers get the code point
        return code
    return f"{code} {unicodedata.name(ch, '(control character)')}"


def _odd_indents(text: str) -> Iterator[int]:
    """Offsets of U+3000/NBSP in a line's leading whitespace (a leading character class is fast)."""
    first = _ODD_INDENT.match(text)
    if first:
        yield first.end() - 1
    for m in _ODD_INDENT_AFTER_BREAK.finditer(text):
        yield m.end() - 1


def _scan_chars(text: str, path: str) -> list[Problem]:
    """Refuse characters that are invisible, break YAML, or make libyaml and PyYAML disagree.

    One problem per line and kind: a tab-indented file gives one line each, not one per tab.
    """
    has_odd_space = "\u3000" in text or "\xa0" in text
    if not has_odd_space and _SUSPECT.search(text) is None:
        return []
    index = _LineIndex(text)
    found: dict[tuple[int, str], Problem] = {}
    hits: Iterator[tuple[int, str]] = ((m.start(), m.group()) for m in _SUSPECT.finditer(text))
    if has_odd_space:
        hits = heapq.merge(hits, ((offset, "indent") for offset in _odd_indents(text)))
    for offset, ch in itertools.islice(hits, _MAX_HITS):
        if ch == "\t":
            code, message = "tab", t("yaml.tab")
        elif ch == "indent":
            code = "bad-indent"
            message = t("yaml.bad_indent", char=_char_name(text[offset]))
        elif ch == "\ufeff":
            code = "bad-char"
            message = t("yaml.inner_bom")
        else:
            code, message = "bad-char", t("yaml.bad_char", char=_char_name(ch))
        line, col = index.position(offset)
        found.setdefault((line, code), Problem(path, line, col, code, message, hint=_hint(code)))
        if len(found) > MAX_PROBLEMS:
            break
    return list(found.values())


# ---------------------------------------------------------------------------------------------
# Building the data from events

_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_NEED = object()  # the mapping waits for a key
_SKIP = object()  # the mapping's next value is dropped: its key was refused
_UNSET = object()
_IGNORED = object()  # a path step that no pydantic loc can name


def _libyaml_parser() -> Any:
    """libyaml's parser class, or None when PyYAML was built without libyaml."""
    try:
        from yaml._yaml import CParser  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        return None
    return CParser


_CParser = _libyaml_parser()


class _Stop(Exception):
    """Ends the build once the problem list is full."""


def _next_event(text: str) -> Callable[[], Any]:
    """The parser's own `get_event`: libyaml when available, the pure parser on request (to check
    both give the same answers).

    `yaml.parse` wraps it in a generator that also calls `check_event` before every event; for
    a parcel file that wrapper cost as much as building the data.
    """
    if os.environ.get(PURE_ENV) == "1" or _CParser is None:
        return yaml.BaseLoader(text).get_event
    return _CParser(text).get_event


def _show_tag(tag: str) -> str:
    return "!!" + tag[18:] if tag.startswith("tag:yaml.org,2002:") else tag


_NEEDS_QUOTES = (
    "mapping values are not allowed",
    "found character that cannot start any token",
    "did not find expected key",
    "did not find expected ',' or",
    "found undefined alias",
    "found unexpected end of stream",
    "could not find expected ':'",
)


def _syntax_problem(path: str, text: str, exc: BaseException, limits: Limits) -> Problem:
    """libyaml's own words at its problem mark; any other exception is still a syntax error."""
    line, col = 1, 1
    index = _LineIndex(text)
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = _mark_inside(text, exc.problem_mark, exc.context_mark)
        if mark is not None:
            line, col = mark.line + 1, mark.column + 1
        if "maximum nesting depth" in (exc.problem or ""):
            # libyaml's own ceiling fired before --max-depth could be checked (flow collections
            # are scanned whole first): it is the limit that stopped the read, so name it.
            message = t("yaml.too_deep", depth=LIBYAML_MAX_DEPTH)
            return Problem(path, line, col, "too-deep", message, hint=t("yaml.hint.flatten"))
        key = _overlong_key(text, exc, limits)
        if key is not None:
            return Problem(
                path, key[0], key[1], "bad-key", t("yaml.long_key", limit=limits.max_key_chars)
            )
        message = exc.problem or str(exc)
        if exc.context:
            where = exc.context_mark
            inside = where is not None and where.index < len(text.rstrip("\r\n"))
            at = f" at line {where.line + 1}, column {where.column + 1}" if inside else ""
            message += f" ({exc.context}{at})"
    elif isinstance(exc, yaml.YAMLError):
        message = str(exc).splitlines()[0]
    else:
        message = t("yaml.parser_failed", error=f"{type(exc).__name__}: {exc}")
    nearby = [index.line_text(n) for n in (line - 1, line) if 0 < n <= len(index.starts)]
    hint = ""
    if any("：" in s for s in nearby):
        hint = t("yaml.hint.full_width_colon")
    elif any(message.startswith(start) for start in _NEEDS_QUOTES):
        hint = t("yaml.hint.quote")
    return Problem(path, line, col, "syntax", _syntax_words(message), hint=hint)


def _mark_inside(text: str, *marks: Any) -> Any:
    """The first mark that points at a character of the file: libyaml often places its problem
    at the end of the stream, a line past the last one (a CI annotation there would be lost)."""
    present = [m for m in marks if m is not None]
    for mark in present:
        if mark.index < len(text.rstrip("\r\n")):
            return mark
    if not present or not text:
        return None
    last = text.rstrip("\r\n")
    line = len(_BREAK.findall(last))
    column = len(_BREAK.split(last)[-1])
    return yaml.Mark("", len(last), line, max(column - 1, 0), None, None)


def _overlong_key(text: str, exc: Any, limits: Limits) -> tuple[int, int] | None:
    """Where a key starts that libyaml refused as too long (YAML's 1024-character limit on keys
    written on one line): our own, documented `bad-key` rather than a syntax error."""
    mark = exc.context_mark
    if mark is None or not (exc.problem or "").startswith("could not find expected ':'"):
        return None
    end = text.find("\n", mark.index)
    rest = text[mark.index : end if end >= 0 else len(text)]
    colon = rest.find(":")
    if colon > 1024 and colon > limits.max_key_chars:
        return mark.line + 1, mark.column + 1
    return None


_SYNTAX = {
    "mapping values are not allowed": "yaml.syntax.mapping_values",
    "found character that cannot start any token": "yaml.syntax.bad_token",
    "did not find expected key": "yaml.syntax.expected_key",
    "did not find expected ',' or": "yaml.syntax.expected_comma",
    "found undefined alias": "yaml.syntax.undefined_alias",
    "found unexpected end of stream": "yaml.syntax.end_of_stream",
    "could not find expected ':'": "yaml.syntax.expected_colon",
    "did not find expected '-' indicator": "yaml.syntax.expected_dash",
    "did not find expected node content": "yaml.syntax.expected_node",
    "found unknown escape character": "yaml.syntax.unknown_escape",
    "found unexpected ':'": "yaml.syntax.unexpected_colon",
    "expected <block end>": "yaml.syntax.block_end",
    "found a tab character": "yaml.syntax.tab",
}
"""libyaml's common complaints, for readers who are not reading English (it speaks only English)."""


def _syntax_words(message: str) -> str:
    """libyaml's message in English; in Chinese its translation, or a generic sentence."""
    if current_lang() == "en":
        return message
    for start, key in _SYNTAX.items():
        if message.startswith(start):
            return t(key)
    return t("yaml.syntax.other")


def _dotted(path: Sequence[object]) -> str:
    return ".".join(str(p) for p in path if p is not _IGNORED)


def _node_path(
    stack: list[tuple[Any, bool, object]], cur: Any, is_map: bool, key: object
) -> _DataPath:
    """Data path of the node being read, rebuilt from the builder's stack (only on errors)."""
    parts: list[object] = []
    for container, in_map, k in [*stack, (cur, is_map, key)]:
        if container is not None:
            parts.append((k if isinstance(k, str) else _IGNORED) if in_map else len(container))
    return tuple(parts)


# Refusals after which the data is still whole enough to validate, and what they leave unreliable:
# the node itself ("value"), or the parent mapping's completeness, because a key was dropped
# ("key"). A duplicate key keeps the first value, which is still worth validating.
_VALUE_TAINTS = frozenset(("anchor", "alias", "tag", "multiline-plain", "too-long", "bad-char"))
_KEY_TAINTS = frozenset(("merge-key", "complex-key", "bad-key"))
_HARMLESS = frozenset(("duplicate-key",))


class _Collector:
    """Problems found while building; stops the build once the display cap is passed."""

    __slots__ = ("duplicates", "fatal", "path", "problems", "taints")

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.duplicates: list[tuple[int, _DataPath, str]] = []
        self.taints: list[tuple[str, bool]] = []  # (dotted path, only its `missing` errors)
        self.fatal = False

    def add(self, mark: yaml.Mark, code: str, message: str, where: _DataPath) -> None:
        if code in _VALUE_TAINTS and where:
            self.taints.append((_dotted(where), False))
        elif code in _KEY_TAINTS:
            self.taints.append((_dotted(where[:-1]), True))
        elif code not in _HARMLESS:
            self.fatal = True
        self.problems.append(
            Problem(
                self.path,
                mark.line + 1,
                mark.column + 1,
                code,
                message,
                _dotted(where),
                _hint(code),
            )
        )
        if len(self.problems) > MAX_PROBLEMS:
            self.fatal = True
            raise _Stop


def _check_properties(out: _Collector, ev: Any, where: _DataPath) -> None:
    if ev.anchor is not None:
        out.add(ev.start_mark, "anchor", t("yaml.anchor", name=f"&{ev.anchor}"), where)
    if ev.tag is not None:
        out.add(ev.start_mark, "tag", t("yaml.tag", tag=_show_tag(ev.tag)), where)


def _key_ok(
    out: _Collector, ev: ScalarEvent, mapping: dict[str, Any], where: _DataPath, limit: int
) -> bool:
    """Whether the scalar may be a key of `mapping`; records why not."""
    value = ev.value
    if not ev.style and value == "<<":
        out.add(ev.start_mark, "merge-key", t("yaml.merge_key"), where)
    elif not value:
        out.add(ev.start_mark, "bad-key", t("yaml.empty_key"), where)
    elif len(value) > limit:
        out.add(ev.start_mark, "bad-key", t("yaml.long_key", limit=limit), where)
    elif value != value.strip():
        ch = value[-1] if value[-1].isspace() else value[0]
        end = "yaml.key_ends" if value[-1].isspace() else "yaml.key_starts"
        message = t(end, key=value.strip(), char=_char_name(ch))
        out.add(ev.start_mark, "bad-key", message, where)
    elif value in mapping:
        out.duplicates.append((len(out.problems), where, value))
        out.add(ev.start_mark, "duplicate-key", t("yaml.duplicate_key", name=value), where)
    else:
        return True
    return False


def _build(text: str, path: str, limits: Limits) -> tuple[object, _Collector]:
    """Turn the event stream into plain data, collecting every refusal in one pass.

    The hot loop keeps no marks and no per-node metadata; a problem's data path is rebuilt from
    the stack only when there is a problem. Checks that cannot fail on the file are skipped:
    anchors and tags need a `&` or `!` in the text, a bad escape a non-printable character.
    """
    out = _Collector(path)
    max_nodes, max_depth = limits.max_nodes, limits.max_depth
    max_scalar, max_key = limits.max_scalar_chars, limits.max_key_chars
    props = "&" in text or "!" in text
    scalar_event, alias_event = ScalarEvent, AliasEvent
    mapping_start, sequence_start = MappingStartEvent, SequenceStartEvent
    mapping_end, sequence_end = MappingEndEvent, SequenceEndEvent
    need, skip, nulls = _NEED, _SKIP, _NULLS
    root: object = _UNSET
    empty = False
    cur: Any = None
    is_map = False
    key: object = need
    stack: list[tuple[Any, bool, object]] = []
    push, pop = stack.append, stack.pop
    depth = nodes = docs = 0

    next_event = _next_event(text)
    try:
        while True:
            try:
                ev = next_event()
            except Exception as exc:  # libyaml also raises ValueError, IndexError... on fuzz
                out.problems.append(_syntax_problem(path, text, exc, limits))
                out.fatal = True
                break
            cls = ev.__class__
            if cls is scalar_event:
                nodes += 1
                value = ev.value
                style = ev.style
                as_key = is_map and key is need
                if (
                    nodes > max_nodes
                    or (props and (ev.anchor is not None or ev.tag is not None))
                    or (style == '"' and not value.isprintable())
                ):
                    where = _node_path(stack, cur, is_map, value if as_key else key)
                    if nodes > max_nodes:
                        message = t("yaml.too_many_nodes", limit=max_nodes)
                        out.add(ev.start_mark, "too-many-nodes", message, where)
                        break
                    _check_properties(out, ev, where)
                    if style == '"' and (bad := _ESCAPED_BAD.search(value)):
                        message = t("yaml.bad_escape", char=_char_name(bad.group()))
                        out.add(ev.start_mark, "bad-char", message, where)
                if as_key:
                    if (
                        value in cur
                        or not value
                        or value == "<<"
                        or len(value) > max_key
                        or value[-1].isspace()
                        or value[0].isspace()
                    ):
                        where = _node_path(stack, cur, True, value)
                        key = value if _key_ok(out, ev, cur, where, max_key) else skip
                    else:
                        key = value
                    continue
                if len(value) > max_scalar:
                    message = t("yaml.too_long", limit=max_scalar, length=len(value))
                    out.add(ev.start_mark, "too-long", message, _node_path(stack, cur, is_map, key))
                if not style:
                    if value in nulls:
                        empty = value == "" and cur is None
                        value = None
                    elif ev.start_mark.line != ev.end_mark.line:
                        message = t("yaml.multiline_plain", line=ev.end_mark.line + 1)
                        where = _node_path(stack, cur, is_map, key)
                        out.add(ev.start_mark, "multiline-plain", message, where)
                if is_map:
                    if key is not skip:
                        cur[key] = value
                    key = need
                elif cur is not None:
                    cur.append(value)
                else:
                    root = value
            elif cls is mapping_end or cls is sequence_end:
                child = cur
                cur, is_map, key = pop()
                depth -= 1
                if is_map:
                    if key is need:  # the child was a (refused) complex key
                        key = skip
                    else:
                        if key is not skip:
                            cur[key] = child
                        key = need
                elif cur is not None:
                    cur.append(child)
                else:
                    root = child
            elif cls is mapping_start or cls is sequence_start:
                nodes += 1
                depth += 1
                as_key = is_map and key is need
                if (
                    nodes > max_nodes
                    or depth > max_depth
                    or as_key
                    or (props and (ev.anchor or ev.tag))
                ):
                    where = _node_path(stack, cur, is_map, _IGNORED if as_key else key)
                    if nodes > max_nodes:
                        message = t("yaml.too_many_nodes", limit=max_nodes)
                        out.add(ev.start_mark, "too-many-nodes", message, where)
                        break
                    if depth > max_depth:
                        message = t("yaml.too_deep", depth=max_depth)
                        out.add(ev.start_mark, "too-deep", message, where)
                        break
                    _check_properties(out, ev, where)
                    if as_key:
                        message = t("yaml.complex_key")
                        out.add(ev.start_mark, "complex-key", message, where)
                push((cur, is_map, key))
                is_map = cls is mapping_start
                cur = {} if is_map else []
                key = need
            elif cls is alias_event:
                nodes += 1
                as_key = is_map and key is need
                where = _node_path(stack, cur, is_map, _IGNORED if as_key else key)
                out.add(ev.start_mark, "alias", t("yaml.alias", name=f"*{ev.anchor}"), where)
                if is_map:
                    key = skip if as_key else need
                elif cur is not None:
                    cur.append(None)
            elif cls is DocumentStartEvent:
                docs += 1
                if docs > 1:
                    message = t("yaml.multi_doc")
                    out.add(ev.start_mark, "multi-doc", message, ())
                    break
                if ev.tags:
                    out.add(ev.start_mark, "tag", t("yaml.tag_directive"), ())
                if ev.version is not None and ev.version not in ((1, 1), (1, 2)):
                    shown = ".".join(map(str, ev.version))
                    message = t("yaml.version", version=shown)
                    out.add(ev.start_mark, "syntax", message, ())
                    break
            elif cls is StreamEndEvent:
                break
    except _Stop:
        pass

    if out.problems and out.duplicates:
        out.problems = _name_first_keys(text, out.problems, out.duplicates, limits)
    if (root is _UNSET or empty) and not out.problems:
        raise _error(path, "empty", t("yaml.empty"))
    if root is _UNSET:
        out.fatal = True
    return root, out


def _name_first_keys(
    text: str, problems: list[Problem], duplicates: list[tuple[int, _DataPath, str]], limits: Limits
) -> list[Problem]:
    """Name the first occurrence in duplicate-key messages; marks are read only now."""
    keys = _index_marks(text, limits).keys
    out = list(problems)
    for i, key_path, name in duplicates:
        first = keys.get(key_path)
        if first is not None and i < len(out):
            message = t("yaml.duplicate_key_first", name=name, line=first[0], col=first[1])
            p = out[i]
            out[i] = Problem(p.path, p.line, p.col, p.code, message, p.field, p.hint)
    return out


def _finish(problems: list[Problem]) -> list[Problem]:
    """Sort by position and cap, so a broken file cannot flood the terminal."""
    ordered = sorted(problems, key=lambda p: (p.line, p.col))
    if len(ordered) <= MAX_PROBLEMS:
        return ordered
    nxt = ordered[MAX_PROBLEMS]
    message = t("yaml.more_problems", limit=MAX_PROBLEMS)
    return [
        *ordered[:MAX_PROBLEMS],
        Problem(nxt.path, nxt.line, nxt.col, "too-many-errors", message),
    ]


def load_text(
    text: str, path: str, *, limits: Limits = DEFAULT_LIMITS, keep_going: bool = False
) -> Document:
    """Check the characters, then build the data; raises InputError with every problem found.

    With `keep_going`, refusals that leave the data whole (duplicate keys, tags, anchors…) are
    returned on the document instead of raised, for `validate` to report with the schema's own
    complaints; anything that makes the data unreliable (a syntax error, a limit) still raises.
    """
    max_bytes = limits.max_bytes
    if len(text) > max_bytes or (
        len(text) * 4 > max_bytes  # UTF-8 takes at most 4 bytes a character: skip the encoding
        and not text.isascii()
        and len(text.encode("utf-8", "surrogatepass")) > max_bytes
    ):
        raise _error(path, "too-big", _too_big(limits), _hint("too-big"))
    if text.startswith("\ufeff"):
        text = text[1:]
    problems = _scan_chars(text, path)
    if problems:
        raise InputError(_finish(problems))
    data, out = _build(text, path, limits)
    if out.problems and (out.fatal or not keep_going):
        raise InputError(_finish(out.problems))
    return Document(path, text, data, out.problems, out.taints)


def load_bytes(
    raw: bytes,
    path: str,
    *,
    encoding: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    keep_going: bool = False,
) -> Document:
    """Decode and load bytes already in memory (`path` names them in problems)."""
    if len(raw) > limits.max_bytes:
        raise _error(path, "too-big", _too_big(limits), _hint("too-big"))
    return load_text(_decode(raw, path, encoding), path, limits=limits, keep_going=keep_going)


def load(
    path: str | Path,
    *,
    encoding: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    keep_going: bool = False,
) -> Document:
    """Read, decode and load one file (see `load_text` for `keep_going`)."""
    text = read_text(path, encoding=encoding, limits=limits)
    return load_text(text, os.fspath(path), limits=limits, keep_going=keep_going)


# ---------------------------------------------------------------------------------------------
# Locating nodes (error path only)


def _index_marks(text: str, limits: Limits | None = None) -> _Marks:
    """Re-parse with marks, tolerating whatever the builder refuses: it only has to locate.

    Paths follow the builder's: list steps are indices, refused keys become `_IGNORED`, and the
    first of two duplicate keys keeps its mark.
    """
    max_depth = limits.max_depth if limits else None
    values: dict[_DataPath, tuple[int, int]] = {}
    keys: dict[_DataPath, tuple[int, int]] = {}
    path: list[object] = []
    frames: list[list[Any]] = []  # [is_map, next index | pending key | _NEED, is_complex_key]
    docs = 0
    next_event = _next_event(text)
    while True:
        try:
            ev = next_event()
        except Exception:
            break
        cls = ev.__class__
        if cls is DocumentStartEvent:
            docs += 1
            if docs > 1:
                break
            continue
        if cls is StreamEndEvent:
            break
        if cls is MappingEndEvent or cls is SequenceEndEvent:
            frame = frames.pop()
            if frames:
                path.pop()
                if not frame[2]:
                    _advance(frames[-1])
            continue
        if cls not in (ScalarEvent, AliasEvent, MappingStartEvent, SequenceStartEvent):
            continue
        mark = (ev.start_mark.line + 1, ev.start_mark.column + 1)
        is_collection = cls is MappingStartEvent or cls is SequenceStartEvent
        is_key = False
        node_path: _DataPath = ()
        if frames:
            top = frames[-1]
            if top[0] and top[1] is _NEED:
                top[1] = _IGNORED
                if cls is ScalarEvent:
                    keys.setdefault((*path, ev.value), mark)
                    top[1] = ev.value
                if not is_collection:
                    continue
                is_key = True
            node_path = (*path, top[1])
        if not is_key:
            values.setdefault(node_path, mark)
        if is_collection:
            if max_depth is not None and len(frames) >= max_depth:
                break
            if frames:
                path.append(node_path[-1])
            is_mapping = cls is MappingStartEvent
            frames.append([is_mapping, _NEED if is_mapping else 0, is_key])
        elif frames:
            _advance(frames[-1])
    return _Marks(values, keys)


def _advance(frame: list[Any]) -> None:
    frame[1] = _NEED if frame[0] else frame[1] + 1


def locate(doc: Document, loc: tuple[str | int, ...], *, key: bool = False) -> tuple[int, int]:
    """1-based (line, col) of the node at `loc`, or of its key; else of its longest located prefix.

    The marks are read on the first call and cached on the document: errors are rare, and a
    parse with marks costs about twice a plain one.
    """
    if doc._marks is None:
        doc._marks = _index_marks(doc.text)
    marks = doc._marks
    loc = tuple(loc)
    if key and loc in marks.keys:
        return marks.keys[loc]
    for n in range(len(loc), -1, -1):
        found = marks.values.get(loc[:n])
        if found is not None:
            return found
    return (1, 1)


# ---------------------------------------------------------------------------------------------
# pydantic errors -> Problems

_MESSAGE_PREFIXES = ("Value error, ", "Assertion failed, ")


def _quote(value: str, limit: int = 60) -> str:
    return repr(value if len(value) <= limit else value[: limit - 1] + "…")


def _quote_line(value: str, limit: int = 60) -> str:
    """Like `_quote`, but a long line is cut between words, never inside one."""
    if len(value) <= limit:
        return repr(value)
    cut = value[: limit - 1]
    if value[limit - 1].isascii() and value[limit - 1].isalnum():
        cut = re.sub(r"[A-Za-z0-9_]+$", "", cut).rstrip() or cut
    return repr(cut + "…")


def _has_child(node: object, part: object) -> bool:
    if isinstance(node, dict):
        return isinstance(part, str) and part in node
    if isinstance(node, list):
        return type(part) is int and 0 <= part < len(node)
    return False


def data_loc(data: object, loc: Sequence[object], error_type: str) -> tuple[str | int, ...]:
    """Keep the loc steps that name real data; the others are pydantic's union/validator noise.

    A step that names nothing in the data is dropped, except the last step of a `missing` error,
    which names the absent field. This strips `function-after[...]`, `list[...]`, `literal[...]`,
    model names and tagged-union tags without depending on pydantic's internal spellings.
    """
    out: list[str | int] = []
    node: Any = data
    last = len(loc) - 1
    for i, part in enumerate(loc):
        if _has_child(node, part):
            out.append(part)  # type: ignore[arg-type]
            node = node[part]
        elif i == last and error_type == "missing" and isinstance(node, dict):
            out.append(str(part))
    return tuple(out)


def _node_at(data: object, loc: Sequence[str | int]) -> object:
    node: Any = data
    for part in loc:
        node = node[part]
    return node


def _fold(name: str) -> str:
    return unicodedata.normalize("NFKC", name).lower()


def _did_you_mean(name: str, allowed: list[str], present: object) -> str:
    """The closest allowed name not used yet in the mapping, compared NFKC-folded, lower-cased."""
    table: dict[str, str] = {}
    for candidate in allowed:
        if not isinstance(present, dict) or candidate not in present:
            table.setdefault(_fold(candidate), candidate)
    match = difflib.get_close_matches(_fold(name), list(table), n=1, cutoff=0.6)
    return t("hint.did_you_mean", name=table[match[0]]) if match else ""


def error_message(error: ErrorDetails, loc: tuple[str | int, ...]) -> str:
    """pydantic's message without its prefixes, with the input shown; shared by register rows.

    A refused number says what was wrong, what was found, then what the field expects with its
    unit: `thousands separators are not allowed (got '12,000'); expected square metres (m²)…`.
    """
    if error["type"] == "missing" and loc:
        return t("pyd.missing", field=loc[-1])
    message = _pydantic_message(error)
    value = error.get("input")
    if isinstance(value, str):
        message += t("pyd.got", value=_quote(value))
    elif value is None:
        message += t("pyd.got_empty")
    elif error["type"].endswith("_type") or error["type"] == "extra_forbidden":
        if isinstance(value, dict):
            message += t("pyd.got_mapping")
        elif isinstance(value, list):
            message += t("pyd.got_list")
    ctx = error.get("ctx") or {}
    if "problem" in ctx and ctx.get("expected"):
        message += t("pyd.expected", expected=ctx["expected"])
    return message


_PYDANTIC_TYPES = frozenset(
    (
        "extra_forbidden",
        "literal_error",
        "enum",
        "string_pattern_mismatch",
        "string_too_long",
        "string_too_short",
        "too_short",
        "too_long",
        "string_type",
        "dict_type",
        "list_type",
        "model_type",
        "model_attributes_type",
        "int_parsing",
        "int_type",
        "bool_parsing",
        "greater_than",
        "greater_than_equal",
        "union_tag_invalid",
        "union_tag_not_found",
    )
)
"""pydantic error types with a message of their own in the catalogues; others get `pyd.other`."""


def _choices(expected: str) -> str:
    """pydantic's `'a', 'b' or 'c'` in the reader's language."""
    items = _QUOTED.findall(expected)
    if not items:
        return expected
    if len(items) == 1:
        return f"'{items[0]}'"
    return t("pyd.choices", items=t("tree.list_separator").join(f"'{i}'" for i in items))


def _pydantic_message(error: ErrorDetails) -> str:
    """Our validators' own (already translated) text, or pydantic's message from the catalogue."""
    kind = error["type"]
    if kind in ("value_error", "assertion_error"):
        message = error["msg"]
        for prefix in _MESSAGE_PREFIXES:
            message = message.removeprefix(prefix)
        return message
    if kind not in _PYDANTIC_TYPES:
        return t("pyd.other", type=kind, message=error["msg"])
    if kind == "string_pattern_mismatch":  # a sentence and an example, never the pattern
        from landrules.model.words import shape_message

        return shape_message(str((error.get("ctx") or {}).get("pattern", "")))
    ctx = {k: str(v) for k, v in (error.get("ctx") or {}).items()}
    if "expected" in ctx and current_lang() != "en":
        ctx["expected"] = _choices(ctx["expected"])
    if "expected_tags" in ctx and current_lang() != "en":
        ctx["expected_tags"] = _choices(ctx["expected_tags"])
    plural = "one" if ctx.get("min_length", ctx.get("max_length")) == "1" else "many"
    key = f"pyd.{kind}.{plural}" if kind in ("too_short", "too_long") else f"pyd.{kind}"
    if kind in ("string_too_short", "string_too_long"):
        key = f"pyd.{kind}.{plural}"
    try:
        return t(key, **ctx)
    except KeyError:  # a ctx value this pydantic version does not give: its own words instead
        return t("pyd.other", type=kind, message=error["msg"])


_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


def error_hint(error: ErrorDetails) -> str:
    """The hint for one pydantic error: the validator's own, a did-you-mean for a misspelt
    choice (enum value or rule kind), or advice to quote text that YAML read as structure.

    Shared by parcel files, rule files and register rows, so every input gets the same help.
    """
    ctx = error.get("ctx") or {}
    kind = error["type"]
    value = error.get("input")
    if ctx.get("hint"):
        return str(ctx["hint"])
    if kind in ("literal_error", "enum") and isinstance(value, str):
        return _did_you_mean(value, _QUOTED.findall(str(ctx.get("expected", ""))), None)
    if kind == "union_tag_invalid":
        return _did_you_mean(
            str(ctx.get("tag", "")), _QUOTED.findall(str(ctx.get("expected_tags", ""))), None
        )
    if kind == "string_pattern_mismatch" and isinstance(value, str):
        return _pattern_hint(value, str(ctx.get("pattern", "")))
    if kind == "string_type" and isinstance(value, (dict, list)):
        return t("hint.single_text")
    return ""


def validation_problems(
    doc: Document,
    err: ValidationError,
    *,
    known_fields: Callable[[tuple[str | int, ...]], list[str]] | None = None,
) -> list[Problem]:
    """Turn a pydantic ValidationError into located Problems, sorted by position and capped.

    `known_fields` gets the parent mapping's data path with the noise already stripped (e.g.
    `('parcels', 0)`) and returns the field names allowed there, for did-you-mean hints.
    """
    located: list[tuple[int, int, int, ErrorDetails, tuple[str | int, ...]]] = []
    for n, error in enumerate(err.errors(include_url=False)):
        raw_loc = tuple(error["loc"])
        kind = error["type"]
        loc = data_loc(doc.data, raw_loc, kind)
        if doc.taints and _tainted(doc.taints, _dotted(loc), kind == "missing"):
            continue  # already reported by the loader at its own position
        if kind == "union_tag_invalid":
            tag_key = str((error.get("ctx") or {}).get("discriminator", "")).strip("'")
            if _has_child(_node_at(doc.data, loc), tag_key):
                loc = (*loc, tag_key)  # point at the misspelt `kind: …`, not the whole item
        if kind == "extra_forbidden" or raw_loc[-1:] == ("[key]",):
            line, col = locate(doc, loc, key=True)
        elif kind == "missing":
            line, col = locate(doc, loc[:-1])
        else:
            line, col = locate(doc, loc)
        located.append((line, col, n, error, loc))
    located.sort(key=lambda t: t[:3])

    problems: list[Problem] = []
    for line, col, _, error, loc in located[:MAX_PROBLEMS]:
        kind = error["type"]
        hint = error_hint(error)
        if kind == "extra_forbidden" and known_fields is not None and loc:
            parent = loc[:-1]
            hint = _did_you_mean(str(loc[-1]), known_fields(parent), _node_at(doc.data, parent))
        problems.append(
            Problem(doc.path, line, col, kind, error_message(error, loc), _dotted(loc), hint)
        )
    if len(located) > MAX_PROBLEMS:
        line, col = located[MAX_PROBLEMS][:2]
        message = t("yaml.more_not_shown", n=len(located) - MAX_PROBLEMS, limit=MAX_PROBLEMS)
        problems.append(Problem(doc.path, line, col, "too-many-errors", message))
    return problems


def _pattern_hint(value: str, pattern: str) -> str:
    """For a code that misses its pattern: the full-width or lost-leading-zero form it likely is."""
    try:
        shape = re.compile(pattern)
    except re.error:
        return ""
    folded = unicodedata.normalize("NFKC", value).strip()
    if folded != value and shape.search(folded):
        return t("hint.ascii", text=folded)
    if value.isdigit() and shape.search("0" + value):
        return t("hint.leading_zero", text=f"0{value}")
    return ""


def _tainted(taints: Sequence[tuple[str, bool]], dotted: str, missing: bool) -> bool:
    """Whether the loader already refused this node (or, for `missing`, a key of its mapping)."""
    for path, only_missing in taints:
        if only_missing:
            if missing and dotted.rpartition(".")[0] == path:
                return True
        elif dotted == path or dotted.startswith(path + ".") or not path:
            return True
    return False


_Model = TypeVar("_Model", bound="BaseModel")


def validate(
    doc: Document,
    model: type[_Model],
    *,
    known_fields: Callable[[tuple[str | int, ...]], list[str]] | None = None,
) -> _Model:
    """Validate a document loaded with `keep_going`, reporting the loader's refusals and the
    schema's complaints together, sorted by position: every problem of a file in one pass."""
    from pydantic import ValidationError

    try:
        result = model.model_validate(doc.data)
    except ValidationError as err:
        found = validation_problems(doc, err, known_fields=known_fields)
        raise InputError(_finish([*doc.problems, *found])) from None
    if doc.problems:
        raise InputError(_finish(list(doc.problems)))
    return result

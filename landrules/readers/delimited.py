"""CSV, TSV and Excel's "Unicode text" (.txt): physical lines → located rows.

Its own record splitting, so that a stray quote can never swallow the rows after it.
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from landrules.i18n import t
from landrules.inputs import (
    RegisterLimits,
)
from landrules.mapping import _BLANKS, LoadedMapping
from landrules.problems import Problem
from landrules.readers import Format, Notices
from landrules.readers.encoding import _CHUNK, codec_or_refuse
from landrules.rows import _LINE_BREAK, _limit, _title_like

MAX_CELL_LINES = 100
"""Line breaks one quoted CSV cell may hold (a remark of a few lines is normal; a stray quote
would otherwise make the rest of the file one cell)."""


def read_tsv(
    path: Path,
    encoding: str | None,
    loaded: LoadedMapping,
    emit: Notices,
    limits: RegisterLimits,
) -> Iterator[tuple[int, Sequence[object] | Problem]]:
    """`.tsv` and Excel's "Unicode text" (`.txt`: UTF-16 LE with a BOM, tabs, CRLF): always
    tab-separated, whatever the first line holds, so a comma in a header cell changes nothing."""
    return read_csv(path, encoding, loaded, emit, limits, delimiter="\t")


def read_csv(
    path: Path,
    encoding: str | None,
    loaded: LoadedMapping,
    emit: Notices,
    limits: RegisterLimits,
    delimiter: str = "",
) -> Iterator[tuple[int, Sequence[object] | Problem]]:
    """A CSV (comma, or tab when the first line has tabs and no comma) or, with `delimiter`,
    a tab-separated file; the encoding is decided over the whole file first (`detect`)."""
    source = str(path)
    codec = codec_or_refuse(path, encoding, emit)
    with path.open(encoding=codec, newline="") as f:
        # decode 64 KiB at a time, not 8 KiB: a quarter less time per line, and per big line
        f._CHUNK_SIZE = 1 << 16  # type: ignore[attr-defined]
        if not delimiter:
            first = f.readline(limits.max_record_bytes + 1)
            delimiter = "\t" if "\t" in first and "," not in first else ","  # "Unicode text"
            f.seek(0)
        records = _CsvRecords(source, delimiter, loaded.header_row, limits, loaded)
        yield from records.rows(_physical_lines(f, limits.max_record_bytes))


CSV = Format("CSV", (".csv",), rows=read_csv, text_cells=True)
TSV = Format("TSV", (".tsv", ".txt"), rows=read_tsv, text_cells=True)


def _physical_lines(f: IO[str], cap: int) -> Iterator[tuple[int, str | None]]:
    """(line number, text with its line end) per physical line; None for a line over `cap`.

    A line over the cap is never held whole: the rest of it is read and dropped in 1 MiB steps.
    """
    read = f.readline
    n = 0
    while True:
        text = read(cap + 1)
        if not text:
            return
        n += 1
        if len(text) > cap and text[-1] not in "\r\n":
            while (more := read(_CHUNK)) and more[-1] not in "\r\n":
                pass
            yield n, None
        else:
            yield n, text


def _parse_record(text: str, delimiter: str) -> tuple[list[str], bool]:
    """The cells of the record `text` starts, and whether it ends in `text`.

    Python's C reader asks for another line exactly when a quoted cell is still open at the end
    of the text it was given; that request is the "not closed" signal.
    """
    wanted = False

    def lines() -> Iterator[str]:
        nonlocal wanted
        yield text
        wanted = True

    try:
        cells = next(csv.reader(lines(), delimiter=delimiter))
    except StopIteration:
        cells = []
    except csv.Error as e:  # not expected with lines read as ours are: refused, never raised
        raise _CsvError(str(e)) from None
    return cells, not wanted


class _CsvError(Exception):
    """A record Python's CSV reader refuses, as the error for that record."""


class _OneLine:
    """An iterator that hands a CSV reader the one line put in it, then ends.

    One strict reader reads every quoted line through it: a record still open at the end of the
    line is then an error ("unexpected end of data") rather than a request for the next line,
    and making no reader per line keeps a register quoted cell by cell at ~3× the speed.
    """

    __slots__ = ("line",)

    def __init__(self) -> None:
        self.line: str | None = None

    def __iter__(self) -> _OneLine:
        return self

    def __next__(self) -> str:
        line = self.line
        if line is None:
            raise StopIteration
        self.line = None
        return line


def _open_quote(text: str, delimiter: str) -> tuple[int, int]:
    """(column, character) of the quote that opens the cell still open at the end of `text`."""
    column, start, quoted, at, i, n = 1, True, False, -1, 0, len(text)
    while i < n:
        c = text[i]
        if quoted:
            if c == '"':
                if i + 1 < n and text[i + 1] == '"':
                    i += 2
                    continue
                quoted = False
        elif c == delimiter:
            column, start = column + 1, True
            i += 1
            continue
        elif c == '"' and start:
            quoted, at = True, i
        start = False
        i += 1
    return column, at + 1


@dataclass(slots=True)
class _CsvRecords:
    """Physical lines → CSV records, so that a stray quote can never swallow rows.

    A quoted cell may run over line ends (Alt+Enter in Excel) only when the record it makes is
    believable: it closes within MAX_CELL_LINES lines, no line it runs into looks like a row
    (holds at least as many cells as the header), and the joined record has the header's cells
    (at least as many, none filled beyond them); in the header itself a cell's later lines must
    hold no delimiter. Otherwise the record is an error at the opening quote and the lines it ran
    into are read again as rows: every physical line ends as a row, an error or a named skip.
    """

    source: str
    delimiter: str
    header_row: int
    limits: RegisterLimits
    loaded: LoadedMapping | None = None  # with auto_header, title rows are not the header
    width: int = 0  # the header's columns up to its last named one; 0 before the header
    headers: list[str] = field(default_factory=list)

    feed: _OneLine = field(default_factory=_OneLine)
    strict: Iterator[list[str]] = field(init=False)

    def __post_init__(self) -> None:
        # Python's reader refuses a cell over 131,072 characters with its own words; our own
        # caps (a line, a cell) come first and name their flags, so its cap must not bite.
        wanted = self.limits.max_record_bytes + self.limits.max_cell_chars + 1
        if csv.field_size_limit() < wanted:
            csv.field_size_limit(wanted)
        self.strict = csv.reader(self.feed, delimiter=self.delimiter, strict=True)

    def _parse(self, text: str) -> tuple[list[str], bool]:
        """`_parse_record`, through the one strict reader when the line is a whole record."""
        self.feed.line = text
        try:
            return next(self.strict), True
        except (csv.Error, StopIteration):  # open at the end, or `"a"b`: the lenient reading
            self.feed.line = None
            return _parse_record(text, self.delimiter)

    def rows(
        self, lines: Iterator[tuple[int, str | None]]
    ) -> Iterator[tuple[int, Sequence[object] | Problem]]:
        """(first physical line, cells) per record; a Problem for a record that is refused."""
        delimiter = self.delimiter
        limits = self.limits
        max_cells, max_chars = limits.max_cells, limits.max_cell_chars
        again: deque[tuple[int, str | None]] = deque()
        while True:
            got = again.popleft() if again else next(lines, None)
            if got is None:
                return
            n, text = got
            if text is None:
                yield n, self._too_big(n)
                continue
            if text.count(delimiter) >= max_cells:
                yield n, _limit(self.source, n, 1, "too-many-cells", "max_cells", max_cells)
                continue
            if '"' not in text:
                cells: list[str] = text.rstrip("\r\n").split(delimiter)
            else:
                try:
                    cells, closed = self._parse(text)
                    joined = None
                    if not closed and n >= self.header_row:
                        joined = self._span(n, text, lines, again)
                except _CsvError as e:
                    message = f"unreadable CSV record: {e}"
                    yield n, Problem(self.source, n, 1, "csv", message)
                    continue
                if isinstance(joined, Problem):
                    yield n, joined
                    continue
                if joined is not None:
                    cells = joined
            if len(text) > max_chars:
                long = next((i for i, c in enumerate(cells, 1) if len(c) > max_chars), 0)
                if long:
                    yield (
                        n,
                        _limit(self.source, n, long, "cell-too-long", "max_cell_chars", max_chars),
                    )
                    continue
            if not self.width and n >= self.header_row and not self._title(n, cells):
                self.width = 1 + max(
                    (i for i, c in enumerate(cells) if c.strip(_BLANKS)), default=0
                )
                self.headers = cells
            yield n, cells

    def _span(
        self,
        n: int,
        text: str,
        lines: Iterator[tuple[int, str | None]],
        again: deque[tuple[int, str | None]],
    ) -> list[str] | Problem:
        """The cells of a record whose quoted cell runs past line `n`, or the error refusing it.

        On an error, the lines read past `n` are put back to be read again as rows.
        """
        delimiter, width = self.delimiter, self.width
        taken: list[tuple[int, str | None]] = []
        parts = [text]
        size = len(text)
        why = ""
        while True:
            got = again.popleft() if again else next(lines, None)
            if got is None:
                why = t("reg.quote.eof")
                break
            taken.append(got)
            m, more = got
            if more is None:
                why = t("reg.quote.too_long", line=m)
                break
            if width and more.count(delimiter) + 1 >= width:
                why = t("reg.quote.row", line=m)
                break
            parts.append(more)
            size += len(more)
            if len(parts) > MAX_CELL_LINES + 1 or size > self.limits.max_cell_chars:
                why = t("reg.quote.lines", lines=MAX_CELL_LINES)
                break
            cells, closed = _parse_record("".join(parts), delimiter)
            if not closed:
                continue
            if width:
                filled = 1 + max((i for i, c in enumerate(cells) if c.strip(_BLANKS)), default=0)
                if len(cells) < width or filled > width:
                    why = t("reg.quote.cells", got=len(cells), width=width)
                    break
            elif any(
                delimiter in _LINE_BREAK.split(c, 1)[-1] for c in cells if "\n" in c or "\r" in c
            ):
                why = t("reg.quote.header")
                break
            return cells
        again.extendleft(reversed(taken))
        column, char = _open_quote(text, delimiter)
        message = t("reg.quote", char=char, why=why)
        header = self.headers[column - 1] if column <= len(self.headers) else ""
        hint = t("reg.hint.quote")
        return Problem(self.source, n, column, "open-quote", message, header, hint)

    def _title(self, n: int, cells: list[str]) -> bool:
        loaded = self.loaded
        if loaded is None or not loaded.auto_header:
            return False
        return _title_like(cells, loaded, n - self.header_row)

    def _too_big(self, n: int) -> Problem:
        cap = self.limits.max_record_bytes
        return _limit(self.source, n, 1, "row-too-big", "max_record_bytes", cap)

"""Located rows → Items: the register layout a spreadsheet has, whatever format it came in.

Every tabular reader yields `(line, cells)`; here the header is found (title rows skipped),
totals and blank rows are named and skipped, Excel's display formats are read with a notice, and
each cell enters the parcel data through the mapping (`_Row`). One path for every tabular format
keeps their verdicts identical.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, cast

from landrules.cells import mark_typed
from landrules.i18n import cell_words, t
from landrules.inputs import (
    REGISTER_LIMIT_FLAGS,
    VERDICT_PREFIXES,
    MiB,
    RegisterLimits,
)
from landrules.items import Item, failed
from landrules.mapping import (
    _BLANKS,
    NOT_REGISTER_COLUMNS,
    REGISTER_FIELDS,
    LoadedMapping,
    RegisterField,
    _field_path,
    _norm,
    _resolve,
    _Target,
    area_to_m2,
)
from landrules.model.types import (
    NumberTextError,
    area_unit,
    parse_plain_decimal,
)
from landrules.problems import Problem
from landrules.readers import Cells, LocatedRow, Notices


@dataclass(frozen=True, slots=True, order=True)
class SkippedRows(Problem):
    """The notice naming skipped rows, lines `line`…`last`: skipped, but never silently.

    `lines`: every physical line skipped, when they are not one run (totals rows, title rows).
    """

    last: int = 0
    lines: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class _Column:
    index: int  # 1-based
    header: str  # as read
    key: str  # its key in Item.raw: the header, made unique
    target: _Target | None


@dataclass(slots=True)
class _Layout:
    """A header row, resolved once per file and shared by every row."""

    columns: list[_Column]
    locations: dict[str, tuple[int, str]] = field(default_factory=dict)
    unknown: list[_Column] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    by_position: list[_Column] = field(default_factory=list)  # mapped by the mapping's `positions:`


def _layout(source: str, line: int, headers: Sequence[str], mapping: LoadedMapping) -> _Layout:
    # Trailing empty header cells are spreadsheet formatting, not columns.
    last = max((i for i, h in enumerate(headers) if h.strip(_BLANKS)), default=-1)
    last = max(last, max(mapping.positions, default=0) - 1)
    layout = _Layout([])
    seen: set[str] = set()
    for i, header in enumerate([*headers, *[""] * (last + 1 - len(headers))][: last + 1], 1):
        key = header if header and header not in seen else f"{header}#{i}"
        seen.add(key)
        if i in mapping.positions:  # the mapping names this column by its place, not its header
            target, known, problem = mapping.positions[i], True, ""
        else:
            target, known, problem = _resolve(header, mapping)
        column = _Column(i, header, key, target)
        layout.columns.append(column)
        if i in mapping.positions:
            layout.by_position.append(column)
        if problem:
            layout.problems.append(Problem(source, line, i, "bad-header", problem, header))
        elif target is not None:
            layout.locations.setdefault(target.field.path, (i, header or _letters(i)))
        elif not known and not header.startswith(VERDICT_PREFIXES):
            layout.unknown.append(column)
    return layout


def _may_have_two_levels(heads: Sequence[str], loaded: LoadedMapping) -> bool:
    """A header with a blank or unknown cell among its columns may have a second level below.

    In a merged two-level header (`实施前` over `生产性用房面积` and `非生产性用房面积`) the upper
    row holds group words and blanks where cells were merged; a plain header has neither.
    """
    last = max((i for i, h in enumerate(heads) if h.strip(_BLANKS)), default=-1)
    return any(not h.strip(_BLANKS) or not _resolve(h, loaded)[1] for h in heads[: last + 1])


@dataclass(frozen=True, slots=True)
class _TwoLevels:
    """A header read from two rows: each column's header, and what was combined into what."""

    headers: list[str]
    combined: list[tuple[int, str, str, str]]  # (column, upper, lower, header)

    def notice(self, source: str, upper: int, lower: int) -> Problem:
        made = t("tree.list_separator").join(
            t("reg.two_level_column", upper=u, lower=lo, header=h, column=_letters(c))
            for c, u, lo, h in self.combined
        )
        message = t("reg.two_level_header", upper=upper, lower=lower, columns=made)
        hint = t("reg.hint.two_level_header")
        first = self.combined[0][0]
        return Problem(
            source, upper, first, "two-level-header", message, hint=hint, severity="warning"
        )


def _two_levels(
    upper: Sequence[str], lower: Sequence[str], loaded: LoadedMapping
) -> _TwoLevels | None:
    """The two rows as one header, or None when `lower` is not a header's second level.

    A merged cell keeps its text in its first column, so an upper cell left blank belongs to the
    group on its left. `lower` is a second level only if its cells stand under group words or
    merged blanks, never under a header that is complete by itself (there they are data), and
    at least one group word and the word under it make a header landrules knows.
    """
    width = max(len(upper), len(lower))
    up = [*upper, *[""] * (width - len(upper))]
    low = [*lower, *[""] * (width - len(lower))]
    headers: list[str] = []
    combined: list[tuple[int, str, str, str]] = []
    group = ""
    for i, (above, below) in enumerate(zip(up, low, strict=True), 1):
        above, below = above.strip(_BLANKS), below.strip(_BLANKS)
        if above:
            group = above
        if not below:
            headers.append(above)
            continue
        if above and _resolve(above, loaded)[1]:
            return None  # a value under a complete header: the row is data
        name = f"{group}{below}"
        if group and _resolve(name, loaded)[1]:
            headers.append(name)
            combined.append((i, group, below, name))
        else:
            headers.append(below if not group or _resolve(below, loaded)[1] else name)
    if not combined:
        return None
    return _TwoLevels(headers, combined)


def _letters(column: int) -> str:
    """A 1-based column number as Excel names it: 1 → A, 27 → AA."""
    name = ""
    while column:
        column, rest = divmod(column - 1, 26)
        name = chr(65 + rest) + name
    return name


def _by_position_notice(source: str, line: int, columns: Sequence[_Column]) -> Problem:
    """The columns the mapping names by position, with the header each actually has."""
    read = t("tree.list_separator").join(
        t(
            "reg.by_position_column",
            column=_letters(c.index),
            header=c.header or t("reg.empty_header"),
            field=c.target.field.path if c.target else t("reg.ignored"),
        )
        for c in columns
    )
    message = t("reg.by_position", columns=read)
    return Problem(
        source, line, columns[0].index, "columns-by-position", message, severity="warning"
    )


def _unknown_notice(source: str, line: int, unknown: Sequence[_Column]) -> Problem:
    names = ", ".join(f"{c.header or '(empty)'} (column {c.index})" for c in unknown)
    lists = [n for c in unknown if (n := _norm(c.header)) in NOT_REGISTER_COLUMNS]
    why = f"; {', '.join(lists)} can only be given in a YAML file" if lists else ""
    plural = "s" if len(unknown) > 1 else ""
    return Problem(
        source,
        line,
        unknown[0].index,
        "unknown-columns",
        f"column{plural} not read as parcel facts (copied through to csv/geojson output): "
        f"{names}{why}",
        severity="warning",
    )


# ---------------------------------------------------------------------------------------------
# Cells → parcel data


def _number_text(value: float | int) -> str:
    """A spreadsheet or JSON number as the text a person sees: 20000.0 → 20000, no float noise.

    15 significant digits, as Excel shows them.
    """
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        return repr(value)
    text = format(Decimal(f"{value:.15g}"), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _cell_text(value: object) -> str:
    """Any cell value as text ('' for an empty cell); dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _number_text(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):  # a duration cell ([h]:mm) in a workbook read by calamine
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _short(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return repr(text if len(text) <= 40 else text[:39] + "…")


def _split(path: str) -> tuple[tuple[str, ...], str]:
    *parents, leaf = path.split(".")
    return tuple(parents), leaf


_SPLIT = {path: _split(path) for path in REGISTER_FIELDS}
"""Each field path's parent keys and leaf, split once rather than for every cell."""


@dataclass(frozen=True, slots=True)
class _NotANumber:
    """A cell in a column whose header gives a unit, that is not a plain number."""

    text: str
    problem: str
    hint: str = ""


@dataclass(frozen=True, slots=True)
class _StatedLand:
    """A land area in a 亩 or 公顷 column, kept as `parcel.land_area` text (`2亩`), so the model
    computes with its exact area (4000/3 m²) rather than one rounded to 0.01 m² here."""

    text: str


@dataclass(slots=True)
class _Row:
    """One row's parcel data, built cell by cell."""

    mapping: LoadedMapping
    source: str
    line: int
    data: dict[str, Any] = field(default_factory=dict)
    given: dict[str, tuple[Any, int, str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def cell(self, target: _Target, value: object, col: int, header: str) -> None:
        """Put one cell into the data; an empty cell is an unknown fact and adds nothing."""
        f = target.field
        if isinstance(value, str) and not f.is_list and target.unit is None:  # `_convert`, short
            text = value.strip(_BLANKS)
            table = self.mapping.values.get(f.path) if text else None
            final = table.get(text, text) if table is not None else text
            if final:
                self.put(f.path, final, col, header)
            return
        final = self._convert(target, value)
        if final is None:
            return
        if isinstance(final, _StatedLand):  # the land area in 亩 or 公顷, computed exactly
            self.put("parcel.land_area", final.text, col, header)
            return
        if isinstance(final, _NotANumber):
            message = t("reg.area", problem=final.problem, got=_short(final.text), unit=target.unit)
            self.problems.append(
                Problem(self.source, self.line, col, "area", message, header, final.hint)
            )
            return
        self.put(target.field.path, final, col, header)

    def put(self, path: str, final: Any, col: int, header: str) -> None:
        """Set a converted value; a second column giving the field must agree with the first."""
        previous = self.given.get(path)
        if previous is not None:
            if previous[0] != final:
                message = t(
                    "reg.two_columns",
                    first=previous[2],
                    first_col=previous[1],
                    header=header,
                    col=col,
                    path=path,
                    a=_short(previous[0]),
                    b=_short(final),
                )
                self.problems.append(
                    Problem(self.source, self.line, col, "conflicting-columns", message, header)
                )
            return
        self.given[path] = (final, col, header)
        parents, leaf = _SPLIT.get(path) or _split(path)
        node = self.data
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = final

    def _convert(self, target: _Target, value: object) -> Any:
        f = target.field
        if f.is_list:
            parts = value if isinstance(value, list) else [_cell_text(value)]
            for sep in self.mapping.separators:
                parts = [q for p in parts for q in _cell_text(p).split(sep)]
            items = [self._mapped(f, _cell_text(p).strip(_BLANKS)) for p in parts]
            return [v for v in items if v] or None
        final = self._mapped(f, _cell_text(value).strip(_BLANKS))
        if final and target.unit is not None:
            try:
                parse_plain_decimal(final)
            except NumberTextError as e:
                if e.other_unit:  # 30亩 under 用地面积（亩）
                    return _NotANumber(final, t("reg.number_only", unit=target.unit))
                return _NotANumber(final, e.problem, e.hint)
            if f.path == "parcel.land_area_m2" and area_unit(target.unit) != "m²":
                return _StatedLand(f"{final}{area_unit(target.unit)}")  # exact, never rounded
            return area_to_m2(final, target.unit)
        return final or None  # anything else is the model's to refuse, with its own message

    def _mapped(self, f: RegisterField, text: str) -> str | None:
        table = self.mapping.values.get(f.path)
        return table.get(text, text) if table is not None and text else text

    def finish(self) -> dict[str, Any]:
        self.data.setdefault("schema_version", "1")
        return self.data


@dataclass(frozen=True, slots=True)
class _Plan:
    """How one mapped column's cell enters a row, resolved once per file."""

    at: int  # 0-based index of the cell
    column: _Column
    target: _Target
    table: dict[str, str | None] | None  # the mapping's `values:` for the field
    direct: bool  # neither a list nor a unit: the trimmed text, mapped, is the value
    alone: bool  # no other column gives the field, so no two values can conflict
    parents: tuple[str, ...]
    leaf: str


def _plans(layout: _Layout, loaded: LoadedMapping) -> list[_Plan]:
    """A plan per mapped column, in column order (the order cells enter the row's data)."""
    mapped = [(c, c.target) for c in layout.columns if c.target is not None]
    paths = [target.field.path for _, target in mapped]
    plans = []
    for c, target in mapped:
        path = target.field.path
        parents, leaf = _SPLIT.get(path) or _split(path)
        direct = not target.field.is_list and target.unit is None
        table = loaded.values.get(path)
        alone = paths.count(path) == 1
        plans.append(_Plan(c.index - 1, c, target, table, direct, alone, parents, leaf))
    return plans


def rows_to_items(
    source: str,
    rows: Iterable[LocatedRow],
    loaded: LoadedMapping,
    emit: Notices,
    limits: RegisterLimits,
    *,
    text_cells: bool = False,
    extras: bool = False,
) -> Iterator[Item]:
    """Located rows, (line, cells) pairs, header first, become Items (a Problem: a bad record).

    `text_cells`: every cell is already a str (CSV), so none is converted or is a number.
    `extras`: rows are (line, cells, extras) triples; each extras mapping (Item field → value,
    e.g. a layer's geometry) is set on the row's Item.
    A blank cell adds nothing to the data (`_Row.cell` gives None for it), so it is skipped.
    Blank rows are skipped too, each run of them named in one notice (`SkippedRows`).
    """
    layout: _Layout | None = None
    titles: list[int] = []  # title rows above the header (found when no header row is given)
    totals: list[int] = []  # 合计/小计/总计 rows: every physical line they take
    code_at = 0  # the parcel code's cell, if not the first: it too can name a totals row
    steps: list[tuple[int, bool, dict[str, str | None] | None, tuple[str, ...], str, _Plan]] = []
    displays: list[tuple[int, str, _Column]] = []  # number and date columns: Excel's formats
    excel: dict[int, _Accepted] = {}  # column index → Excel display formats read in it
    keys: list[str] = []
    blanks = _BLANKS
    warned_numbers: set[int] = set()
    skipped: list[int] = []  # [first, last] line of the current run of blank rows
    pending: tuple[int, list[str]] | None = None  # a header row whose second level may follow
    held: list[Mapping[str, Any] | None] = [None]  # the current row's extras (`extras=True`)
    pairs = _pairs(rows, held) if extras else cast("Iterable[tuple[int, Cells]]", rows)
    for line, cells in pairs:
        if skipped and not (isinstance(cells, Sequence) and _blank(cells, text_cells)):
            emit(_skipped(source, skipped))
            skipped = []
        if isinstance(cells, Problem) and pending is None:
            yield Item(source, line, problems=[cells])
            if layout is None and line >= loaded.header_row:
                return  # no header, no columns: the file cannot be read
            continue
        if layout is None:
            if line < loaded.header_row:
                continue
            heads = [] if isinstance(cells, Problem) else [_cell_text(c) for c in cells]
            if pending is None:
                if loaded.auto_header and _title_like(heads, loaded, line - loaded.header_row):
                    spans = sum(len(_LINE_BREAK.findall(h)) for h in heads) if text_cells else 0
                    titles.extend(range(line, line + spans + 1))  # blank ones too: all named
                    continue
                if titles:
                    emit(_titles_notice(source, titles, line))
                if loaded.auto_header and _may_have_two_levels(heads, loaded):
                    pending = (line, heads)  # the next row may be the header's second level
                    continue
                header_line, header, combined = line, heads, None
            else:
                header_line, header = pending
                combined = _two_levels(header, heads, loaded)
                if combined is not None:
                    header = combined.headers
            layout = _layout(source, header_line, header, loaded)
            if layout.problems:
                yield Item(source, header_line, problems=layout.problems)
                return
            if not layout.locations:
                problem = _no_fields(source, header_line, layout, loaded)
                yield Item(source, header_line, problems=[problem])
                return
            if combined is not None:
                emit(combined.notice(source, header_line, line))
            if layout.by_position:
                emit(_by_position_notice(source, header_line, layout.by_position))
            if layout.unknown:
                emit(_unknown_notice(source, header_line, layout.unknown))
            steps = [
                (p.at, p.direct and p.alone, p.table, p.parents, p.leaf, p)
                for p in _plans(layout, loaded)
            ]
            displays = [
                (p.at, kind, p.column) for p in _plans(layout, loaded) if (kind := _display(p))
            ]
            keys = [c.key for c in layout.columns]
            code = layout.locations.get("parcel.code")
            code_at = code[0] - 1 if code is not None else 0
            if pending is None or combined is not None:
                pending = None
                continue
            pending = None  # one level after all: this row is the first row of data
            if isinstance(cells, Problem):
                yield Item(source, line, problems=[cells])
                continue
        cells = cast("Sequence[object]", cells)  # a bad record was reported above
        if not text_cells:
            refused = _cell_limits(source, line, cells, limits)
            if refused is not None:
                yield Item(source, line, problems=[refused])
                continue
        texts = cast("Sequence[str]", cells) if text_cells else [_cell_text(c) for c in cells]
        if not any(t.strip(_BLANKS) for t in texts):
            # blank rows: spreadsheets are full of them; named, with the lines a cell spans
            last = line + sum(len(_LINE_BREAK.findall(t)) for t in texts) if text_cells else line
            skipped = [skipped[0] if skipped else line, last]
            continue
        first = texts[0]
        if ("计" in first and _is_total(first)) or (
            code_at
            and code_at < len(texts)
            and "计" in texts[code_at]
            and _is_total(texts[code_at])
        ):
            last = line + sum(len(_LINE_BREAK.findall(t)) for t in texts) if text_cells else line
            totals.extend(range(line, last + 1))
            continue
        width = len(keys)
        count = len(texts)
        padded = texts if count >= width else [*texts, *[""] * (width - count)]
        raw = dict(zip(keys, padded, strict=False))  # cells past the header are not columns
        if not text_cells:
            mark_typed(raw, keys, cells)  # a workbook result writes numbers back as numbers
        row = _Row(loaded, source, line)
        data = row.data
        if count > width:
            extra = next((i for i, t in enumerate(texts[width:], width + 1) if t.strip(_BLANKS)), 0)
            if extra:
                message = t("reg.extra_cell", width=width, text=_short(texts[extra - 1]))
                hint = t("reg.hint.extra_cell")
                row.problems.append(Problem(source, line, extra, "extra-cell", message, hint=hint))
        edited: list[str] | None = None
        for at, kind, column in displays:  # before the cells are read: `13,333.30`, `2024/6/3`
            if at >= count:
                continue
            key = at
            read: str | Problem | None
            if kind == "date" and not text_cells and _is_number(cells[at]):
                # a date typed into a General cell: Excel's day number (issue 13)
                key, read = -1 - at, _serial_date(source, line, column, cast("float", cells[at]))
            elif kind == "number" and "," not in texts[at]:
                continue
            else:
                read = _read_display(kind, texts[at])
            if read is None:
                continue
            if isinstance(read, Problem):  # refused at its cell, and not read again as a date
                row.problems.append(read)
                read = ""
            else:
                accepted = excel.get(key)
                if accepted is None:
                    accepted = excel[key] = _Accepted(column, line, texts[at], read)
                    if key < 0:
                        accepted.key, accepted.code = "reg.excel_serial", "excel-date-number"
                accepted.count += 1
            if edited is None:
                texts = edited = list(texts)  # the row's raw cells stay as written
            edited[at] = read
        for at, fast, table, parents, leaf, plan in steps:
            if at >= count:
                continue
            if not text_cells:
                value = cells[at]
                c = plan.column
                if (
                    plan.target.field.is_code
                    and isinstance(value, (int, float))
                    and not isinstance(value, bool)
                    and c.index not in warned_numbers
                ):
                    warned_numbers.add(c.index)
                    emit(_number_code_notice(source, line, c))
            text = texts[at]
            if not text:
                continue  # an empty cell adds nothing, whatever its column
            if fast:
                final: str | None = text.strip(blanks)
                if final and table is not None:
                    final = table.get(final, final)
                if not final:
                    continue
                node = data
                for part in parents:
                    child = node.get(part)
                    if child is None:
                        child = node[part] = {}
                    node = child
                node[leaf] = final
            else:
                with cell_words():  # its refusals say what to type in the cell
                    row.cell(plan.target, text, plan.column.index, plan.column.header)
        item = Item(
            source,
            line,
            data=row.finish(),
            columns=layout.locations,
            raw=raw,
            problems=row.problems,
        )
        if extras and held[0]:
            for name, value in held[0].items():
                setattr(item, name, value)
        yield item
    if pending is not None:  # a header and nothing under it
        layout = _layout(source, pending[0], pending[1], loaded)
        if layout.problems or not layout.locations:
            problem = _no_fields(source, pending[0], layout, loaded)
            yield Item(source, pending[0], problems=layout.problems or [problem])
            return
    if skipped:
        emit(_skipped(source, skipped))
    if totals:
        emit(_totals_notice(source, totals))
    for accepted in excel.values():
        emit(accepted.notice(source))
    if layout is None:
        row_no = t("reg.header_row", row=loaded.header_row) if loaded.header_row > 1 else ""
        yield failed(source, 1, 1, "empty", t("reg.no_header", row=row_no))


def _pairs(
    rows: Iterable[LocatedRow], held: list[Mapping[str, Any] | None]
) -> Iterator[tuple[int, Cells]]:
    """(line, cells, extras) triples as pairs, each row's extras left in `held[0]`."""
    for row in rows:
        held[0] = row[2] if len(row) > 2 else None  # type: ignore[misc]
        yield row[0], row[1]


TOTALS = frozenset({"合计", "小计", "总计", "总合计", "共计"})
"""What the first cell or the parcel-code cell of a totals row says (spaces ignored: `合 计`)."""
MAX_TITLE_ROWS = 10
"""Rows above the header that may be title rows (a table's name, its unit, who filled it in)."""


def _is_total(text: str) -> bool:
    """A totals or subtotal row's label: `合计`, `小 计`, `总计：` (spaces and a colon ignored)."""
    if not text or len(text) > 12:
        return False
    return "".join(text.split()).rstrip(":：") in TOTALS


def _title_like(texts: Sequence[str], loaded: LoadedMapping, above: int) -> bool:
    """A row above the header: blank, one cell (a merged title), or two where one is a label
    (`填报单位：…`, `单位：亩`); never a row holding a known header.

    A header is the first row that is not title-like, so a register whose header is unknown
    (`序号,名字`) still fails at its header, not after skipping its rows. Only MAX_TITLE_ROWS rows
    are looked at.
    """
    if above >= MAX_TITLE_ROWS:
        return False
    filled = [c for c in texts if c.strip(_BLANKS)]
    if len(filled) > 2 or (len(filled) == 2 and not any(":" in c or "：" in c for c in filled)):
        return False
    return not any(_resolve(c, loaded)[1] or _field_path(_norm(c)) for c in filled)


def _skipped_notice(source: str, code: str, lines: list[int], message: str) -> SkippedRows:
    """One warning naming every row of a kind that was skipped (`lines`, physical lines)."""
    return SkippedRows(
        source,
        lines[0],
        0,
        code,
        message,
        severity="warning",
        last=lines[-1],
        lines=tuple(lines),
    )


def _titles_notice(source: str, lines: list[int], header: int) -> SkippedRows:
    message = t("reg.skipped_titles", lines=", ".join(map(str, lines)), header=header)
    return _skipped_notice(source, "title-rows", lines, message)


def _totals_notice(source: str, lines: list[int]) -> SkippedRows:
    message = t("reg.skipped_totals", lines=", ".join(map(str, lines)))
    return _skipped_notice(source, "total-rows", lines, message)


_GROUPED = re.compile(r"[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?")
"""A number as Excel shows it with thousands separators (`13,333.30`), never `1,2` or `12,34.5`."""
_DATE_SEP = re.compile(r"(\d{4})([/.-])(\d{1,2})\2(\d{1,2})")
_DATE_ZH = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def _display(plan: _Plan) -> str:
    """'number' or 'date' for a column whose cells Excel may show formatted, else ''."""
    f = plan.target.field
    if f.is_list:
        return ""
    if f.is_area:
        return "number"
    if f.path == "application_date" or f.path.endswith(".date"):
        return "date"
    return ""


def _read_display(kind: str, text: str) -> str | None:
    """The plain value of a cell Excel formatted for display (`13,333.30` → `13333.30`,
    `2024/6/3`, `2024年6月3日` → `2024-06-03`), or None: read as written (and refused by the
    model if it is not a value, e.g. `1,2` or `3/6` without a year)."""
    if kind == "number":
        if "," not in text:
            return None
        s = text.strip(_BLANKS)
        return s.replace(",", "") if _GROUPED.fullmatch(s) else None
    s = text.strip(_BLANKS)
    m = _DATE_SEP.fullmatch(s) or _DATE_ZH.fullmatch(s)
    if m is None:
        return None
    if m.re is _DATE_SEP:
        y, mo, d = int(m[1]), int(m[3]), int(m[4])
    else:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    try:
        iso = date(y, mo, d).isoformat()
    except ValueError:
        return None  # 2024/2/30: not a day; the model names it
    return None if iso == s else iso


@dataclass(slots=True)
class _Accepted:
    """Cells of one column read from an Excel display format: named once, with the first."""

    column: _Column
    line: int
    example: str
    read: str
    count: int = 0
    key: str = "reg.excel_format"
    code: str = "excel-format"

    def notice(self, source: str) -> Problem:
        c = self.column
        message = t(
            self.key,
            count=self.count,
            example=self.example,
            read=self.read,
        )
        return Problem(source, self.line, c.index, self.code, message, c.header, severity="warning")


EXCEL_EPOCH = date(1899, 12, 30)
"""Day 0 of Excel's 1900 date system as it counts from day 61 (1900-03-01) on; days 1–60 are off
by one (Excel counts a 29 February 1900 that never was), so they are refused, not guessed."""
SERIAL_DATES = (date(1950, 1, 1), date(2100, 12, 31))
"""The dates a day number in a date column may stand for: outside them (2024 typed as a year
is 1905-07-16) the number is refused at its cell, with the date it would have been."""


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _serial_date(source: str, line: int, column: _Column, value: float) -> str | Problem:
    """A date typed into a General cell, stored as Excel's day number: 45198 → 2023-09-29."""
    shown = _number_text(value)
    day = None
    if math.isfinite(value) and value == int(value) and 61 <= value <= 2_958_465:
        day = EXCEL_EPOCH + timedelta(days=int(value))
        if SERIAL_DATES[0] <= day <= SERIAL_DATES[1]:
            return day.isoformat()
    if day is not None:
        message = t("reg.serial_far", value=shown, read=day.isoformat())
    else:
        message = t("reg.serial_not_a_date", value=shown)
    hint = t("reg.hint.serial")
    return Problem(source, line, column.index, "date-number", message, column.header, hint)


def _blank(cells: Sequence[object], text_cells: bool) -> bool:
    if text_cells:
        return not any(cast("str", c).strip(_BLANKS) for c in cells)
    return not any(_cell_text(c).strip(_BLANKS) for c in cells)


def _skipped(source: str, lines: list[int]) -> SkippedRows:
    first, last = lines
    where = str(first) if first == last else f"{first}–{last}"
    message = t("reg.skipped_blank", lines=where)
    return SkippedRows(source, first, 0, "blank-rows", message, severity="warning", last=last)


def _cell_limits(
    source: str, line: int, cells: Sequence[object], limits: RegisterLimits
) -> Problem | None:
    """A workbook row over the cells-per-row or characters-per-cell limit, located."""
    if len(cells) > limits.max_cells:
        return _limit(
            source, line, limits.max_cells + 1, "too-many-cells", "max_cells", limits.max_cells
        )
    cap = limits.max_cell_chars
    for col, c in enumerate(cells, 1):
        if isinstance(c, str) and len(c) > cap:
            return _limit(source, line, col, "cell-too-long", "max_cell_chars", cap)
    return None


def _amount(name: str, value: int) -> str:
    """A limit as a person reads it: bytes in MiB as well, counts as they are."""
    if name in ("max_record_bytes", "max_unzipped", "max_xlsx_part") and value >= MiB:
        return f"{value / MiB:g} MiB ({value} bytes)"
    return str(value)


def _limit(
    source: str, line: int, col: int, code: str, name: str, value: int, header: str = ""
) -> Problem:
    """A refusal by one register limit, naming it and the `check` flag that raises it."""
    message = t(f"reg.limit.{name}", limit=_amount(name, value))
    hint = t("reg.hint.limit", flag=REGISTER_LIMIT_FLAGS[name])
    return Problem(source, line, col, code, message, header, hint)


def _number_code_notice(source: str, line: int, c: _Column) -> Problem:
    return Problem(
        source,
        line,
        c.index,
        "code-as-number",
        t("reg.code_as_number", line=line),
        c.header,
        t("reg.hint.code_as_number"),
        severity="warning",
    )


def _no_fields(source: str, line: int, layout: _Layout, loaded: LoadedMapping) -> Problem:
    headers = ", ".join(c.header for c in layout.columns[:8]) or t("tests.none")
    return Problem(
        source,
        line,
        1,
        "no-fields",
        t("reg.no_fields", headers=headers),
        hint=t("reg.hint.no_fields", mapping=loaded.source),
    )


_LINE_BREAK = re.compile("\r\n|\r|\n")

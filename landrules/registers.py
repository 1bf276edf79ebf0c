"""Registers: parcels read row by row from CSV, XLSX, JSON Lines and GeoJSON files.

A land bureau keeps its parcels in a spreadsheet or a GIS layer, not in YAML files. Each row or
feature becomes one `Item` whose `data` is the nested parcel record, validated later and per row
by `batch.evaluate_item`, so a bad cell stops its own row and never the file. Files are streamed:
one row is in memory at a time, however long the register.

Cells are text. An empty cell is an unknown fact and is left out, never read as "no" or 0. A
column mapping (`data/default-mapping.yaml`, extended by the user's file) turns headers into field
paths and cell values into the model's words. Warnings about a whole file (unknown columns, a
GB18030 fallback, codes stored as numbers) go to the `notices` callback, or to stderr as one
rendered line each when there is none; a warning never stops a row.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import functools
import json
import math
import re
import sys
import types
import unicodedata
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import IO, Annotated, Any, Union, cast, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    model_validator,
)

from landrules.batch import Item, expand_paths
from landrules.i18n import t
from landrules.inputs import (
    MAX_ZIP_ENTRIES,
    RATIO_FLOOR,
    REGISTER_LIMIT_FLAGS,
    REGISTER_LIMITS,
    REGISTER_SUFFIXES,
    MiB,
    RegisterLimits,
)
from landrules.model.parcel import Parcel
from landrules.model.types import (
    NumberTextError,
    area_unit,
    parse_plain_decimal,
    to_square_metres,
)
from landrules.problems import InputError, Problem
from landrules.schema_walk import fields_at, models_in

__all__ = [
    "DEFAULT_MAPPING",
    "REGISTER_FIELDS",
    "ColumnMapping",
    "LoadedMapping",
    "MixedInputsError",
    "Notices",
    "SkippedRows",
    "area_to_m2",
    "geojson_members",
    "iter_register",
    "load_mapping",
    "register_columns",
    "tabular_columns",
]

Notices = Callable[[Problem], None]
"""Receives the warnings about a whole file (severity "warning"); never errors."""


@dataclass(frozen=True, slots=True, order=True)
class SkippedRows(Problem):
    """The notice naming skipped rows, lines `line`…`last`: skipped, but never silently.

    `lines`: every physical line skipped, when they are not one run (totals rows, title rows).
    """

    last: int = 0
    lines: tuple[int, ...] = ()


DEFAULT_MAPPING = Path(__file__).resolve().parent / "data" / "default-mapping.yaml"
DEFAULT_SEPARATORS = (";", "；", "、")
VERDICT_PREFIXES = ("landrules.", "landrules_")
"""Columns a previous run added: re-reading a result file must not warn about them."""

_CHUNK = 1 << 20
_BLANKS = " \t\r\n\u3000\u00a0"

# ---------------------------------------------------------------------------------------------
# Register fields: the flat facts a row can carry


@dataclass(frozen=True, slots=True)
class RegisterField:
    """A leaf of the parcel model that one register column can give."""

    path: str
    is_list: bool = False  # project.works: several values in one cell
    is_area: bool = False  # m²: a unit in the header converts the column
    is_code: bool = False  # a number in a spreadsheet may have lost a leading zero


def _is_list(annotation: Any) -> bool:
    origin = get_origin(annotation)
    if origin is list:
        return True
    if origin is Annotated:
        return _is_list(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return any(_is_list(a) for a in get_args(annotation))
    return False


def _leaf_fields(model: type[BaseModel], prefix: str = "") -> Iterator[RegisterField]:
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        subs = models_in(info.annotation)
        if subs and _is_list(info.annotation):
            continue  # buildings, approvals.other: lists of records have no flat form
        if subs:
            yield from _leaf_fields(subs[0], f"{path}.")
        else:
            yield RegisterField(
                path,
                is_list=_is_list(info.annotation),
                is_area=name.endswith("_m2"),
                is_code=path == "parcel.code" or name in ("gbt21010", "ydyh"),
            )


REGISTER_FIELDS: dict[str, RegisterField] = {f.path: f for f in _leaf_fields(Parcel)}
"""Every field a register column can give, in schema order (docs/parcel-format.md §10)."""
NOT_REGISTER_COLUMNS = ("buildings", "approvals.other")
"""Lists of records: give them in a YAML file; a register gives floor_area totals."""
_APPROVAL_FACTS = {
    p.removesuffix(".status"): p
    for p in REGISTER_FIELDS
    if p.startswith("approvals.") and p.endswith(".status")
}


def _field_path(name: str) -> str | None:
    """The field a header names directly: a field path, or an approval's fact name (→ status)."""
    if name in REGISTER_FIELDS:
        return name
    return _APPROVAL_FACTS.get(name)


# ---------------------------------------------------------------------------------------------
# Units: a unit in a header applies to its column (the conversion is the model's, so a register
# and a parcel file give the same square metres for the same 亩)

_HEADER_UNIT = re.compile(r"(?P<base>.*?)\s*\(\s*(?P<unit>[^()]+?)\s*\)")


def area_to_m2(text: str, unit: str) -> str:
    """A plain decimal area in `unit` (亩, 公顷, m², any spelling `area_unit` knows) as m² text.

    Exact, then rounded once, half up, to 0.01 m² (`types.to_square_metres`): 30 亩 → 20000.00,
    3 亩 → 2000.00 (not 3 × 666.67). Square metres are returned as written.
    """
    return format(to_square_metres(text, unit), "f")


# ---------------------------------------------------------------------------------------------
# The column mapping


def _check_field(value: str) -> str:
    if _field_path(value) is not None:
        return value
    if value in NOT_REGISTER_COLUMNS:
        raise ValueError(t("reg.list_of_records", value=value))
    match = difflib.get_close_matches(value, list(REGISTER_FIELDS), n=1, cutoff=0.6)
    hint = t("reg.did_you_mean", name=match[0]) if match else ""
    raise ValueError(t("reg.not_a_field", value=repr(value), hint=hint))


def _check_encoding(value: str) -> str:
    try:
        codecs.lookup(value)
    except LookupError:
        raise ValueError(t("yaml.unknown_encoding", encoding=repr(value))) from None
    return value


FieldPath = Annotated[str, AfterValidator(_check_field)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_unit(value: str) -> str:
    canonical = area_unit(value)
    if canonical is None:
        raise ValueError(t("reg.unknown_unit", unit=repr(value)))
    return canonical


class ColumnSpec(_Strict):
    """A column with its unit stated in the mapping: `{field: parcel.land_area_m2, unit: 亩}`."""

    field: FieldPath
    unit: Annotated[str, AfterValidator(_check_unit)] | None = None

    @model_validator(mode="after")
    def _unit_for_an_area(self) -> ColumnSpec:
        path = _field_path(self.field) or self.field
        if self.unit is not None and not REGISTER_FIELDS[path].is_area:
            raise ValueError(t("reg.unit_not_area_field", path=path))
        return self


def _spec_kind(value: Any) -> str:
    return "spec" if isinstance(value, dict) else "path"


ColumnTarget = Annotated[
    Union[Annotated[FieldPath, Tag("path")], Annotated[ColumnSpec, Tag("spec")]],  # noqa: UP007
    Discriminator(_spec_kind),
]


class ColumnMapping(_Strict):
    """A column-mapping file. It extends the default mapping; it never replaces it.

    `columns`: header → field path, or `{field, unit}`, or null to ignore a column quietly.
    `values`: field path → {cell value → the value the model reads}; null means unknown.
    """

    columns: dict[str, ColumnTarget | None] = Field(default_factory=dict)
    values: dict[FieldPath, dict[str, Union[str, None]]] = Field(default_factory=dict)  # noqa: UP007
    encoding: Annotated[str, AfterValidator(_check_encoding)] | None = None
    list_separator: Union[str, list[str], None] = None  # noqa: UP007
    sheet: str | None = None
    header_row: Annotated[int, Field(ge=1)] = 1


@dataclass(frozen=True, slots=True)
class _Target:
    field: RegisterField
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class LoadedMapping:
    """The default mapping merged with the user's; headers are looked up normalised."""

    columns: dict[str, _Target | None]
    values: dict[str, dict[str, str | None]]
    encoding: str | None
    separators: tuple[str, ...]
    sheet: str | None
    header_row: int
    source: str
    auto_header: bool = True  # no `header_row:` or --header-row: title rows are found and skipped


def _norm(header: str) -> str:
    """Headers match after NFKC (full-width brackets, ㎡ → m2) and trimming."""
    return unicodedata.normalize("NFKC", header).strip(_BLANKS)


def _parse(path: Path) -> ColumnMapping:
    from landrules import yamlio

    doc = yamlio.load(path)
    if not isinstance(doc.data, dict):
        raise InputError(
            [Problem(str(path), 1, 1, "not-a-mapping", "a column mapping is a YAML mapping")]
        )
    try:
        return ColumnMapping.model_validate(doc.data)
    except ValidationError as err:
        problems = yamlio.validation_problems(
            doc, err, known_fields=lambda loc: fields_at(ColumnMapping, loc)
        )
        raise InputError(problems) from None


def _target(spec: str | ColumnSpec | None) -> _Target | None:
    if spec is None:
        return None
    name, unit = (spec, None) if isinstance(spec, str) else (spec.field, spec.unit)
    return _Target(REGISTER_FIELDS[_field_path(name) or name], unit)


def _merge(default: ColumnMapping, user: ColumnMapping | None, source: str) -> LoadedMapping:
    columns: dict[str, _Target | None] = {}
    values: dict[str, dict[str, str | None]] = {}
    for mapping in (default, user):
        if mapping is None:
            continue
        for header, spec in mapping.columns.items():
            columns[_norm(header)] = _target(spec)
        for path, table in mapping.values.items():
            values.setdefault(_field_path(path) or path, {}).update(table)
    seps = (user.list_separator if user else None) or default.list_separator
    separators = (seps,) if isinstance(seps, str) else tuple(seps or DEFAULT_SEPARATORS)
    return LoadedMapping(
        columns,
        values,
        user.encoding if user else None,
        separators,
        user.sheet if user else None,
        user.header_row if user else 1,
        source,
        not (user and "header_row" in user.model_fields_set),
    )


@functools.lru_cache(maxsize=8)
def _load_cached(path: str | None, stamp: float) -> LoadedMapping:  # noqa: ARG001 - cache key
    """Parsed once per run; `stamp` (the file's mtime) makes an edited mapping load again."""
    user = _parse(Path(path)) if path is not None else None
    return _merge(_parse(DEFAULT_MAPPING), user, path or str(DEFAULT_MAPPING))


def load_mapping(path: Path | None = None) -> LoadedMapping:
    """The default mapping extended by the user's file; raises InputError with located problems.

    The CLI calls it once before a run, so a bad mapping is refused once rather than per file.
    """
    if path is None:
        return _load_cached(None, 0.0)
    try:
        stamp = path.stat().st_mtime
    except OSError as e:
        reason = e.strerror or str(e)
        message = f"cannot read the column mapping: {reason}"
        raise InputError([Problem(str(path), 0, 0, "unreadable", message)]) from None
    return _load_cached(str(path), stamp)


# ---------------------------------------------------------------------------------------------
# Headers → fields


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


def _lookup(name: str, mapping: LoadedMapping) -> tuple[bool, _Target | None]:
    if name in mapping.columns:
        return True, mapping.columns[name]
    direct = _field_path(name)
    if direct is not None:
        return True, _Target(REGISTER_FIELDS[direct])
    for suffix, unit in (("_mu", "亩"), ("_ha", "公顷")):
        area = f"{name.removesuffix(suffix)}_m2"
        if name.endswith(suffix) and area in REGISTER_FIELDS:
            return True, _Target(REGISTER_FIELDS[area], unit)
    return False, None


def _resolve(header: str, mapping: LoadedMapping) -> tuple[_Target | None, bool, str]:
    """(target, known, problem) for a header; unknown headers are copied through, not read.

    A bracketed unit word (亩, 公顷, ha, 平方米, m²) after a known header applies to its column.
    Any other bracketed word after an area's header (用地面积（万平方米）) is refused by name: read
    as a remark, the column would be dropped and the area silently unknown. Other bracketed words
    are remarks, so such a header is an unknown column.
    """
    name = _norm(header)
    known, target = _lookup(name, mapping)
    if known:
        return target, True, ""
    m = _HEADER_UNIT.fullmatch(name)
    if m is None:
        return None, False, ""
    unit = area_unit(m["unit"])
    known, target = _lookup(m["base"], mapping)
    if unit is None:
        if known and target is not None and target.field.is_area:
            # 用地面积（万平方米）: a unit on an area column, but not one landrules converts
            return None, True, t("reg.unknown_unit", unit=repr(m["unit"]))
        return None, False, ""
    if not known or target is None:
        return None, known, ""
    if not target.field.is_area:
        return None, True, t("reg.unit_not_area", unit=m["unit"], path=target.field.path)
    if target.unit is not None and target.unit != unit:
        message = t("reg.unit_conflict", header=m["unit"], mapping=target.unit)
        return None, True, message
    return _Target(target.field, unit), True, ""


def _layout(source: str, line: int, headers: Sequence[str], mapping: LoadedMapping) -> _Layout:
    # Trailing empty header cells are spreadsheet formatting, not columns.
    last = max((i for i, h in enumerate(headers) if h.strip(_BLANKS)), default=-1)
    layout = _Layout([])
    seen: set[str] = set()
    for i, header in enumerate(headers[: last + 1], 1):
        key = header if header and header not in seen else f"{header}#{i}"
        seen.add(key)
        target, known, problem = _resolve(header, mapping)
        column = _Column(i, header, key, target)
        layout.columns.append(column)
        if problem:
            layout.problems.append(Problem(source, line, i, "bad-header", problem, header))
        elif target is not None:
            layout.locations.setdefault(target.field.path, (i, header))
        elif not known and not header.startswith(VERDICT_PREFIXES):
            layout.unknown.append(column)
    return layout


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


# ---------------------------------------------------------------------------------------------
# Encodings (CSV, JSON Lines, GeoJSON)

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


def _codec_or_refusal(path: Path, encoding: str | None, emit: Notices) -> str | Item:
    """The codec to read a whole-file register with, or the Item that refuses the file."""
    enc = _detect(path, encoding)
    if enc.problem is not None:
        return Item(str(path), enc.problem.line, problems=[enc.problem])
    if enc.notice is not None:
        emit(enc.notice)
    return enc.codec


def _detect(path: Path, explicit: str | None) -> _Encoding:
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


# ---------------------------------------------------------------------------------------------
# Reading


def _stderr(problem: Problem) -> None:
    sys.stderr.write(problem.render() + "\n")


def _failed(source: str, line: int, col: int, code: str, message: str, hint: str = "") -> Item:
    """An item that is only a problem: the file (or this line of it) cannot be read."""
    return Item(source, line, problems=[Problem(source, line, col, code, message, hint=hint)])


Reader = Callable[
    [Path, Union[str, None], LoadedMapping, Notices, RegisterLimits],  # noqa: UP007
    Iterator[Item],
]


def record_as_row(data: dict[str, Any]) -> dict[str, Any] | None:
    """A parcel record (as read from YAML) as the register row stating the same facts.

    Field path → value in register-field order; None when the record needs what a row cannot
    hold (per-building floor areas, other approvals). Used to build registers from parcel files.
    """
    found: dict[str, Any] = {}
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        prefix, node = stack.pop()
        for key, value in node.items():
            if isinstance(value, dict):
                stack.append((f"{prefix}{key}.", value))
            else:
                found[f"{prefix}{key}"] = value
    found.pop("schema_version", None)
    if any(name in found for name in NOT_REGISTER_COLUMNS):
        return None
    unknown = set(found) - set(REGISTER_FIELDS)
    if unknown:
        raise ValueError(f"not register fields: {sorted(unknown)}")
    return {f: found[f] for f in REGISTER_FIELDS if f in found}


def iter_register(
    path: Path,
    *,
    encoding: str | None = None,
    mapping: Path | None = None,
    notices: Notices | None = None,
    limits: RegisterLimits | None = None,
    header_row: int | None = None,
    sheet: str | None = None,
) -> Iterator[Item]:
    """Every row or feature of a register as an `Item`, in file order, one at a time.

    `sheet` (--sheet) wins over the mapping's `sheet:` (workbooks only).

    `header_row` (--header-row) wins over the mapping's `header_row:`; with neither, title rows
    above the header are found and skipped by name (`_title_like`).

    `encoding` (CSV, JSON Lines, GeoJSON) wins over the mapping's `encoding:`. File-level
    warnings go to `notices` (stderr when None). A file that cannot be read, or a bad column
    mapping, gives one Item carrying the problem, so one file never stops a batch. `limits`
    caps rows, cells and workbooks (docs/hardening.md §2).
    """
    source = str(path)
    try:
        loaded = load_mapping(mapping)
    except InputError as err:
        yield Item(source, problems=err.problems)
        return
    if header_row is not None:
        loaded = replace(loaded, header_row=header_row, auto_header=False)
    if sheet is not None:
        loaded = replace(loaded, sheet=sheet)
    readers: dict[str, Reader] = {
        ".csv": _iter_csv,
        ".tsv": _iter_tsv,
        ".txt": _iter_tsv,
        ".xlsx": _workbook,  # issue 13: .xlsx, .xls, .ods through landrules/readers/workbook.py
        ".xls": _workbook,
        ".ods": _workbook,
        ".jsonl": _iter_jsonl,
        ".ndjson": _iter_jsonl,
        ".geojson": _iter_geojson,
    }
    reader = readers.get(path.suffix.lower())
    if reader is None:
        kinds = ", ".join(readers)
        yield _failed(source, 0, 0, "not-a-register", t("reg.not_a_register", kinds=kinds))
        return
    try:
        caps = limits or REGISTER_LIMITS
        yield from reader(path, encoding or loaded.encoding, loaded, notices or _stderr, caps)
    except OSError as e:
        yield _failed(source, 0, 0, "unreadable", t("yaml.unreadable", reason=e.strerror or e))


def _workbook(*args: Any) -> Iterator[Item]:
    from landrules.readers.workbook import iter_workbook

    return iter_workbook(*args)


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


def _rows_to_items(
    source: str,
    rows: Iterable[tuple[int, Sequence[object] | Problem]],
    loaded: LoadedMapping,
    emit: Notices,
    limits: RegisterLimits,
    *,
    text_cells: bool = False,
) -> Iterator[Item]:
    """CSV and XLSX: (line, cells) pairs, header first, become Items (a Problem: a bad record).

    `text_cells`: every cell is already a str (CSV), so none is converted or is a number.
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
    for line, cells in rows:
        if skipped and not (isinstance(cells, Sequence) and _blank(cells, text_cells)):
            emit(_skipped(source, skipped))
            skipped = []
        if isinstance(cells, Problem):
            yield Item(source, line, problems=[cells])
            if layout is None and line >= loaded.header_row:
                return  # no header, no columns: the file cannot be read
            continue
        if layout is None:
            if line < loaded.header_row:
                continue
            heads = [_cell_text(c) for c in cells]
            if loaded.auto_header and _title_like(heads, loaded, line - loaded.header_row):
                spans = sum(len(_LINE_BREAK.findall(h)) for h in heads) if text_cells else 0
                titles.extend(range(line, line + spans + 1))  # blank ones too: all named
                continue
            if titles:
                emit(_titles_notice(source, titles, line))
            layout = _layout(source, line, [_cell_text(c) for c in cells], loaded)
            if layout.problems:
                yield Item(source, line, problems=layout.problems)
                return
            if not layout.locations:
                yield Item(source, line, problems=[_no_fields(source, line, layout, loaded)])
                return
            if layout.unknown:
                emit(_unknown_notice(source, line, layout.unknown))
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
            continue
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
                row.cell(plan.target, text, plan.column.index, plan.column.header)
        yield Item(
            source,
            line,
            data=row.finish(),
            columns=layout.locations,
            raw=raw,
            problems=row.problems,
        )
    if skipped:
        emit(_skipped(source, skipped))
    if totals:
        emit(_totals_notice(source, totals))
    for accepted in excel.values():
        emit(accepted.notice(source))
    if layout is None:
        row_no = t("reg.header_row", row=loaded.header_row) if loaded.header_row > 1 else ""
        yield _failed(source, 1, 1, "empty", t("reg.no_header", row=row_no))


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


# CSV -------------------------------------------------------------------------------------------

MAX_CELL_LINES = 100
"""Line breaks one quoted CSV cell may hold (a remark of a few lines is normal; a stray quote
would otherwise make the rest of the file one cell)."""
_LINE_BREAK = re.compile("\r\n|\r|\n")


def _iter_tsv(
    path: Path,
    encoding: str | None,
    loaded: LoadedMapping,
    emit: Notices,
    limits: RegisterLimits,
) -> Iterator[Item]:
    """`.tsv` and Excel's "Unicode text" (`.txt`: UTF-16 LE with a BOM, tabs, CRLF): always
    tab-separated, whatever the first line holds, so a comma in a header cell changes nothing."""
    return _iter_csv(path, encoding, loaded, emit, limits, delimiter="\t")


def _iter_csv(
    path: Path,
    encoding: str | None,
    loaded: LoadedMapping,
    emit: Notices,
    limits: RegisterLimits,
    delimiter: str = "",
) -> Iterator[Item]:
    """A CSV (comma, or tab when the first line has tabs and no comma) or, with `delimiter`,
    a tab-separated file; the encoding is decided over the whole file first (`_detect`)."""
    source = str(path)
    codec = _codec_or_refusal(path, encoding, emit)
    if isinstance(codec, Item):
        yield codec
        return
    with path.open(encoding=codec, newline="") as f:
        # decode 64 KiB at a time, not 8 KiB: a quarter less time per line, and per big line
        f._CHUNK_SIZE = 1 << 16  # type: ignore[attr-defined]
        if not delimiter:
            first = f.readline(limits.max_record_bytes + 1)
            delimiter = "\t" if "\t" in first and "," not in first else ","  # "Unicode text"
            f.seek(0)
        records = _CsvRecords(source, delimiter, loaded.header_row, limits, loaded)
        rows = records.rows(_physical_lines(f, limits.max_record_bytes))
        yield from _rows_to_items(source, rows, loaded, emit, limits, text_cells=True)


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


# XLSX ------------------------------------------------------------------------------------------


def _iter_xlsx(
    path: Path,
    encoding: str | None,  # noqa: ARG001 - a workbook knows its encoding
    loaded: LoadedMapping,
    emit: Notices,
    limits: RegisterLimits,
) -> Iterator[Item]:
    """The first sheet (or `sheet:`), in openpyxl's read-only streaming mode.

    The zip directory is checked first (`_zip_refusal`): openpyxl reads shared strings and
    styles whole, so a small workbook inflating to gigabytes must be refused before it opens.
    """
    source = str(path)
    try:
        import openpyxl  # type: ignore[import-untyped]
    except ImportError:
        hint = "pip install 'landrules[xlsx]'"
        yield _failed(source, 0, 0, "needs-openpyxl", t("reg.needs_openpyxl"), hint)
        return
    refused = _zip_refusal(path, limits)
    if refused is not None:
        yield Item(source, 0, problems=[refused])
        return
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # zip, XML and openpyxl's own errors all mean "not a workbook"
        message = t("reg.bad_xlsx", error=str(e) or t("reg.bad_xlsx_unknown"))
        yield _failed(source, 0, 0, "bad-xlsx", message, t("reg.hint.bad_xlsx"))
        return
    try:
        if loaded.sheet is not None and loaded.sheet not in book.sheetnames:
            names = ", ".join(book.sheetnames)
            yield _failed(
                source, 0, 0, "no-sheet", t("reg.no_sheet", sheet=repr(loaded.sheet), names=names)
            )
            return
        sheet = book[loaded.sheet] if loaded.sheet is not None else book.worksheets[0]
        sheet.reset_dimensions()  # trust the rows, not a stale <dimension> tag
        rows = _sheet_rows(sheet.iter_rows(values_only=True), source)
        yield from _rows_to_items(source, rows, loaded, emit, limits)
    finally:
        book.close()


def _zip_refusal(path: Path, limits: RegisterLimits) -> Problem | None:
    """A workbook whose zip directory promises too much, refused from the directory alone.

    The directory's sizes bind: Python's zip reader never inflates a part past the size the
    directory gives (a part that tries fails its CRC), so what is checked here is what openpyxl
    can be made to read. Not a zip at all: None, and openpyxl says so in its own words.
    """
    import zipfile

    source = str(path)
    try:
        with path.open("rb") as f:
            end = zipfile._EndRecData(f)  # type: ignore[attr-defined]  # the count, before reading
        if end and end[4] > MAX_ZIP_ENTRIES:
            message = t("reg.zip_entries", n=end[4], limit=MAX_ZIP_ENTRIES)
            return Problem(source, 0, 0, "xlsx-entries", message)
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except Exception:  # any damaged directory: openpyxl refuses it, located, in its own words
        return None
    total = 0
    for info in infos:
        size, stored = info.file_size, info.compress_size
        total += size
        if size > RATIO_FLOOR and size > limits.max_ratio * max(stored, 1):
            ratio = size // max(stored, 1)
            message = t(
                "reg.limit.max_ratio",
                part=info.filename,
                stored=_amount("max_xlsx_part", stored),
                size=_amount("max_xlsx_part", size),
                ratio=ratio,
                limit=limits.max_ratio,
            )
            hint = t("reg.hint.limit", flag=REGISTER_LIMIT_FLAGS["max_ratio"])
            return Problem(source, 0, 0, "xlsx-ratio", message, hint=hint)
        if size > limits.max_xlsx_part and "worksheets/" not in info.filename.lower():
            refused = _limit(
                source, 0, 0, "xlsx-part-too-big", "max_xlsx_part", limits.max_xlsx_part
            )
            return replace(refused, message=f"{info.filename}: {refused.message}")
    if total > limits.max_unzipped:
        return _limit(source, 0, 0, "xlsx-too-big", "max_unzipped", limits.max_unzipped)
    return None


def _sheet_rows(
    rows: Iterator[Sequence[object]], source: str
) -> Iterator[tuple[int, Sequence[object] | Problem]]:
    """Number the sheet's rows; a damaged sheet ends in one problem instead of a traceback."""
    n = 0
    while True:
        try:
            cells = next(rows)
        except StopIteration:
            return
        except Exception as e:  # the sheet XML is broken from here on
            message = f"the sheet cannot be read past this row ({type(e).__name__}: {e})"
            yield n + 1, Problem(source, n + 1, 0, "bad-xlsx", message)
            return
        n += 1
        yield n, cells


# JSON Lines and GeoJSON ------------------------------------------------------------------------


class _JsonNumber(str):
    """A JSON number as the text written (`1e4`, `-0`, `20000.000000000001`), never a float.

    A register cell is text; the model reads it as it reads a YAML number, with the same
    refusals and hints (no exponent, decimal places, no sign), so no value changes on the way.
    """

    __slots__ = ()


@dataclass(slots=True)
class _Json:
    """A JSON decoder that keeps numbers as written and notes every key given twice."""

    duplicates: list[str] = field(default_factory=list)
    decoder: json.JSONDecoder = field(init=False)

    def __post_init__(self) -> None:
        self.decoder = json.JSONDecoder(
            object_pairs_hook=self._pairs,
            parse_float=_JsonNumber,
            parse_int=_JsonNumber,
            parse_constant=_JsonNumber,
        )

    def _pairs(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    self.duplicates.append(key)
                seen.add(key)
        return obj


def _plain(value: Any) -> Any:
    """Numbers back to JSON's own (int or float) for what is copied through to the output."""
    if isinstance(value, _JsonNumber):
        try:
            return int(value)
        except ValueError:
            try:
                return float(value)
            except ValueError:
                return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _flatten(
    obj: Mapping[str, Any], prefix: str = "", clashes: list[str] | None = None
) -> dict[str, Any]:
    """Nested objects become dotted keys ({"parcel": {"code": …}} → parcel.code); lists stay.

    A name given both flat ("parcel.code") and nested goes into `clashes`: which one is meant
    cannot be told, so neither may win silently.
    """
    out: dict[str, Any] = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            inner = _flatten(value, f"{name}.", clashes)
            if clashes is not None:
                clashes.extend(k for k in inner if k in out)
            out.update(inner)
        else:
            if clashes is not None and name in out:
                clashes.append(name)
            out[name] = value
    return out


def _record_problems(
    source: str, line: int, obj: Mapping[str, Any], duplicates: list[str], limits: RegisterLimits
) -> tuple[dict[str, Any], list[Problem]]:
    """A JSON record flattened, and the problems that refuse it (keys twice, limits)."""
    clashes: list[str] = []
    flat = _flatten(obj, "", clashes)
    problems = [
        Problem(source, line, 1, "duplicate-key", t("reg.duplicate_key", key=key), key)
        for key in dict.fromkeys(duplicates)
    ]
    for name in dict.fromkeys(clashes):
        parent, _, leaf = name.rpartition(".")
        nested = (
            "".join(f'{{"{p}": ' for p in parent.split("."))
            + f'{{"{leaf}": …}}'
            + "}" * (parent.count(".") + 1)
        )
        message = t("reg.two_spellings", name=name, nested=nested)
        problems.append(Problem(source, line, 1, "two-spellings", message, name))
    if len(flat) > limits.max_cells:
        problems.append(_limit(source, line, 1, "too-many-cells", "max_cells", limits.max_cells))
    cap = limits.max_cell_chars
    for col, (key, value) in enumerate(flat.items(), 1):
        if isinstance(value, str) and len(value) > cap:
            problems.append(_limit(source, line, col, "cell-too-long", "max_cell_chars", cap, key))
            break
    return flat, problems


@dataclass(slots=True)
class _Keys:
    """JSON records: each key resolved once per file; each unknown key reported once."""

    loaded: LoadedMapping
    source: str
    emit: Notices
    resolved: dict[str, tuple[_Target | None, bool, str]] = field(default_factory=dict)
    warned: set[str] = field(default_factory=set)

    def item(self, line: int, flat: dict[str, Any], raw: dict[str, Any], geometry: Any) -> Item:
        row = _Row(self.loaded, self.source, line)
        columns: dict[str, tuple[int, str]] = {}
        for col, (key, value) in enumerate(flat.items(), 1):
            found = self.resolved.get(key)
            if found is None:
                found = self.resolved[key] = _resolve(key, self.loaded)
            target, known, problem = found
            if problem:
                row.problems.append(Problem(self.source, line, col, "bad-header", problem, key))
            elif target is None:
                if not known and key not in self.warned and not key.startswith(VERDICT_PREFIXES):
                    self.warned.add(key)
                    self.emit(_unknown_notice(self.source, line, [_Column(col, key, key, None)]))
            elif isinstance(value, list) and not target.field.is_list:
                message = t("reg.list_value")
                row.problems.append(Problem(self.source, line, col, "list-value", message, key))
            else:
                columns.setdefault(target.field.path, (col, key))
                row.cell(target, value, col, key)
        return Item(
            self.source,
            line,
            data=row.finish(),
            columns=columns,
            raw=raw,
            geometry=geometry,
            problems=row.problems,
        )


def _iter_jsonl(
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
    enc = _detect(path, encoding)
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
                failed = _failed(source, line, e.start + 1, "encoding", message)
            if line == 1 and text is not None:
                text = text.removeprefix("\ufeff")
            if text is not None and not text.strip():
                skipped = [skipped[0] if skipped else line, line]
                continue
            if skipped:
                emit(_skipped(source, skipped))
                skipped = []
            if text is None:
                yield failed
                continue
            reader.duplicates.clear()
            try:
                obj = reader.decoder.decode(text)
            except json.JSONDecodeError as e:
                yield _failed(source, line, e.colno, "json", t("reg.bad_json", error=e.msg))
                continue
            except RecursionError:
                yield _failed(source, line, 1, "json", t("reg.bad_json", error=t("reg.too_deep")))
                continue
            if not isinstance(obj, dict):
                found = t("num.kind.list" if isinstance(obj, list) else "parcel.found_value")
                message = t("reg.not_an_object", found=found)
                yield _failed(source, line, 1, "not-an-object", message)
                continue
            flat, problems = _record_problems(source, line, obj, reader.duplicates, limits)
            if problems:
                yield Item(source, line, problems=problems)
                continue
            yield keys.item(line, flat, _plain(flat), None)
    if skipped:
        emit(_skipped(source, skipped))


@dataclass(frozen=True, slots=True)
class _TooBig:
    """A value over `max_record_bytes` that was read to its end: refused, and reading goes on."""

    line: int
    col: int


def _skip_line(f: IO[bytes]) -> None:
    """Move past the end of the current line, a block at a time (readline scans byte by byte)."""
    while block := f.read(_CHUNK):
        end = block.find(b"\n")
        if end >= 0:
            f.seek(end + 1 - len(block), 1)
            return


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


def _iter_geojson(
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
    codec = _codec_or_refusal(path, encoding, emit)
    if isinstance(codec, Item):
        yield codec
        return
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
                        yield _failed(source, 1, 1, "not-a-collection", message)
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
                    yield _failed(source, n, 0, "not-a-feature", t("reg.not_a_feature", n=n))
                elif props is not None and not isinstance(props, dict):
                    message = t("reg.properties", n=n)
                    yield _failed(source, n, 0, "properties", message)
                else:
                    props = props or {}
                    flat, problems = _record_problems(source, n, props, duplicates, limits)
                    if problems:
                        yield Item(source, n, problems=problems)
                        continue
                    geometry = _plain(value.get("geometry"))
                    yield keys.item(n, flat, _plain(props), geometry)
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


# ---------------------------------------------------------------------------------------------
# For tabular output: which input columns a result table carries


class MixedInputsError(ValueError):
    """The inputs cannot share one table of results: a usage error for `--format csv`."""


def register_columns(
    path: Path,
    *,
    encoding: str | None = None,
    mapping: Path | None = None,
    limits: RegisterLimits | None = None,
    header_row: int | None = None,
    sheet: str | None = None,
) -> list[str]:
    """The keys of `Item.raw` for one register, in first-seen order ([] if unreadable).

    CSV and XLSX: the header row. JSON Lines and GeoJSON: every key of every record (one extra
    streaming pass), since records may differ.
    """
    keys: dict[str, None] = {}
    whole = path.suffix.lower() in (".jsonl", ".ndjson", ".geojson")
    quiet: Notices = lambda _: None  # noqa: E731 - the run itself reports the warnings
    rows = iter_register(
        path,
        encoding=encoding,
        mapping=mapping,
        notices=quiet,
        limits=limits,
        header_row=header_row,
        sheet=sheet,
    )
    for item in rows:
        if item.raw is not None:
            keys.update(dict.fromkeys(item.raw))
            if not whole:
                break
    return list(keys)


def tabular_columns(
    paths: Iterable[Path],
    *,
    exclude: Iterable[str] = (),
    encoding: str | None = None,
    mapping: Path | None = None,
    limits: RegisterLimits | None = None,
    header_row: int | None = None,
    sheet: str | None = None,
) -> list[str]:
    """The input columns of a CSV result table; MixedInputsError when one table cannot hold all.

    One table has one set of columns: YAML files only (no input columns), or registers that all
    have the same columns (one template per township). YAML files mixed with registers, or
    registers with different columns, are refused before anything is written.
    """
    found: list[tuple[Path, list[str]]] = []
    yaml_files = 0
    for path in expand_paths(paths, exclude):
        if path.suffix.lower() in REGISTER_SUFFIXES:
            columns = register_columns(
                path,
                encoding=encoding,
                mapping=mapping,
                limits=limits,
                header_row=header_row,
                sheet=sheet,
            )
            if columns:
                found.append((path, columns))
        else:
            yaml_files += 1
    if found and yaml_files:
        raise MixedInputsError(t("reg.mixed_inputs"))
    for path, columns in found[1:]:
        if columns != found[0][1]:
            raise MixedInputsError(
                f"--format csv needs registers with the same columns, but {found[0][0]} and "
                f"{path} differ (run once per register, or use --format jsonl)"
            )
    return found[0][1] if found else []


def geojson_members(
    paths: Iterable[Path], *, exclude: Iterable[str] = (), encoding: str | None = None
) -> dict[str, Any]:
    """Top-level members (crs, name, …) of the GeoJSON inputs, to carry into GeoJSON output.

    Members written after `features` are not read (GDAL and QGIS write them before). Layers in
    different coordinate systems cannot share one output: MixedInputsError.
    """
    members: dict[str, Any] = {}
    first: Path | None = None
    for path in expand_paths(paths, exclude):
        if path.suffix.lower() != ".geojson":
            continue
        enc = _detect(path, encoding)
        if enc.problem is not None:
            continue
        these: dict[str, Any] = {}
        with path.open(encoding=enc.codec) as f:
            stream = _JsonStream(f, cap=REGISTER_LIMITS.max_record_bytes)  # a bomb stops here too
            try:
                for kind, value in _geojson_events(f, stream):
                    if kind != "member":
                        break
                    if value[0] != "type":
                        these[value[0]] = value[1]
            except _JsonError:
                continue
        if first is None:
            first, members = path, these
        elif these.get("crs") != members.get("crs"):
            raise MixedInputsError(t("reg.mixed_crs", first=first, path=path))
    return members


def header_field(header: str) -> tuple[str, str | None] | None:
    """(field path, unit) a register header names in the default mapping (`用地面积` →
    `parcel.land_area_m2`, `用地面积（亩）` → it in 亩), so a parcel file that uses a header
    as a key is told the field to write instead; None for a header that names no field."""
    target, known, _ = _resolve(header, load_mapping())
    if not known or target is None:
        return None
    return target.field.path, target.unit

"""Register fields and the column mapping: which header gives which parcel fact, in which unit.

One place for the flat fields a row can carry (from the parcel model), the mapping file that
extends the default headers and cell words, and header → field resolution, shared by the
tabular rows and the JSON record readers alike.
"""

from __future__ import annotations

import codecs
import difflib
import functools
import re
import types
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    model_validator,
)

from landrules.i18n import t
from landrules.model.parcel import Parcel
from landrules.model.types import (
    area_unit,
    to_square_metres,
)
from landrules.problems import InputError, Problem
from landrules.schema_walk import fields_at, models_in

DEFAULT_MAPPING = Path(__file__).resolve().parent / "data" / "default-mapping.yaml"
DEFAULT_SEPARATORS = (";", "；", "、")

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


def column_number(value: Any) -> int:
    """A column as Excel names it (`C`, `AA`) or by its number from 1 (`3`) → its number.

    For `positions:` in a mapping file, where a register's headers are unusable (blank, repeated,
    merged beyond reading): the clerk reads the letter off the spreadsheet's column bar.
    """
    text = str(value).strip()
    if text.isdigit() and int(text) >= 1:
        return int(text)
    letters = text.upper()
    if letters.isascii() and letters.isalpha() and len(letters) <= 3:
        number = letters_number(letters)
        if number <= MAX_COLUMN:
            return number
    raise ValueError(t("reg.bad_position", value=repr(value)))


def letters_number(letters: str) -> int:
    """Excel's column letters (upper-case A–Z) as the column's number from 1: `AA` → 27."""
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


MAX_COLUMN = 16384
"""The last column a spreadsheet has (XFD)."""

ColumnPosition = Annotated[int, BeforeValidator(column_number)]


class ColumnMapping(_Strict):
    """A column-mapping file. It extends the default mapping; it never replaces it.

    `columns`: header → field path, or `{field, unit}`, or null to ignore a column quietly.
    `values`: field path → {cell value → the value the model reads}; null means unknown.
    `positions`: column letter or number → field path (or `{field, unit}`, or null), for
    columns whose headers cannot be used; a position wins over the header in that column.
    """

    columns: dict[str, ColumnTarget | None] = Field(default_factory=dict)
    values: dict[FieldPath, dict[str, Union[str, None]]] = Field(default_factory=dict)  # noqa: UP007
    encoding: Annotated[str, AfterValidator(_check_encoding)] | None = None
    list_separator: Union[str, list[str], None] = None  # noqa: UP007
    sheet: str | None = None
    header_row: Annotated[int, Field(ge=1)] = 1
    positions: dict[ColumnPosition, ColumnTarget | None] = Field(default_factory=dict)


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
    positions: Mapping[int, _Target | None] = field(default_factory=dict)  # column number → target


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
        {n: _target(spec) for n, spec in user.positions.items()} if user else {},
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


def header_field(header: str) -> tuple[str, str | None] | None:
    """(field path, unit) a register header names in the default mapping (`用地面积` →
    `parcel.land_area_m2`, `用地面积（亩）` → it in 亩), so a parcel file that uses a header
    as a key is told the field to write instead; None for a header that names no field."""
    target, known, _ = _resolve(header, load_mapping())
    if not known or target is None:
        return None
    return target.field.path, target.unit

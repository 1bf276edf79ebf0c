"""CSV and GeoJSON results: the input rows or features, unchanged, plus verdict columns.

An official opens the CSV in Excel or the GeoJSON in QGIS and sorts or colours by verdict, so
the input cells are copied as read (`0601` stays `0601`) and the verdict is flat: per provision
its outcome, the covered quantity (unit in the column name) and the missing facts; then
`landrules.source` (file:line) and `landrules.errors` for a row that could not be checked.

Both writers stream. The CSV header has to name every column before the first row, so it needs
the input columns and the provisions up front: pass `columns` (see `registers.tabular_columns`)
and `pack`; without them they are taken from the first result (and the first verdict), and rows
before it are held back until then.
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import IO, Any

from landrules.batch import Result, Summary
from landrules.i18n import t
from landrules.model.types import round_half_up
from landrules.registers import VERDICT_PREFIXES

__all__ = ["CsvWriter", "GeoJsonWriter", "ProvisionColumns", "make_writer"]

BOM = "\ufeff"


@dataclass(frozen=True, slots=True)
class ProvisionColumns:
    """A provision's verdict columns: outcome, covered quantity (if any), missing facts."""

    id: str
    quantity: str | None  # "area_m2" for an area in m², "value" for a unit-less quantity

    @classmethod
    def of_pack(cls, pack: Any) -> list[ProvisionColumns]:
        from landrules.derive import DERIVATIONS

        out = []
        for compiled in pack.provisions:
            provision = compiled.provision
            covers = provision.outcome.covers
            unit = DERIVATIONS[covers].unit if covers in DERIVATIONS else None
            out.append(cls(provision.id, _quantity_name(unit) if covers else None))
        return out

    @classmethod
    def of_verdict(cls, verdict: Mapping[str, Any]) -> list[ProvisionColumns]:
        return [
            cls(p["id"], _quantity_name(p["covers"]["unit"]) if p.get("covers") else None)
            for p in verdict["provisions"]
        ]


def _quantity_name(unit: str | None) -> str:
    return "area_m2" if unit == "m²" else "value"


def _rounded(text: str) -> str:
    """An exact quantity's text (`1333.5`, `4000/3`) rounded once, half up, to 0.01, to show."""
    return format(round_half_up(Fraction(text), 2), "f")


def _quantity(provision: Mapping[str, Any], *, if_it_applies: bool = False) -> Any:
    """The covered quantity, rounded once for display, or a `low..high` span; None where it is
    withheld (does not apply, undetermined) or belongs to the other column: the area column is
    for applies only, the `_if_it_applies` column for needs review."""
    covers = provision.get("covers")
    if not covers or bool(covers.get("if_it_applies")) != if_it_applies:
        return None
    value = covers.get("value")
    if isinstance(value, dict):
        return f"{_rounded(value['low'])}..{_rounded(value['high'])}"
    return _rounded(value) if isinstance(value, str) else None


class _Number(str):
    """Decimal text written into JSON as a number, digit for digit (never through float)."""


def _number(value: Any) -> _Number | None:
    """Decimal text as a JSON number (QGIS grades by numbers); a span or none is null."""
    if not isinstance(value, str) or ".." in value:
        return None
    return _Number(value)


def _json(value: Any) -> str:
    """`json.dumps`, but a `_Number` (anywhere in a properties mapping) is its digits unquoted."""
    if isinstance(value, _Number):
        return str(value)
    if isinstance(value, dict) and any(isinstance(v, _Number) for v in value.values()):
        items = (f"{json.dumps(k, ensure_ascii=False)}: {_json(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    return json.dumps(value, ensure_ascii=False)


def _caveat(provision: Mapping[str, Any]) -> str:
    caveat = provision.get("in_force_caveat")
    return str(pick_label(caveat)) if caveat else ""


def pick_label(label: Mapping[str, str]) -> str:
    from landrules.i18n import current_lang

    return label.get(current_lang()) or label.get("en") or ""


def _errors(result: Result) -> str:
    """A failed row's problems on one line: `col 5 用地面积: must not be negative | …`."""
    parts = []
    for p in result.problems:
        where = t("tab.column", col=p.col) if p.col else ""
        field = t("tab.field", field=p.field) if p.field else ""
        parts.append(f"{where}{field}{p.message}")
    return " | ".join(parts)


def _cell(value: Any) -> str:
    """An input value as a CSV cell: text unchanged; JSON values as JSON writes them."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False)


class CsvWriter:
    """The input columns unchanged, then `landrules.*` verdict columns; UTF-8 with a BOM.

    Give `out` a text stream opened with `newline=""`. On a UTF-8 stream the writer writes the
    BOM itself (`bom=False` leaves it out), so redirected stdout gets it too; a `utf-8-sig`
    stream (as `--output` opens) writes its own. Input columns named
    `landrules.*` (a previous run's verdicts) are left out, so a result can be re-checked.
    """

    def __init__(
        self,
        out: IO[str],
        err: IO[str] | None = None,
        *,
        pack: Any = None,
        columns: Sequence[str] | None = None,
        bom: bool = True,
    ) -> None:
        self.out, self.err, self.bom = out, err, bom
        self.provisions = ProvisionColumns.of_pack(pack) if pack is not None else None
        self.columns = _input_columns(columns) if columns is not None else None
        self.writer = csv.writer(out, lineterminator="\r\n")
        self.held: list[Result] = []
        self.header_written = False

    def start(self, pack: dict[str, Any]) -> None:  # noqa: ARG002 - the header needs rows
        return None

    def write(self, result: Result) -> None:
        if not self.header_written:
            if self.columns is None:
                self.columns = _input_columns(list(result.item.raw or {}))
            if self.provisions is None:
                if result.verdict is None:
                    self.held.append(result)  # the provisions come with the first verdict
                    return
                self.provisions = ProvisionColumns.of_verdict(result.verdict)
            self._header()
        self._row(result)

    def _header(self) -> None:
        assert self.columns is not None and self.provisions is not None
        names = list(self.columns)
        for p in self.provisions:
            names.append(f"landrules.{p.id}.outcome")
            names.append(f"landrules.{p.id}.caveat")
            if p.quantity:
                names.append(f"landrules.{p.id}.{p.quantity}")
                names.append(f"landrules.{p.id}.{p.quantity}_if_it_applies")
            names.append(f"landrules.{p.id}.missing")
        names += ["landrules.source", "landrules.errors"]
        if self.bom and _needs_bom(self.out):
            self.out.write(BOM)
        self.writer.writerow(names)
        self.header_written = True
        held, self.held = self.held, []
        for result in held:
            self._row(result)

    def _row(self, result: Result) -> None:
        assert self.columns is not None and self.provisions is not None
        raw = result.item.raw or {}
        extra = [k for k in raw if k not in self.columns and not k.startswith(VERDICT_PREFIXES)]
        if extra:
            raise ValueError(
                f"{result.item.label}: columns {extra} are not in the table's columns; "
                "pass columns=registers.tabular_columns(paths)"
            )
        row = [_cell(raw.get(c)) for c in self.columns]
        by_id = {p["id"]: p for p in (result.verdict or {}).get("provisions", [])}
        for p in self.provisions:
            found = by_id.get(p.id)
            row.append(found["outcome"] if found else "")
            row.append(_caveat(found) if found else "")
            if p.quantity:
                row.append(_cell(_quantity(found)) if found else "")
                row.append(_cell(_quantity(found, if_it_applies=True)) if found else "")
            row.append(";".join(found["missing_facts"]) if found else "")
        row += [result.item.label, _errors(result) if not result.ok else ""]
        self.writer.writerow(row)

    def finish(self, summary: Summary) -> None:
        if not self.header_written:
            if self.columns is None:
                self.columns = []
            if self.provisions is None:
                self.provisions = [ProvisionColumns(p, None) for p in summary.provisions]
            self._header()
        if self.err is not None:
            self.err.write(summary.line() + "\n")


def _needs_bom(out: IO[str]) -> bool:
    """A UTF-8 stream needs the BOM written; a utf-8-sig stream writes its own."""
    try:
        codec = codecs.lookup(getattr(out, "encoding", None) or "utf-8").name
    except LookupError:
        return False
    return codec == "utf-8"


def _input_columns(columns: Sequence[str]) -> list[str]:
    return [c for c in columns if not c.startswith(VERDICT_PREFIXES)]


class GeoJsonWriter:
    """A FeatureCollection: each input feature with flat `landrules_*` properties added.

    Geometry is copied untouched; rows without one (CSV, XLSX, YAML parcels) get
    `"geometry": null`. Top-level `members` of the input layer (its `crs` above all, see
    `registers.geojson_members`) are carried over, so QGIS places the features where they were.
    Areas are JSON numbers so that QGIS can grade by them; a span is null (see the JSON output).
    """

    def __init__(
        self,
        out: IO[str],
        err: IO[str] | None = None,
        *,
        members: Mapping[str, Any] | None = None,
    ) -> None:
        self.out, self.err = out, err
        self.members = dict(members or {})
        self.first = True

    def start(self, pack: dict[str, Any]) -> None:  # noqa: ARG002 - nothing per pack
        head = {"type": "FeatureCollection", **self.members, "features": []}
        text = json.dumps(head, ensure_ascii=False)
        self.out.write(text[: -len("]}")] + "\n")

    def write(self, result: Result) -> None:
        raw = result.item.raw
        properties: dict[str, Any] = dict(raw) if raw is not None else {}
        properties["landrules_source"] = result.item.label
        provisions = (result.verdict or {}).get("provisions", [])
        for p in provisions:
            key = f"landrules_{p['id']}"
            properties[f"{key}_outcome"] = p["outcome"]
            properties[f"{key}_caveat"] = _caveat(p) or None
            if p.get("covers"):
                name = _quantity_name(p["covers"]["unit"])
                properties[f"{key}_{name}"] = _number(_quantity(p))
                properties[f"{key}_{name}_if_it_applies"] = _number(
                    _quantity(p, if_it_applies=True)
                )
            properties[f"{key}_missing"] = ";".join(p["missing_facts"])
        properties["landrules_errors"] = _errors(result) if not result.ok else None
        geometry = json.dumps(result.item.geometry, ensure_ascii=False)
        props = _json(properties)
        feature = f'{{"type": "Feature", "geometry": {geometry}, "properties": {props}}}'
        self.out.write(("" if self.first else ",\n") + feature)
        self.first = False

    def finish(self, summary: Summary) -> None:
        self.out.write("\n]}\n")
        if self.err is not None:
            self.err.write(summary.line() + "\n")


def writer_options(
    fmt: str,
    pack: Any,
    paths: Sequence[Path],
    *,
    exclude: Sequence[str] = (),
    encoding: str | None = None,
    mapping: Path | None = None,
    limits: Any = None,
    header_row: int | None = None,
    sheet: str | None = None,
) -> dict[str, Any]:
    """What a CSV or GeoJSON writer must know before the first row, read from the inputs.

    Raises `registers.MixedInputsError` (a usage error) when the inputs cannot share one table
    (csv) or one coordinate system (geojson). JSON Lines and GeoJSON inputs are read once more
    for their keys when the output is csv.
    """
    from landrules.registers import geojson_members, tabular_columns

    if fmt == "csv":
        columns = tabular_columns(
            paths,
            exclude=exclude,
            encoding=encoding,
            mapping=mapping,
            limits=limits,
            header_row=header_row,
            sheet=sheet,
        )
        return {"pack": pack, "columns": columns}
    if fmt == "geojson":
        return {"members": geojson_members(paths, exclude=exclude, encoding=encoding)}
    return {}


def make_writer(fmt: str, out: IO[str], err: IO[str], **options: Any) -> CsvWriter | GeoJsonWriter:
    """`csv` or `geojson`; options: pack= and columns= (csv), members= (geojson)."""
    if fmt == "csv":
        return CsvWriter(out, err, pack=options.get("pack"), columns=options.get("columns"))
    if fmt == "geojson":
        return GeoJsonWriter(out, err, members=options.get("members"))
    raise ValueError(f"unknown output format {fmt!r}")

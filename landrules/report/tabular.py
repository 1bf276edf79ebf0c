"""CSV and GeoJSON results: the input rows or features, unchanged, plus verdict columns.

An official opens the CSV in Excel or the GeoJSON in QGIS and sorts or colours by verdict, so
the input cells are copied as read (`0601` stays `0601`) and the verdict is flat: per provision
its outcome, the covered quantity (unit in the column name) and the missing facts; then
`landrules.source` (file:line) and `landrules.errors` for a row that could not be checked.

The added columns and the outcomes are named in the reader's language (`Naming`): with
`--lang zh` `判定·P1·结果` = `适用`; in English, and with `--codes` in any language, the machine
names `landrules.P1.outcome` = `applies`. A missing fact is named by the register's own header
(`符合环保要求`) where the row has that column (`--codes`: the field path).

Both writers stream. The CSV header has to name every column before the first row, so it needs
the input columns and the provisions up front: pass `columns` (see `report.columns.tabular_columns`)
and `pack`; without them they are taken from the first result (and the first verdict), and rows
before it are held back until then.
"""

from __future__ import annotations

import codecs
import csv
import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import IO, Any

from landrules.batch import Result, Summary
from landrules.i18n import Lang, current_lang, t
from landrules.inputs import VERDICT_PREFIXES
from landrules.model.types import round_half_up

__all__ = ["CsvWriter", "GeoJsonWriter", "Naming", "ProvisionColumns", "make_writer"]

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


@dataclass(frozen=True, slots=True)
class Naming:
    """The words of the added columns: their headers, the outcomes, the missing facts.

    `codes`: the machine names and codes whatever the language (`landrules.P1.outcome`,
    `applies`, `approvals.environmental`), for a program that reads the result.
    """

    lang: Lang = "en"
    codes: bool = False

    @classmethod
    def chosen(cls, codes: bool = False) -> Naming:
        """The running command's language (`--lang`), or the machine names with `codes`."""
        return cls("en" if codes else current_lang(), codes)

    def head(self, kind: str, provision: str = "") -> str:
        """A verdict column's header: `kind` is outcome, caveat, area_m2, …, source, errors."""
        return t(f"tab.head.{kind}", self.lang, id=provision)

    def heads(self, provisions: Sequence[ProvisionColumns]) -> list[str]:
        """Every verdict column's header, in the table's order."""
        names = []
        for p in provisions:
            names += [self.head("outcome", p.id), self.head("caveat", p.id)]
            if p.quantity:
                names.append(self.head(p.quantity, p.id))
                names.append(self.head(f"{p.quantity}_if_it_applies", p.id))
            names.append(self.head("missing", p.id))
        return [*names, self.head("source"), self.head("errors")]

    def outcome(self, code: str) -> str:
        """`applies` as the reader says it (`适用`); the code itself in English or with codes."""
        return code if self.codes or self.lang == "en" else t(f"outcome.{code}", self.lang)

    def missing(self, facts: Sequence[str], columns: Mapping[str, tuple[int, str]] | None) -> str:
        """The missing facts as the official names them: the register's own header of each
        (`符合环保要求`), else the field's usual Chinese header (zh) or path (en)."""
        if self.codes:
            return ";".join(facts)
        names = [_fact_name(f, columns or {}, self.lang) for f in facts]
        return (t("tree.list_separator", self.lang) if self.lang == "zh" else ";").join(names)


def _fact_name(fact: str, columns: Mapping[str, tuple[int, str]], lang: Lang) -> str:
    """The header a row gave `fact` in, or its label. An approval is named by its status
    column; a fact stated in several columns (a land use: text, code, class) by all of them."""
    found = columns.get(fact) or columns.get(f"{fact}.status")
    if found is not None:
        return found[1]
    under = [header for path, (_, header) in columns.items() if path.startswith(f"{fact}.")]
    if under:
        return "/".join(under)
    if lang == "en":
        return fact
    from landrules.derive import DERIVATIONS

    if fact in DERIVATIONS:
        return DERIVATIONS[fact].zh
    return _usual_headers().get(fact) or _title(fact) or fact


@functools.cache
def _usual_headers() -> dict[str, str]:
    """Field path → the first Chinese header the default mapping reads it from (no unit)."""
    from landrules.registers import load_mapping

    headers: dict[str, str] = {}
    for header, target in load_mapping().columns.items():
        if target is not None and target.unit is None and not header.isascii():
            headers.setdefault(target.field.path, header)
    return headers


def _title(fact: str) -> str:
    from landrules.facts import fact_title

    return fact_title(fact)


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
        naming: Naming | None = None,
        fid: bool = False,
    ) -> None:
        self.out, self.err, self.bom = out, err, bom
        self.naming = naming or Naming.chosen()
        self.fid = fid  # issue 13: layers' fids and GeoJSON ids in `landrules.fid`
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
        names = [*self.columns, *self.naming.heads(self.provisions)]
        if self.fid:
            names.insert(len(names) - 1, self.naming.head("fid"))  # before the errors
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
                "pass columns=report.columns.tabular_columns(paths)"
            )
        row = [_cell(raw.get(c)) for c in self.columns]
        row += verdict_cells(result, self.provisions, self.naming)
        if self.fid:
            row.insert(len(row) - 1, _cell(result.item.fid))
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


def verdict_cells(
    result: Result, provisions: Sequence[ProvisionColumns], naming: Naming
) -> list[str]:
    """A result's verdict cells, under `naming.heads(provisions)` ('' for none)."""
    row: list[str] = []
    by_id = {p["id"]: p for p in (result.verdict or {}).get("provisions", [])}
    for p in provisions:
        found = by_id.get(p.id)
        if found is None:
            row += [""] * (5 if p.quantity else 3)
            continue
        row.append(naming.outcome(found["outcome"]))
        row.append(_caveat(found))
        if p.quantity:
            row.append(_cell(_quantity(found)))
            row.append(_cell(_quantity(found, if_it_applies=True)))
        row.append(naming.missing(found["missing_facts"], result.item.columns))
    return [*row, result.item.label, _errors(result) if not result.ok else ""]


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
    `report.columns.geojson_members`) are carried over, so QGIS places the features where they were.
    Areas are JSON numbers so that QGIS can grade by them; a span is null (see the JSON output).
    """

    def __init__(
        self,
        out: IO[str],
        err: IO[str] | None = None,
        *,
        members: Mapping[str, Any] | None = None,
        naming: Naming | None = None,
    ) -> None:
        self.out, self.err = out, err
        self.members = dict(members or {})
        self.naming = naming or Naming.chosen()
        self.first = True

    def start(self, pack: dict[str, Any]) -> None:  # noqa: ARG002 - nothing per pack
        head = {"type": "FeatureCollection", **self.members, "features": []}
        text = json.dumps(head, ensure_ascii=False)
        self.out.write(text[: -len("]}")] + "\n")

    def write(self, result: Result) -> None:
        raw = result.item.raw
        properties: dict[str, Any] = dict(raw) if raw is not None else {}
        name = self._name
        properties[name("source")] = result.item.label
        provisions = (result.verdict or {}).get("provisions", [])
        for p in provisions:
            pid = p["id"]
            properties[name("outcome", pid)] = self.naming.outcome(p["outcome"])
            properties[name("caveat", pid)] = _caveat(p) or None
            if p.get("covers"):
                kind = _quantity_name(p["covers"]["unit"])
                properties[name(kind, pid)] = _number(_quantity(p))
                properties[name(f"{kind}_if_it_applies", pid)] = _number(
                    _quantity(p, if_it_applies=True)
                )
            properties[name("missing", pid)] = self.naming.missing(
                p["missing_facts"], result.item.columns
            )
        properties[name("errors")] = _errors(result) if not result.ok else None
        geometry = json.dumps(result.item.geometry, ensure_ascii=False, default=_wkb_geometry)
        props = _json(properties)
        fid = result.item.fid  # the input's feature id or layer fid: a result joins back
        head = f'"id": {json.dumps(fid, ensure_ascii=False)}, ' if fid is not None else ""
        feature = f'{{"type": "Feature", {head}"geometry": {geometry}, "properties": {props}}}'
        self.out.write(("" if self.first else ",\n") + feature)
        self.first = False

    def _name(self, kind: str, provision: str = "") -> str:
        """A property's name: the CSV header, with `_` for `.` in the machine names (QGIS and
        GDAL read a dot in a field name as a table)."""
        head = self.naming.head(kind, provision)
        return head.replace(".", "_") if head.startswith("landrules.") else head

    def finish(self, summary: Summary) -> None:
        self.out.write("\n]}\n")
        if self.err is not None:
            self.err.write(summary.line() + "\n")


def _wkb_geometry(value: Any) -> Any:
    """A layer's WKB geometry (Shapefile, GeoPackage input) as GeoJSON, for `json.dumps`."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        from landrules.geometry import wkb_to_geojson

        return wkb_to_geojson(bytes(value))
    raise TypeError(f"not a geometry: {type(value).__name__}")


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
    """What a CSV, XLSX or GeoJSON writer must know before the first row, read from the inputs.

    Raises `report.columns.MixedInputsError` (a usage error) when the inputs cannot share one table
    (csv) or one coordinate system (geojson). JSON Lines and GeoJSON inputs are read once more
    for their keys when the output is csv.
    """
    from landrules.paths import expand_paths
    from landrules.report.columns import geojson_members, tabular_columns

    if fmt in ("csv", "xlsx"):
        columns = tabular_columns(
            paths,
            exclude=exclude,
            encoding=encoding,
            mapping=mapping,
            limits=limits,
            header_row=header_row,
            sheet=sheet,
        )
        from landrules.readers.layer import LAYER_SUFFIXES

        kinds = (*LAYER_SUFFIXES, ".geojson")
        fid = any(p.suffix.lower() in kinds for p in expand_paths(paths, exclude))
        return {"pack": pack, "columns": columns, "fid": fid}
    if fmt == "geojson":
        members = geojson_members(paths, exclude=exclude, encoding=encoding)
        from landrules.readers.layer import LAYER_SUFFIXES

        if not members and any(
            p.suffix.lower() in LAYER_SUFFIXES for p in expand_paths(paths, exclude)
        ):  # issue 13: a Shapefile's or GeoPackage's CRS goes with its features
            from landrules.report.layer import geojson_crs_member, layer_schema

            schema = layer_schema(
                paths, exclude=exclude, encoding=encoding, mapping=mapping, sheet=sheet
            )
            members = geojson_crs_member(schema)
        return {"members": members}
    if fmt == "gpkg":  # issue 13: the GeoPackage result layer (landrules/report/layer.py)
        from landrules.report.layer import layer_schema

        schema = layer_schema(
            paths,
            exclude=exclude,
            encoding=encoding,
            mapping=mapping,
            limits=limits,
            header_row=header_row,
            sheet=sheet,
        )
        return {"pack": pack, "schema": schema}
    return {}


def make_writer(
    fmt: str, out: IO[str] | Path, err: IO[str], **options: Any
) -> CsvWriter | GeoJsonWriter | Any:
    """`csv`, `geojson` or `xlsx` (`out`: the file to write, see `outputs.atomic_file`);
    options: pack= and columns= (csv, xlsx), members= (geojson), naming=, shown= (xlsx: the
    output's name in an error)."""
    naming = options.get("naming")
    if fmt == "xlsx":
        from landrules.report.workbook import XlsxWriter

        assert isinstance(out, Path)
        return XlsxWriter(
            out,
            err,
            shown=options.get("shown"),
            pack=options.get("pack"),
            columns=options.get("columns"),
            naming=naming,
            fid=options.get("fid", False),
        )
    assert not isinstance(out, Path)
    if fmt == "csv":
        return CsvWriter(
            out,
            err,
            pack=options.get("pack"),
            columns=options.get("columns"),
            naming=naming,
            fid=options.get("fid", False),
        )
    if fmt == "geojson":
        return GeoJsonWriter(out, err, members=options.get("members"), naming=naming)
    raise ValueError(f"unknown output format {fmt!r}")

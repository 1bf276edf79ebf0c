"""The flat examples (floor_area totals, no buildings) written as every kind of register.

Each writer produces what a real source would: a folder of YAML files; JSON Lines shaped like the
YAML (nested); a CSV with the default Chinese headers and Chinese cell values, the land area in 亩
(UTF-8 with BOM as Excel saves it, and GB18030 as WPS saves it); an XLSX with Excel-typed cells
(numbers, dates); and a GeoJSON layer with a small square per parcel and flat English field names.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from landrules import yamlio
from landrules.registers import REGISTER_FIELDS, load_mapping, record_as_row

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

# The words an official writes in a Chinese register; the default mapping and the model read them.
CHINESE = {
    "given": "是",
    "refused": "否",
    "not_stated": "未说明",
    "existing": "现有",
    "newly_supplied": "新增",
    "granted": "出让",
    "allocated": "划拨",
    "technical_renovation": "技术改造",
    "yes": "是",
    "no": "否",
    "expand_production_buildings": "扩大生产性用房",
    "new_multistorey_factory": "新建多层厂房",
    "extend_multistorey_factory": "扩建多层厂房",
    "rebuild_multistorey_factory": "翻建多层厂房",
    "in_situ_rebuild_or_extension": "原地改扩建",
    "other_buildings": "其他建筑",
}
AREA_IN_MU = "parcel.land_area_m2"


def flat_examples() -> list[Path]:
    """The examples a register can hold: floor areas as totals, not per building."""
    return [p for p in sorted(EXAMPLES.glob("*.yaml")) if "buildings" not in _data(p)]


def _data(path: Path) -> dict[str, Any]:
    data = yamlio.load(path).data
    assert isinstance(data, dict)
    return data


def flat_record(path: Path) -> dict[str, Any]:
    """field path → value (text, or a list for project.works), in register-field order."""
    row = record_as_row(_data(path))
    assert row is not None, f"{path.name} cannot be a register row"
    return row


def chinese_headers() -> dict[str, str]:
    """The first default Chinese header of each field (field path where there is none)."""
    headers: dict[str, str] = {}
    for header, target in load_mapping().columns.items():
        if target is not None and target.unit is None:
            headers.setdefault(target.field.path, header)
    return {f: headers.get(f, f) for f in REGISTER_FIELDS}


def to_mu(m2: str) -> str:
    """m² as 亩, exactly: a value of up to 2 decimals in m² is a finite decimal in 亩."""
    return format((Decimal(m2) * Decimal("0.0015")).normalize(), "f")


def _chinese_cell(field: str, value: Any) -> str:
    if isinstance(value, list):
        return "、".join(CHINESE.get(v, v) for v in value)
    if field == AREA_IN_MU:
        return to_mu(value)
    return CHINESE.get(value, value)


def _union_fields(records: list[dict[str, Any]]) -> list[str]:
    used = {f for r in records for f in r}
    return [f for f in REGISTER_FIELDS if f in used]


def write_yaml_folder(folder: Path, paths: list[Path]) -> Path:
    folder.mkdir()
    for path in paths:
        shutil.copy(path, folder / path.name)
    return folder


def write_jsonl(target: Path, paths: list[Path]) -> Path:
    """Nested objects, as the YAML files are; JSON Lines from another tool would look alike."""
    with target.open("w", encoding="utf-8") as f:
        for path in paths:
            f.write(json.dumps(_data(path), ensure_ascii=False) + "\n")
    return target


def write_chinese_csv(target: Path, paths: list[Path], encoding: str) -> Path:
    """Chinese headers and values; the land area in 亩. `utf-8-sig` or `gb18030`."""
    import csv

    records = [flat_record(p) for p in paths]
    fields = _union_fields(records)
    names = chinese_headers()
    header = [f"{names[f]}（亩）" if f == AREA_IN_MU else names[f] for f in fields]
    with target.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for record in records:
            writer.writerow([_chinese_cell(fd, record.get(fd, "")) for fd in fields])
    return target


def _typed(field: str, value: Any) -> Any:
    """What Excel would store: numbers for areas and ratios, dates as dates, codes as text."""
    if isinstance(value, list):
        return ";".join(value)
    leaf = field.rsplit(".", 1)[-1]
    if field.endswith("_m2") or leaf in ("plot_ratio_indicator", "min", "max"):
        number = Decimal(value)
        return int(number) if number == number.to_integral() else float(number)
    if leaf == "date" or field == "application_date":
        return date.fromisoformat(value)
    return value


def write_xlsx(target: Path, paths: list[Path]) -> Path:
    from openpyxl import Workbook

    records = [flat_record(p) for p in paths]
    fields = _union_fields(records)
    book = Workbook()
    sheet = book.active
    sheet.title = "宗地台账"
    sheet.append(fields)
    for record in records:
        sheet.append([_typed(f, record[f]) if f in record else None for f in fields])
    book.save(target)
    return target


def square(n: int) -> dict[str, Any]:
    """A small polygon per feature (CGCS2000 lon/lat near Cixi)."""
    x, y = 121.2 + n * 0.001, 30.17
    ring = [[x, y], [x + 0.0005, y], [x + 0.0005, y + 0.0005], [x, y + 0.0005], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


CRS = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4490"}}


def write_geojson(target: Path, paths: list[Path]) -> Path:
    """Flat English field names; areas as JSON numbers, codes as strings, one line per feature."""
    features = []
    for n, path in enumerate(paths):
        record = flat_record(path)
        props = {f: (_typed(f, v) if f.endswith("_m2") else v) for f, v in record.items()}
        features.append({"type": "Feature", "geometry": square(n), "properties": props})
    with target.open("w", encoding="utf-8") as f:
        f.write('{"type": "FeatureCollection", "name": "parcels", "crs": ')
        f.write(json.dumps(CRS) + ', "features": [\n')
        f.write(",\n".join(json.dumps(ft, ensure_ascii=False) for ft in features))
        f.write("\n]}\n")
    return target


def write_all(folder: Path) -> dict[str, Path]:
    """The six inputs of must-show 2, all holding the same parcels."""
    paths = flat_examples()
    return {
        "yaml": write_yaml_folder(folder / "yaml", paths),
        "jsonl": write_jsonl(folder / "parcels.jsonl", paths),
        "csv-utf8-bom": write_chinese_csv(folder / "parcels-utf8.csv", paths, "utf-8-sig"),
        "csv-gb18030": write_chinese_csv(folder / "parcels-gb18030.csv", paths, "gb18030"),
        "xlsx": write_xlsx(folder / "parcels.xlsx", paths),
        "geojson": write_geojson(folder / "parcels.geojson", paths),
    }

"""Write tests/corpus/registers/: one 300-row township register in every form an office has.

Run by hand (`python scripts/make_register_corpus.py`) when the corpus is to change; the tests
read the committed files and never run this. Each form is written by the tool people use, or as
the exact bytes that tool saves:

- Excel's "CSV UTF-8" (BOM, CRLF) and "CSV (逗号分隔)" on Chinese Windows (GBK, CRLF), WPS's CSV
  (GBK), and Excel's "Unicode 文本" (UTF-16 LE with BOM, tabs, CRLF): the cells as Excel *shows*
  them — thousands separators, dates like 2024/5/6 or 2024年5月6日, a title row, a blank row and a
  totals row (合计);
- an XLSX written by openpyxl with typed cells (numbers with a display format, dates, codes as
  text, the application date typed into General cells as Excel's day number), a merged title, a
  two-level header, a totals formula and a second sheet;
- an XLS written by xlwt, an ODS written by odfpy;
- JSON Lines (nested, as the parcel files) and GeoJSON (flat English names, feature ids);
- a GeoPackage and a Shapefile written by pyogrio (GDAL), the Shapefile's .dbf in GBK with a .cpg.

The parcels are the flat examples (examples/*.yaml without per-building floor areas), repeated to
300 rows with codes of their own, so every form must give the verdicts of those YAML files.
"""

from __future__ import annotations

import csv
import io
import json
import struct
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.register_fixtures import (  # noqa: E402
    CHINESE,
    chinese_headers,
    flat_examples,
    flat_record,
    to_mu,
)

OUT = ROOT / "tests" / "corpus" / "registers"
ROWS = 300
TITLE = "某某镇存量工业用地技术改造及新增工业用地台账"
FILLED_BY = "填报单位：某某镇人民政府"
UNITS = "单位：平方米、亩"
AREA_FIELDS = (
    "floor_area.before.production_m2",
    "floor_area.before.non_production_m2",
    "floor_area.after.production_m2",
    "floor_area.after.non_production_m2",
    "new_land.approved_factory_floor_area_m2",
)
LAND_AREA = "parcel.land_area_m2"
GROUPS = {"floor_area.before.": "实施前", "floor_area.after.": "实施后"}
LOWER = {"production_m2": "生产性用房面积", "non_production_m2": "非生产性用房面积"}


def code(n: int) -> str:
    """The n-th parcel's code (1-based): 19 characters, as Cixi's codes are."""
    return f"330282{100 + n // 100:03d}{n % 100:03d}GB{n:05d}"


def records() -> list[tuple[str, dict[str, Any]]]:
    """(example file name, field → value) for each of the 300 rows, the code made unique."""
    examples = flat_examples()
    out = []
    for n in range(1, ROWS + 1):
        path = examples[(n - 1) % len(examples)]
        record = dict(flat_record(path))
        record["parcel.code"] = code(n)
        out.append((path.name, record))
    return out


def fields(rows: list[tuple[str, dict[str, Any]]]) -> list[str]:
    from landrules.registers import REGISTER_FIELDS

    used = {f for _, r in rows for f in r}
    return [f for f in REGISTER_FIELDS if f in used]


def header(field: str) -> str:
    if field == LAND_AREA:
        return "用地面积（亩）"
    return chinese_headers()[field]


def two_level(field: str) -> tuple[str, str]:
    """(upper, lower) header cells: 实施前 over 生产性用房面积, or the header over nothing."""
    for prefix, upper in GROUPS.items():
        if field.startswith(prefix):
            return upper, LOWER[field.removeprefix(prefix)]
    return header(field), ""


# Cells as Excel shows them ------------------------------------------------------------------


def shown_number(value: str) -> str:
    """`#,##0.00`: 31000 → 31,000.00 (the values have at most 2 decimals, so nothing is lost)."""
    number = Decimal(value)
    assert number == number.quantize(Decimal("0.01")), value
    return f"{number:,.2f}"


def shown_date(value: str, style: str) -> str:
    d = date.fromisoformat(value)
    if style == "slash":
        return f"{d.year}/{d.month}/{d.day}"
    if style == "zh":
        return f"{d.year}年{d.month}月{d.day}日"
    return f"{d.year}-{d.month}-{d.day}"


def is_date(field: str) -> bool:
    return field == "application_date" or field.endswith(".date")


def shown(field: str, value: Any, dates: str) -> str:
    if isinstance(value, list):
        return "、".join(CHINESE.get(v, v) for v in value)
    if field == LAND_AREA:
        return to_mu(value)  # General format: every digit shown
    if field in AREA_FIELDS:
        return shown_number(value)
    if is_date(field):
        return shown_date(value, dates)
    return str(CHINESE.get(value, value))


def total(rows: list[tuple[str, dict[str, Any]]], field: str) -> Decimal:
    return sum((Decimal(r[field]) for _, r in rows if field in r), Decimal(0))


def table_rows(
    rows: list[tuple[str, dict[str, Any]]], cols: list[str], dates: str, *, levels: int
) -> list[list[str]]:
    """Title rows, header (one or two levels), data, a blank row and 合计, as Excel shows them."""
    width = len(cols)
    out = [[TITLE] + [""] * (width - 1), [FILLED_BY] + [""] * (width - 3) + [UNITS, ""]]
    if levels == 2:
        upper, lower = zip(*(two_level(f) for f in cols), strict=True)
        seen: set[str] = set()
        merged = []
        for cell in upper:  # a merged cell: its text in the first column only
            merged.append("" if cell in GROUPS.values() and cell in seen else cell)
            seen.add(cell)
        out += [merged, list(lower)]
    else:
        out.append([header(f) for f in cols])
    out += [[shown(f, r[f], dates) if f in r else "" for f in cols] for _, r in rows]
    out.append([""] * width)
    totals = [""] * width
    totals[0] = "合计"
    for i, f in enumerate(cols):
        if f in AREA_FIELDS:
            totals[i] = shown_number(str(total(rows, f)))
    out.append(totals)
    return out


def delimited(table: list[list[str]], delimiter: str) -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(table)
    return buf.getvalue()


# The forms ----------------------------------------------------------------------------------


def excel_csv_utf8(target: Path, rows: list[tuple[str, dict[str, Any]]]) -> None:
    """Excel 2016+ "CSV UTF-8 (逗号分隔)": a BOM, CRLF, dates in the zh-CN short form."""
    text = delimited(table_rows(rows, fields(rows), "slash", levels=1), ",")
    target.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))


def excel_csv_gbk(target: Path, rows: list[tuple[str, dict[str, Any]]]) -> None:
    """Excel "CSV (逗号分隔)" on Chinese Windows: GBK (the ANSI code page), a two-level header."""
    text = delimited(table_rows(rows, fields(rows), "zh", levels=2), ",")
    target.write_bytes(text.encode("gbk"))


def wps_csv(target: Path, rows: list[tuple[str, dict[str, Any]]]) -> None:
    """WPS 表格's CSV: GBK, CRLF, dates as 2024-5-6."""
    text = delimited(table_rows(rows, fields(rows), "dash", levels=1), ",")
    target.write_bytes(text.encode("gbk"))


def excel_unicode_txt(target: Path, rows: list[tuple[str, dict[str, Any]]]) -> None:
    """Excel "Unicode 文本": UTF-16 LE with a BOM, tab-separated, CRLF."""
    text = delimited(table_rows(rows, fields(rows), "slash", levels=1), "\t")
    target.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))


def typed(field: str, value: Any) -> Any:
    """What an official types into a workbook: numbers, dates, codes as text, lists as words."""
    if isinstance(value, list):
        return "、".join(CHINESE.get(v, v) for v in value)
    if field == LAND_AREA:
        value = to_mu(value)
    if field in AREA_FIELDS or field == LAND_AREA or field.startswith("new_land.plot_ratio_"):
        if field.endswith("requirement"):
            return value
        number = Decimal(value)
        return int(number) if number == number.to_integral() else float(number)
    if is_date(field):
        return date.fromisoformat(value)
    return CHINESE.get(value, value)


EXCEL_DAY_0 = date(1899, 12, 30)


def openpyxl_xlsx(target: Path, rows: list[tuple[str, dict[str, Any]]]) -> None:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    cols = fields(rows)
    book = Workbook()
    sheet = book.active
    sheet.title = "台账"
    width = len(cols)
    sheet.append([TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.append([FILLED_BY] + [None] * (width - 3) + [UNITS])
    upper, lower = zip(*(two_level(f) for f in cols), strict=True)
    sheet.append(list(upper))
    sheet.append([c or None for c in lower])
    for i in range(1, width + 1):  # merge 实施前/实施后 across, single headers down
        if not lower[i - 1]:
            sheet.merge_cells(start_row=3, start_column=i, end_row=4, end_column=i)
        elif i == 1 or upper[i - 2] != upper[i - 1]:
            end = i
            while end < width and upper[end] == upper[i - 1]:
                end += 1
            sheet.merge_cells(start_row=3, start_column=i, end_row=3, end_column=end)
    first = 5
    for _, record in rows:
        cells = [typed(f, record[f]) if f in record else None for f in cols]
        at = cols.index("application_date")  # typed into a General cell: Excel keeps the day number
        cells[at] = (cells[at] - EXCEL_DAY_0).days if cells[at] is not None else None
        sheet.append(cells)
    last = first + len(rows) - 1
    for i, f in enumerate(cols, 1):
        for (cell,) in sheet.iter_rows(min_row=first, max_row=last, min_col=i, max_col=i):
            if f in AREA_FIELDS:
                cell.number_format = "#,##0.00"
            elif is_date(f) and f != "application_date":
                cell.number_format = "yyyy/m/d"
    sheet.append([])
    totals: list[Any] = ["合计"] + [None] * (width - 1)
    for i, f in enumerate(cols, 1):
        if f in AREA_FIELDS:
            letter = get_column_letter(i)
            totals[i - 1] = f"=SUM({letter}{first}:{letter}{last})"
    sheet.append(totals)
    notes = book.create_sheet("填表说明")
    notes.append(["面积单位：用地面积为亩，其余为平方米。"])
    book.save(target)


def xlwt_xls(target: Path, rows: list[tuple[str, dict[str, Any]]]) -> None:
    """Excel 97-2003 (.xls), as WPS saves by default; written by xlwt with a date style."""
    import xlwt

    cols = fields(rows)
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("台账")
    dates = xlwt.easyxf(num_format_str="yyyy/m/d")
    areas = xlwt.easyxf(num_format_str="#,##0.00")
    sheet.write_merge(0, 0, 0, len(cols) - 1, TITLE)
    sheet.write(1, 0, FILLED_BY)
    sheet.write(1, len(cols) - 2, UNITS)
    for i, f in enumerate(cols):
        sheet.write(2, i, header(f))
    for r, (_, record) in enumerate(rows, 3):
        for i, f in enumerate(cols):
            if f not in record:
                continue
            value = typed(f, record[f])
            if isinstance(value, date):
                sheet.write(r, i, value, dates)
            elif f in AREA_FIELDS:
                sheet.write(r, i, value, areas)
            else:
                sheet.write(r, i, value)
    book.save(str(target))


def odfpy_ods(target: Path, rows: list[tuple[str, dict[str, Any]]]) -> None:
    """OpenDocument (.ods), as LibreOffice and WPS can save; written by odfpy, typed cells."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    cols = fields(rows)
    doc = OpenDocumentSpreadsheet()
    table = Table(name="台账")

    def add(cells: list[Any]) -> None:
        tr = TableRow()
        for value in cells:
            if value is None or value == "":
                tr.addElement(TableCell())
            elif isinstance(value, date):
                cell = TableCell(valuetype="date", datevalue=value.isoformat())
                cell.addElement(P(text=value.isoformat()))
                tr.addElement(cell)
            elif isinstance(value, (int, float)):
                cell = TableCell(valuetype="float", value=value)
                cell.addElement(P(text=str(value)))
                tr.addElement(cell)
            else:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=str(value)))
                tr.addElement(cell)
        table.addElement(tr)

    add([TITLE])
    add([header(f) for f in cols])
    for _, record in rows:
        add([typed(f, record[f]) if f in record else None for f in cols])
    doc.spreadsheet.addElement(table)
    doc.save(str(target))


def jsonl(target: Path, rows: list[tuple[str, dict[str, Any]]]) -> None:
    """Nested records, as another tool exporting the parcel files would write them."""
    lines = []
    for _, record in rows:
        nested: dict[str, Any] = {}
        for f, value in record.items():
            node = nested
            *parents, leaf = f.split(".")
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = value
        lines.append(json.dumps(nested, ensure_ascii=False))
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")


def square_wkb(n: int) -> bytes:
    """A small square polygon (CGCS2000 lon/lat near Cixi) as little-endian WKB."""
    x, y = 121.2 + (n % 20) * 0.001, 30.17 + (n // 20) * 0.001
    ring = [(x, y), (x + 0.0005, y), (x + 0.0005, y + 0.0005), (x, y + 0.0005), (x, y)]
    body = struct.pack("<BII", 1, 3, 1) + struct.pack("<I", len(ring))
    return body + b"".join(struct.pack("<dd", *p) for p in ring)


def geojson(target: Path, rows: list[tuple[str, dict[str, Any]]]) -> None:
    """Flat English field names, numbers as JSON numbers, a feature id per parcel."""
    features = []
    for n, (_, record) in enumerate(rows, 1):
        x, y = 121.2 + (n % 20) * 0.001, 30.17 + (n // 20) * 0.001
        ring = [[x, y], [x + 0.0005, y], [x + 0.0005, y + 0.0005], [x, y + 0.0005], [x, y]]
        props = {
            f: (float(v) if f in AREA_FIELDS and "." in v else int(v) if f in AREA_FIELDS else v)
            for f, v in record.items()
        }
        features.append(
            {
                "type": "Feature",
                "id": n,
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": props,
            }
        )
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4490"}}
    with target.open("w", encoding="utf-8", newline="\n") as f:
        f.write('{"type": "FeatureCollection", "name": "宗地", "crs": ' + json.dumps(crs))
        f.write(', "features": [\n')
        f.write(",\n".join(json.dumps(ft, ensure_ascii=False) for ft in features))
        f.write("\n]}\n")


SHP_NAMES = {  # a .dbf field name holds 10 bytes: GIS layers use short pinyin names
    "parcel.code": "ZDH",
    "parcel.name": "XMMC",
    "parcel.location": "ZL",
    "parcel.holder": "QLR",
    LAND_AREA: "YDMJ_MU",
}


def layer_columns(rows: list[tuple[str, dict[str, Any]]], short: bool) -> dict[str, str]:
    """field → attribute name: the Chinese header in a GeoPackage, F01… in a Shapefile."""
    cols = fields(rows)
    if not short:
        return {f: header(f) for f in cols}
    return {f: SHP_NAMES.get(f, f"F{i:02d}") for i, f in enumerate(cols, 1)}


def layer(target: Path, rows: list[tuple[str, dict[str, Any]]], *, driver: str) -> None:
    import numpy as np
    from pyogrio.raw import write

    short = driver == "ESRI Shapefile"
    names = layer_columns(rows, short)
    arrays = []
    for f in names:
        values = [typed(f, r[f]) if f in r else None for _, r in rows]
        if f in AREA_FIELDS or f == LAND_AREA:
            arrays.append(np.array([np.nan if v is None else float(v) for v in values]))
        else:
            arrays.append(np.array(["" if v is None else str(v) for v in values], dtype=object))
    geometry = np.array([square_wkb(n) for n in range(1, len(rows) + 1)], dtype=object)
    options: dict[str, Any] = {"encoding": "GBK"} if short else {}
    write(
        str(target),
        geometry,
        arrays,
        list(names.values()),
        layer="宗地",
        driver=driver,
        geometry_type="Polygon",
        crs="EPSG:4490",
        **options,
    )
    if short:
        for part in target.parent.glob(f"{target.stem}.*"):  # the same .dbf with no .cpg beside
            if part.suffix != ".cpg":
                copy = part.with_name(f"{target.stem}-nocpg{part.suffix}")
                copy.write_bytes(part.read_bytes())
        mapping = ["columns:"] + [f"  {name}: {f}" for f, name in names.items() if f != LAND_AREA]
        mapping.append(f"  {names[LAND_AREA]}: {{field: {LAND_AREA}, unit: 亩}}")
        (target.parent / "shapefile-mapping.yaml").write_text("\n".join(mapping) + "\n")


FORMS: dict[str, Callable[[Path, list[tuple[str, dict[str, Any]]]], None]] = {
    "excel-utf8.csv": excel_csv_utf8,
    "excel-gbk.csv": excel_csv_gbk,
    "wps-gbk.csv": wps_csv,
    "excel-unicode.txt": excel_unicode_txt,
    "openpyxl.xlsx": openpyxl_xlsx,
    "xlwt.xls": xlwt_xls,
    "odfpy.ods": odfpy_ods,
    "parcels.jsonl": jsonl,
    "parcels.geojson": geojson,
    "gdal.gpkg": lambda t, r: layer(t, r, driver="GPKG"),
    "gdal-gbk.shp": lambda t, r: layer(t, r, driver="ESRI Shapefile"),
}


def main(names: list[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rows = records()
    for name, write in FORMS.items():
        if names and name not in names:
            continue
        target = OUT / name
        for old in OUT.glob(f"{target.stem}.*"):
            if old.suffix in (".shp", ".shx", ".dbf", ".cpg", ".prj", ".gpkg"):
                old.unlink()
        write(target, rows)
        sys.stdout.write(f"wrote {target.relative_to(ROOT)}\n")
    examples = [name for name, _ in rows]
    (OUT / "rows.json").write_text(
        json.dumps({code(n): e for n, e in enumerate(examples, 1)}, indent=0) + "\n"
    )


if __name__ == "__main__":
    main(sys.argv[1:])

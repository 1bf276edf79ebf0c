"""Registers lose nothing and change nothing (issue 11, points 1, 2, 6 and the header unit of 8).

Every physical line of a register ends as a verdict, a located error or a named skip; JSON values
are read as written; a register or workbook bomb is refused by a named limit with its flag.
Inputs are made as people make them: CSV bytes as Excel and WPS save them (UTF-8 with BOM and
CRLF, GBK, Excel's "Unicode text": UTF-16 with tabs), workbooks written by openpyxl.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import invoke_cli

from landrules.api import load_rules
from landrules.batch import Item, evaluate_item
from landrules.inputs import RegisterLimits
from landrules.problems import Problem
from landrules.registers import SkippedRows, iter_register

PACK = load_rules()
HEADER = [
    "宗地号",
    "用地面积",
    "现有或新增",
    "土地用途代码",
    "实施后地类编码",
    "规划用地性质",
    "项目类型",
    "建设内容",
    "实施前生产性用房面积",
    "实施前非生产性用房面积",
    "实施后生产性用房面积",
    "实施后非生产性用房面积",
    "符合城乡规划",
    "符合环保要求",
    "备注",
]
ROW = "20000,现有,0601,0601,M2,技术改造,新建多层厂房,15000,1000,31000,1000,是,是"


def read(path: Path, **kwargs: Any) -> tuple[list[Item], list[Problem]]:
    notices: list[Problem] = []
    items = list(iter_register(path, notices=notices.append, **kwargs))
    return items, notices


def register(path: Path, remarks: dict[int, str], *, rows: int = 2000, how: str = "excel") -> Path:
    """A register of `rows` parcels, row i's remark from `remarks` (else 无), saved as `how`:
    excel (UTF-8 with BOM, CRLF), wps (GBK, CRLF) or unicode-text (UTF-16 with BOM, tabs)."""
    sep = "\t" if how == "unicode-text" else ","
    lines = [sep.join(HEADER)]
    for i in range(1, rows + 1):
        cells = [f"G{i:05d}", *ROW.split(","), remarks.get(i, "无")]
        lines.append(sep.join(cells))
    text = "\r\n".join(lines) + "\r\n"
    codec = {"excel": "utf-8-sig", "wps": "gbk", "unicode-text": "utf-16"}[how]
    path.write_bytes(text.encode(codec))
    return path


def accounted(items: list[Item], notices: list[Problem]) -> tuple[int, int, int]:
    """(rows read, rows refused, lines skipped by name)."""
    good = sum(1 for i in items if i.data is not None and not i.problems)
    bad = sum(1 for i in items if i.problems)
    skipped = sum(n.last - n.line + 1 for n in notices if isinstance(n, SkippedRows))
    return good, bad, skipped


# --- 1. a stray quote never swallows rows ----------------------------------------------------


@pytest.mark.parametrize("how", ["excel", "wps", "unicode-text"])
def test_an_unclosed_quote_is_an_error_at_the_quote_and_every_row_after_it_is_read(
    tmp_path: Path, how: str
) -> None:
    path = register(tmp_path / "r.csv", {1000: '"待核实'}, how=how)
    items, notices = read(path)
    assert accounted(items, notices) == (1999, 1, 0)
    (bad,) = [i for i in items if i.problems]
    (problem,) = bad.problems
    assert (problem.line, problem.col, problem.code) == (1001, 15, "open-quote")
    assert problem.field == "备注"
    assert "line 1002 it runs into looks like a row" in problem.message
    assert "stray quote" in problem.hint
    assert [i.line for i in items] == list(range(2, 2002))  # every line, in order
    # in the last row, the quote runs to the end of the file
    items, notices = read(register(tmp_path / "last.csv", {2000: '"待核实'}, how=how))
    assert accounted(items, notices) == (1999, 1, 0)
    assert "not closed before the end of the file" in items[-1].problems[0].message


def test_two_stray_quotes_ten_rows_apart_merge_nothing(tmp_path: Path) -> None:
    path = register(tmp_path / "r.csv", {500: '"待核实', 510: '待核实"'})
    items, notices = read(path)
    assert accounted(items, notices) == (1999, 1, 0)
    (problem,) = [p for i in items for p in i.problems]
    assert (problem.line, problem.col, problem.field) == (501, 15, "备注")
    assert "line 502 it runs into looks like a row" in problem.message
    assert items[509].raw is not None and items[509].raw["备注"] == '待核实"'  # a literal quote


def test_the_command_line_counts_every_row(tmp_path: Path) -> None:
    register(tmp_path / "r.csv", {500: '"待核实', 510: '待核实"'})
    result = invoke_cli(
        ["check", "r.csv", "-f", "jsonl", "-j", "1", "-o", "out.jsonl"], cwd=tmp_path
    )
    assert result.exit_code == 3, result.describe()
    assert "2000 parcels (1 input error)" in result.stderr, result.describe()
    assert "r.csv:501:15: error[open-quote] 备注: the quote at character " in result.stderr


def test_a_cell_excel_wrote_over_several_lines_is_still_one_cell(tmp_path: Path) -> None:
    # Excel quotes a cell holding Alt+Enter line breaks and ends only rows with CRLF.
    path = register(
        tmp_path / "r.csv", {3: '"第一行\n第二行，含逗号,也可以\n第三行"', 7: '"待核实'}
    )
    items, notices = read(path, encoding=None)
    assert accounted(items, notices) == (1999, 1, 0)
    assert (
        items[2].raw is not None and items[2].raw["备注"] == "第一行\n第二行，含逗号,也可以\n第三行"
    )
    assert [i.line for i in items[2:5]] == [4, 7, 8]  # row 3 took lines 4-6
    assert items[6].problems[0].line == 10


def test_a_merged_row_with_the_wrong_cell_count_is_refused(tmp_path: Path) -> None:
    # The quote closes two lines on, in a line that does not look like a row, but the joined
    # record holds more cells than the header: the quote did not belong where it is.
    path = tmp_path / "r.csv"
    text = ",".join(HEADER) + "\r\n" + f'G1,{ROW},"a\r\nb",x,y\r\n' + f"G2,{ROW},无\r\n"
    path.write_bytes(text.encode("utf-8-sig"))
    items, _ = read(path)
    assert [(i.line, [p.code for p in i.problems]) for i in items] == [
        (2, ["open-quote"]),
        (3, []),  # `b",x,y` read again as a row: it names its own problems when checked
        (4, []),
    ]
    assert "the row it makes has 17 cells where the header has 15" in items[0].problems[0].message


def test_an_unclosed_quote_in_the_header_refuses_the_file_and_no_row_becomes_the_header(
    tmp_path: Path,
) -> None:
    path = tmp_path / "r.csv"
    text = ",".join(HEADER[:-1]) + ',"备注\r\n' + "".join(f"G{i},{ROW},无\r\n" for i in range(5))
    path.write_bytes(text.encode("utf-8-sig"))
    items, _ = read(path)
    assert [(i.line, [p.code for p in i.problems]) for i in items] == [(1, ["open-quote"])]


def test_blank_lines_are_named(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    text = ",".join(HEADER) + "\r\n" + f"G1,{ROW},无\r\n\r\n,,,\r\n" + f"G2,{ROW},无\r\n\r\n"
    path.write_bytes(text.encode("utf-8-sig"))
    items, notices = read(path)
    assert [i.line for i in items] == [2, 5]
    skips = [n for n in notices if isinstance(n, SkippedRows)]
    assert [(n.line, n.last, n.code) for n in skips] == [
        (3, 4, "blank-rows"),
        (6, 6, "blank-rows"),
    ]
    assert skips[0].render().endswith("warning[blank-rows] skipped: blank (3–4)")


# --- 2. JSON Lines and GeoJSON: read as written ------------------------------------------------


def _problems(item: Item) -> list[str]:
    return [p.render() for p in evaluate_item(PACK, item).problems]


def test_a_duplicate_json_key_is_an_error_not_the_last_value(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(
        '{"parcel.code": "G1", "project.works": ["new_multistorey_factory"], '
        '"project.works": ["other_buildings"]}\n',
        encoding="utf-8",
    )
    (item,), _ = read(path)
    assert [(p.code, p.field) for p in item.problems] == [("duplicate-key", "project.works")]
    assert item.data is None


def test_a_flat_and_a_nested_spelling_of_one_field_are_an_error_naming_both(
    tmp_path: Path,
) -> None:
    path = tmp_path / "r.jsonl"
    record = {"parcel.land_area_m2": "20000", "parcel": {"code": "G1", "land_area_m2": "2000"}}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    (item,), _ = read(path)
    (problem,) = item.problems
    assert problem.code == "two-spellings"
    assert '"parcel.land_area_m2"' in problem.message
    assert '{"parcel": {"land_area_m2": …}}' in problem.message


@pytest.mark.parametrize(
    ("written", "says", "hint"),
    [
        ("1e4", "exponent notation is not allowed (got '1e4')", "type 10000"),
        ("20000.000000000001", "more than 6 decimal places (got '20000.000000000001')", ""),
        ("-0", "must not be negative (got '-0')", ""),
    ],
)
def test_json_numbers_are_read_as_written_and_judged_as_yaml_numbers(
    tmp_path: Path, written: str, says: str, hint: str
) -> None:
    jsonl = tmp_path / "r.jsonl"
    jsonl.write_text(f'{{"parcel.code": "G1", "parcel.land_area_m2": {written}}}\n', "utf-8")
    yaml = tmp_path / "p.yaml"
    yaml.write_text(
        f'schema_version: "1"\nparcel:\n  code: G1\n  land_area_m2: {written}\n', "utf-8"
    )
    (row,), _ = read(jsonl)
    from_json = evaluate_item(PACK, row).problems
    from_yaml = evaluate_item(PACK, Item(str(yaml))).problems
    # the same refusal; the register's hint says what to type in the cell, the file's what to write
    assert [p.message for p in from_json] == [p.message for p in from_yaml]
    assert [p.hint.replace("type ", "write ") for p in from_json] == [p.hint for p in from_yaml]
    assert says in from_json[0].message and from_json[0].hint == hint


def test_geojson_properties_are_read_as_written_and_numbers_copied_through_as_numbers(
    tmp_path: Path,
) -> None:
    path = tmp_path / "r.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": ['
        '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [121.25, 30.17]},'
        ' "properties": {"宗地号": "G1", "用地面积": 1e4}},'
        '{"type": "Feature", "geometry": null,'
        ' "properties": {"宗地号": "G2", "宗地号": "G3", "用地面积": 20000}}]}',
        encoding="utf-8",
    )
    first, second = read(path)[0]
    assert first.data is not None and first.data["parcel"]["land_area_m2"] == "1e4"
    assert first.raw == {"宗地号": "G1", "用地面积": 10000.0}
    assert first.geometry == {"type": "Point", "coordinates": [121.25, 30.17]}
    assert [p.code for p in second.problems] == ["duplicate-key"]


# --- 6. register bombs -------------------------------------------------------------------------


def _workbook(path: Path, rows: int = 3) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for i in range(rows):
        sheet.append([f"G{i}", *ROW.split(","), "无"])
    book.save(path)
    return path


def _repack(source: Path, target: Path, replace: dict[str, bytes]) -> Path:
    """The workbook `source` with some parts replaced, deflated as Excel does."""
    with zipfile.ZipFile(source) as z, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            data = replace.pop(info.filename, None)
            out.writestr(info.filename, data if data is not None else z.read(info.filename))
        for name, data in replace.items():
            out.writestr(name, data)
    return target


def test_a_workbook_bomb_is_refused_from_the_zip_directory(tmp_path: Path) -> None:
    book = _workbook(tmp_path / "book.xlsx")
    sheet = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
        + b"A" * (40 << 20)
        + b"</t></is></c></row></sheetData></worksheet>"
    )
    bomb = _repack(book, tmp_path / "bomb.xlsx", {"xl/worksheets/sheet1.xml": sheet})
    assert bomb.stat().st_size < 1 << 20
    (item,), _ = read(bomb)
    (problem,) = item.problems
    assert problem.code == "xlsx-ratio"
    assert (
        "xl/worksheets/sheet1.xml" in problem.message
        and "the limit is 100 times" in problem.message
    )
    assert problem.hint == "if the file is genuine, raise the limit with --max-ratio"
    result = invoke_cli(["check", "bomb.xlsx", "--format", "jsonl"], cwd=tmp_path)
    assert result.exit_code == 3, result.describe()
    assert "error[xlsx-ratio]" in result.stderr, result.describe()


def test_shared_strings_and_the_whole_workbook_are_capped(tmp_path: Path) -> None:
    import random

    book = _workbook(tmp_path / "book.xlsx")
    noise = "".join(random.Random(1).choices("地块厂房宗地面积", k=600_000)).encode()
    strings = b"<sst><si><t>" + noise + b"</t></si></sst>"
    big = _repack(book, tmp_path / "big.xlsx", {"xl/sharedStrings.xml": strings})
    (item,), _ = read(big, limits=RegisterLimits(max_xlsx_part=1 << 20))
    assert [(p.code, p.hint) for p in item.problems] == [
        ("xlsx-part-too-big", "if the file is genuine, raise the limit with --max-xlsx-part")
    ]
    assert item.problems[0].message.startswith("xl/sharedStrings.xml: ")
    (item,), _ = read(big, limits=RegisterLimits(max_unzipped=1 << 20))
    assert [p.code for p in item.problems] == ["xlsx-too-big"]
    assert "--max-unzipped" in item.problems[0].hint


def test_a_damaged_zip_directory_is_a_bad_workbook_not_a_crash(tmp_path: Path) -> None:
    # Found by benchmarks/register_fuzz.py (input 61388): Python's zip reader raises
    # NotImplementedError for a "version needed" it does not know.
    raw = bytearray(_workbook(tmp_path / "book.xlsx").read_bytes())
    at = raw.index(b"PK\x01\x02")
    raw[at + 6 : at + 8] = (178).to_bytes(2, "little")  # zip version 17.8
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(bytes(raw))
    (item,), _ = read(path)
    assert [p.code for p in item.problems] == ["bad-xlsx"]


def test_a_long_json_line_is_refused_and_the_next_line_is_read(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    with path.open("w", encoding="utf-8") as f:
        f.write(json.dumps({"parcel.code": "G1", "备注": "x" * (11 << 20)}) + "\n")
        f.write(json.dumps({"parcel.code": "G2"}) + "\n")
    items, _ = read(path)
    assert [(i.line, [p.code for p in i.problems]) for i in items] == [
        (1, ["row-too-big"]),
        (2, []),
    ]
    assert items[0].problems[0].hint == "if the file is genuine, raise the limit with --max-bytes"
    assert "10 MiB (10485760 bytes)" in items[0].problems[0].message


def test_a_huge_geojson_feature_is_refused_and_named(tmp_path: Path) -> None:
    path = tmp_path / "r.geojson"
    big = {
        "type": "Feature",
        "geometry": None,
        "properties": {"宗地号": "G1", "x": "y" * (11 << 20)},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [big]}), "utf-8")
    (item,), _ = read(path)
    assert [(p.code, p.hint) for p in item.problems] == [
        ("row-too-big", "if the file is genuine, raise the limit with --max-bytes")
    ]


@pytest.mark.parametrize(
    ("row", "code", "col", "flag"),
    [
        ("G1" + "," * 60_000, "too-many-cells", 1, "--max-nodes"),
        (f"G1,{ROW}," + "长" * 150_000, "cell-too-long", 15, "--max-scalar"),
        (f'G1,{ROW},"' + "长" * 150_000 + '"', "cell-too-long", 15, "--max-scalar"),
    ],
)
def test_cells_per_row_and_characters_per_cell_are_capped(
    tmp_path: Path, row: str, code: str, col: int, flag: str
) -> None:
    path = tmp_path / "r.csv"
    text = ",".join(HEADER) + "\r\n" + row + "\r\n" + f"G2,{ROW},无\r\n"
    path.write_bytes(text.encode("utf-8-sig"))
    items, _ = read(path)
    assert [(i.line, [(p.code, p.col) for p in i.problems]) for i in items] == [
        (2, [(code, col)]),
        (3, []),
    ]
    assert items[0].problems[0].hint.endswith(flag)


def test_a_limit_is_raised_by_its_flag(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    text = ",".join(HEADER) + "\r\n" + f"G1,{ROW}," + "长" * 150_000 + "\r\n"
    path.write_bytes(text.encode("utf-8-sig"))
    refused = invoke_cli(["check", "r.csv", "--format", "jsonl"], cwd=tmp_path)
    assert "error[cell-too-long]" in refused.stderr, refused.describe()
    raised = invoke_cli(
        ["check", "r.csv", "--format", "jsonl", "--max-scalar", "200000"], cwd=tmp_path
    )
    assert "cell-too-long" not in raised.stderr, raised.describe()


# --- 8. a header with a unit landrules does not know ---------------------------------------------


def test_an_unknown_unit_in_an_area_header_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes("宗地号,用地面积（万平方米）\r\nG1,2\r\n".encode("utf-8-sig"))
    (item,), notices = read(path)
    (problem,) = item.problems
    assert (problem.line, problem.col, problem.field) == (1, 2, "用地面积（万平方米）")
    assert problem.message == "unknown area unit '万平方米': write 亩, 公顷 or 平方米 (mu, ha, m2)"
    assert notices == []

"""Workbooks as people fill them in (issue 13, points 2 and 3): .xlsx written by openpyxl, .xls
by xlwt (old Excel's and WPS's format), .ods by odfpy; every notice and error as a user sees it."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import invoke_cli

from landrules.batch import Item
from landrules.inputs import REGISTER_SUFFIXES, RegisterLimits
from landrules.problems import Problem
from landrules.registers import iter_register

pytest.importorskip("python_calamine")
openpyxl = pytest.importorskip("openpyxl")

HEADER = ["宗地号", "用地面积", "申请日期", "实施后生产性用房面积"]


def read(path: Path, **kwargs: Any) -> tuple[list[Item], list[str]]:
    notices: list[Problem] = []
    items = list(iter_register(path, notices=notices.append, **kwargs))
    return items, [n.render() for n in notices]


def xlsx(path: Path, rows: list[list[Any]], **sheets: list[list[Any]]) -> Path:
    book = openpyxl.Workbook()
    book.active.title = "台账"
    for row in rows:
        book.active.append(row)
    for name, more in sheets.items():
        sheet = book.create_sheet(name)
        for row in more:
            sheet.append(row)
    book.save(path)
    return path


def data(item: Item) -> dict[str, Any]:
    assert item.data is not None, item.problems
    return item.data


# --- dates typed into General cells --------------------------------------------------------------


def test_a_date_typed_as_a_day_number_is_read_as_the_date_and_named_once(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path / "r.xlsx",
        [HEADER, ["G1", 20000, 45198, 100], ["G2", 20000, 45199, 100]],
    )
    book = openpyxl.load_workbook(path)
    book.active["C3"].number_format = "General"
    book.active.append(["G3", 20000, datetime(2024, 6, 3), 100])  # a real date format
    book.save(path)
    items, notices = read(path)
    assert [data(i)["application_date"] for i in items] == [
        "2023-09-29",
        "2023-09-30",
        "2024-06-03",
    ]
    assert notices == [
        f"{path}:2:3: warning[excel-date-number] 申请日期: read 2 date(s) typed into General "
        "cells as Excel day numbers (first: 45198 read as 2023-09-29, Excel's 1900 date system)"
    ]
    assert items[0].raw is not None and items[0].raw["申请日期"] == "45198"  # copied as written


@pytest.mark.parametrize(
    ("number", "says"),
    [
        (
            2024,
            "the cell holds the number 2024, not a date: as an Excel day number it would be "
            "1905-07-16, which no register date is",
        ),
        (
            45,
            "the cell holds the number 45, not a date: it is no Excel day number landrules "
            "reads as a date",
        ),
        (
            45198.5,
            "the cell holds the number 45198.5, not a date: it is no Excel day number "
            "landrules reads as a date",
        ),
    ],
)
def test_a_number_that_is_no_plausible_date_is_refused_at_its_cell(
    tmp_path: Path, number: float, says: str
) -> None:
    path = xlsx(tmp_path / "r.xlsx", [HEADER, ["G1", 20000, number, 100]])
    (item,), notices = read(path)
    assert notices == []
    assert [p.render().splitlines() for p in item.problems] == [
        [
            f"{path}:2:3: error[date-number] 申请日期: {says}",
            "    hint: type the date as 2024-06-03, or format the cell as a date in Excel or WPS",
        ]
    ]


# --- numbers as text, codes as numbers ------------------------------------------------------------


def test_a_number_stored_as_text_is_read_as_the_number_it_says(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "r.xlsx", [HEADER, ["G1", "20000", "2024-06-03", "13333.3"]])
    (item,), notices = read(path)
    assert notices == []
    assert data(item)["floor_area"] == {"after": {"production_m2": "13333.3"}}
    assert data(item)["parcel"]["land_area_m2"] == "20000"


def test_a_code_typed_as_a_number_in_an_xls_keeps_the_did_you_mean(tmp_path: Path) -> None:
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("台账")
    for r, row in enumerate([["宗地号", "土地用途代码"], ["G1", 601]]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    path = tmp_path / "r.xls"
    book.save(str(path))
    result = invoke_cli(["check", "r.xls", "--format", "jsonl"], cwd=tmp_path)
    assert "r.xls:2:2: warning[code-as-number] 土地用途代码: the column holds numbers" in (
        result.stderr
    ), result.describe()
    assert "did you mean '0601'" in result.stderr, result.describe()


# --- formulas ---------------------------------------------------------------------------------


def test_a_formula_without_a_stored_result_is_an_error_at_its_cell(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path / "r.xlsx",
        [
            [*HEADER, "序号"],
            ["G1", 20000, "2024-06-03", "=B2/2", "=ROW()-1"],
            ["G2", 20000, "2024-06-03", 100, "=ROW()-1"],
        ],
    )
    items, notices = read(path)
    assert [[p.render().splitlines() for p in i.problems] for i in items] == [
        [
            [
                f"{path}:2:4: error[formula-no-result] 实施后生产性用房面积: the cell holds a "
                "formula (=B2/2) without a stored result, so its value is not known: the file was "
                "saved by a program that does not calculate",
                "    hint: open and save the file in Excel or WPS so the result is stored",
            ]
        ],
        [],
    ]
    assert notices[-1].splitlines() == [
        f"{path}:2:0: warning[formula-no-result] formulas without a stored result in cells not "
        "read as parcel facts (copied through empty): E2, E3",
        "    hint: open and save the file in Excel or WPS so the result is stored",
    ]


def test_a_formula_with_its_stored_result_is_read_as_that_result(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "r.xlsx", [HEADER, ["G1", 20000, "2024-06-03", "=B2/2"]])
    with zipfile.ZipFile(path) as z:  # as Excel saves it: the formula and its cached value
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b"<f>B2/2</f><v /></c>", b"<f>B2/2</f><v>10000</v></c>")
    assert b"<v>10000</v>" in parts[sheet]
    with zipfile.ZipFile(path, "w") as z:
        for name, body in parts.items():
            z.writestr(name, body)
    (item,), notices = read(path)
    assert notices == []
    assert data(item)["floor_area"] == {"after": {"production_m2": "10000"}}


# --- hidden rows, hidden and several sheets ------------------------------------------------------


def test_hidden_rows_are_read_and_named(tmp_path: Path) -> None:
    rows = [HEADER, *[[f"G{i}", 20000, "2024-06-03", 100] for i in range(1, 6)]]
    path = xlsx(tmp_path / "r.xlsx", rows)
    book = openpyxl.load_workbook(path)
    for r in (3, 5, 6):
        book.active.row_dimensions[r].hidden = True
    book.save(path)
    items, notices = read(path)
    assert [i.line for i in items] == [2, 3, 4, 5, 6]
    assert notices == [
        f"{path}:3:0: warning[hidden-rows] rows hidden in the sheet were read like the others "
        "(row 3, 5–6): a hidden row is still a row of the register; delete it if it is not a parcel"
    ]


def test_the_first_visible_sheet_is_read_and_the_others_named(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["本表由乡镇填报"])
    book.active.sheet_state = "hidden"
    sheet = book.create_sheet("台账")
    sheet.append(HEADER)
    sheet.append(["G1", 20000, "2024-06-03", 100])
    book.create_sheet("汇总").append(["合计"])
    path = tmp_path / "r.xlsx"
    book.save(path)
    (item,), notices = read(path)
    assert data(item)["parcel"]["code"] == "G1"
    assert notices == [
        f"{path}:0:0: warning[other-sheets] read sheet '台账'; not read: '说明' (hidden), '汇总' "
        "(--sheet NAME reads another)"
    ]
    result = invoke_cli(["check", "r.xlsx", "--sheet", "说明"], cwd=tmp_path)
    assert "r.xlsx:0:0: warning[hidden-sheet] sheet '说明' is hidden in the workbook; read " in (
        result.stderr
    ), result.describe()
    result = invoke_cli(["check", "r.xlsx", "--sheet", "总表"], cwd=tmp_path)
    assert result.exit_code != 0
    assert (
        "r.xlsx:0:0: error[no-sheet] no sheet '总表' (has: '说明', '台账', '汇总')" in result.stderr
    ), result.describe()
    assert "hint: give one of these sheets with --sheet NAME" in result.stderr


def test_sheet_on_the_command_line_wins_and_reaches_the_csv_columns(tmp_path: Path) -> None:
    xlsx(
        tmp_path / "r.xlsx",
        [["宗地号", "备注"], ["G1", "a"]],
        乙=[["宗地号", "用地面积"], ["G2", 20000]],
    )
    result = invoke_cli(
        ["check", "r.xlsx", "--sheet", "乙", "--format", "csv", "-o", "out.csv"], cwd=tmp_path
    )
    text = (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("宗地号,用地面积,"), result.describe()
    assert text.splitlines()[1].startswith("G2,20000,")


# --- .xls and .ods ------------------------------------------------------------------------------

ROWS = [HEADER, ["G1", 20000, "2024-06-03", 13333.3], ["G2", "30000", 45198, "100"]]


def _xls(path: Path) -> Path:
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("台账")
    for r, row in enumerate(ROWS):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.save(str(path))
    return path


def _ods(path: Path) -> Path:
    pytest.importorskip("odf")
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="台账")
    for row in ROWS:
        tr = TableRow()
        for value in row:
            if isinstance(value, str):
                cell = TableCell(valuetype="string")
            else:
                cell = TableCell(valuetype="float", value=value)
            cell.addElement(P(text=str(value)))
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


@pytest.mark.parametrize("make", [_xls, _ods], ids=["xls", "ods"])
def test_xls_and_ods_read_as_the_same_xlsx(tmp_path: Path, make: Any) -> None:
    assert ".xls" in REGISTER_SUFFIXES and ".ods" in REGISTER_SUFFIXES
    reference, ref_notices = read(xlsx(tmp_path / "r.xlsx", ROWS))
    path = make(tmp_path / f"r{make.__name__.replace('_', '.')}")
    items, notices = read(path)
    assert [i.data for i in items] == [i.data for i in reference]
    assert [i.raw for i in items] == [i.raw for i in reference]
    assert data(items[1])["application_date"] == "2023-09-29"
    assert [n.replace(str(path), "F") for n in notices] == [
        n.replace(str(tmp_path / "r.xlsx"), "F") for n in ref_notices
    ]


def test_an_xls_too_big_to_hold_is_refused_by_its_size(tmp_path: Path) -> None:
    path = _xls(tmp_path / "r.xls")
    (item,), _ = read(path, limits=RegisterLimits(max_xlsx_part=1024))
    assert [p.render().splitlines() for p in item.problems] == [
        [
            f"{path}:0:0: error[workbook-too-big] the .xls file is larger than 1024, the limit "
            "for a workbook read whole",
            "    hint: if the file is genuine, raise the limit with --max-xlsx-part",
        ]
    ]


def test_an_ods_sheet_part_is_capped_as_a_part_read_whole(tmp_path: Path) -> None:
    path = _ods(tmp_path / "r.ods")
    (item,), _ = read(path, limits=RegisterLimits(max_xlsx_part=1024))
    (problem,) = item.problems
    assert problem.code == "xlsx-part-too-big" and problem.message.startswith("content.xml: ")


def test_a_damaged_xls_is_one_located_error(tmp_path: Path) -> None:
    path = tmp_path / "r.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0 not really an xls")
    (item,), _ = read(path)
    (problem,) = item.problems
    assert problem.code == "bad-workbook"
    assert problem.render().startswith(f"{path}:0:0: error[bad-workbook] not a readable .xls")


def test_a_sheet_too_big_to_hold_is_streamed_with_the_same_rows_and_notices(
    tmp_path: Path,
) -> None:
    rows = [
        [*HEADER, "序号"],
        ["G1", 20000, 45198, "=B2/2", "=ROW()-1"],
        ["G2", 20000, date(2024, 6, 3), 100, 1],
    ]
    path = xlsx(tmp_path / "r.xlsx", rows, 汇总=[["合计"]])
    book = openpyxl.load_workbook(path)
    book["台账"].row_dimensions[3].hidden = True
    book.save(path)
    whole = read(path)
    streamed = read(path, limits=RegisterLimits(max_sheet_whole=0))
    assert [(i.data, i.raw, [p.render() for p in i.problems]) for i in streamed[0]] == [
        (i.data, i.raw, [p.render() for p in i.problems]) for i in whole[0]
    ]
    assert streamed[1] == whole[1]
    assert [n.split("] ")[0].split(" ")[-1] for n in whole[1]] == [
        "warning[other-sheets",
        "warning[unknown-columns",
        "warning[excel-date-number",
        "warning[hidden-rows",
        "warning[formula-no-result",
    ]

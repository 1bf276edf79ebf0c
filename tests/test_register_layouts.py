"""Register layouts as offices make them (issue 13, point 5): a two-level merged header, and
columns mapped by position where the headers cannot be used.

The two-level header is the usual 台账 layout: `实施前` and `实施后` merged over `生产性用房面积`
and `非生产性用房面积`, every other header merged down over both rows. Excel saves a merged cell's
text in its first cell only, so the CSV has blanks where the workbook had merged cells.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import invoke_cli
from test_register_excel_formats import ROW, read, save

from landrules.problems import InputError
from landrules.registers import load_mapping

UPPER = ["宗地号", "用地面积", "现有或新增", "土地用途代码", "实施后地类编码", "规划用地性质"]
UPPER += ["项目类型", "建设内容", "实施前", "", "实施后", ""]
UPPER += ["符合城乡规划", "符合环保要求", "备注"]
LOWER = [""] * 8 + ["生产性用房面积", "非生产性用房面积"] * 2 + [""] * 3
COMBINED = (
    "rows 1 and 2 read as one header (merged cells): "
    "实施前 + 生产性用房面积 → 实施前生产性用房面积 (column I), "
    "实施前 + 非生产性用房面积 → 实施前非生产性用房面积 (column J), "
    "实施后 + 生产性用房面积 → 实施后生产性用房面积 (column K), "
    "实施后 + 非生产性用房面积 → 实施后非生产性用房面积 (column L)"
)


def parcels(n: int) -> list[list[str]]:
    return [[f"G{i:03d}", *ROW] for i in range(1, n + 1)]


def floor_areas(data: dict[str, Any] | None) -> dict[str, Any]:
    assert data is not None
    return dict(data["floor_area"])


FLOOR = {
    "before": {"production_m2": "15000", "non_production_m2": "1000"},
    "after": {"production_m2": "31000", "non_production_m2": "1000"},
}


@pytest.mark.parametrize("how", ["excel", "wps", "unicode-text"])
def test_a_two_level_header_saved_as_csv_is_read_as_one_and_named(tmp_path: Path, how: str) -> None:
    suffix = ".txt" if how == "unicode-text" else ".csv"
    path = save(tmp_path / f"台账{suffix}", [UPPER, LOWER, *parcels(3)], how)
    items, notices = read(path)
    assert [(i.line, i.problems) for i in items] == [(3, []), (4, []), (5, [])]
    assert all(floor_areas(i.data) == FLOOR for i in items)
    combined = [n for n in notices if n.code == "two-level-header"]
    assert [(n.line, n.col, n.message) for n in combined] == [(1, 9, COMBINED)]
    assert "unknown-columns" not in {n.code for n in notices if "实施前" in n.message}


def test_a_merged_two_level_header_in_a_workbook_is_read_as_one(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(UPPER)
    sheet.append([c or None for c in LOWER])
    sheet.merge_cells("I1:J1")
    sheet.merge_cells("K1:L1")
    for letter in "ABCDEFGHMNO":
        sheet.merge_cells(f"{letter}1:{letter}2")
    for row in parcels(2):
        sheet.append(row)
    book.save(tmp_path / "台账.xlsx")
    result = invoke_cli(["check", str(tmp_path / "台账.xlsx"), "-f", "jsonl"])
    assert result.exit_code == 0, result.describe()
    assert len(result.stdout.splitlines()) == 2, "the second header row is not a parcel"
    assert f"warning[two-level-header] {COMBINED}" in result.stderr


def test_an_error_in_a_combined_column_names_the_combined_header(tmp_path: Path) -> None:
    bad = parcels(1)
    bad[0][10] = "三万"
    path = save(tmp_path / "台账.csv", [UPPER, LOWER, *bad], "excel")
    result = invoke_cli(["check", str(path)])
    assert result.exit_code == 3, result.describe()
    assert f"{path}:3:11: error" in result.stderr, result.describe()
    assert "实施后生产性用房面积" in result.stderr.split(f"{path}:3:11:")[1].splitlines()[0]


def test_a_row_of_data_under_a_header_with_blanks_is_data_not_a_second_level(
    tmp_path: Path,
) -> None:
    header = [*UPPER[:8], "实施前生产性用房面积", "", "", "", *UPPER[-3:]]
    items, notices = read(save(tmp_path / "台账.csv", [header, *parcels(2)], "excel"))
    assert [(i.line, i.problems) for i in items] == [(2, []), (3, [])]
    assert "two-level-header" not in {n.code for n in notices}


def test_a_second_row_that_makes_no_known_header_is_data(tmp_path: Path) -> None:
    upper = ["宗地号", "备注", ""]
    lower = ["", "生产性用房面积", "x"]  # nothing known is made: read as a row (with no code)
    items, notices = read(save(tmp_path / "台账.csv", [upper, lower, ["G001", "a", "b"]], "excel"))
    assert [i.line for i in items] == [2, 3]
    assert "two-level-header" not in {n.code for n in notices}


def test_a_bad_record_right_under_a_header_with_blanks_is_reported_at_its_line(
    tmp_path: Path,
) -> None:
    rows = [",".join(UPPER), 'G001,"20000', ",".join(parcels(1)[0]).replace("G001", "G002")]
    path = tmp_path / "台账.csv"
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("utf-8-sig"))
    items, _ = read(path)
    codes = [p.code for i in items for p in i.problems]
    assert codes and codes[0] == "open-quote"
    assert items[0].line == 2


# --- columns mapped by position ----------------------------------------------------------------


def mapping(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "映射.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_columns_named_by_position_in_the_mapping_are_read_and_named(tmp_path: Path) -> None:
    rows = [["编号", "面积", "", "备注"], ["G001", "30", "现有", "x"], ["G002", "15", "新增", ""]]
    register = save(tmp_path / "台账.csv", rows, "excel")
    positions = mapping(
        tmp_path,
        "positions:\n  A: parcel.code\n  2: {field: parcel.land_area_m2, unit: 亩}\n"
        "  C: parcel.land_supply\n  D: null\n",
    )
    items, notices = read(register, mapping=positions)
    assert [i.data["parcel"] for i in items if i.data] == [
        {"code": "G001", "land_area": "30亩", "land_supply": "现有"},
        {"code": "G002", "land_area": "15亩", "land_supply": "新增"},
    ]
    named = [n.message for n in notices if n.code == "columns-by-position"]
    assert named == [
        "columns read by their position, as the column mapping says: A (编号) → parcel.code, "
        "B (面积) → parcel.land_area_m2, C (no header) → parcel.land_supply, D (备注) → not read"
    ]
    assert "unknown-columns" not in {n.code for n in notices}


def test_a_position_wins_over_the_header_in_its_column(tmp_path: Path) -> None:
    rows = [["宗地号", "宗地号"], ["G001", "X9"]]
    register = save(tmp_path / "台账.csv", rows, "excel")
    items, _ = read(register, mapping=mapping(tmp_path, "positions:\n  A: parcel.name\n"))
    assert items[0].data is not None
    assert items[0].data["parcel"] == {"name": "G001", "code": "X9"}


@pytest.mark.parametrize("key", ["AAAA", "0", "A1", "第三列"])
def test_a_position_that_is_no_column_is_refused_with_what_to_write(
    tmp_path: Path, key: str
) -> None:
    with pytest.raises(InputError) as err:
        load_mapping(mapping(tmp_path, f"positions:\n  {key}: parcel.code\n"))
    (problem,) = err.value.problems
    assert "is not a column: write its letter as on the spreadsheet" in problem.message
    assert problem.line == 2

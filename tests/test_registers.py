"""Reading registers: what a land official sees for each kind of row, cell and file."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, invoke_cli

from landrules.api import load_rules
from landrules.batch import Item, Result, evaluate_item
from landrules.problems import Problem
from landrules.registers import (
    REGISTER_FIELDS,
    area_to_m2,
    iter_register,
    load_mapping,
)

PACK = load_rules()


def read(path: Path, **kwargs: Any) -> tuple[list[Item], list[Problem]]:
    notices: list[Problem] = []
    items = list(iter_register(path, notices=notices.append, **kwargs))
    return items, notices


def check(item: Item) -> Result:
    return evaluate_item(PACK, item)


def rendered(result: Result) -> list[str]:
    return [p.render() for p in result.problems]


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


APPLIES_HEADER = (
    "宗地号,用地面积,现有或新增,土地用途代码,实施后地类编码,规划用地性质,项目类型,建设内容,"
    "实施前生产性用房面积,实施前非生产性用房面积,实施后生产性用房面积,实施后非生产性用房面积,"
    "符合城乡规划,符合环保要求\n"
)
APPLIES_ROW = "G1,20000,现有,0601,0601,M2,技术改造,新建多层厂房,15000,1000,31000,1000,是,是\n"


# --- units -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "m2"),
    [
        ("30", "mu", "20000.00"),  # exact: 30 × 10000/15
        ("1", "mu", "666.67"),  # 666.666… rounded once
        ("3", "mu", "2000.00"),  # not 3 × 666.67 = 2000.01
        ("0.5", "mu", "333.33"),
        ("2", "mu", "1333.33"),
        ("1.5", "ha", "15000.00"),
        ("0.0000005", "ha", "0.01"),  # an exact half cent rounds half up (四舍五入)
        ("12345.6", "m²", "12345.6"),  # square metres are never rounded
    ],
)
def test_areas_in_mu_and_hectares_are_converted_exactly_and_rounded_once(
    value: str, unit: str, m2: str
) -> None:
    assert area_to_m2(value, unit) == m2


@pytest.mark.parametrize(
    "header",
    [
        "用地面积（亩）",
        "用地面积(亩)",
        "用地面积 (亩)",
        "parcel.land_area_mu",
        "parcel.land_area_m2(亩)",
    ],
)
def test_a_unit_in_the_header_applies_to_its_column(tmp_path: Path, header: str) -> None:
    path = write_csv(tmp_path / "r.csv", f"宗地号,{header}\nG1,30\nG2,3\n")
    items, notices = read(path)
    assert notices == []
    # kept with its unit, so the model computes with the exact area (never rounded here)
    assert [i.data["parcel"]["land_area"] for i in items if i.data] == ["30亩", "3亩"]
    assert [i.raw[header] for i in items if i.raw] == ["30", "3"]  # the input is kept as written


def test_hectares_and_square_metres_in_headers(tmp_path: Path) -> None:
    text = (
        "宗地号,宗地面积（公顷）,实施前生产性用房面积（平方米）,经批准建设厂房面积(m²)\n"
        "G1,1.5,900,30000\n"
    )
    (item,), _ = read(write_csv(tmp_path / "r.csv", text))
    assert item.data is not None
    assert item.data["parcel"]["land_area"] == "1.5公顷"
    assert item.data["floor_area"]["before"]["production_m2"] == "900"  # m²: unchanged
    assert item.data["new_land"]["approved_factory_floor_area_m2"] == "30000"


def test_an_area_without_a_unit_is_square_metres(tmp_path: Path) -> None:
    (item,), _ = read(write_csv(tmp_path / "r.csv", "宗地号,用地面积\nG1,30\n"))
    assert item.data is not None and item.data["parcel"]["land_area_m2"] == "30"


def test_a_unit_on_a_column_that_is_not_an_area_is_refused(tmp_path: Path) -> None:
    (item,), _ = read(write_csv(tmp_path / "r.csv", "宗地号,容积率控制指标（亩）\nG1,1.2\n"))
    assert [p.render() for p in item.problems] == [
        f"{tmp_path / 'r.csv'}:1:2: error[bad-header] 容积率控制指标（亩）: a unit (亩) is given "
        "for new_land.plot_ratio_indicator, not an area"
    ]


def test_a_cell_in_a_mu_column_must_be_a_plain_number(tmp_path: Path) -> None:
    text = '宗地号,用地面积（亩）\nG1,30亩\nG2,30\nG3,-5\nG4,"1,500"\nG5,"1,50"\n'
    path = write_csv(tmp_path / "r.csv", text)
    items, notices = read(path)
    results = [check(i) for i in items]
    # Excel's `1,500` is read, named once for the column (issue 13); `1,50` is no Excel format
    assert [r.ok for r in results] == [False, True, False, True, False]
    assert [(n.line, n.code) for n in notices] == [(5, "excel-format")]
    assert rendered(results[0]) == [
        f"{path}:2:2: error[area] (parcel G1) 用地面积（亩）: write the number only: the header "
        "gives the unit (亩) (got '30亩'; the unit is 亩)"
    ]
    assert rendered(results[2]) == [
        f"{path}:4:2: error[area] (parcel G3) 用地面积（亩）: must not be negative "
        "(got '-5'; the unit is 亩)"
    ]
    assert rendered(results[4]) == [
        f"{path}:6:2: error[area] (parcel G5) 用地面积（亩）: a comma is not allowed "
        "(got '1,50'; the unit is 亩)\n    hint: type the number with '.' as the decimal point "
        "and no thousands separators, e.g. 13333.3"
    ]


# --- cells ---------------------------------------------------------------------------------------


def test_an_empty_cell_is_an_unknown_fact_never_no_or_zero(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", APPLIES_HEADER + APPLIES_ROW.replace(",是\n", ",\n"))
    (item,), _ = read(path)
    assert item.data is not None
    assert "environmental" not in item.data["approvals"]
    result = check(item)
    p1 = next(p for p in result.verdict["provisions"] if p["id"] == "P1")  # type: ignore[index]
    assert p1["outcome"] == "undetermined"
    assert p1["missing_facts"] == ["approvals.environmental"]


def test_a_full_row_applies(tmp_path: Path) -> None:
    (item,), _ = read(write_csv(tmp_path / "r.csv", APPLIES_HEADER + APPLIES_ROW))
    assert check(item).outcomes["P1"] == "applies"


def test_cells_are_text_and_the_raw_row_is_kept_as_read(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", "宗地号,土地用途代码,备注\n  G1 ,0601,  note\n")
    (item,), _ = read(path)
    assert item.raw == {"宗地号": "  G1 ", "土地用途代码": "0601", "备注": "  note"}
    assert item.data == {
        "parcel": {"code": "G1"},  # blanks around a cell are trimmed for the fact
        "land_use": {"current": {"gbt21010": "0601"}},
        "schema_version": "1",
    }


def test_works_take_several_values_separated_by_semicolons_or_dunhao(tmp_path: Path) -> None:
    text = (
        "宗地号,建设内容\n"
        "G1,新建多层厂房、其他建筑\n"
        "G2,new_multistorey_factory; other_buildings\n"
        "G3,；\n"
    )
    items, _ = read(write_csv(tmp_path / "r.csv", text))
    works = [(i.data or {}).get("project", {}).get("works") for i in items]
    assert works == [
        ["新建多层厂房", "其他建筑"],
        ["new_multistorey_factory", "other_buildings"],
        None,  # only separators: unknown
    ]
    assert check(items[0]).ok


def test_approval_columns_give_status_document_and_date(tmp_path: Path) -> None:
    text = (
        "宗地号,符合环保要求,环评批复文号,环评批复日期,approvals.relevant_rules\n"
        "G1,否,慈环建〔2024〕58号,2024-07-26,已取得\n"
    )
    (item,), _ = read(write_csv(tmp_path / "r.csv", text))
    assert item.data is not None
    assert item.data["approvals"] == {
        "environmental": {
            "status": "否",  # as written: the model reads it as refused (landrules.model.words)
            "document": "慈环建〔2024〕58号",
            "date": "2024-07-26",
        },
        "relevant_rules": {"status": "已取得"},
    }
    assert check(item).ok


def test_every_english_field_path_is_a_header(tmp_path: Path) -> None:
    fields = [f for f in REGISTER_FIELDS if f != "schema_version"]
    assert fields[0] == "parcel.code"
    text = ",".join(fields) + "\n" + "G1" + "," * (len(fields) - 1) + "\n"
    (item,), notices = read(write_csv(tmp_path / "r.csv", text))
    assert notices == []
    assert item.data == {"parcel": {"code": "G1"}, "schema_version": "1"}


# --- errors name file:line:column and the header ---------------------------------------------


def test_a_bad_cell_is_an_error_for_its_row_only_at_file_line_column(tmp_path: Path) -> None:
    text = (
        "宗地号,用地面积,备注,土地用途代码\n"
        'G1,20000,"two\nlines",0601\n'  # a quoted cell over two lines: G2 is on line 4
        "G2,-5,,0601\n"
        "G3,20000,,601\n"
        "G4,15000,,0601\n"
    )
    path = write_csv(tmp_path / "r.csv", text)
    items, _ = read(path)
    assert [i.line for i in items] == [2, 4, 5, 6]
    results = [check(i) for i in items]
    assert [r.ok for r in results] == [True, False, False, True]
    assert rendered(results[1])[0].startswith(
        f"{path}:4:2: error[value_error] (parcel G2) 用地面积: must not"
    )
    assert (
        rendered(results[2])[0].startswith(f"{path}:5:4: error[")
        and "土地用途代码:" in (rendered(results[2])[0])
    )


def test_the_command_line_reports_row_errors_and_checks_the_other_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", APPLIES_HEADER + APPLIES_ROW + "G2,-5" + "," * 13 + "\n")
    result = invoke_cli(["check", str(path)], cwd=tmp_path)
    assert result.exit_code == 3, result.describe()
    assert f"{path}:2 (parcel G1): P1 applies" in result.stdout
    assert (
        f"{path}:3:2: error[value_error] (parcel G2) 用地面积: must not be negative"
        in result.stderr
    )
    assert "2 parcels (1 input error)" in result.stdout


def test_a_cell_beyond_the_header_is_an_error_for_that_row(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", "宗地号,用地面积\nG1,20000,000\nG2,100,\n")
    (bad, good), _ = read(path)
    assert [p.render().splitlines()[0] for p in bad.problems] == [
        f"{path}:2:3: error[extra-cell] a cell beyond the last header column (2): '000'"
    ]
    assert good.problems == []


def test_two_columns_for_one_field_must_agree(tmp_path: Path) -> None:
    text = "宗地号,宗地代码\nG1,G1\nG2,G3\nG4,\n"
    items, _ = read(write_csv(tmp_path / "r.csv", text))
    assert [len(i.problems) for i in items] == [0, 1, 0]
    assert (
        "columns 宗地号 (1) and 宗地代码 (2) both give parcel.code" in items[1].problems[0].message
    )


def test_unknown_columns_are_one_warning_per_file_and_are_carried_in_raw(tmp_path: Path) -> None:
    text = "宗地号,备注,经办人,buildings\nG1,a,b,c\nG2,d,e,f\n"
    path = write_csv(tmp_path / "r.csv", text)
    items, notices = read(path)
    assert [n.render() for n in notices] == [
        f"{path}:1:2: warning[unknown-columns] columns not read as parcel facts (copied through "
        "to csv/geojson output): 备注 (column 2), 经办人 (column 3), buildings (column 4); "
        "buildings can only be given in a YAML file"
    ]
    assert [i.raw for i in items][1] == {
        "宗地号": "G2",
        "备注": "d",
        "经办人": "e",
        "buildings": "f",
    }
    assert all(i.problems == [] for i in items)


def test_a_header_with_no_parcel_field_refuses_the_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", "序号,名字\n1,a\n")
    (item,) = read(path)[0]
    assert item.problems[0].code == "no-fields"
    assert (
        "no column of the header row is a parcel field (found: 序号, 名字)"
        in item.problems[0].message
    )


def test_blank_rows_are_skipped_and_an_empty_file_is_an_error(tmp_path: Path) -> None:
    items, _ = read(write_csv(tmp_path / "r.csv", "宗地号\n\nG1\n,\n\nG2\n"))
    assert [(i.line, i.raw) for i in items] == [(3, {"宗地号": "G1"}), (6, {"宗地号": "G2"})]
    (empty,), _ = read(write_csv(tmp_path / "e.csv", ""))
    assert empty.problems[0].message == "the register has no header row"


# --- encodings -----------------------------------------------------------------------------------


CHINESE_CSV = "宗地号,权利人,土地用途代码\nG1,慈溪市某某机械有限公司,0601\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_utf8_with_or_without_bom_is_read_silently(tmp_path: Path, encoding: str) -> None:
    (item,), notices = read(write_csv(tmp_path / "r.csv", CHINESE_CSV, encoding))
    assert notices == []
    assert item.raw == {"宗地号": "G1", "权利人": "慈溪市某某机械有限公司", "土地用途代码": "0601"}


def test_gb18030_is_read_with_a_one_line_notice(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", CHINESE_CSV, "gb18030")
    (item,), notices = read(path)
    assert item.raw is not None and item.raw["权利人"] == "慈溪市某某机械有限公司"
    (notice,) = notices
    assert notice.severity == "warning"
    assert notice.render() == (
        f"{path}:1:1: warning[encoding] not UTF-8 (byte 0xD7 at byte offset 0, line 1): read "
        "as GB18030, as Chinese Excel/WPS save"
    )


def test_gb18030_late_in_the_file_is_found_before_any_row(tmp_path: Path) -> None:
    rows = "".join(f"G{n},holder,0601\n" for n in range(100_000))  # ASCII: over one 1 MiB chunk
    text = "parcel.code,parcel.holder,land_use.current.gbt21010\n" + rows + "G9,慈溪市某某厂,0601\n"
    path = write_csv(tmp_path / "r.csv", text, "gb18030")
    items, notices = read(path)
    assert [(n.code, n.line) for n in notices] == [("encoding", 100_002)]
    assert items[-1].raw is not None and items[-1].raw["parcel.holder"] == "慈溪市某某厂"


def test_a_broken_utf8_chinese_file_is_not_read_as_gb18030(tmp_path: Path) -> None:
    data = CHINESE_CSV.encode("utf-8") + b"G2,\xe6\x85,0601\n"  # a cut UTF-8 character
    path = tmp_path / "r.csv"
    path.write_bytes(data)
    (item,), notices = read(path)
    assert notices == []
    (problem,) = item.problems
    assert (problem.line, problem.code) == (3, "encoding")
    assert "the text before it is UTF-8 Chinese, so it is not read as GB18030" in problem.message


def test_an_explicit_encoding_or_the_mappings_is_used(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", CHINESE_CSV, "gb18030")
    (item,), notices = read(path, encoding="gb18030")
    assert notices == [] and item.raw is not None and item.raw["权利人"].startswith("慈溪市")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("encoding: gbk\n", encoding="utf-8")
    (item,), notices = read(path, mapping=mapping)
    assert notices == [] and item.raw is not None and item.raw["权利人"].startswith("慈溪市")


# --- the column mapping ------------------------------------------------------------------------


def test_a_mapping_adds_headers_values_units_separators_and_a_header_row(tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "# 某镇台账\n"
        "header_row: 2\n"
        "columns:\n"
        "  地块编号: parcel.code\n"
        "  面积: {field: parcel.land_area_m2, unit: mu}\n"
        "  经办人: ~\n"
        "values:\n"
        "  parcel.land_tenure: {出让地: granted, 不详: ~}\n"
        "list_separator: '/'\n",
        encoding="utf-8",
    )
    text = (
        "某镇工业用地台账,,,,\n"
        "地块编号,面积,权利性质,建设内容,经办人\n"
        "A-1,30,出让地,新建多层厂房/其他建筑,张三\n"
        "A-2,3,不详,,\n"
    )
    items, notices = read(write_csv(tmp_path / "r.csv", text), mapping=mapping)
    assert notices == []  # 经办人 is mapped to nothing: known, not a fact, not warned about
    assert [i.line for i in items] == [3, 4]
    assert items[0].data == {
        "parcel": {"code": "A-1", "land_area": "30亩", "land_tenure": "granted"},
        "project": {"works": ["新建多层厂房", "其他建筑"]},
        "schema_version": "1",
    }
    assert items[1].data == {
        "parcel": {"code": "A-2", "land_area": "3亩"},  # 不详 → unknown
        "schema_version": "1",
    }


def test_a_bad_mapping_is_refused_with_its_location_and_a_hint(tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "columns:\n  宗地号: parcel.cod\n  楼栋: buildings\nencodng: gbk\n", encoding="utf-8"
    )
    path = write_csv(tmp_path / "r.csv", "宗地号\nG1\n")
    (item,), _ = read(path, mapping=mapping)
    assert [p.render() for p in item.problems] == [
        f"{mapping}:2:8: error[value_error] columns.宗地号: 'parcel.cod' is not a register "
        "field; did you mean 'parcel.code'? (got 'parcel.cod')",
        f"{mapping}:3:7: error[value_error] columns.楼栋: buildings is a list of records: it "
        "cannot be a register column (got 'buildings')",
        f"{mapping}:4:1: error[extra_forbidden] encodng: Extra inputs are not permitted (got "
        "'gbk')\n    hint: did you mean 'encoding'?",
    ]


def test_the_default_mapping_gives_the_parcel_facts_chinese_headers() -> None:
    targets = {t.field.path for t in load_mapping().columns.values() if t is not None}
    for field in (
        "parcel.code",
        "parcel.land_area_m2",
        "land_use.current.gbt21010",
        "project.works",
        "floor_area.after.production_m2",
        "approvals.environmental.status",
        "new_land.plot_ratio_indicator",
    ):
        assert field in targets, field


def test_the_docs_list_exactly_the_register_columns_and_the_default_headers() -> None:
    """A field added to the model is a register column at once: §10.1 must list it (— when it
    has no default Chinese header)."""
    text = (ROOT / "docs" / "parcel-format.md").read_text(encoding="utf-8")
    section = text.split("### 10.1 Columns", 1)[1].split("### 10.2", 1)[0]
    rows = re.findall(r"^\| `([a-z_.0-9]+)` \| ([^|]*) \|", section, re.MULTILINE)
    headers: dict[str, list[str]] = {}
    for header, target in load_mapping().columns.items():
        if target is not None:
            headers.setdefault(target.field.path, []).append(header)
    fields = [f for f in REGISTER_FIELDS if f != "schema_version"]
    assert [f for f, _ in rows] == fields, "docs/parcel-format.md §10.1 lists other columns"
    for field, listed in rows:
        expected = " · ".join(headers.get(field, [])) or "—"
        assert listed.strip() == expected, field


# --- XLSX -----------------------------------------------------------------------------------


def write_xlsx(path: Path, rows: list[list[Any]]) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_xlsx_cells_typed_by_excel_become_the_text_a_person_sees(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [
            [
                "宗地号",
                "用地面积",
                "容积率控制指标",
                "申请日期",
                "土地用途代码",
                "近期建设规划是否安排改造",
            ],
            ["G1", 20000.0, 0.1 + 0.2, datetime(2024, 5, 6), "0601", False],
            [None, None, None, None, None, None],
            ["G2", 1250.5, 1.2, date(2024, 3, 1), "0601", True],
        ],
    )
    items, notices = read(path)
    assert [(n.line, n.code) for n in notices] == [(3, "blank-rows")]  # skipped, and named
    assert [i.line for i in items] == [2, 4]  # the blank row 3 is skipped; rows keep numbers
    assert items[0].raw == {
        "宗地号": "G1",
        "用地面积": "20000",
        "容积率控制指标": "0.3",
        "申请日期": "2024-05-06",
        "土地用途代码": "0601",
        "近期建设规划是否安排改造": "false",
    }
    assert items[1].raw is not None and items[1].raw["用地面积"] == "1250.5"
    assert all(check(i).ok for i in items)


def test_a_code_stored_as_a_number_is_flagged_and_not_repaired(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx", [["宗地号", "土地用途代码"], ["G1", 601], ["G2", 602], ["G3", "0601"]]
    )
    items, notices = read(path)
    assert [n.render().splitlines() for n in notices] == [
        [
            f"{path}:2:2: warning[code-as-number] 土地用途代码: the column holds numbers, not "
            "text (first on row 2): a spreadsheet drops leading zeros (0601 → 601), and "
            "landrules does not put them back",
            "    hint: format the column as Text and retype the codes",
        ]
    ]
    assert [i.raw["土地用途代码"] for i in items if i.raw] == ["601", "602", "0601"]
    results = [check(i) for i in items]
    assert [r.ok for r in results] == [False, False, True]
    assert rendered(results[0])[0].startswith(f"{path}:2:2: error[")


def test_a_file_that_is_not_a_workbook_is_one_problem(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    path = tmp_path / "r.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    (item,), _ = read(path)
    assert item.problems[0].code == "bad-xlsx"
    assert item.problems[0].render().startswith(f"{path}:0:0: error[bad-xlsx] not a readable .xlsx")
    shown = item.problems[0].render()
    assert "BadZipFile" not in shown and "save it again as an Excel workbook" in shown, shown


def test_the_mapping_can_choose_the_sheet(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["说明"])
    sheet = book.create_sheet("台账")
    sheet.append(["宗地号"])
    sheet.append(["G1"])
    book.save(tmp_path / "r.xlsx")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("sheet: 台账\n", encoding="utf-8")
    (item,), _ = read(tmp_path / "r.xlsx", mapping=mapping)
    assert item.data == {"parcel": {"code": "G1"}, "schema_version": "1"}


# --- JSON Lines --------------------------------------------------------------------------------


def test_json_lines_flat_or_nested_and_a_bad_line_does_not_stop_the_file(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {
                "parcel": {"code": "G1", "land_area_m2": 20000},
                "project": {"works": ["new_multistorey_factory"]},
            }
        ),
        "",
        '{"parcel.code": "G2", "宗地面积（亩）": 30, "备注": null',
        json.dumps(
            {"parcel.code": "G3", "用地面积（亩）": 30, "land_use.current.gbt21010": "0601"},
            ensure_ascii=False,
        ),
        "[1, 2]",
    ]
    path = tmp_path / "r.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items, notices = read(path)
    assert [(n.line, n.code) for n in notices] == [(2, "blank-rows")]  # skipped, and named
    assert [i.line for i in items] == [1, 3, 4, 5]
    assert items[0].data == {
        "parcel": {"code": "G1", "land_area_m2": "20000"},
        "project": {"works": ["new_multistorey_factory"]},
        "schema_version": "1",
    }
    assert [p.render() for p in items[1].problems] == [
        f"{path}:3:48: error[json] not valid JSON: Expecting ',' delimiter"
    ]
    assert items[2].data is not None and items[2].data["parcel"]["land_area"] == "30亩"
    assert items[2].raw == {
        "parcel.code": "G3",
        "用地面积（亩）": 30,
        "land_use.current.gbt21010": "0601",
    }
    assert items[3].problems[0].code == "not-an-object"


def test_json_unknown_keys_are_reported_once_each(tmp_path: Path) -> None:
    path = tmp_path / "r.ndjson"
    path.write_text(
        '{"parcel.code": "G1", "x": 1}\n{"parcel.code": "G2", "x": 2, "y": 3}\n', encoding="utf-8"
    )
    _, notices = read(path)
    assert [n.message.rsplit(": ", 1)[1] for n in notices] == ["x (column 2)", "y (column 3)"]


def test_a_json_error_names_the_key_as_the_column(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text('{"parcel.code": "G1", "用地面积": "-5"}\n', encoding="utf-8")
    (item,), _ = read(path)
    assert rendered(check(item))[0].startswith(
        f"{path}:1:2: error[value_error] (parcel G1) 用地面积: must not"
    )


# --- GeoJSON -------------------------------------------------------------------------------------


def feature(n: int, **props: Any) -> dict[str, Any]:
    ring = [[n, 0], [n + 1, 0], [n + 1, 1], [n, 0]]
    return {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [ring]},
        "properties": props,
    }


def test_geojson_features_are_read_one_by_one_with_their_geometry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    features = [
        feature(n, **{"宗地号": f"G{n}", "用地面积": 20000, "note": "x" * n}) for n in range(300)
    ]
    path = tmp_path / "r.geojson"
    path.write_text(
        json.dumps(
            {"features": features, "type": "FeatureCollection", "crs": None},
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    from landrules.readers import encoding, geojson

    monkeypatch.setattr(encoding, "_CHUNK", 64)
    original = geojson._JsonStream.__init__

    def small_buffer(self: Any, f: Any, *args: Any) -> None:
        original(self, f, *args)
        self.want = 7  # features are cut by the buffer's edge all the time

    monkeypatch.setattr(geojson._JsonStream, "__init__", small_buffer)
    items, notices = read(path)
    assert [n.message.split(": ", 1)[1] for n in notices] == ["note (column 3)"]
    assert [i.line for i in items] == list(range(1, 301))
    assert items[5].geometry == features[5]["geometry"]
    assert items[5].raw == features[5]["properties"]
    assert items[5].data == {
        "parcel": {"code": "G5", "land_area_m2": "20000"},
        "schema_version": "1",
    }


def test_a_truncated_geojson_keeps_the_features_before_the_break(tmp_path: Path) -> None:
    text = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [feature(0, 宗地号="G0"), feature(1, 宗地号="G1")],
        },
        ensure_ascii=False,
    )
    path = tmp_path / "r.geojson"
    path.write_text(text[:-30], encoding="utf-8")
    items, _ = read(path)
    assert [i.raw for i in items[:1]] == [{"宗地号": "G0"}]
    assert items[-1].problems[0].code == "json"
    assert "(after feature 1); the rest of the file is not read" in items[-1].problems[0].message


def test_a_geojson_that_is_not_a_feature_collection_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "r.geojson"
    path.write_text(json.dumps(feature(0, 宗地号="G0")), encoding="utf-8")
    (item,), _ = read(path)
    assert item.problems[0].message == "expected a GeoJSON FeatureCollection, found type 'Feature'"


def test_a_parcel_record_becomes_the_row_stating_the_same_facts() -> None:
    from landrules.registers import record_as_row

    record = {
        "schema_version": "1",
        "parcel": {"code": "A1", "land_area_m2": "100"},
        "land_use": {"current": {"gbt21010": "0601"}},
        "project": {"works": ["new_multistorey_factory"]},
    }
    assert record_as_row(record) == {
        "parcel.code": "A1",
        "parcel.land_area_m2": "100",
        "land_use.current.gbt21010": "0601",
        "project.works": ["new_multistorey_factory"],
    }
    assert record_as_row({**record, "buildings": [{"use": "production"}]}) is None
    assert record_as_row({**record, "approvals": {"other": [{"name": "x"}]}}) is None

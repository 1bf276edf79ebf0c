"""Issue 13, points 7 and 8: `--format xlsx` is the workbook an official opens, and `--lang zh`
names the added columns and outcomes in Chinese. Registers are written with openpyxl, as Excel
keeps them (codes as text, areas as numbers, dates as dates); the result is read back with
openpyxl and checked for what the official sees."""

from __future__ import annotations

import csv
import json
import re
import shutil
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import CLI_ENV, ROOT, invoke_cli
from test_tabular import VERDICT_COLUMNS

openpyxl = pytest.importorskip("openpyxl")

EXAMPLE = ROOT / "examples" / "register.csv"
NUMBERS = ("面积", "容积率控制指标")
DATES = ("日期",)

EN_VERDICT = VERDICT_COLUMNS  # the machine names, as in the CSV result
ZH_VERDICT = [
    "判定·P1·结果",
    "判定·P1·提示",
    "判定·P1·所涉面积（平方米）",
    "判定·P1·如适用所涉面积（平方米）",
    "判定·P1·缺少的信息",
    "判定·P2·结果",
    "判定·P2·提示",
    "判定·P2·所涉面积（平方米）",
    "判定·P2·如适用所涉面积（平方米）",
    "判定·P2·缺少的信息",
    "判定·P3·结果",
    "判定·P3·提示",
    "判定·P3·缺少的信息",
    "判定·来源",
    "判定·输入错误",
]


def _typed(header: str, text: str) -> Any:
    """What Excel stores when the cell is typed in: numbers in area columns, dates as dates,
    every other cell (codes such as 0601 above all) as text."""
    if not text:
        return None
    if any(k in header for k in NUMBERS) and text.lstrip("-").replace(".", "", 1).isdigit():
        number = float(text)
        return int(number) if number.is_integer() else number
    if any(k in header for k in DATES):
        return datetime.combine(date.fromisoformat(text), datetime.min.time())
    return text


def write_register(target: Path, *, extra_rows: list[dict[str, str]] = ()) -> Path:  # type: ignore[assignment]
    """The shipped example register as an Excel 台账: one sheet, typed cells, a 备注 column;
    `extra_rows`: rows built from the first with some cells changed (header → text)."""
    with EXAMPLE.open(encoding="utf-8-sig", newline="") as f:
        header, *rows = list(csv.reader(f))
    for changes in extra_rows:
        row = list(rows[0])
        for name, text in changes.items():
            row[header.index(name)] = text
        rows.append(row)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "宗地台账"
    sheet.append([*header, "备注"])
    for n, row in enumerate(rows, 1):
        sheet.append([*(_typed(h, c) for h, c in zip(header, row, strict=True)), f"第{n}行"])
    book.save(target)
    return target


def read_back(path: Path) -> Any:
    return openpyxl.load_workbook(path)  # not read-only: frozen panes and widths are read too


def table(sheet: Any) -> list[dict[str, Any]]:
    head, *rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(head, row, strict=True)) for row in rows]


@pytest.fixture
def register(tmp_path: Path) -> Path:
    bad = {"宗地号": "330282999999GB00001", "用地面积（亩）": "-5"}
    return write_register(tmp_path / "台账.xlsx", extra_rows=[bad])


def test_the_workbook_is_the_register_unchanged_plus_the_verdict(
    register: Path, tmp_path: Path
) -> None:
    out = tmp_path / "结果.xlsx"
    result = invoke_cli(["check", str(register), "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 3, result.describe()  # the bad row is an input error
    assert result.stdout == ""
    book = read_back(out)
    assert len(book.sheetnames) == 2
    rows_sheet, summary_sheet = book.worksheets
    given = openpyxl.load_workbook(register).active
    given_rows = list(given.iter_rows(values_only=True))
    got_rows = list(rows_sheet.iter_rows(values_only=True))
    width = len(given_rows[0])
    assert list(got_rows[0]) == [*given_rows[0], *EN_VERDICT]
    assert len(got_rows) == len(given_rows)
    for row_in, row_out in zip(given_rows, got_rows, strict=True):
        assert row_out[:width] == row_in  # every cell as typed, of the same kind
    first = table(rows_sheet)[0]
    assert first["土地用途代码"] == "0601"  # text stays text
    code = rows_sheet.cell(row=2, column=given_rows[0].index("土地用途代码") + 1)
    assert code.data_type == "s"
    assert first["用地面积（亩）"] == 30 and isinstance(first["用地面积（亩）"], int)
    assert first["申请日期"] == datetime(2024, 5, 6)
    assert rows_sheet.cell(row=2, column=given_rows[0].index("申请日期") + 1).is_date
    assert first["landrules.P1.outcome"] == "applies"
    assert first["landrules.P1.area_m2"] == 16000  # a number to sum
    assert first["landrules.P2.outcome"] == "does_not_apply"
    assert first["landrules.source"] == f"{register}:2"
    assert first["landrules.errors"] is None
    bad = table(rows_sheet)[-1]
    assert bad["landrules.P1.outcome"] is None
    assert (
        bad["landrules.errors"]
        == "col 5 用地面积（亩）: must not be negative (got '-5'; the unit is 亩)"
    )
    # what makes it usable: header frozen (and the parcel code, column A), a filter, widths
    assert rows_sheet.freeze_panes == "B2"
    last = openpyxl.utils.get_column_letter(len(got_rows[0]))
    assert rows_sheet.auto_filter.ref == f"A1:{last}{len(got_rows)}"
    widths = {
        letter: rows_sheet.column_dimensions[letter].width
        for letter in (openpyxl.utils.get_column_letter(i) for i in range(1, len(got_rows[0]) + 1))
    }
    assert all(6 <= w <= 50 for w in widths.values()), widths
    assert widths["B"] > widths["E"]  # 项目名称 is wider than 用地面积（亩）
    assert rows_sheet["A1"].font.b
    # sheet 2: the counts the summary line gives, and the bad row's error, located
    summary = list(summary_sheet.iter_rows(values_only=True))
    assert summary[0][0] == "Verdicts per provision"
    assert summary[1][:5] == (
        "provision",
        "applies",
        "does_not_apply",
        "undetermined",
        "needs_review",
    )
    assert summary[2][:5] == ("P1", 1, 2, 0, 0)
    assert summary[3][:5] == ("P2", 1, 2, 0, 0)
    assert summary[4][:5] == ("P3", 0, 2, 1, 0)
    assert summary[5][:2] == ("parcels", 4)
    assert summary[6][:2] == ("rows with input errors", 1)
    assert summary[8][0] == "Input errors"
    assert summary[9] == ("file", "row", "column", "header", "code", "message", "what to do")
    (error,) = summary[10:]
    assert error[:5] == (str(register), 5, 5, "用地面积（亩）", "area")
    assert error[5] == "must not be negative (got '-5'; the unit is 亩)"
    assert "summary" not in result.stderr and "4 parcels (1 input error)" in result.stderr


def test_with_lang_zh_the_added_columns_and_outcomes_are_chinese(
    register: Path, tmp_path: Path
) -> None:
    out = tmp_path / "结果.xlsx"
    result = invoke_cli(["check", str(register), "-f", "xlsx", "-o", str(out), "--lang", "zh"])
    assert result.exit_code == 3, result.describe()
    book = read_back(out)
    assert book.sheetnames == ["台账及判定结果", "汇总及输入错误"]
    rows = table(book.worksheets[0])
    assert list(rows[0])[-len(ZH_VERDICT) :] == ZH_VERDICT
    outcomes = {r["判定·P3·结果"] for r in rows}
    assert outcomes == {"不适用", "无法确定", None}
    assert rows[0]["判定·P1·结果"] == "适用" and rows[0]["判定·P1·所涉面积（平方米）"] == 16000
    undetermined = next(r for r in rows if r["判定·P3·结果"] == "无法确定")
    assert undetermined["判定·P3·缺少的信息"] == "符合有关规定"  # the register's header
    assert rows[-1]["判定·输入错误"].startswith("第 5 列 用地面积（亩）：")
    summary = list(book.worksheets[1].iter_rows(values_only=True))
    assert summary[1][:5] == ("条款", "适用", "不适用", "无法确定", "需审核")
    assert summary[9] == ("文件", "行", "列", "表头", "代码", "问题", "怎么改")


def test_codes_keep_the_machine_names_and_codes_in_any_language(
    register: Path, tmp_path: Path
) -> None:
    out = tmp_path / "结果.xlsx"
    args = ["check", str(register), "-f", "xlsx", "-o", str(out), "--lang", "zh", "--codes"]
    assert invoke_cli(args).exit_code == 3
    rows = table(read_back(out).worksheets[0])
    assert list(rows[0])[-len(EN_VERDICT) :] == EN_VERDICT
    assert {r["landrules.P3.outcome"] for r in rows} == {"does_not_apply", "undetermined", None}
    undetermined = next(r for r in rows if r["landrules.P3.outcome"] == "undetermined")
    assert undetermined["landrules.P3.missing"] == "approvals.relevant_rules"


def test_csv_and_geojson_speak_chinese_too_and_a_result_reads_back_as_a_register(
    register: Path, tmp_path: Path
) -> None:
    out = tmp_path / "结果.csv"
    invoke_cli(["check", str(register), "-f", "csv", "-o", str(out), "--lang", "zh"])
    with out.open(encoding="utf-8-sig", newline="") as f:
        head, *rows = list(csv.reader(f))
    assert head[-len(ZH_VERDICT) :] == ZH_VERDICT
    assert rows[0][head.index("判定·P1·结果")] == "适用"
    again = invoke_cli(["check", str(out), "-f", "csv", "--lang", "zh"])
    (unknown,) = [line for line in again.stderr.splitlines() if "unknown-columns" in line]
    assert "判定" not in unknown and "备注" in unknown  # the verdict columns are not columns
    features = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": None, "properties": {"宗地号": "G1", "用地面积": "1"}}
        ],
    }
    layer = tmp_path / "宗地.geojson"
    layer.write_text(json.dumps(features, ensure_ascii=False), encoding="utf-8")
    result = invoke_cli(["check", str(layer), "-f", "geojson", "--lang", "zh"])
    (feature,) = json.loads(result.stdout)["features"]
    properties = feature["properties"]
    assert properties["判定·P1·结果"] in ("适用", "不适用", "无法确定", "需审核")
    assert "判定·来源" in properties and "landrules_P1_outcome" not in properties
    coded = invoke_cli(["check", str(layer), "-f", "geojson", "--lang", "zh", "--codes"])
    (feature,) = json.loads(coded.stdout)["features"]
    assert feature["properties"]["landrules_P1_outcome"] in ("applies", "undetermined")


def test_a_workbook_needs_an_output_file(register: Path) -> None:
    result = invoke_cli(["check", str(register), "--format", "xlsx"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--format xlsx writes a workbook" in result.stderr and "--output" in result.stderr


def test_the_workbook_never_replaces_an_input_and_is_replaced_whole(
    register: Path, tmp_path: Path
) -> None:
    before = register.read_bytes()
    result = invoke_cli(["check", str(register), "-f", "xlsx", "-o", str(register)])
    assert result.exit_code == 2 and register.read_bytes() == before
    out = tmp_path / "结果.xlsx"
    out.write_bytes(b"an old result")
    invoke_cli(["check", str(register), "-f", "xlsx", "-o", str(out)])
    assert read_back(out).sheetnames == ["Register and verdicts", "Summary and errors"]
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


def test_text_that_looks_like_a_formula_or_holds_a_control_character_stays_text(
    tmp_path: Path,
) -> None:
    """A CSV exported from another system can hold both; neither may run or break the file."""
    with EXAMPLE.open(encoding="utf-8-sig", newline="") as f:
        header, first, *_ = list(csv.reader(f))
    row = list(first)
    row[header.index("项目名称")], row[header.index("坐落")] = "=HYPERLINK(1)", "某路\x01号_x0041_"
    path = tmp_path / "台账.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([header, row])
    out = tmp_path / "结果.xlsx"
    invoke_cli(["check", str(path), "-f", "xlsx", "-o", str(out)])
    sheet = read_back(out).worksheets[0]
    name = list(sheet.iter_rows())[-1][1]
    assert (name.value, name.data_type) == ("=HYPERLINK(1)", "s")  # text, not a formula
    with zipfile.ZipFile(out) as z:  # as Excel escapes: it shows 某路\x01号_x0041_ again
        assert "某路_x0001_号_x005F_x0041_" in z.read("xl/worksheets/sheet1.xml").decode()


def test_a_csv_register_gives_text_cells(tmp_path: Path) -> None:
    out = tmp_path / "结果.xlsx"
    assert invoke_cli(["check", str(EXAMPLE), "-f", "xlsx", "-o", str(out)]).exit_code == 0
    first = table(read_back(out).worksheets[0])[0]
    assert first["用地面积（亩）"] == "30" and first["土地用途代码"] == "0601"  # as read: text


def test_the_readme_workbook_example_runs(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (command,) = re.findall(
        r"^(landrules check 台账\.xlsx --format xlsx [^#\n]*?)\s*(?:#|$)", readme, re.M
    )
    assert command == "landrules check 台账.xlsx --format xlsx -o 结果.xlsx --lang zh"
    write_register(tmp_path / "台账.xlsx")
    result = invoke_cli(command.split()[1:], cwd=tmp_path)
    assert result.exit_code == 0, result.describe()
    rows = table(read_back(tmp_path / "结果.xlsx").worksheets[0])
    assert [r["判定·P1·结果"] for r in rows] == ["适用", "不适用", "不适用"]


def test_the_workbook_can_be_checked_again(register: Path, tmp_path: Path) -> None:
    shutil.copy(register, tmp_path / "copy.xlsx")
    first, second = tmp_path / "1.xlsx", tmp_path / "2.xlsx"
    invoke_cli(["check", str(register), "-f", "xlsx", "-o", str(first), "--lang", "zh"])
    again = invoke_cli(["check", str(first), "-f", "xlsx", "-o", str(second), "--lang", "zh"])
    assert not any("判定·" in line for line in again.stderr.splitlines() if "unknown" in line)
    rows1 = list(read_back(first).worksheets[0].iter_rows(values_only=True))
    rows2 = list(read_back(second).worksheets[0].iter_rows(values_only=True))
    assert rows2[0] == rows1[0]  # the old verdict columns are replaced, not repeated
    source = rows1[0].index("判定·来源")
    assert [r[:source] for r in rows2] == [r[:source] for r in rows1]


def test_a_chinese_locale_gives_a_chinese_workbook_but_machine_csv_columns(
    register: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A workbook is for the official, so it follows the locale; a CSV is read by programs too,
    so its column names change language only when a language is chosen (--lang, the config)."""
    monkeypatch.setitem(CLI_ENV, "LANG", "zh_CN.UTF-8")
    book, csv_out = tmp_path / "结果.xlsx", tmp_path / "结果.csv"
    assert invoke_cli(["check", str(register), "-f", "xlsx", "-o", str(book)]).exit_code == 3
    assert read_back(book).sheetnames == ["台账及判定结果", "汇总及输入错误"]
    assert invoke_cli(["check", str(register), "-f", "csv", "-o", str(csv_out)]).exit_code == 3
    head = csv_out.read_text("utf-8-sig").splitlines()[0].split(",")
    assert head[-len(EN_VERDICT) :] == EN_VERDICT
    chosen = invoke_cli(["check", str(register), "-f", "csv", "-o", str(csv_out), "--lang", "zh"])
    assert chosen.exit_code == 3
    assert csv_out.read_text("utf-8-sig").splitlines()[0].split(",")[-len(ZH_VERDICT) :] == (
        ZH_VERDICT
    )

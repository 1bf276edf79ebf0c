"""Issue 13, points 8–10: a register row is named by its parcel code, its errors say what to type
in the cell (no YAML advice, no pattern), and many bad cells in one column print as one grouped
error on the console while every machine format keeps each error."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import ROOT, invoke_cli

RULES = str(ROOT / "rules" / "cixi-jingxinjian-2019-13")
HEADER = ["宗地号", "项目名称", "用地面积", "土地用途代码", "申请日期", "项目类型", "符合环保要求"]
GOOD = ["0601", "甲厂", "20000", "0601", "2024-06-03", "技术改造", "是"]
# one bad cell of each kind a clerk types: code without its zero, impossible date, a word the
# column does not take, an area in 亩 under a m² header, full-width digits, yes/no as 也许
BAD = [
    ["0602", "乙厂", "20000", "601", "2024-06-03", "技术改造", "是"],
    ["0603", "丙厂", "20000", "0601", "2024/13/45", "技术改造", "是"],
    ["0604", "丁厂", "20000", "0601", "2024-06-03", "改造", "是"],
    ["0605", "戊厂", "30 亩", "0601", "2024-06-03", "技术改造", "是"],
    ["0606", "己厂", "１２０００", "0601", "2024-06-03", "技术改造", "也许"],
]
NOT_FOR_A_CLERK = re.compile(r"quote|YAML|引号|land_area|\^\[|\(\?|\[0-9|\\d|should match", re.I)


def _excel_csv(path: Path, rows: list[list[str]]) -> Path:
    """CSV as Excel saves "CSV UTF-8": a byte-order mark and CRLF line ends."""
    text = "\r\n".join(",".join(r) for r in [HEADER, *rows]) + "\r\n"
    path.write_bytes(text.encode("utf-8-sig"))
    return path


def _workbook(path: Path, rows: list[list[str]]) -> Path:
    """An XLSX as a clerk fills it in: the land-use code typed as a number (the zero is lost)."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        cells: list[object] = list(row)
        if row[3].isdigit() and not row[3].startswith("0"):
            cells[3] = int(row[3])
        sheet.append(cells)
    book.save(path)
    return path


def _errors(stderr: str) -> list[tuple[str, str]]:
    """(error line, its hint or '') for each error on stderr."""
    lines = stderr.splitlines()
    found = []
    for n, line in enumerate(lines):
        if ": error[" in line or ": 错误[" in line:
            hint = lines[n + 1] if n + 1 < len(lines) and lines[n + 1].startswith("    ") else ""
            found.append((line, hint))
    return found


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_each_row_error_names_its_parcel_and_says_what_to_type(tmp_path: Path, form: str) -> None:
    path = tmp_path / f"台账.{form}"
    (_excel_csv if form == "csv" else _workbook)(path, [GOOD, *BAD])
    result = invoke_cli(["check", path.name, "--rules", RULES], cwd=tmp_path)
    assert result.exit_code == 3, result.describe()
    assert f"台账.{form}:2 (parcel 0601): P1 " in result.stdout, result.describe()
    errors = _errors(result.stderr)
    assert len(errors) == 6, result.describe()
    for line, hint in errors:
        code = re.search(r"台账\.\w+:(\d+):\d+: error\[[\w-]+\] \(parcel (\d{4})\) ", line)
        assert code is not None, line
        assert int(code.group(2)) == 599 + int(code.group(1)), line  # the row's own code
        assert not NOT_FOR_A_CLERK.search(line + hint), (line, hint)
    said = "\n".join(line + "\n" + hint for line, hint in errors)
    for advice in (
        "hint: did you mean '0601'? type the code as text: 0601, with the leading zero",
        "申请日期: type a date like 2024-06-03",
        "项目类型: type one of ",
        "hint: 30 亩 is 20000.00 m²: type 20000.00, or keep the value and head the column "
        "用地面积（亩）",
        "hint: type 12000",
        "符合环保要求: type one of ",
    ):
        assert advice in said, said


def test_in_chinese_the_row_errors_say_what_to_type_too(tmp_path: Path) -> None:
    path = _excel_csv(tmp_path / "台账.csv", BAD)
    result = invoke_cli(["check", path.name, "--rules", RULES, "--lang", "zh"], cwd=tmp_path)
    said = result.stderr
    assert "（宗地号 0602）土地用途代码：请填 GB/T 21010" in said, result.describe()
    assert "提示：是否应为 '0601'？请按文本填写代码：0601，保留开头的零" in said, result.describe()
    assert "（宗地号 0603）申请日期：请按年-月-日填写日期，如 2024-06-03" in said, result.describe()
    assert not NOT_FOR_A_CLERK.search(said), said


def test_a_parcel_file_keeps_its_own_advice(tmp_path: Path) -> None:
    """The register wording is for cells only: a YAML file still hears how to write YAML."""
    (tmp_path / "p.yaml").write_text(
        'schema_version: "1"\nparcel:\n  code: G1\nland_use:\n  current: {gbt21010: "601"}\n',
        encoding="utf-8",
    )
    result = invoke_cli(["check", "p.yaml", "--rules", RULES], cwd=tmp_path)
    assert "quote codes" in result.stderr, result.describe()


def _many(path: Path, bad: int) -> Path:
    rows = [GOOD[:]]
    for n in range(bad):
        rows.append([f"1{n:03d}", f"厂{n}", "约两万" if n % 2 else "abc", *GOOD[3:]])
    return _excel_csv(path, rows)


def test_many_bad_cells_in_one_column_print_one_grouped_error(tmp_path: Path) -> None:
    _many(tmp_path / "台账.csv", 68)
    result = invoke_cli(["check", "台账.csv", "--rules", RULES], cwd=tmp_path)
    assert result.exit_code == 3, result.describe()
    lines = result.stderr.splitlines()
    assert lines == [
        "台账.csv:3:3: error[value_error] 用地面积: the same error in 68 rows: not a plain number "
        "(got 'abc'); expected square metres (m²), a number above 0 such as 20000 or 1250.5",
        "    rows: 3 (parcel 1000), 4 (parcel 1001), 5 (parcel 1002), 6 (parcel 1003), "
        "7 (parcel 1004) and 63 more (--max-errors 0 prints each)",
        "    found: 'abc', '约两万'",
    ], result.describe()
    assert "69 parcels (68 input errors)" in result.stdout, result.describe()


def test_max_errors_keeps_the_full_list_and_machine_formats_keep_every_error(
    tmp_path: Path,
) -> None:
    _many(tmp_path / "台账.csv", 68)
    every = invoke_cli(["check", "台账.csv", "--rules", RULES, "--max-errors", "0"], cwd=tmp_path)
    errors = _errors(every.stderr)
    assert len(errors) == 68, every.describe()
    assert errors[0][0].startswith("台账.csv:3:3: error[value_error] (parcel 1000) 用地面积: ")
    few = invoke_cli(["check", "台账.csv", "--rules", RULES, "--max-errors", "70"], cwd=tmp_path)
    assert len(_errors(few.stderr)) == 68, few.describe()  # below the limit: one by one
    for fmt in ("jsonl", "csv", "sarif"):
        result = invoke_cli(["check", "台账.csv", "--rules", RULES, "-f", fmt], cwd=tmp_path)
        assert result.exit_code == 3, result.describe()
        if fmt == "jsonl":
            records = [json.loads(line) for line in result.stdout.splitlines()]
            refused = [r for r in records if "errors" in r]
            assert len(refused) == 68
            assert refused[0]["parcel"] == {"code": "1000"}
            assert refused[0]["errors"][0]["parcel"] == "1000"
            assert refused[0]["source"] == "台账.csv:3"  # unchanged: the code is a field beside it
        elif fmt == "sarif":
            assert len(json.loads(result.stdout)["runs"][0]["results"]) >= 68
        else:
            assert result.stdout.count("col 3 用地面积: ") == 68, result.describe()


def test_grouped_errors_speak_chinese(tmp_path: Path) -> None:
    _many(tmp_path / "台账.csv", 8)
    result = invoke_cli(["check", "台账.csv", "--rules", RULES, "--lang", "zh"], cwd=tmp_path)
    lines = result.stderr.splitlines()
    assert lines[0].startswith("台账.csv:3:3: 错误[value_error] 用地面积：8 行有同样的错误："), (
        lines
    )
    assert lines[1] == (
        "    行：3（宗地号 1000）、4（宗地号 1001）、5（宗地号 1002）、6（宗地号 1003）、"
        "7（宗地号 1004）等，另有 3 行（--max-errors 0 逐条列出）"
    ), lines

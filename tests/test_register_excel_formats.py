"""Registers as Excel and WPS save them (issue 13, points 4, 5 and 1).

Excel's "Unicode text" (`.txt`) and `.tsv` are registers; totals, subtotal and title rows are
skipped by name; Excel's display formats (thousands separators, Chinese dates) are read with one
notice per column. Inputs are the bytes Excel and WPS write: UTF-8 with BOM and CRLF, GBK, and
UTF-16 LE with a BOM, tabs and CRLF.
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path
from typing import Any

from conftest import invoke_cli
from test_registers_hardening import HEADER

from landrules.batch import Item
from landrules.problems import Problem
from landrules.registers import SkippedRows, iter_register

# the township register's columns, as in tests/test_registers_hardening.py
ROW = ["20000", "现有", "0601", "0601", "M2", "技术改造", "新建多层厂房"]
ROW += ["15000", "1000", "31000", "1000", "是", "是", "无"]


def save(path: Path, rows: list[list[str]], how: str) -> Path:
    """`rows` saved as `how`: excel (UTF-8 BOM, commas, CRLF), wps (GBK, commas, CRLF) or
    unicode-text (Excel's "Save as Unicode Text": UTF-16 LE with a BOM, tabs, CRLF)."""
    sep = "\t" if how == "unicode-text" else ","
    text = "".join(sep.join(r) + "\r\n" for r in rows)
    if how == "unicode-text":
        data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    else:
        data = text.encode("utf-8-sig" if how == "excel" else "gbk")
    path.write_bytes(data)
    return path


def read(path: Path, **kwargs: Any) -> tuple[list[Item], list[Problem]]:
    notices: list[Problem] = []
    items = list(iter_register(path, notices=notices.append, **kwargs))
    return items, notices


def parcels(n: int) -> list[list[str]]:
    return [[f"G{i:03d}", *ROW] for i in range(1, n + 1)]


# --- point 4: Excel's "Unicode text" and .tsv ---------------------------------------------------


def test_excel_unicode_text_is_read_as_a_register_with_every_row_a_verdict(
    tmp_path: Path,
) -> None:
    path = save(tmp_path / "台账.txt", [HEADER, *parcels(3)], "unicode-text")
    assert path.read_bytes()[:2] == b"\xff\xfe"  # as Excel writes it
    result = invoke_cli(["check", str(path), "-f", "jsonl"])
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["source"] for r in records] == [f"{path}:{n}" for n in (2, 3, 4)], result.stderr
    assert [r["parcel"]["code"] for r in records] == ["G001", "G002", "G003"]
    assert all(not r.get("problems") for r in records)
    assert "tab" not in result.stderr


def test_a_tsv_is_tab_separated_even_when_a_header_holds_a_comma(tmp_path: Path) -> None:
    header = [*HEADER[:-1], "备注,说明"]
    path = save(tmp_path / "台账.tsv", [header, *parcels(2)], "unicode-text")
    path.write_bytes(path.read_bytes()[2:].decode("utf-16-le").encode("utf-8-sig"))
    items, _ = read(path)
    assert [(i.line, i.problems) for i in items] == [(2, []), (3, [])]
    assert items[0].data is not None
    assert items[0].data["parcel"]["code"] == "G001"


def test_a_folder_reads_only_its_yaml_files_not_its_txt_notes(tmp_path: Path) -> None:
    save(tmp_path / "说明.txt", [HEADER, *parcels(2)], "unicode-text")
    (tmp_path / "notes.tsv").write_text("a\tb\r\n", encoding="utf-8")
    result = invoke_cli(["check", str(tmp_path), "-f", "jsonl"])
    assert result.stdout.strip() == "", result.describe()


# --- point 5: title rows, totals and subtotal rows -------------------------------------------


def township_register(tmp_path: Path, how: str) -> Path:
    """A 台账 as offices keep it: a title and a label row above the header, a subtotal after each
    village, a grand total at the end, and a blank row before it."""
    width = len(HEADER)
    rows = [
        ["慈溪市某镇工业用地提容增效台账", *[""] * (width - 1)],
        ["填报单位：某镇", "", "", "单位：平方米", *[""] * (width - 4)],
        HEADER,
        *parcels(2),
        ["小计", *ROW[:1], *[""] * (width - 2)],
        ["G003", *ROW],
        ["合 计", "60000", *[""] * (width - 2)],
        [""] * width,
        ["总计：", "60000", *[""] * (width - 2)],
    ]
    suffix = ".txt" if how == "unicode-text" else ".csv"
    return save(tmp_path / f"台账{suffix}", rows, how)


def test_title_rows_and_totals_are_skipped_and_named_in_every_form(tmp_path: Path) -> None:
    for how in ("excel", "wps", "unicode-text"):
        folder = tmp_path / how
        folder.mkdir()
        items, notices = read(township_register(folder, how))
        assert [(i.line, i.problems) for i in items] == [(4, []), (5, []), (7, [])], how
        assert [i.data["parcel"]["code"] for i in items if i.data] == ["G001", "G002", "G003"]
        named = {n.code: n.render().split("] ", 1)[1] for n in notices if n.code.endswith("-rows")}
        assert named == {
            "title-rows": "skipped: title rows above the header (row 1, 2; the header is row 3;"
            " --header-row N to choose another)",
            "total-rows": "skipped: totals or subtotal rows (合计/小计/总计), not parcels"
            " (row 6, 8, 10)",
            "blank-rows": "skipped: blank (9)",
        }, how


def test_a_grand_total_in_the_parcel_code_column_is_skipped(tmp_path: Path) -> None:
    rows = [["序号", *HEADER], ["1", "G001", *ROW], ["", "总  计", "20000"]]
    items, notices = read(save(tmp_path / "r.csv", rows, "excel"))
    assert [i.line for i in items] == [2]
    skips = [n for n in notices if isinstance(n, SkippedRows)]
    assert [(n.code, n.line, n.lines) for n in skips] == [("total-rows", 3, (3,))]


def test_header_row_chooses_the_header_and_names_no_title_rows(tmp_path: Path) -> None:
    path = township_register(tmp_path, "excel")
    result = invoke_cli(["check", str(path), "-f", "jsonl", "--header-row", "3"])
    assert [json.loads(x)["parcel"]["code"] for x in result.stdout.splitlines()] == [
        "G001",
        "G002",
        "G003",
    ], result.describe()
    assert "title-rows" not in result.stderr
    assert "warning[total-rows]" in result.stderr
    result = invoke_cli(["check", str(path), "-f", "jsonl", "--header-row", "1"])
    assert "error[no-fields]" in result.stdout + result.stderr, result.describe()


def test_a_header_that_names_no_field_still_fails_at_its_own_row(tmp_path: Path) -> None:
    items, notices = read(save(tmp_path / "r.csv", [["序号", "名字"], ["1", "a"]], "excel"))
    assert [(i.line, [p.code for p in i.problems]) for i in items] == [(1, ["no-fields"])]
    assert notices == []


# --- point 1: Excel's display formats in number and date columns ------------------------------


def formatted_register(tmp_path: Path, how: str) -> Path:
    """Numbers with thousands separators (Excel quotes them in a CSV) and dates as Chinese Excel
    shows them, in the columns where they are values."""
    header = [*HEADER[:-1], "申请日期", "approvals.environmental.date"]
    rows = [header]
    dates = [("2024/6/3", "2024-6-3"), ("2024年6月3日", "2024.6.3"), ("2024-06-03", "2023/12/31")]
    for i, (applied, approved) in enumerate(dates, 1):
        cells = [f"G{i:03d}", "20,000.00", *ROW[1:7], "15,000", "1000", "31,000", "1,000"]
        rows.append([*cells, "是", "是", applied, approved])
    sep = "\t" if how == "unicode-text" else ","
    quoted = [[f'"{c}"' if sep in c else c for c in r] for r in rows]
    return save(tmp_path / ("r.txt" if how == "unicode-text" else "r.csv"), quoted, how)


def test_thousands_separators_and_chinese_dates_are_read_with_one_notice_per_column(
    tmp_path: Path,
) -> None:
    for how in ("excel", "wps", "unicode-text"):
        folder = tmp_path / how
        folder.mkdir()
        items, notices = read(formatted_register(folder, how))
        assert [(i.line, i.problems) for i in items] == [(2, []), (3, []), (4, [])], how
        data = items[0].data
        assert data is not None
        assert data["parcel"]["land_area_m2"] == "20000.00"
        assert data["floor_area"]["after"]["production_m2"] == "31000"
        assert data["application_date"] == "2024-06-03"
        assert items[1].data is not None and items[1].data["application_date"] == "2024-06-03"
        by_column = {(n.col, n.line): n.message for n in notices if n.code == "excel-format"}
        assert by_column[(2, 2)] == (
            "read 3 cell(s) written in Excel's display format as plain values"
            " (first: '20,000.00' read as 20000.00)"
        )
        assert sorted(by_column) == [(2, 2), (9, 2), (11, 2), (12, 2), (15, 2), (16, 2)]
        assert by_column[(15, 2)].startswith("read 2 cell(s)")  # 2024-06-03 is already plain
        assert by_column[(16, 2)] == (
            "read 3 cell(s) written in Excel's display format as plain values"
            " (first: '2024-6-3' read as 2024-06-03)"
        )


def test_ambiguous_excel_looking_values_stay_errors_at_their_cells(tmp_path: Path) -> None:
    header = [*HEADER[:-1], "申请日期"]
    bad = [
        ("1,2", "2024/6/3"),
        ("12,34.5", "2024/6/3"),
        ("20000", "3/6"),
        ("20000", "2024/2/30"),
    ]
    rows = [header]
    for i, (area, applied) in enumerate(bad, 1):
        rows.append([f"G{i}", f'"{area}"', *ROW[1:-1], applied])
    path = save(tmp_path / "r.csv", rows, "excel")
    from landrules.api import load_rules
    from landrules.batch import evaluate_item

    pack = load_rules()
    items, notices = read(path)
    found = [[(p.col, p.code) for p in evaluate_item(pack, i).problems] for i in items]
    assert [cols[0][0] if cols else None for cols in found] == [2, 2, 15, 15], found
    assert all(len(cols) == 1 for cols in found)
    assert [n.col for n in notices if n.code == "excel-format"] == [15]  # 2024/6/3 twice


def test_a_yaml_parcel_file_keeps_refusing_thousands_separators(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        'schema_version: "1"\nparcel:\n  code: G1\n  land_area_m2: "12,000"\n', encoding="utf-8"
    )
    result = invoke_cli(["check", str(path)])
    assert "12,000" in result.stdout + result.stderr, result.describe()
    assert result.exit_code != 0

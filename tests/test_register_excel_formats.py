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

from landrules.batch import Item
from landrules.problems import Problem
from landrules.registers import iter_register

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

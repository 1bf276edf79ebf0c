"""Inputs and outputs where officials keep them: folders with Chinese names and spaces.

A YAML file in `宗地 资料/`, a register `台账（2024年）.xlsx` written by openpyxl, and every kind of
output (`--output` of check, report, new, schema, docs) into `输出 结果/`, each run as a user runs
it: `landrules` as a process, here with a GBK output as on Chinese Windows, and in-process.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CliResult
from register_fixtures import flat_examples, write_xlsx

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "p1-applies-renovation.yaml"
FOLDER = "宗地 资料"
OUT = "输出 结果"
REGISTER = "台账（2024年）.xlsx"
Run = Callable[..., CliResult]


def _landrules(args: list[str], cwd: Path, encoding: str) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    env.update(PYTHONIOENCODING=encoding, COLUMNS="100", NO_COLOR="1")
    done = subprocess.run(
        [sys.executable, "-m", "landrules", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        timeout=120,
    )
    return done.returncode, done.stdout.decode(encoding), done.stderr.decode(encoding)


def _office(tmp_path: Path) -> Path:
    (tmp_path / FOLDER).mkdir()
    (tmp_path / OUT).mkdir()
    shutil.copyfile(EXAMPLE, tmp_path / FOLDER / "厂区 一号.yaml")
    write_xlsx(tmp_path / FOLDER / REGISTER, flat_examples())
    return tmp_path


def test_a_yaml_in_a_chinese_folder_with_a_space_on_a_gbk_console(tmp_path: Path) -> None:
    office = _office(tmp_path)
    yaml_file = str(Path(FOLDER, "厂区 一号.yaml"))  # with the system's separator, as shown
    code, out, err = _landrules(["check", yaml_file], office, "gbk")
    assert (code, err) == (0, ""), err
    assert f"\n\n{yaml_file} — 宁波某某机械有限公司厂区" in out  # the tree, after the summary lines
    code, out, err = _landrules(
        ["check", yaml_file, "-o", f"{OUT}/一号 结果.json", "-f", "json"], office, "gbk"
    )
    assert (code, out, err) == (0, "", ""), err
    written = json.loads((office / OUT / "一号 结果.json").read_text("utf-8"))
    assert written["source"] == yaml_file


def test_a_register_named_in_chinese_with_full_width_brackets(tmp_path: Path) -> None:
    office = _office(tmp_path)
    register = str(Path(FOLDER, REGISTER))
    target = f"{OUT}/汇总（2024年） 结果.csv"
    code, out, err = _landrules(["check", register, "-f", "csv", "-o", target], office, "gbk")
    assert code == 0, err
    assert err.startswith(f"{len(flat_examples())} parcels (0 input errors)"), err
    with (office / target).open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(flat_examples())
    assert all(REGISTER in " ".join(row.values()) for row in rows)
    code, out, err = _landrules(["check", register, "-f", "jsonl"], office, "gb18030")
    sources = [json.loads(line)["source"] for line in out.splitlines()]
    assert code == 0, err
    assert len(sources) == len(flat_examples())
    assert all(source.startswith(f"{register}:") for source in sources), sources


def test_every_output_goes_into_a_chinese_folder_with_a_space(tmp_path: Path, run_cli: Run) -> None:
    office = _office(tmp_path)
    runs = [
        ["check", FOLDER, "-f", "geojson", "-o", f"{OUT}/宗地 图.geojson"],
        ["report", FOLDER, "-o", f"{OUT}/报告 2024.html"],
        ["report", FOLDER, "-o", f"{OUT}/报告 2024.md"],
        ["new", f"{OUT}/新 宗地.yaml"],
        ["schema", "-o", f"{OUT}/模式 文件"],
        ["docs", str(ROOT / "rules" / "cixi-jingxinjian-2019-13"), "-o", f"{OUT}/规则 文档"],
        ["check", FOLDER, "--exclude", "厂区 *", "-f", "jsonl", "-o", f"{OUT}/排除 后.jsonl"],
    ]
    for args in runs:
        result = run_cli(args, cwd=office)
        assert result.exit_code in (0, 1), result.describe()  # geojson: no geometry is exit 0
    out = office / OUT
    assert "厂区 一号.yaml" in (out / "报告 2024.html").read_text("utf-8")
    assert "厂区 一号.yaml" in (out / "报告 2024.md").read_text("utf-8")
    assert (out / "新 宗地.yaml").read_text("utf-8").startswith("#")
    assert any((out / "模式 文件").glob("*.json")) and any((out / "规则 文档").glob("*.md"))
    assert (out / "排除 后.jsonl").read_text("utf-8") == ""  # the folder's only YAML excluded


@pytest.mark.skipif(sys.platform != "linux", reason="only Linux keeps file names as raw bytes")
def test_a_file_name_in_gbk_bytes_on_linux_is_shown_escaped(tmp_path: Path) -> None:
    """A zip made on Chinese Windows unpacks on Linux with GBK-encoded names, which Python reads
    as lone surrogates: a UTF-8 output shows them as escapes instead of failing with exit 5."""
    folder = tmp_path / "unzipped"
    folder.mkdir()
    name = os.fsdecode("宗地一号.yaml".encode("gbk"))
    shutil.copyfile(EXAMPLE, folder / name)
    code, out, err = _landrules(["check", "unzipped"], tmp_path, "utf-8")
    assert code == 0, err
    assert out.startswith("unzipped/\\udc") and "P1 applies" in out

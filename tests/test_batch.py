"""Batch checking a folder: every good file gets a verdict, every bad one its error, one summary."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CliResult

from landrules.exitcodes import ExitCode

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
BROKEN = {
    "broken/duplicate.yaml": ('schema_version: "1"\nparcel:\n  code: a\n  code: b\n', 4),
    "broken/typo.yaml": ('schema_version: "1"\nparcel:\n  land_aera_m2: "5"\n', 3),
    "broken/tab.yml": ('schema_version: "1"\nparcel:\n\tcode: a\n', 3),
}


@pytest.fixture
def folder_of_200(tmp_path: Path) -> Path:
    """197 copies of the examples under nested folders, plus 3 broken files."""
    folder = tmp_path / "township"
    for n in range(197):
        example = EXAMPLES[n % len(EXAMPLES)]
        target = folder / f"batch{n // 50}" / f"{n:03d}-{example.name}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(example, target)
    for name, (text, _line) in BROKEN.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "notes.txt").write_text("not a parcel")
    return folder


def test_a_folder_with_three_broken_files_still_checks_the_other_197(
    folder_of_200: Path, run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli(["check", "township"], cwd=folder_of_200.parent)
    assert result.exit_code == ExitCode.INPUT_ERROR, result.describe()
    lines = result.stdout.splitlines()
    assert len(lines) == 198, result.describe()
    assert all(": P1 " in line for line in lines[:-1])
    assert lines[-1].startswith("200 parcels (3 input errors) · P1: ")
    errors = [line for line in result.stderr.splitlines() if not line.startswith("    hint")]
    assert len(errors) == 3, result.describe()
    for name, (_text, line) in BROKEN.items():
        assert any(e.startswith(f"township/{name}:{line}:") for e in errors), (name, errors)


def test_folder_results_are_sorted_and_json_counts_match(
    folder_of_200: Path, run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli(["check", "township", "--format", "json"], cwd=folder_of_200.parent)
    document = json.loads(result.stdout)
    assert set(document) == {"schema_version", "pack", "results", "summary"}
    sources = [r["source"] for r in document["results"]]
    assert sources == sorted(sources)
    assert len(sources) == 200
    summary = document["summary"]
    assert summary["parcels"] == 200 and summary["input_errors"] == 3
    for provision, counts in summary["outcomes"].items():
        assert sum(counts.values()) == 197, provision
    errors = [r for r in document["results"] if "errors" in r]
    assert [e["source"] for e in errors] == sorted("township/" + n for n in BROKEN)


def test_jsonl_is_one_record_per_line(
    folder_of_200: Path, run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli(["check", "township", "--format", "jsonl"], cwd=folder_of_200.parent)
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 200
    assert sum("errors" in r for r in records) == 3
    assert result.stderr.splitlines()[-1].startswith("200 parcels (3 input errors)")


def test_exclude_skips_matching_files(
    folder_of_200: Path, run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli(["check", "township", "--exclude", "broken/*"], cwd=folder_of_200.parent)
    assert result.exit_code == 0, result.describe()
    assert result.stdout.splitlines()[-1].startswith("197 parcels (0 input errors)")


def test_files_and_folders_mix_and_detail_prints_trees(run_cli: Callable[..., CliResult]) -> None:
    args = ["check", "examples/p2-applies.yaml", "examples/p3-applies.yaml", "--detail"]
    result = run_cli(args)
    assert result.exit_code == 0, result.describe()
    assert result.stdout.count("rule pack cixi-jingxinjian-2019-13") == 2
    assert "P2 APPLIES" in result.stdout and "P3 APPLIES" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("2 parcels (0 input errors)")


def test_output_file_is_written_whole(tmp_path: Path, run_cli: Callable[..., CliResult]) -> None:
    target = tmp_path / "report.json"
    result = run_cli(["check", "examples", "--format", "json", "--output", str(target)])
    assert result.exit_code == 0, result.describe()
    assert result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["summary"]["parcels"] == len(EXAMPLES)
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_an_unwritable_output_is_refused_before_any_work(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli(["check", "examples", "--output", str(tmp_path / "no" / "such.json")])
    assert result.exit_code == ExitCode.USAGE, result.describe()
    assert "cannot write the output file" in result.stderr


def test_two_jobs_give_byte_identical_results_in_order(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    """From 500 parcels on the pool is used; its output must equal one process's."""
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(520):
        shutil.copyfile(EXAMPLES[n % len(EXAMPLES)], folder / f"{n:04d}.yaml")
    (folder / "0007.yaml").write_text('schema_version: "1"\nparcel: [x]\n', encoding="utf-8")
    one = run_cli(["check", "many", "--format", "jsonl", "--jobs", "1"], cwd=tmp_path)
    two = run_cli(["check", "many", "--format", "jsonl", "--jobs", "2"], cwd=tmp_path)
    assert one.exit_code == two.exit_code == ExitCode.INPUT_ERROR
    assert one.stdout == two.stdout
    assert one.stderr == two.stderr
    assert len(one.stdout.splitlines()) == 520


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_two_jobs_give_byte_identical_results_on_a_register(
    tmp_path: Path, run_cli: Callable[..., CliResult], fmt: str
) -> None:
    """A CSV register of 1,100 rows (11 chunks) with bad rows in the first, sixth and last: the
    pool's output, results and row errors, must equal one process's byte for byte and in order."""
    import csv

    from register_fixtures import flat_examples, write_chinese_csv

    paths = [flat_examples()[n % len(flat_examples())] for n in range(1100)]
    register = write_chinese_csv(tmp_path / "台账.csv", paths, "utf-8-sig")
    with register.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    area = next(i for i, header in enumerate(rows[0]) if "亩" in header)
    for n in (7, 501, 1099):  # a bad area in three chunks: the first, the sixth, the last
        rows[n][area] = "-5"
    with register.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    one = run_cli(["check", register.name, "--format", fmt, "--jobs", "1"], cwd=tmp_path)
    two = run_cli(["check", register.name, "--format", fmt, "--jobs", "2"], cwd=tmp_path)
    assert one.exit_code == two.exit_code == ExitCode.INPUT_ERROR, one.describe()
    assert one.stdout == two.stdout
    assert one.stderr == two.stderr
    assert one.stderr.count(": error[") == 3


def test_output_to_a_device_writes_through_it_instead_of_replacing_it(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    import os
    import stat

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    import threading

    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = run_cli(["check", "examples", "--format", "jsonl", "--output", str(fifo)])
    reader.join(timeout=10)
    assert result.exit_code == 0, result.describe()
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert len(received[0].splitlines()) == len(EXAMPLES)

"""`!!python/object/apply:os.system` in any input file executes nothing.

A control run first shows the payload is live (PyYAML's unsafe loader does create the marker
file), so the later checks that the marker never appears can fail.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT, CliResult

from landrules.exitcodes import ExitCode

Run = Callable[..., CliResult]
PACK = ROOT / "rules" / "cixi-jingxinjian-2019-13"
RULE = "p2-new-land-above-indicator.yaml"


def payloads(marker: Path) -> list[str]:
    """Every way a YAML file can ask a Python loader to run a command."""
    command = f"touch {marker}"
    return [
        f'!!python/object/apply:os.system ["{command}"]',
        f'!!python/object/apply:subprocess.call [["touch", "{marker}"]]',
        f'!!python/object/new:os.system ["{command}"]',
        f'!<tag:yaml.org,2002:python/object/apply:os.system> ["{command}"]',
    ]


def test_control_the_payload_runs_under_an_unsafe_loader(tmp_path: Path) -> None:
    marker = tmp_path / "MARKER"
    code = f"import yaml; yaml.load({payloads(marker)[0]!r}, Loader=yaml.UnsafeLoader)"
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    assert marker.exists()


@pytest.mark.parametrize("index", range(4))
def test_a_parcel_file_runs_nothing(index: int, tmp_path: Path, run_cli: Run) -> None:
    marker = tmp_path / "MARKER"
    text = 'schema_version: "1"\nparcel:\n  name: ' + payloads(marker)[index] + "\n"
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    result = run_cli(["check", "p.yaml"], cwd=tmp_path)
    assert result.exit_code == ExitCode.INPUT_ERROR, result.describe()
    assert result.stderr.startswith("p.yaml:3:9: error[tag] parcel.name: tag "), result.describe()
    assert not marker.exists()


def test_a_tag_directive_cannot_hide_the_payload(tmp_path: Path, run_cli: Run) -> None:
    marker = tmp_path / "MARKER"
    text = (
        "%TAG !p! tag:yaml.org,2002:python/object/apply:\n---\n"
        f'schema_version: "1"\nparcel:\n  name: !p!os.system ["touch {marker}"]\n'
    )
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    result = run_cli(["check", "p.yaml"], cwd=tmp_path)
    assert result.exit_code == ExitCode.INPUT_ERROR, result.describe()
    assert not marker.exists()


def test_a_folder_of_parcels_in_worker_processes_runs_nothing(tmp_path: Path, run_cli: Run) -> None:
    marker = tmp_path / "MARKER"
    folder = tmp_path / "many"
    folder.mkdir()
    example = (EXAMPLES / "p2-applies.yaml").read_text(encoding="utf-8")
    for n in range(600):  # over one chunk, so a process pool is used
        (folder / f"{n:03d}.yaml").write_text(example, encoding="utf-8")
    evil = example.replace(
        "  land_supply: newly_supplied\n", "  land_supply: " + payloads(marker)[0] + "\n"
    )
    assert evil != example
    (folder / "300-evil.yaml").write_text(evil, encoding="utf-8")
    result = run_cli(["check", "many", "--jobs", "2"], cwd=tmp_path)
    assert result.exit_code == ExitCode.INPUT_ERROR, result.describe()
    line = next(n for n, t in enumerate(evil.splitlines(), 1) if t.startswith("  land_supply:"))
    assert f"many/300-evil.yaml:{line}:16: error[tag]" in result.stderr, result.describe()
    assert not marker.exists()


def test_a_rule_file_runs_nothing(tmp_path: Path, run_cli: Run) -> None:
    marker = tmp_path / "MARKER"
    pack = tmp_path / "pack"
    shutil.copytree(PACK, pack)
    text = (pack / RULE).read_text(encoding="utf-8")
    (pack / RULE).write_text(
        text.replace("id: P2\n", f"id: {payloads(marker)[0]}\n", 1), encoding="utf-8"
    )
    result = run_cli(["check", str(EXAMPLES / "p2-applies.yaml"), "--rules", "pack"], cwd=tmp_path)
    assert result.exit_code == ExitCode.RULES_ERROR, result.describe()
    assert "error[schema]" in result.stderr and "[tag]" in result.stderr, result.describe()
    assert not marker.exists()


def test_a_register_and_its_column_mapping_run_nothing(tmp_path: Path, run_cli: Run) -> None:
    """In a CSV cell or a JSON value the payload is only text; in the YAML mapping it is refused."""
    marker = tmp_path / "MARKER"
    payload = payloads(marker)[0]
    csv_cell = payload.replace('"', '""')
    (tmp_path / "r.csv").write_text(
        f'宗地号,项目名称,用地面积\nA1,"{csv_cell}",20000\n', encoding="utf-8"
    )
    (tmp_path / "r.jsonl").write_text(
        json.dumps({"parcel.code": "A2", "parcel.name": payload}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    result = run_cli(["check", "r.csv", "r.jsonl", "--format", "jsonl"], cwd=tmp_path)
    assert result.exit_code == ExitCode.OK, result.describe()
    names = [json.loads(line)["parcel"]["name"] for line in result.stdout.splitlines()]
    assert names == [payload, payload]  # kept as the text it is, never interpreted
    assert not marker.exists()

    (tmp_path / "mapping.yaml").write_text(f"columns:\n  宗地号: {payload}\n", encoding="utf-8")
    mapped = run_cli(["check", "r.csv", "--mapping", "mapping.yaml"], cwd=tmp_path)
    assert mapped.exit_code == ExitCode.INPUT_ERROR, mapped.describe()
    assert mapped.stderr.startswith(
        "mapping.yaml:2:8: error[tag] columns.宗地号: tag '!!python/object/apply:os.system' "
        "is not allowed"
    ), mapped.describe()
    assert not marker.exists()

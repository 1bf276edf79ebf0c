"""Every adversarial file in tests/fixtures/bad/ gives exactly its expected first error and exit.

The expectations live in tests/fixtures/bad/expected.yaml (read with landrules' own reader);
every fixture must have one, and every expectation a fixture, so none can be silently skipped.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT, CliResult

from landrules import yamlio

BAD = Path(__file__).resolve().parent / "fixtures" / "bad"
PACK = ROOT / "rules" / "cixi-jingxinjian-2019-13"
REPLACED = "p2-new-land-above-indicator.yaml"
FIRST = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): error\[(?P<code>[^\]]+)\] (?P<rest>.*)$"
)
Run = Callable[..., CliResult]


def _manifest() -> dict[str, dict[str, dict[str, str]]]:
    data = yamlio.load(BAD / "expected.yaml").data
    assert isinstance(data, dict)
    return data  # type: ignore[return-value]


MANIFEST = _manifest()
KINDS = ("parcel", "rules", "registers")
CASES = [(kind, name) for kind in KINDS for name in MANIFEST[kind]]


def test_every_fixture_has_an_expectation_and_there_are_at_least_40() -> None:
    for kind in KINDS:
        on_disk = sorted(p.name for p in (BAD / kind).iterdir())
        assert on_disk == sorted(MANIFEST[kind]), kind
    assert len(CASES) >= 40
    assert len(MANIFEST["registers"]) >= 10 and len(MANIFEST["rules"]) >= 8


def _check(expected: dict[str, str], result: CliResult, shown_path: str) -> None:
    assert result.exit_code == int(expected["exit"]), result.describe()
    assert "Traceback" not in result.stderr + result.stdout, result.describe()
    lines = result.stderr.splitlines()
    while lines and " error[" not in lines[0]:  # a register's warnings come first
        lines = lines[1:]
    first = FIRST.match(lines[0])
    assert first is not None, result.describe()
    assert first["path"].endswith(shown_path), result.describe()
    found = (first["code"], int(first["line"]), int(first["col"]))
    wanted = (expected["code"], int(expected["line"]), int(expected["col"]))
    assert found == wanted, result.describe()
    if "detail" in expected:
        assert first["rest"].endswith(f" [{expected['detail']}]"), result.describe()
    if "says" in expected:
        hint = lines[1] if len(lines) > 1 and lines[1].startswith("    hint: ") else ""
        assert expected["says"] in lines[0] + hint, result.describe()


@pytest.mark.parametrize(("kind", "name"), CASES, ids=[f"{k}/{n}" for k, n in CASES])
def test_a_bad_file_gives_its_exact_error(
    kind: str, name: str, tmp_path: Path, run_cli: Run
) -> None:
    expected = MANIFEST[kind][name]
    if kind in ("parcel", "registers"):
        shutil.copyfile(BAD / kind / name, tmp_path / name)
        result = run_cli(["check", name], cwd=tmp_path)
        if kind == "parcel":  # a register prints its summary line on stdout
            assert result.stdout == "", result.describe()
        _check(expected, result, name)
    else:
        pack = tmp_path / "pack"
        shutil.copytree(PACK, pack)
        shutil.copyfile(BAD / "rules" / name, pack / REPLACED)
        result = run_cli(
            ["check", str(EXAMPLES / "p2-applies.yaml"), "--rules", "pack"], cwd=tmp_path
        )
        assert result.stdout == "", result.describe()
        _check(expected, result, f"pack/{REPLACED}")
    assert not (tmp_path / "LANDRULES_PWNED").exists()


def test_the_whole_folder_in_one_run_reports_every_file_and_no_traceback(
    tmp_path: Path, run_cli: Run
) -> None:
    shutil.copytree(BAD / "parcel", tmp_path / "parcel")
    result = run_cli(["check", "parcel", "--format", "jsonl"], cwd=tmp_path)
    assert result.exit_code == 3, result.describe()
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1].startswith(
        f"{len(MANIFEST['parcel'])} parcels ({len(MANIFEST['parcel'])} input errors)"
    ), result.describe()

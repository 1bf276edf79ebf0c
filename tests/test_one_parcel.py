"""One parcel: the answer first, one line per provision, then the tree; `--brief`; `check -`
(issue 14 point 7)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CLI_ENV, EXAMPLES, ROOT, invoke_cli
from typer.testing import CliRunner

from landrules.cli import app


def _summary(stdout: str) -> list[str]:
    return stdout.split("\n\n", 1)[0].splitlines()


def test_the_verdict_starts_with_one_line_per_provision_then_the_tree() -> None:
    result = invoke_cli(["check", "examples/p1-applies-renovation.yaml"])
    assert result.exit_code == 0, result.describe()
    lines = _summary(result.stdout)
    assert [line.split()[0] for line in lines] == ["P1", "P2", "P3"]
    assert lines[0].startswith("P1 APPLIES (in force not confirmed), area concerned 16000.00 m²")
    assert "confirm that 慈政发〔2015〕40号 is still in force" in lines[0]
    assert lines[1] == "P2 DOES NOT APPLY — nothing to do next"  # no area: no waiver concerns it
    tree = result.stdout.split("\n\n", 1)[1]
    assert tree.startswith("examples/p1-applies-renovation.yaml — ")


@pytest.mark.parametrize(
    ("example", "lang", "line"),
    [
        (
            "p1-undetermined-environmental-missing",
            "en",
            "P1 UNDETERMINED (in force not confirmed) — next: supply approvals.environmental",
        ),
        (
            "p1-undetermined-environmental-missing",
            "zh",
            "P1 无法确定（是否仍有效未经证实）——"
            "下一步：补充符合环保要求（approvals.environmental）",
        ),
        (
            "p3-applies",
            "en",
            "P1 NEEDS REVIEW (in force not confirmed), area concerned if it applies 4800.00 m² — "
            "next: ask for a review: the planned use is no longer industrial",
        ),
        (
            "p3-applies",
            "zh",
            "P1 需审核（是否仍有效未经证实），如适用，所涉面积 4800.00 m²——"
            "下一步：提请审核：规划用途已改为非工业",
        ),
    ],
)
def test_the_summary_line_names_the_one_thing_to_do_next(
    example: str, lang: str, line: str
) -> None:
    result = invoke_cli(["check", f"examples/{example}.yaml", "--lang", lang, "--brief"])
    assert result.exit_code == 0, result.describe()
    assert result.stdout.splitlines()[0].startswith(line), result.describe()


def test_brief_prints_only_the_summary_lines() -> None:
    result = invoke_cli(["check", "examples/p2-applies.yaml", "--brief"])
    assert result.exit_code == 0, result.describe()
    assert result.stdout.splitlines() == [
        "P1 DOES NOT APPLY — nothing to do next",
        "P2 APPLIES (in force not confirmed), area concerned 6000.00 m² — "
        "next: confirm that 慈政发〔2015〕40号 is still in force",
        "P3 DOES NOT APPLY — nothing to do next",
    ]


def _stdin(args: list[str], data: bytes) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, args, input=data, env=CLI_ENV, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_a_dash_reads_the_parcel_from_standard_input() -> None:
    data = (EXAMPLES / "p2-applies.yaml").read_bytes()
    code, stdout, _ = _stdin(["check", "-", "--brief"], data)
    assert code == 0
    assert stdout.splitlines()[1].startswith("P2 APPLIES")
    code, stdout, _ = _stdin(["check", "-", "--format", "json"], data)
    assert code == 0 and '"source": "<stdin>"' in stdout


def test_an_error_on_standard_input_is_located_as_stdin() -> None:
    bad = ROOT / "tests" / "fixtures" / "bad" / "parcel" / "misspelt-enum.yaml"
    code, stdout, stderr = _stdin(["check", "-"], bad.read_bytes())
    assert code == 3 and stdout == ""
    assert stderr.startswith("<stdin>:3:16: error[literal_error] parcel.land_tenure"), stderr


def test_a_pipe_into_the_installed_command_works(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LANGUAGE")}
    done = subprocess.run(
        [sys.executable, "-m", "landrules", "check", "-", "--brief", "--lang", "zh"],
        input=(EXAMPLES / "p3-applies.yaml").read_bytes(),
        capture_output=True,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode("utf-8").splitlines()[2].startswith("P3 适用")


def test_a_dash_must_be_the_only_path() -> None:
    result = invoke_cli(["check", "-", "examples/p2-applies.yaml"])
    assert result.exit_code == 2, result.describe()
    assert "must be the only path" in result.stderr, result.describe()

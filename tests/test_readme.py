"""The README cannot drift: its commands are CI's, its transcript is real, its snippet runs."""

from __future__ import annotations

import json
import re
import runpy
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CliResult, invoke_cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_the_readme_has_exactly_two_setup_commands_and_ci_runs_the_second() -> None:
    commands = _blocks("sh")
    assert len(commands) == 2, commands
    install_and_check, install_and_test = (c.strip() for c in commands)
    assert "pip install ." in install_and_check
    assert "landrules check examples/" in install_and_check
    assert "pip install '.[test]'" in install_and_test
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert install_and_test in ci.splitlines()


def test_the_readme_example_is_a_real_file(run_cli: Callable[..., CliResult]) -> None:
    command = _blocks("sh")[0].strip()
    example = command.split("landrules check ")[1].split()[0]
    assert (ROOT / example).is_file()
    result = run_cli(["check", example])
    assert result.exit_code == 0, result.describe()


def test_the_readme_transcript_is_the_real_output(run_cli: Callable[..., CliResult]) -> None:
    (transcript,) = _blocks("text")
    result = run_cli(["check", "examples/p1-applies-renovation.yaml"])
    assert transcript == result.stdout, "update the transcript in README.md"


def test_the_library_snippet_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    snippet = _blocks("python")[0]
    script = tmp_path / "readme_snippet.py"
    script.write_text(snippet, encoding="utf-8")
    monkeypatch.chdir(ROOT)
    names = runpy.run_path(str(script))
    printed = capsys.readouterr().out
    assert printed.splitlines() == ["P1 does_not_apply ()", "P2 applies ()", "P3 does_not_apply ()"]
    # the snippet's verdict is the very verdict the CLI prints as JSON
    from landrules.report.data import verdict_data

    cli = invoke_cli(["check", "examples/p2-applies.yaml", "--format", "json"])
    assert cli.exit_code == 0, cli.describe()
    library = verdict_data(names["verdict"])
    assert library["provisions"] == json.loads(cli.stdout)["provisions"]


def _run_snippet(
    n: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> list[str]:
    script = tmp_path / f"readme_snippet_{n}.py"
    script.write_text(_blocks("python")[n], encoding="utf-8")
    monkeypatch.chdir(ROOT)
    runpy.run_path(str(script))
    return capsys.readouterr().out.splitlines()


def test_the_readme_shows_the_dict_and_register_functions() -> None:
    snippets = _blocks("python")
    assert len(snippets) == 3, snippets
    assert "landrules.check_dict(" in snippets[1]
    assert "landrules.check_register(" in snippets[2]


def test_the_dict_snippet_gives_the_verdict_of_the_same_parcel_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    printed = _run_snippet(1, tmp_path, monkeypatch, capsys)
    assert printed == ["{'P1': 'does_not_apply', 'P2': 'applies', 'P3': 'does_not_apply'}"]


def test_the_register_snippet_prints_each_row_s_outcomes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    printed = _run_snippet(2, tmp_path, monkeypatch, capsys)
    cli = invoke_cli(["check", "examples/register.csv", "--format", "jsonl"])
    rows = [json.loads(line) for line in cli.stdout.splitlines()]
    assert len(printed) == len(rows) == 3
    for line, row in zip(printed, rows, strict=True):
        outcomes = {p["id"]: p["outcome"] for p in row["provisions"]}
        assert line == f"{row['source']} {outcomes}", (line, row)


def test_the_library_import_is_light() -> None:
    """`import landrules` must not load pydantic; the API names load it on first use."""
    code = (
        "import sys, landrules; assert 'pydantic' not in sys.modules, 'pydantic loaded'; "
        "assert callable(landrules.check_parcel) and 'pydantic' in sys.modules"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("block", _blocks("console"))
def test_console_transcripts_are_real(block: str, run_cli: Callable[..., CliResult]) -> None:
    command, *expected = block.splitlines(keepends=True)
    assert command.startswith("$ landrules ")
    result = run_cli(command.removeprefix("$ landrules ").split())
    assert result.stdout == "".join(expected), "update the transcript in README.md"

"""`ask` reads answers as `check` reads files, keeps what was answered and the file's comments,
and ends with the verdict lines; `new` names the schema on its first line (issue 14 point 9)."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CLI_ENV, EXAMPLES, ROOT, invoke_cli
from typer.testing import CliRunner

from landrules import cli_explain
from landrules.cli import app
from landrules.facts import fact_names

MISSING_ENV = EXAMPLES / "p1-undetermined-environmental-missing.yaml"


def _ask(args: list[str], answers: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["ask", *args], input=answers, env=CLI_ENV)
    return result.exit_code, result.stdout


def test_ask_accepts_an_area_with_its_unit_and_the_register_words(tmp_path: Path) -> None:
    start = tmp_path / "p.yaml"
    start.write_text(
        MISSING_ENV.read_text("utf-8").replace('  land_area_m2: "16000"\n', ""), "utf-8"
    )
    assert "land_area" not in start.read_text("utf-8")
    out = tmp_path / "done.yaml"
    code, stdout = _ask([str(start), "-o", str(out), "--lang", "zh"], "是\n24亩\n" + "\n" * 10)
    assert code == 0, stdout
    assert "不能接受" not in stdout, stdout
    text = out.read_text("utf-8")
    assert "status: 是" in text and 'land_area: "24亩"' in text
    check = invoke_cli(["check", str(out), "--brief"])
    assert check.exit_code == 0, check.describe()
    assert check.stdout.startswith("P1 APPLIES"), check.describe()


def test_ask_gives_the_hint_check_gives(tmp_path: Path) -> None:
    _, stdout = _ask(["-o", str(tmp_path / "x.yaml"), "--lang", "en"], "existing\n601\n")
    assert "  not accepted: " in stdout, stdout
    assert "  hint: did you mean '0601'?" in stdout, stdout
    (tmp_path / "c.yaml").write_text(
        'schema_version: "1"\nland_use:\n  current:\n    gbt21010: 601\n', "utf-8"
    )
    check = invoke_cli(["check", "c.yaml"], cwd=tmp_path)
    assert "    hint: did you mean '0601'?" in check.stderr, check.describe()


def _interrupt_after(answers: list[str]) -> Iterator[str]:
    yield from answers
    raise KeyboardInterrupt


def test_ctrl_c_keeps_the_answers_given_so_far(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = tmp_path / "p.yaml"
    assert invoke_cli(["new", str(start), "--lang", "en"]).exit_code == 0
    before = start.read_text("utf-8")
    replies = _interrupt_after([])
    monkeypatch.setattr(cli_explain, "_read_answer", lambda prompt: next(replies))
    code, stdout = _ask([str(start), "--lang", "en"], "")
    assert code == 130 and "nothing written" in stdout, stdout
    replies = _interrupt_after(["existing"])
    monkeypatch.setattr(cli_explain, "_read_answer", lambda prompt: next(replies))
    code, stdout = _ask([str(start), "--lang", "en"], "")
    partial = tmp_path / "p.partial.yaml"
    assert code == 130, stdout
    assert f"interrupted: the answers given so far (1) are written to {partial}" in stdout
    assert f"to go on: landrules ask {partial}" in stdout
    assert start.read_text("utf-8") == before  # the parcel being completed is never replaced
    kept = partial.read_text("utf-8")
    assert "  land_supply: existing  # parcel.land_supply — " in kept  # its comments kept
    assert kept.replace("land_supply: existing  #", "land_supply:  #") == before


def test_ctrl_c_in_a_real_terminal_session_writes_the_partial_file(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LANGUAGE")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "landrules", "ask", "-o", "out.yaml", "--lang", "en"],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(b"existing\n")
    proc.stdin.flush()
    seen, deadline = b"", time.monotonic() + 60
    while b"Question 2:" not in seen or not seen.rstrip().endswith(b"answer:"):
        ready, _, _ = select.select([proc.stdout], [], [], 1)
        if ready:
            seen += os.read(proc.stdout.fileno(), 4096)
        assert time.monotonic() < deadline, seen.decode()
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, (seen + stdout).decode() + stderr.decode()
    assert b"are written to out.yaml" in stdout, stdout.decode()
    assert "land_supply: existing" in (tmp_path / "out.yaml").read_text("utf-8")


def test_a_new_template_completed_by_ask_stays_a_commented_template(tmp_path: Path) -> None:
    path = tmp_path / "parcel.yaml"
    assert invoke_cli(["new", str(path), "--lang", "en"]).exit_code == 0
    template = path.read_text("utf-8")
    done = tmp_path / "done.yaml"
    code, stdout = _ask([str(path), "-o", str(done), "--lang", "en"], "existing\n0601\n")
    assert code == 0, stdout
    text = done.read_text("utf-8")
    assert text.splitlines()[:2] == template.splitlines()[:2]  # schema line and header
    for name in fact_names():
        assert f"# {name} — " in text, name
    assert "  land_supply: existing  # parcel.land_supply — " in text
    assert '    gbt21010: "0601"' in text
    lines = stdout.rstrip("\n").splitlines()
    assert lines[-4].startswith("P1 ") and lines[-2].startswith("P3 ")
    assert lines[-1] == f"the full reasoning: landrules check {done}"
    check = invoke_cli(["check", str(done), "--brief"])
    assert check.stdout.splitlines() == lines[-4:-1], check.describe()


def test_new_names_the_shipped_schema_on_its_first_line(tmp_path: Path) -> None:
    inside = ROOT / "examples" / f"new-{os.getpid()}.yaml"
    try:
        assert invoke_cli(["new", str(inside)]).exit_code == 0
        first = inside.read_text("utf-8").splitlines()[0]
    finally:
        inside.unlink(missing_ok=True)
    assert first == "# yaml-language-server: $schema=../schemas/parcel.schema.json"
    assert (inside.parent / "../schemas/parcel.schema.json").resolve().is_file()
    outside = invoke_cli(["new", "p.yaml"], cwd=tmp_path)
    assert (
        (tmp_path / "p.yaml")
        .read_text("utf-8")
        .startswith("# yaml-language-server: $schema=schemas/parcel.schema.json\n")
    )
    assert "run landrules schema in this folder" in outside.stdout, outside.describe()


def test_ask_warns_about_an_implausible_area_after_the_verdict_lines(tmp_path: Path) -> None:
    start = tmp_path / "p.yaml"
    start.write_text('schema_version: "1"\nparcel:\n  land_area: 20000亩\n', "utf-8")
    code, stdout = _ask([str(start), "-o", str(tmp_path / "out.yaml"), "--lang", "en"], "")
    assert code == 0, stdout
    lines = stdout.rstrip("\n").splitlines()
    assert lines[-2].startswith("warning: parcel.land_area: a land area of 13333333.33 m²")
    assert lines[-1].startswith("the full reasoning: landrules check ")

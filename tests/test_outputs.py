"""Nothing lost: --output is replaced whole or not at all, and an unusable path stops the run first.

The SIGINT test runs the real command in a child process: Ctrl-C in the middle of a batch must
leave the previous report byte for byte, and no temporary file behind.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT, CliResult

from landrules.exitcodes import ExitCode

Run = Callable[..., CliResult]
COMMAND = (sys.executable, "-m", "landrules")
OLD_REPORT = b'{"an": "old report", "must": "survive"}\n'


def _big_folder(base: Path, count: int) -> Path:
    examples = sorted(EXAMPLES.glob("*.yaml"))
    folder = base / "big"
    for n in range(count):
        target = folder / f"part{n // 500}" / f"{n:05d}.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(examples[n % len(examples)], target)
    return folder


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".partial"))


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_sigint_midway_leaves_the_previous_output_intact(tmp_path: Path, jobs: str) -> None:
    _big_folder(tmp_path, 4000)
    out = tmp_path / "out.json"
    out.write_bytes(OLD_REPORT)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    child = subprocess.Popen(
        [*COMMAND, "check", "big", "--format", "json", "--output", "out.json", "--jobs", jobs],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        # Midway: the temporary report has received verdicts, and the run has not finished.
        while not any(p.stat().st_size > 0 for p in tmp_path.glob(".out.json.*.partial")):
            assert child.poll() is None, "the run ended before it could be interrupted"
            assert time.monotonic() < deadline, "no output was being written"
            time.sleep(0.01)
        assert child.poll() is None, "the run ended before it could be interrupted"
        child.send_signal(signal.SIGINT)
        _, stderr = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode != 0
    assert out.read_bytes() == OLD_REPORT
    assert _leftovers(tmp_path) == []
    assert b"Traceback" not in stderr, stderr.decode()


def test_a_crash_midway_leaves_the_previous_output_and_prints_one_line(
    tmp_path: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    _big_folder(tmp_path, 30)
    out = tmp_path / "out.json"
    out.write_bytes(OLD_REPORT)
    from landrules.report import batch

    calls = {"n": 0}
    original = batch.JsonWriter.write

    def failing_write(self: batch.JsonWriter, result: object) -> None:
        calls["n"] += 1
        if calls["n"] == 10:
            raise RuntimeError("disk on fire")
        original(self, result)  # type: ignore[arg-type]

    monkeypatch.setattr(batch.JsonWriter, "write", failing_write)
    result = run_cli(["check", "big", "--format", "json", "--output", "out.json"], cwd=tmp_path)
    assert result.exit_code == ExitCode.INTERNAL_ERROR, result.describe()
    assert result.stderr == (
        "landrules: internal error (RuntimeError: disk on fire) while checking big. Please "
        "report it; rerun with --traceback to see more.\n"
    ), result.describe()
    assert out.read_bytes() == OLD_REPORT
    assert _leftovers(tmp_path) == []


def test_a_complete_run_replaces_the_output_whole(tmp_path: Path, run_cli: Run) -> None:
    _big_folder(tmp_path, 3)
    out = tmp_path / "out.json"
    out.write_bytes(OLD_REPORT)
    result = run_cli(["check", "big", "--format", "json", "--output", "out.json"], cwd=tmp_path)
    assert result.exit_code == ExitCode.OK, result.describe()
    assert result.stdout == ""
    assert out.read_text(encoding="utf-8").startswith('{"schema_version": 1, "pack": ')
    assert out.read_text(encoding="utf-8").endswith("}\n")
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("output", "reason"),
    [
        ("missing/report.json", "its folder missing does not exist"),
        ("afolder", "it is a folder"),
    ],
)
def test_an_unusable_output_is_reported_before_any_work(
    output: str, reason: str, tmp_path: Path, run_cli: Run
) -> None:
    """Before reading the rule pack or any parcel: a broken pack and a broken parcel stay silent."""
    (tmp_path / "afolder").mkdir()
    (tmp_path / "broken.yaml").write_text("a: [\n", encoding="utf-8")
    (tmp_path / "pack").mkdir()
    (tmp_path / "pack" / "pack.yaml").write_text("id: x\n", encoding="utf-8")
    result = run_cli(["check", "broken.yaml", "--rules", "pack", "--output", output], cwd=tmp_path)
    assert result.exit_code == ExitCode.USAGE, result.describe()
    assert result.stderr == (
        f"{output}:0:0: error[output] cannot write the output file: {reason}\n"
    ), result.describe()
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afolder", "broken.yaml", "pack"]


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can write anything")
def test_a_read_only_output_file_is_reported_before_any_work(tmp_path: Path, run_cli: Run) -> None:
    out = tmp_path / "out.json"
    out.write_bytes(OLD_REPORT)
    out.chmod(0o444)
    result = run_cli(
        ["check", str(EXAMPLES / "p2-applies.yaml"), "--output", "out.json"], cwd=tmp_path
    )
    assert result.exit_code == ExitCode.USAGE, result.describe()
    assert "cannot write the output file: it is not writable" in result.stderr
    assert out.read_bytes() == OLD_REPORT


def test_a_reader_that_leaves_early_ends_the_run_quietly_with_exit_0() -> None:
    """`landrules check examples --detail | head -1`: every tree is far more than a pipe holds,
    so the reader leaves while landrules is still writing (rich would end that with exit 1)."""
    child = subprocess.Popen(
        [*COMMAND, "check", str(EXAMPLES), "--detail"],
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "100", "NO_COLOR": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None and child.stderr is not None
    assert child.stdout.readline()
    child.stdout.close()
    with child.stderr:
        stderr = child.stderr.read()
    assert child.wait(timeout=60) == 0, stderr.decode()
    assert stderr == b""

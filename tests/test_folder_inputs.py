"""Everything found in a folder and not checked is reported; nothing blocks (issue 11 point 5).

An unreadable subfolder, a `*.yaml` link that leads nowhere or in a circle, and a named pipe are
each a located error on stderr, counted in the summary (exit 3); a named pipe given directly is
refused without being opened; an unreadable file given alone is a located input error.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT, CliResult

from landrules.exitcodes import ExitCode

Run = Callable[..., CliResult]
PARCEL = EXAMPLES / "p2-applies.yaml"
POSIX = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "d"
    (folder / "sub").mkdir(parents=True)
    (folder / "locked").mkdir()
    (folder / "deep").mkdir()
    shutil.copyfile(PARCEL, folder / "a.yaml")
    shutil.copyfile(PARCEL, folder / "sub" / "b.yaml")
    shutil.copyfile(PARCEL, folder / "locked" / "c.yaml")
    (folder / "dangling.yaml").symlink_to("nowhere.yaml")
    (folder / "loop.yml").symlink_to("loop.yml")
    (folder / "deep" / "up").symlink_to("..")  # a folder link back up: would recurse forever
    (tmp_path / "elsewhere").mkdir()
    shutil.copyfile(PARCEL, tmp_path / "elsewhere" / "e.yaml")
    (folder / "linked").symlink_to("../elsewhere")
    os.mkfifo(folder / "pipe.yaml")
    return folder


@POSIX
def test_everything_found_in_a_folder_is_checked_or_reported(
    tmp_path: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    _folder(tmp_path)
    real_scandir = os.scandir

    def scandir(path: object) -> object:  # root reads any folder: refuse one as a user's OS would
        if Path(str(path)).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    result = run_cli(["check", "d"], cwd=tmp_path)
    assert result.exit_code == ExitCode.INPUT_ERROR, result.describe()
    assert result.stdout.splitlines()[:3] == [
        f"d/{name} (parcel 330282201001GB00012): P1 does not apply · P2 applies · P3 does not apply"
        for name in ("a.yaml", "linked/e.yaml", "sub/b.yaml")
    ], result.describe()
    errors = [line for line in result.stderr.splitlines() if ": error[" in line]
    assert errors == [
        "d/dangling.yaml:0:0: error[broken-link] a link to nowhere.yaml, which does not exist; "
        "not read",
        "d/deep/up:0:0: error[link-loop] a link that leads back to itself or to a folder above "
        "it; not read",
        "d/locked:0:0: error[unreadable-folder] cannot read the folder: Permission denied; the "
        "parcel files in it, if any, were not checked",
        "d/loop.yml:0:0: error[link-loop] a link that leads back to itself or to a folder above "
        "it; not read",
        "d/pipe.yaml:0:0: error[not-a-file] not a file but a named pipe (FIFO); not read "
        "(reading it could wait forever)",
    ], result.describe()
    assert "8 parcels (5 input errors)" in result.stdout + result.stderr, result.describe()


@POSIX
def test_a_folder_problem_appears_in_machine_readable_output_too(
    tmp_path: Path, run_cli: Run
) -> None:
    _folder(tmp_path)
    result = run_cli(["check", "d", "--format", "jsonl"], cwd=tmp_path)
    assert result.exit_code == ExitCode.INPUT_ERROR, result.describe()
    assert '"source": "d/pipe.yaml", "errors": [' in result.stdout
    assert '"code": "broken-link"' in result.stdout


@POSIX
def test_exclude_still_silences_what_the_user_left_out(tmp_path: Path, run_cli: Run) -> None:
    _folder(tmp_path)
    args = ["check", "d", "--exclude", "*.yml", "--exclude", "pipe.yaml", "--exclude", "deep/*"]
    args += ["--exclude", "dangling.yaml"]
    result = run_cli(args, cwd=tmp_path)
    assert result.exit_code == ExitCode.OK, result.describe()
    assert "error[" not in result.stderr


@POSIX
@pytest.mark.parametrize("output_format", ["text", "csv"])
def test_a_named_pipe_given_directly_is_refused_without_waiting(
    output_format: str, tmp_path: Path
) -> None:
    """Run in a child with a timeout: opening a pipe with no writer would block for ever."""
    os.mkfifo(tmp_path / "p.yaml")
    os.mkfifo(tmp_path / "r.csv")
    for name in ("p.yaml", "r.csv"):
        done = subprocess.run(
            [sys.executable, "-m", "landrules", "check", name, "--format", output_format],
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == ExitCode.INPUT_ERROR, done.stderr.decode()
        assert done.stderr.decode().startswith(
            f"{name}:0:0: error[not-a-file] not a file but a named pipe (FIFO); not read"
        ), done.stderr.decode()


def _unprivileged() -> list[str] | None:
    """A prefix that runs a command without root's power to read anything, or None."""
    if not hasattr(os, "geteuid"):
        return None
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    caps = "-dac_override,-dac_read_search"
    prefix = [setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}"]
    probe = subprocess.run([*prefix, "true"], capture_output=True, check=False)
    return prefix if probe.returncode == 0 else None


@pytest.mark.parametrize("name", ["p.yaml", "r.csv"])
def test_an_unreadable_file_given_alone_is_a_located_input_error(name: str, tmp_path: Path) -> None:
    prefix = _unprivileged()
    if prefix is None:
        pytest.skip("cannot run without the power to read every file")
    shutil.copyfile(PARCEL, tmp_path / name)
    (tmp_path / name).chmod(0)
    done = subprocess.run(
        [*prefix, sys.executable, "-m", "landrules", "check", name],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        timeout=60,
        check=False,
    )
    stderr = done.stderr.decode()
    assert done.returncode == ExitCode.INPUT_ERROR, stderr
    assert stderr.startswith(f"{name}:0:0: error["), stderr
    assert "Permission denied" in stderr
    assert "Usage:" not in stderr and "╭" not in stderr

"""--output never destroys an input, keeps links and modes, and survives signals and full disks.

Issue 11 points 3 and 4 and issue 16 point 3 (the output half). The signal tests run the real
command in its own process group (as a shell job) through benchmarks/faults.py, on a smaller
register than the benchmark's 200,000 rows.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT, CliResult

from landrules.exitcodes import ExitCode

sys.path.insert(0, str(ROOT / "benchmarks"))
import faults

Run = Callable[..., CliResult]
PARCEL = EXAMPLES / "p2-applies.yaml"
OLD = b'{"an": "old report", "must": "survive"}\n'


def _refused(result: CliResult, output: str, clash: str) -> None:
    assert result.exit_code == ExitCode.OUTPUT_ERROR == 2, result.describe()
    assert result.stderr.startswith(f"{output}:0:0: error[output] cannot write the output file: ")
    assert clash in result.stderr, result.describe()
    assert "choose another file name" in result.stderr
    assert result.stdout == ""


def _partials(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*.partial"))


# --- point 3: an output is never an input --------------------------------------------------


@pytest.mark.parametrize(
    ("given", "output"),
    [
        ("p.yaml", "p.yaml"),
        ("./p.yaml", "sub/../p.yaml"),
        ("p.yaml", "link.yaml"),  # a symbolic link to the parcel file
        ("p.yaml", "hard.yaml"),  # a hard link: the same file under another name
        ("link.yaml", "p.yaml"),
    ],
)
def test_an_output_that_is_the_parcel_file_is_refused_before_any_work(
    given: str, output: str, tmp_path: Path, run_cli: Run
) -> None:
    shutil.copyfile(PARCEL, tmp_path / "p.yaml")
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.yaml").symlink_to("p.yaml")
    os.link(tmp_path / "p.yaml", tmp_path / "hard.yaml")
    result = run_cli(["check", given, "--output", output], cwd=tmp_path)
    _refused(result, output, f"it is the input {Path(given)}")
    assert (tmp_path / "p.yaml").read_bytes() == PARCEL.read_bytes()
    assert (tmp_path / "link.yaml").is_symlink()


@pytest.mark.parametrize(
    ("args", "output", "clash"),
    [
        (["check", "folder"], "folder/p.yaml", "inside the input folder folder"),
        (["check", "reg.csv", "--format", "csv"], "reg.csv", "it is the input reg.csv"),
        (["check", "reg.csv", "--mapping", "map.yaml"], "map.yaml", "it is the input map.yaml"),
        (["check", "p.yaml", "--rules", "pack"], "pack/pack.yaml", "inside the input folder pack"),
        (["report", "p.yaml"], "p.yaml", "it is the input p.yaml"),
        (["report", "folder"], "folder/sub/q.yml", "inside the input folder folder"),
    ],
)
def test_every_kind_of_input_is_protected(
    args: list[str], output: str, clash: str, tmp_path: Path, run_cli: Run
) -> None:
    """A register, the column mapping, a rule pack's files and a folder's parcel files too."""
    for name in ("p.yaml", "folder/p.yaml", "folder/sub/q.yml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PARCEL, tmp_path / name)
    (tmp_path / "reg.csv").write_bytes(b"\xef\xbb\xbfparcel.code\r\nX1\r\n")
    (tmp_path / "map.yaml").write_text("columns: {}\n", encoding="utf-8")
    shutil.copytree(ROOT / "rules" / "cixi-jingxinjian-2019-13", tmp_path / "pack")
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    result = run_cli([*args, "--output", output], cwd=tmp_path)
    _refused(result, output, clash)
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_an_output_beside_the_inputs_is_written(tmp_path: Path, run_cli: Run) -> None:
    """The refusal is exact: a new file in the input folder, not read as a parcel, is fine."""
    (tmp_path / "folder").mkdir()
    shutil.copyfile(PARCEL, tmp_path / "folder" / "p.yaml")
    result = run_cli(["check", "folder", "--format", "csv", "-o", "folder/out.csv"], cwd=tmp_path)
    assert result.exit_code == ExitCode.OK, result.describe()
    assert (tmp_path / "folder" / "out.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_a_symlinked_output_is_written_through_and_stays_a_link(
    tmp_path: Path, run_cli: Run
) -> None:
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "latest.json").write_bytes(OLD)
    (tmp_path / "out.json").symlink_to("reports/latest.json")
    result = run_cli(["check", str(PARCEL), "--format", "json", "-o", "out.json"], cwd=tmp_path)
    assert result.exit_code == ExitCode.OK, result.describe()
    assert (tmp_path / "out.json").is_symlink()
    assert (tmp_path / "out.json").readlink() == Path("reports/latest.json")
    assert (tmp_path / "reports" / "latest.json").read_text(encoding="utf-8").startswith("{")
    assert _partials(tmp_path) == []


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.usefixtures("umask_022")
def test_a_replaced_file_keeps_its_mode_and_a_new_one_follows_the_umask(
    tmp_path: Path, run_cli: Run
) -> None:
    (tmp_path / "shared.txt").write_bytes(OLD)
    (tmp_path / "shared.txt").chmod(0o664)
    for name in ("shared.txt", "new.txt"):
        result = run_cli(["check", str(PARCEL), "-o", name], cwd=tmp_path)
        assert result.exit_code == ExitCode.OK, result.describe()
    assert stat.S_IMODE((tmp_path / "shared.txt").stat().st_mode) == 0o664
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o644


# --- point 4 and issue 16.3: an output that cannot be written ------------------------------


def _folder(tmp_path: Path, count: int = 30) -> None:
    (tmp_path / "big").mkdir()
    for n in range(count):
        shutil.copyfile(PARCEL, tmp_path / "big" / f"{n:03d}.yaml")


@pytest.mark.parametrize(
    ("where", "error", "words"),
    [
        ("os.fsync", OSError(errno.ENOSPC, "No space left on device"), "the disk is full"),
        ("os.replace", PermissionError(errno.EACCES, "Permission denied"), "another program"),
        ("os.replace", OSError(errno.EBUSY, "Device or resource busy"), "holds the file open"),
        ("os.replace", OSError(errno.EROFS, "Read-only file system"), "the disk is read-only"),
        ("os.fsync", OSError(errno.EIO, "Input/output error"), "Input/output error"),
    ],
)
def test_an_os_error_on_the_output_is_an_output_error_naming_the_file(
    where: str,
    error: OSError,
    words: str,
    tmp_path: Path,
    run_cli: Run,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A full disk, a file another program holds open (Windows), a read-only disk: exit 2."""
    _folder(tmp_path)
    (tmp_path / "out.json").write_bytes(OLD)

    def fail(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(where, fail)
    result = run_cli(["check", "big", "--format", "json", "-o", "out.json"], cwd=tmp_path)
    assert result.exit_code == ExitCode.OUTPUT_ERROR, result.describe()
    assert result.stderr.startswith("out.json:0:0: error[output] cannot write the output file: ")
    assert words in result.stderr, result.describe()
    assert "internal error" not in result.stderr
    assert (tmp_path / "out.json").read_bytes() == OLD
    assert _partials(tmp_path) == []


@pytest.mark.parametrize("command", ["check", "report"])
def test_a_busy_output_is_an_output_error_for_every_command(
    command: str, tmp_path: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "out.md").write_bytes(OLD)

    def busy(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "The process cannot access the file")

    monkeypatch.setattr("os.replace", busy)
    result = run_cli([command, str(PARCEL), "-o", "out.md"], cwd=tmp_path)
    assert result.exit_code == ExitCode.OUTPUT_ERROR, result.describe()
    assert "out.md:0:0: error[output]" in result.stderr
    assert (tmp_path / "out.md").read_bytes() == OLD


def test_schema_reports_an_unwritable_output_plainly(
    tmp_path: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    def busy(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr("os.replace", busy)
    result = run_cli(["schema", "--output", "schemas"], cwd=tmp_path)
    assert result.exit_code == ExitCode.OUTPUT_ERROR, result.describe()
    assert "error[output] cannot write the output file: permission denied" in result.stderr
    assert _partials(tmp_path) == []


def test_new_and_docs_report_an_unwritable_output_plainly(
    tmp_path: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    def busy(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr("os.replace", busy)
    pack = str(Path(__file__).resolve().parents[1] / "rules" / "cixi-jingxinjian-2019-13")
    for args in (["new", "t.yaml"], ["docs", pack, "--output", "pages"]):
        result = run_cli(args, cwd=tmp_path)
        assert result.exit_code == ExitCode.OUTPUT_ERROR, result.describe()
        assert "error[output] cannot write the output file: permission denied" in result.stderr
    assert _partials(tmp_path) == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_a_full_device_is_an_output_error(tmp_path: Path) -> None:
    """The real ENOSPC of /dev/full (written in place: it is not a regular file)."""
    _folder(tmp_path, 600)
    done = subprocess.run(
        [sys.executable, "-m", "landrules", "check", "big", "-f", "jsonl", "-o", "/dev/full"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr.decode()
    assert done.stderr.decode().splitlines()[-1] == (
        "/dev/full:0:0: error[output] cannot write the output file: the disk is full; the "
        "previous file, if any, is unchanged"
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
@pytest.mark.parametrize("output_format", ["text", "jsonl"])
def test_a_full_standard_output_is_an_output_error(output_format: str, tmp_path: Path) -> None:
    """`landrules check … > /mnt/full/out.txt`: the redirected standard output fills the disk."""
    _folder(tmp_path, 30)
    with Path("/dev/full").open("w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "landrules", "check", "big", "-f", output_format],
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=120,
            check=False,
        )
    assert done.returncode == 2, done.stderr.decode()
    assert done.stderr.decode().splitlines()[-1] == (
        "<stdout>:0:0: error[output] cannot write the output file: the disk is full; the "
        "previous file, if any, is unchanged"
    )


@pytest.mark.parametrize("read_only", ["file", "folder"])
def test_a_read_only_output_or_folder_is_an_output_error_for_a_user(
    read_only: str, tmp_path: Path
) -> None:
    """As a user without root's power to write anything (issue 16.3 on this machine)."""
    from test_folder_inputs import _unprivileged

    prefix = _unprivileged()
    if prefix is None:
        pytest.skip("cannot run without the power to write every file")
    (tmp_path / "reports").mkdir()
    out = tmp_path / "reports" / "out.json"
    out.write_bytes(OLD)
    (out if read_only == "file" else out.parent).chmod(0o444 if read_only == "file" else 0o555)
    try:
        done = subprocess.run(
            [*prefix, sys.executable, "-m", "landrules", "check", str(PARCEL), "-o", str(out)],
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            timeout=120,
            check=False,
        )
    finally:
        out.parent.chmod(0o755)
    assert done.returncode == 2, done.stderr.decode()
    assert done.stderr.decode() == (
        f"{out}:0:0: error[output] cannot write the output file: it is not writable\n"
    )
    assert out.read_bytes() == OLD
    assert _partials(tmp_path) == []


# --- point 4: signals ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return faults.make_register(tmp_path_factory.mktemp("reg") / "register.csv", 4000)


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="POSIX process groups")
@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize(
    ("fault", "signum", "group", "expected"),
    faults.SIGNALS,
    ids=[f[0] for f in faults.SIGNALS],
)
def test_a_signal_midway_leaves_the_previous_output_and_no_process(
    fault: str, signum: int, group: bool, expected: int, jobs: int, register: Path, tmp_path: Path
) -> None:
    # 1 MiB into a ~6 MB report: the pool's pipes are full, as when a supervisor stops a long run
    outcome = faults.run_signal(
        register, tmp_path, jobs, signum, group, expected, fault, after_bytes=1 << 20, hang=60
    )
    assert outcome.exit_code == expected, outcome
    assert outcome.output_intact, outcome
    assert outcome.leftovers == [], outcome
    assert outcome.alive == [], outcome
    assert "Traceback" not in outcome.stderr, outcome.stderr
    assert outcome.stderr.endswith("the output file, if any, is unchanged\n"), outcome.stderr

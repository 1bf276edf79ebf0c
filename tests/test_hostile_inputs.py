"""Hostile files are refused, each with its own error code, before they can cost time or memory.

What each costs is measured by benchmarks/hostile_inputs.py (recorded in benchmarks/README.md);
these tests only assert what the user is told.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CliResult

from landrules import yamlio
from landrules.exitcodes import ExitCode

Run = Callable[..., CliResult]
HEAD = 'schema_version: "1"\n'


def billion_laughs() -> str:
    """Nine levels of nine aliases: 387,420,489 strings once expanded, in under 500 bytes."""
    rows = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    rows += [
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    ]
    return "\n".join(rows) + "\n"


def write_100_mb(path: Path) -> None:
    """A real parcel file of 100 MB: the header, then a million repetitions of buildings."""
    block = "  - use: production\n    floors:\n      - {area_m2: '1000', change: existing}\n"
    with path.open("w", encoding="utf-8") as f:
        f.write(HEAD + "buildings:\n")
        written = 0
        chunk = block * 10_000
        while written < 100 * 1000 * 1000:
            f.write(chunk)
            written += len(chunk)


def _first(result: CliResult) -> str:
    return result.stderr.splitlines()[0]


def test_billion_laughs_is_refused_at_its_first_anchor(tmp_path: Path, run_cli: Run) -> None:
    (tmp_path / "laughs.yaml").write_text(billion_laughs(), encoding="utf-8")
    result = run_cli(["check", "laughs.yaml"], cwd=tmp_path)
    assert result.exit_code == ExitCode.INPUT_ERROR, result.describe()
    assert _first(result) == "laughs.yaml:1:4: error[anchor] a: anchor '&a' is not allowed"
    errors = [line for line in result.stderr.splitlines() if not line.startswith("    hint")]
    assert len(errors) == yamlio.MAX_PROBLEMS + 1, result.describe()
    assert errors[-1].split(" ")[1] == "error[too-many-errors]"


def test_a_100_mb_parcel_file_is_refused_by_size(tmp_path: Path, run_cli: Run) -> None:
    path = tmp_path / "huge.yaml"
    write_100_mb(path)
    assert path.stat().st_size > 100 * 1000 * 1000
    result = run_cli(["check", "huge.yaml"], cwd=tmp_path)
    assert result.exit_code == ExitCode.INPUT_ERROR, result.describe()
    assert result.stderr.splitlines() == [
        "huge.yaml:1:1: error[too-big] the file is larger than 10 MiB (10485760 bytes)",
        "    hint: if the file is genuine, raise the limit with --max-bytes",
    ], result.describe()


# libyaml stops by itself at 1000 levels (it scans a flow collection whole before it yields any
# of it, so --max-depth cannot act first), and the message names that limit; the pure parser is
# stopped by --max-depth (64), inside the 64th list, whose path is 0.0.…0.
DEEP = [("0", "1:1001", "", 1000), ("1", "1:65", ".".join(["0"] * 64) + ": ", 64)]


@pytest.mark.parametrize(("parser", "where", "field", "depth"), DEEP, ids=["libyaml", "pure"])
def test_10000_deep_nesting_is_refused_as_too_deep(
    parser: str,
    where: str,
    field: str,
    depth: int,
    tmp_path: Path,
    run_cli: Run,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(yamlio.PURE_ENV, parser)
    (tmp_path / "deep.yaml").write_text("[" * 10_000 + "]" * 10_000 + "\n", encoding="utf-8")
    result = run_cli(["check", "deep.yaml"], cwd=tmp_path)
    assert result.exit_code == ExitCode.INPUT_ERROR, result.describe()
    assert _first(result) == (
        f"deep.yaml:{where}: error[too-deep] {field}the data is nested deeper than {depth} levels"
    ), result.describe()


def test_a_10_mb_string_is_refused_as_too_long(tmp_path: Path, run_cli: Run) -> None:
    (tmp_path / "long.yaml").write_text(
        HEAD + "parcel:\n  name: " + "x" * 10_000_000 + "\n", encoding="utf-8"
    )
    result = run_cli(["check", "long.yaml"], cwd=tmp_path)
    assert result.exit_code == ExitCode.INPUT_ERROR, result.describe()
    assert result.stderr.splitlines() == [
        "long.yaml:3:9: error[too-long] parcel.name: a value is longer than 100000 characters "
        "(10000000)",
        "    hint: if the value is genuine, raise the limit with --max-scalar",
    ], result.describe()


def test_a_file_of_many_small_values_is_refused_by_count(tmp_path: Path, run_cli: Run) -> None:
    """Every value the schema refuses costs an error report: the node cap bounds them."""
    (tmp_path / "many.yaml").write_text(
        HEAD + "project:\n  works:\n" + "  - x\n" * 60_000, encoding="utf-8"
    )
    result = run_cli(["check", "many.yaml"], cwd=tmp_path)
    assert result.exit_code == ExitCode.INPUT_ERROR, result.describe()
    assert _first(result) == (
        "many.yaml:49997:5: error[too-many-nodes] project.works.49993: the file holds more "
        "than 50000 values (nodes)"
    ), result.describe()

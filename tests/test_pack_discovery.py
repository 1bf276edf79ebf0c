"""`landrules validate` and `landrules test` without a path, in a rule-pack repository: they check
the pack here (or the one the config file names) and say which; outside a pack they say so and
exit 4, never checking the shipped pack silently."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import PACK_VERSION, ROOT, CliResult

from landrules.exitcodes import ExitCode

PACK = ROOT / "rules" / "cixi-jingxinjian-2019-13"
P3 = "p3-in-place-rebuild.yaml"


def _broken_copy(target: Path) -> Path:
    """A copy of the shipped pack with one error (an unknown fact) the shipped pack lacks."""
    shutil.copytree(PACK, target)
    p3 = target / P3
    text = p3.read_text(encoding="utf-8")
    p3.write_text(text.replace("approvals.relevant_rules", "approvals.relevent"), "utf-8")
    return target


def test_validate_without_a_path_checks_the_pack_in_the_current_folder_and_names_it(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    pack = _broken_copy(tmp_path / "my-pack")
    result = run_cli(["validate"], cwd=pack)
    assert result.exit_code == ExitCode.GATING, result.describe()
    lines = result.stdout.splitlines()
    assert lines[0] == f"rule pack cixi-jingxinjian-2019-13 {PACK_VERSION}: {pack}", (
        result.describe()
    )
    assert lines[1].startswith("p3-in-place-rebuild.yaml:") and "error[unknown-fact]" in lines[1]


def test_test_without_a_path_runs_the_pack_in_the_current_folder_and_names_it(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    pack = tmp_path / "my-pack"
    shutil.copytree(PACK, pack)
    result = run_cli(["test"], cwd=pack)
    assert result.exit_code == ExitCode.OK, result.describe()
    lines = result.stdout.splitlines()
    assert lines[0] == f"rule pack cixi-jingxinjian-2019-13 {PACK_VERSION}: {pack}", (
        result.describe()
    )
    assert lines[1].startswith("PASS tests/p1-existing-land.yaml:"), result.describe()
    broken = _broken_copy(tmp_path / "broken")
    refused = run_cli(["test"], cwd=broken)  # the copy is read, not the shipped pack
    assert refused.exit_code == ExitCode.RULES_ERROR, refused.describe()
    assert refused.stderr.startswith("p3-in-place-rebuild.yaml:"), refused.describe()


@pytest.mark.parametrize("command", ["validate", "test"])
def test_a_repository_with_its_packs_under_rules_is_checked_from_its_top_folder(
    command: str, tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    shutil.copytree(PACK, tmp_path / "rules" / "mine")
    result = run_cli([command], cwd=tmp_path)
    assert result.exit_code == ExitCode.OK, result.describe()
    assert result.stdout.splitlines()[0] == (
        f"rule pack cixi-jingxinjian-2019-13 {PACK_VERSION}: rules/mine"
    ), result.describe()


@pytest.mark.parametrize("command", ["validate", "test"])
def test_outside_a_pack_they_say_so_and_exit_4(
    command: str, tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    (tmp_path / "notes.yaml").write_text("a: 1\n", encoding="utf-8")
    result = run_cli([command], cwd=tmp_path)
    assert result.exit_code == ExitCode.RULES_ERROR, result.describe()
    assert result.stdout == "", result.describe()
    assert "no rule pack here" in result.stderr
    assert "pack.yaml" in result.stderr and "[tool.landrules]" in result.stderr


@pytest.mark.parametrize("form", ["yaml", "toml"])
def test_the_config_file_names_the_pack_from_any_folder_below_it(
    form: str, tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    _broken_copy(tmp_path / "packs" / "mine")
    if form == "yaml":
        (tmp_path / ".landrules.yaml").write_text("rules: packs/mine\n", encoding="utf-8")
    else:
        (tmp_path / "pyproject.toml").write_text(
            '[project]\nname = "x"\n\n[tool.landrules]\nrules = "packs/mine"\n', encoding="utf-8"
        )
    below = tmp_path / "docs" / "notes"
    below.mkdir(parents=True)
    result = run_cli(["validate"], cwd=below)
    assert result.exit_code == ExitCode.GATING, result.describe()
    assert result.stdout.splitlines()[0] == (
        f"rule pack cixi-jingxinjian-2019-13 {PACK_VERSION}: {tmp_path / 'packs' / 'mine'}"
    ), result.describe()
    assert "error[unknown-fact]" in result.stdout


def test_in_machine_formats_the_pack_is_named_on_stderr(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    import json

    shutil.copytree(PACK, tmp_path / "rules" / "mine")
    result = run_cli(["validate", "--format", "json"], cwd=tmp_path)
    assert result.exit_code == ExitCode.OK, result.describe()
    assert json.loads(result.stdout)["summary"]["files"] == 4
    assert result.stderr == f"rule pack cixi-jingxinjian-2019-13 {PACK_VERSION}: rules/mine\n"

"""Bad parcel files: one screen naming file, line and column, exit code 3, no traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CliResult

from landrules.exitcodes import ExitCode

ROOT = Path(__file__).resolve().parents[1]

VALID_HEAD = 'schema_version: "1"\n'

CASES = {
    "duplicate-key": (
        VALID_HEAD + 'parcel:\n  land_area_m2: "100"\n  land_area_m2: "200"\n',
        "{f}:4:3: error[duplicate-key] parcel.land_area_m2: duplicate key 'land_area_m2' "
        "(first defined at line 3, column 3)",
    ),
    "misspelled-key": (
        VALID_HEAD + 'parcel:\n  land_aera_m2: "100"\n',
        "{f}:3:3: error[extra_forbidden] parcel.land_aera_m2:",
    ),
    "negative-area": (
        VALID_HEAD + 'parcel:\n  land_area_m2: "-5"\n',
        "{f}:3:17: error[value_error] parcel.land_area_m2: must not be negative (got '-5')",
    ),
    "empty-file": ("", "{f}:1:1: error[empty] the file is empty"),
    "code-without-leading-zero": (
        VALID_HEAD + "land_use:\n  current: {gbt21010: 601}\n",
        "{f}:3:23: error[string_pattern_mismatch] land_use.current.gbt21010:",
    ),
    "inverted-range": (
        VALID_HEAD + 'new_land:\n  plot_ratio_range: {min: "2.0", max: "1.0"}\n',
        "{f}:3:21: error[value_error] new_land.plot_ratio_range: the range is inverted: "
        "min 2.0 is above max 1.0",
    ),
    "a-list": (
        "- parcel\n- another\n",
        "{f}:1:1: error[not-a-mapping] expected a parcel record (a mapping), found a list",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_parcel_files_get_a_located_error_and_exit_3(
    case: str, tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    text, expected = CASES[case]
    name = f"{case}.yaml"
    (tmp_path / name).write_text(text, encoding="utf-8")
    result = run_cli(["check", name], cwd=tmp_path)
    assert result.exit_code == ExitCode.INPUT_ERROR == 3, result.describe()
    assert result.stdout == "", result.describe()
    assert result.stderr.startswith(expected.format(f=name)), result.describe()
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) <= 5, result.describe()


def test_a_misspelled_key_gets_a_did_you_mean(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    (tmp_path / "p.yaml").write_text(VALID_HEAD + 'parcel:\n  land_aera_m2: "100"\n')
    result = run_cli(["check", "p.yaml"], cwd=tmp_path)
    assert "hint: did you mean 'land_area_m2'?" in result.stderr, result.describe()


def test_an_unquoted_0601_stays_the_code_0601(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    (tmp_path / "p.yaml").write_text(
        VALID_HEAD + "land_use:\n  current: {gbt21010: 0601}\n  proposed:\n    gbt21010: 0601\n"
    )
    result = run_cli(["check", "p.yaml", "--format", "json"], cwd=tmp_path)
    assert result.exit_code == 0, result.describe()
    assert '"gbt21010": "0601"' in result.stdout
    assert "385" not in result.stdout and '"601"' not in result.stdout
    text = run_cli(["check", "p.yaml"], cwd=tmp_path)
    assert "land_use.current = GB/T 21010 0601" in text.stdout, text.describe()


def test_exit_codes_are_distinct() -> None:
    codes = [ExitCode.OK, ExitCode.GATING, ExitCode.USAGE, ExitCode.INPUT_ERROR]
    assert len(set(codes)) == len(codes)


def test_a_usage_error_exits_2(run_cli: Callable[..., CliResult]) -> None:
    result = run_cli(["check", "--format", "yaml", "x.yaml"])
    assert result.exit_code == ExitCode.USAGE == 2, result.describe()


def test_a_missing_file_is_an_input_error(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli(["check", "nowhere.yaml"], cwd=tmp_path)
    assert result.exit_code == ExitCode.INPUT_ERROR, result.describe()
    assert result.stderr.startswith("nowhere.yaml:"), result.describe()
    assert "Traceback" not in result.stderr


def test_fail_on_turns_an_outcome_into_exit_1(run_cli: Callable[..., CliResult]) -> None:
    example = "examples/p1-applies-renovation.yaml"
    assert run_cli(["check", example]).exit_code == 0
    result = run_cli(["check", example, "--fail-on", "does_not_apply"])
    assert result.exit_code == ExitCode.GATING, result.describe()
    assert run_cli(["check", example, "--fail-on", "needs_review"]).exit_code == 0


def test_a_broken_rule_pack_exits_4(tmp_path: Path, run_cli: Callable[..., CliResult]) -> None:
    (tmp_path / "pack.yaml").write_text("id: x\n")
    result = run_cli(["check", "examples/p1-applies-renovation.yaml", "--rules", str(tmp_path)])
    assert result.exit_code == ExitCode.RULES_ERROR == 4, result.describe()
    assert "Traceback" not in result.stderr


def _p1_of(result: CliResult) -> dict[str, object]:
    import json

    return next(p for p in json.loads(result.stdout)["provisions"] if p["id"] == "P1")


def test_the_applying_example_turns_undetermined_then_not_applying_with_planning_changed(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    text = (ROOT / "examples" / "p1-applies-renovation.yaml").read_text(encoding="utf-8")
    planning = "  urban_rural_planning: {status: given, document: 建字第330282202400123号}\n"
    assert planning in text
    (tmp_path / "deleted.yaml").write_text(text.replace(planning, ""), encoding="utf-8")
    refused = planning.replace("status: given", "status: refused")
    (tmp_path / "refused.yaml").write_text(text.replace(planning, refused), encoding="utf-8")

    deleted = run_cli(["check", "deleted.yaml", "--format", "json"], cwd=tmp_path)
    assert _p1_of(deleted)["outcome"] == "undetermined", deleted.describe()
    assert _p1_of(deleted)["missing_facts"] == ["approvals.urban_rural_planning"]
    shown = run_cli(["check", "deleted.yaml"], cwd=tmp_path).stdout
    assert "P1 UNDETERMINED" in shown
    assert "approvals.urban_rural_planning (符合城乡规划)" in shown

    result = run_cli(["check", "refused.yaml", "--format", "json"], cwd=tmp_path)
    assert _p1_of(result)["outcome"] == "does_not_apply", result.describe()

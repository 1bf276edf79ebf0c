"""`landrules test`: the shipped pack's named cases pass with 100% condition coverage, and each
leaf condition, negated in a copy of the pack, makes at least one named case fail."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import PACK_VERSION, ROOT, CliResult

from landrules.exitcodes import ExitCode
from landrules.rulepack import load_pack
from landrules.ruletests import killers, leaf_table, load_all_cases, mutants

PACK = ROOT / "rules" / "cixi-jingxinjian-2019-13"


def test_the_shipped_pack_passes_its_tests_with_full_coverage(
    run_cli: Callable[..., CliResult],
) -> None:
    result = run_cli(["test", "rules/", "--min-coverage", "100"])
    assert result.exit_code == ExitCode.OK, result.describe()
    lines = result.stdout.splitlines()
    assert lines[-2:] == [
        "coverage: 100.0% (78 of 78 results seen over 26 leaf conditions); meets "
        "--min-coverage 100",
        "31 tests, 31 passed, 0 failed",
    ], result.describe()
    assert (
        lines[0]
        == f"rule pack cixi-jingxinjian-2019-13 {PACK_VERSION}: rules/cixi-jingxinjian-2019-13"
    )
    tests = "PASS rules/cixi-jingxinjian-2019-13/tests/"
    assert all(line.startswith(tests) for line in lines[1:-2])


def test_every_case_is_named_as_a_sentence() -> None:
    cases, problems = load_all_cases(load_pack(PACK))
    assert not problems
    for _path, _line, _col, case in cases:
        assert case.name[0].isupper() and " " in case.name and not case.name.endswith("."), (
            case.name
        )


def test_negating_any_leaf_condition_makes_a_named_case_fail() -> None:
    pack = load_pack(PACK)
    cases = [case for *_, case in load_all_cases(pack)[0]]
    found = killers(pack, cases)
    assert set(found) == set(leaf_table(pack)), "a mutant per leaf condition"
    assert len(found) == 26
    survivors = sorted(leaf_id for (_file, leaf_id), names in found.items() if not names)
    assert not survivors, f"no case notices these conditions negated: {survivors}"


def test_a_mutant_really_differs_from_the_pack() -> None:
    """The mutants negate: the applying P1 case fails against the first one."""
    pack = load_pack(PACK)
    cases = [case for *_, case in load_all_cases(pack)[0]]
    leaf, mutant = next(mutants(pack))
    assert leaf.id == "P1.land-is-existing"
    assert mutant.provisions[0].provision != pack.provisions[0].provision
    assert cases[0].name in killers(pack, cases[:1])[(leaf.file, leaf.id)]


def _copy(tmp_path: Path) -> Path:
    copy = tmp_path / "pack"
    shutil.copytree(PACK, copy)
    return copy


def test_a_wrong_expectation_fails_naming_the_case_and_the_deciding_conditions(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    copy = _copy(tmp_path)
    cases = copy / "tests" / "p1-existing-land.yaml"
    text = cases.read_text(encoding="utf-8")
    old = "    P1: {outcome: does_not_apply, decided_by: [P1.land-use-unchanged]}\n"
    assert text.count(old) == 1
    cases.write_text(text.replace(old, "    P1: {outcome: applies}\n"), encoding="utf-8")
    result = run_cli(["test", "pack"], cwd=tmp_path)
    assert result.exit_code == ExitCode.GATING, result.describe()
    line = text[: text.index("- name: Turning industrial land")].count("\n") + 1
    assert (
        f"FAIL pack/tests/p1-existing-land.yaml:{line}: Turning industrial land into another use "
        "is a change of land use, so neither P1 nor P3 applies\n"
        "    P1: expected applies, got does_not_apply (decided by P1.land-use-unchanged)\n"
    ) in result.stdout, result.describe()
    assert result.stdout.endswith("31 tests, 30 passed, 1 failed\n")


def test_the_right_answer_for_the_wrong_reason_fails(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    copy = _copy(tmp_path)
    cases = copy / "tests" / "p3-in-place-rebuild.yaml"
    text = cases.read_text(encoding="utf-8")
    old = "decided_by: [P3.not-in-near-term-plan, P3.complies-with-relevant-rules]"
    cases.write_text(text.replace(old, "decided_by: [P3.not-in-near-term-plan]"), encoding="utf-8")
    result = run_cli(["test", "pack"], cwd=tmp_path)
    assert result.exit_code == ExitCode.GATING, result.describe()
    assert (
        "    P3: expected to be decided by P3.not-in-near-term-plan, was decided by "
        "P3.complies-with-relevant-rules, P3.not-in-near-term-plan\n"
    ) in result.stdout


def test_coverage_below_the_minimum_fails_and_names_what_was_not_seen(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    copy = _copy(tmp_path)
    for name in ("p2-new-land.yaml", "p3-in-place-rebuild.yaml", "versions.yaml"):
        (copy / "tests" / name).unlink()
    result = run_cli(["test", "pack", "--min-coverage", "90", "--format", "json"], cwd=tmp_path)
    assert result.exit_code == ExitCode.GATING, result.describe()
    data = json.loads(result.stdout)
    assert data["summary"] == {"tests": 9, "passed": 9, "failed": 0}
    assert data["coverage"]["percent"] < 90
    p2 = next(c for c in data["coverage"]["conditions"] if c["id"] == "P2.factory-area-approved")
    assert p2["not_seen"] == ["true", "false"]
    text = run_cli(["test", "pack"], cwd=tmp_path)
    assert text.exit_code == ExitCode.OK, "no minimum: coverage is reported, not enforced"
    line = (copy / "p2-new-land-above-indicator.yaml").read_text(encoding="utf-8")
    at = line[: line.index("    - id: P2.factory-area-approved")].count("\n") + 1
    assert (
        f"pack/p2-new-land-above-indicator.yaml:{at}:11: warning[coverage] "
        "P2.factory-area-approved never seen true or false by any test\n"
    ) in text.stdout, text.describe()


def test_an_invalid_test_file_is_reported_at_its_line(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    copy = _copy(tmp_path)
    (copy / "tests" / "bad.yaml").write_text(
        '- name: A case with a misspelt key\n  facts: {schema_version: "1"}\n'
        "  expect: {P1: {outcome: aplies}}\n",
        encoding="utf-8",
    )
    result = run_cli(["test", "pack"], cwd=tmp_path)
    assert result.exit_code == ExitCode.GATING, result.describe()
    assert "pack/tests/bad.yaml:3:26: error[literal_error]" in result.stdout, result.describe()


@pytest.mark.parametrize("output_format", ["json", "github", "junit", "sarif"])
def test_every_format_reports_the_run(
    output_format: str, run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli(["test", "rules/", "--format", output_format])
    assert result.exit_code == ExitCode.OK, result.describe()
    assert result.stdout.strip()

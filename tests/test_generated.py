"""Generated files cannot drift: rule docs are current, and one documented command
(scripts/regenerate.py) rewrites schemas, docs, golden files and README transcripts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import ROOT, CliResult

DOCS = ROOT / "docs" / "rules"


def test_the_committed_rule_docs_are_current(run_cli: Callable[..., CliResult]) -> None:
    result = run_cli(["docs", "rules/", "--output", "docs/rules", "--check"])
    assert (result.exit_code, result.stdout) == (0, ""), (
        "run python scripts/regenerate.py" + result.describe()
    )


def test_a_changed_pack_makes_the_docs_stale(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    (tmp_path / "docs").mkdir()
    for page in DOCS.iterdir():
        (tmp_path / "docs" / page.name).write_text(page.read_text("utf-8"), "utf-8")
    page = tmp_path / "docs" / "cixi-jingxinjian-2019-13.md"
    page.write_text(
        page.read_text("utf-8").replace("「符合城乡规划」", "「符合城市规划」"), "utf-8"
    )
    result = run_cli(["docs", str(ROOT / "rules"), "--output", "docs", "--check"], cwd=tmp_path)
    assert result.exit_code == 1, result.describe()
    assert result.stdout == (
        "docs/cixi-jingxinjian-2019-13.md: stale; run `landrules docs --output docs`\n"
    )


def test_the_pack_page_shows_each_condition_with_quote_labels_decision_tests_and_coverage() -> None:
    page = (DOCS / "cixi-jingxinjian-2019-13.md").read_text("utf-8")
    assert (
        "  - **complies with urban-rural planning** / 符合城乡规划 「符合城乡规划」 — "
        "`P1.planning-compliant`\n"
        "    - decided by: `approvals.urban_rural_planning` is `given`\n"
    ) in page
    assert (
        "    - coverage: true ✓ (10) · false ✗ (1) · unknown ? (19)\n"
        "    - false in: A renovation refused both its planning and its environmental approval "
        "gets no waiver, and both refusals are named\n"
    ) in page
    assert "condition coverage 100.0% (78 of 78 results seen)" in page
    assert "not fully covered" not in page


def test_the_checks_page_lists_every_check_from_its_docstring() -> None:
    from landrules.checks import CHECKS

    page = (DOCS / "checks.md").read_text("utf-8")
    for check_id, module in CHECKS.items():
        assert f"## `{check_id}` ({module.SEVERITY})" in page


def test_the_regenerate_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "python scripts/regenerate.py" in readme
    script = (ROOT / "scripts" / "regenerate.py").read_text("utf-8")
    for target in ("schemas/", "docs/rules", "tests/golden", "README.md"):
        assert target in script

"""`landrules ask` driven by scripted answers (Must-show 4) and the `landrules new` template."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLES, ROOT, CliResult, invoke_cli
from typer.testing import CliRunner

from landrules.cli import app
from landrules.facts import fact_names

UNDETERMINED = sorted(EXAMPLES.glob("*-undetermined-*.yaml"))
# What an applicant would answer, by the fact asked (any question not listed is skipped).
ANSWERS = {
    "approvals.environmental": "given",
    "approvals.relevant_rules": "refused",
    "new_land.plot_ratio_indicator": "1.2",
}


def _ask(args: list[str], answers: str) -> tuple[int, str]:
    from conftest import CLI_ENV

    result = CliRunner().invoke(app, ["ask", *args], input=answers, env=CLI_ENV)
    return result.exit_code, result.stdout


def _outcomes(run_cli: Callable[..., CliResult], path: Path) -> dict[str, str]:
    result = run_cli(["check", str(path), "--format", "json"])
    assert result.exit_code == 0, result.describe()
    return {p["id"]: p["outcome"] for p in json.loads(result.stdout)["provisions"]}


def _asked(stdout: str) -> list[str]:
    return re.findall(r"^Question \d+: (\S+)", stdout, flags=re.M)


def _can_change_an_outcome(fact: str, example: Path, tmp_path: Path) -> bool:
    """Independently of the ranking: do two allowed answers give different outcomes?"""
    from landrules.api import load_rules
    from landrules.explain import candidates
    from landrules.interview import set_fact

    base = _outcomes(invoke_cli, example)
    data = yaml.safe_load(example.read_text(encoding="utf-8").replace(": 0601", ': "0601"'))
    for cand in candidates(load_rules(), fact):
        from landrules.interview import yaml_value

        trial = json.loads(json.dumps(data, default=str))
        set_fact(trial, fact, yaml_value(fact, cand.text))
        path = tmp_path / "probe.yaml"
        path.write_text(yaml.safe_dump(trial, allow_unicode=True), encoding="utf-8")
        if _outcomes(invoke_cli, path) != base:
            return True
    return False


@pytest.mark.parametrize("example", UNDETERMINED, ids=lambda p: p.stem)
def test_ask_settles_each_undetermined_example_and_writes_a_file_check_agrees_with(
    example: Path, tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    out = tmp_path / "completed.yaml"
    # first dry run to learn the questions, then answer them (Enter skips unknown ones)
    _, first = _ask([str(example), "-o", str(tmp_path / "dry.yaml"), "--lang", "en"], "\n" * 20)
    asked = _asked(first)
    assert asked, first
    answers = "".join(ANSWERS.get(fact, "") + "\n" for fact in asked)
    code, stdout = _ask([str(example), "-o", str(out), "--lang", "en"], answers)
    assert code == 0, stdout
    assert "Every provision is settled." in stdout
    said = {
        p: o.lower()
        for p, o in re.findall(
            r"^(P\d) (APPLIES|DOES NOT APPLY|UNDETERMINED|NEEDS REVIEW)\b", stdout, flags=re.M
        )
    }
    assert "undetermined" not in said.values()
    for fact in _asked(stdout):
        assert _can_change_an_outcome(fact, example, tmp_path), fact
        assert "allowed answers:" in stdout and "the text: 「" in stdout
    checked = _outcomes(run_cli, out)
    assert {p: o.replace("_", " ") for p, o in checked.items()} == said


def test_ask_from_an_empty_parcel_reaches_a_verdict_check_agrees_with(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    """Facts that decide only together (the four floor areas behind a plot ratio) are asked."""
    out = tmp_path / "new.yaml"
    answers = {
        "parcel.land_supply": "existing",
        "land_use.current": "0601",
        "land_use.proposed": "0601",
        "land_use.planned": "0601",
        "project.kind": "1",  # the first allowed answer: technical_renovation
        "approvals.urban_rural_planning": "given",
        "approvals.environmental": "given",
        "project.works": "new_multistorey_factory",
        "parcel.land_area_m2": "10000",
        "floor_area.before.production_m2": "5000",
        "floor_area.before.non_production_m2": "500",
        "floor_area.after.production_m2": "9000",
        "floor_area.after.non_production_m2": "500",
    }
    script = ""
    for _ in range(3):  # each run learns the next questions from the answers already given
        _, stdout = _ask(["-o", str(out), "--lang", "en"], script + "\n" * 40)
        script = "".join(answers.get(f, "") + "\n" for f in _asked(stdout))
    code, stdout = _ask(["-o", str(tmp_path / "final.yaml"), "--lang", "en"], script)
    assert code == 0, stdout
    assert "Every provision is settled." in stdout, stdout
    assert "Question 10: floor_area.before.production_m2 (项目实施前 · " in stdout
    assert _outcomes(run_cli, tmp_path / "final.yaml") == {
        "P1": "applies",
        "P2": "does_not_apply",
        "P3": "does_not_apply",
    }


def test_ask_never_overwrites_without_asking(tmp_path: Path) -> None:
    target = tmp_path / "parcel.yaml"
    target.write_text("keep me\n", encoding="utf-8")
    example = str(EXAMPLES / "p1-undetermined-environmental-missing.yaml")
    code, stdout = _ask([example, "-o", str(target), "--lang", "en"], "given\nn\n")
    assert code == 0 and "Not written." in stdout
    assert target.read_text(encoding="utf-8") == "keep me\n"
    code, stdout = _ask([example, "-o", str(target), "--lang", "en"], "given\ny\n")
    assert code == 0 and f"wrote {target}" in stdout
    assert "environmental:\n    status: given" in target.read_text(encoding="utf-8")


def test_ask_in_chinese_shows_the_quote_and_the_chinese_question() -> None:
    example = str(EXAMPLES / "p3-undetermined-rules-not-stated.yaml")
    _, stdout = _ask([example, "-o", "/dev/null/x.yaml", "--lang", "zh"], "\n")
    assert "问题1：符合有关规定（approvals.relevant_rules）" in stdout
    assert "原文：「符合有关规定」" in stdout


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_new_writes_a_template_with_every_fact_that_loads_once_filled(
    lang: str, tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    path = tmp_path / "parcel.yaml"
    result = run_cli(["new", str(path), "--lang", lang])
    assert result.exit_code == 0, result.describe()
    text = path.read_text(encoding="utf-8")
    for name in fact_names():
        assert f"# {name} — " in text, name
    assert ("allowed: existing, newly_supplied" in text) == (lang == "en")
    assert ("可选值：现有工业用地, 新增工业用地" in text) == (lang == "zh")
    filled = text.replace("  land_supply:  #", "  land_supply: existing  #").replace(
        "  environmental:  #", "  environmental: {status: refused}  #"
    )
    path.write_text(filled, encoding="utf-8")
    data = json.loads(run_cli(["check", str(path), "--format", "json"]).stdout)
    outcomes = {p["id"]: p["outcome"] for p in data["provisions"]}
    assert outcomes == {"P1": "does_not_apply", "P2": "does_not_apply", "P3": "undetermined"}
    again = run_cli(["new", str(path)])
    assert again.exit_code == 2 and path.read_text(encoding="utf-8") == filled


def test_the_ci_script_installs_chromium_before_the_readme_test_command() -> None:
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    install = next(i for i, line in enumerate(lines) if "apt-get install" in line)
    assert "chromium" in lines[install] and "--no-install-recommends" in lines[install]
    assert lines[-1].startswith("python3 -m venv .venv") and install < len(lines) - 1

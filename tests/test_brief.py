"""A batch's brief record says what the full verdict says, by id and without the words.

`check DIR --format jsonl` writes one brief record per parcel; `--detail` writes the full explained
verdict, the same object `check one.yaml --format json` prints.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, CliResult

from landrules.api import check_parcel, load_rules, read_parcel
from landrules.report.data import brief_data, verdict_data
from landrules.rulepack import RulePack

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


@pytest.fixture(scope="module")
def pack() -> RulePack:
    return load_rules()


def _walk(node: dict[str, Any]) -> Any:
    yield node
    for child in node.get("children", ()):
        yield from _walk(child)


def _projection(full: dict[str, Any]) -> dict[str, Any]:
    """The brief record as the full record states it."""

    def provision(p: dict[str, Any]) -> dict[str, Any]:
        covers = p["covers"]
        return {
            "id": p["id"],
            "outcome": p["outcome"],
            "missing_facts": p["missing_facts"],
            "ambiguities": [a["id"] for a in p["ambiguities"]],
            "reviews": [r["id"] for r in p["reviews"]],
            "not_checked": [r["id"] for r in p["not_checked"]],
            "covers": {k: covers[k] for k in ("name", "unit", "value")} if covers else None,
            "quantities": {q["name"]: q["value"] for q in p["quantities"]},
            "conditions": {s["id"]: s["result"] for s in _walk(p["conditions"])},
            "version": p["version"]["state"],
        }

    return {
        "schema_version": full["schema_version"],
        "record": "brief",
        "source": full["source"],
        "parcel": full["parcel"],
        "application_date": full["application_date"],
        "pack": {k: full["pack"][k] for k in ("id", "version", "sha256")},
        "provisions": [provision(p) for p in full["provisions"]],
    }


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: Path(p).stem)
def test_the_brief_record_is_the_full_verdict_by_id(pack: RulePack, path: Path) -> None:
    parcel = read_parcel(path)
    full = verdict_data(check_parcel(pack, parcel, str(path)))
    brief = brief_data(check_parcel(pack, parcel, str(path), evidence=False))
    assert brief == _projection(full)


def test_the_brief_record_is_a_twentieth_of_the_full_one(
    run_cli: Callable[..., CliResult],
) -> None:
    brief = run_cli(["check", "examples", "--format", "jsonl"])
    full = run_cli(["check", "examples", "--format", "jsonl", "--detail"])
    assert brief.exit_code == full.exit_code == 0
    assert len(full.stdout) > 8 * len(brief.stdout)
    records = [json.loads(line) for line in brief.stdout.splitlines()]
    assert [r["record"] for r in records] == ["brief"] * len(EXAMPLES)
    assert all("label" not in json.dumps(r) for r in records)


def test_detail_writes_the_verdict_check_prints_for_one_file(
    run_cli: Callable[..., CliResult],
) -> None:
    full = run_cli(["check", "examples", "--format", "jsonl", "--detail"])
    lines = full.stdout.splitlines()
    assert len(lines) == len(EXAMPLES)
    for line, path in zip(lines, EXAMPLES, strict=True):
        one = run_cli(["check", f"examples/{path.name}", "--format", "json"])
        assert json.loads(line) == json.loads(one.stdout)


def test_a_json_document_holds_brief_records_and_full_ones_with_detail(
    run_cli: Callable[..., CliResult],
) -> None:
    brief = json.loads(run_cli(["check", "examples", "--format", "json"]).stdout)
    full = json.loads(run_cli(["check", "examples", "--format", "json", "--detail"]).stdout)
    assert [_projection(r) for r in full["results"]] == brief["results"]
    assert brief["summary"] == full["summary"]


def test_detail_records_are_the_same_with_two_jobs(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    """--detail no longer forces one job for JSON: the workers render the full records."""
    folder = tmp_path / "many"
    folder.mkdir()
    texts = [p.read_text(encoding="utf-8") for p in EXAMPLES]
    for i in range(520):
        (folder / f"p{i:04d}.yaml").write_text(texts[i % len(texts)], encoding="utf-8")
    args = ["check", "many", "--format", "jsonl", "--detail"]
    one = run_cli([*args, "--jobs", "1"], cwd=tmp_path)
    two = run_cli([*args, "--jobs", "2"], cwd=tmp_path)
    assert one.exit_code == two.exit_code == 0
    assert one.stdout == two.stdout
    assert len(one.stdout.splitlines()) == 520

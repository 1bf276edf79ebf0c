"""A batch's brief record says what the full verdict says, by id and without the words.

`check DIR --format jsonl` writes one brief record per parcel; `--detail` writes the full explained
verdict, the same object `check one.yaml --format json` prints.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, CliResult
from generators import parcel_data
from test_evaluate import NEW_LAND, changed
from test_versions import two_versions  # noqa: F401 - a fixture used below

from landrules.api import check_parcel, load_rules, read_parcel
from landrules.model.parcel import Parcel
from landrules.report.data import brief_data, brief_record, verdict_data
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
            "in_force_caveat": p["in_force_caveat"],
            "missing_facts": p["missing_facts"],
            "ambiguities": [a["id"] for a in p["ambiguities"]],
            "reviews": [r["id"] for r in p["reviews"]],
            "not_checked": [r["id"] for r in p["not_checked"]],
            "covers": {k: covers[k] for k in ("name", "unit", "value", "if_it_applies", "withheld")}
            if covers
            else None,
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
        **(
            {"planning_conditions": full["planning_conditions"]}
            if "planning_conditions" in full
            else {}
        ),
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


DATES = [None, date(2014, 6, 1), date(2015, 6, 1), date(2019, 6, 1), date(2020, 6, 1)]


def _same_brief(pack: RulePack, parcel: Parcel, as_of: date | None) -> None:
    explained = brief_data(check_parcel(pack, parcel, "p.yaml", as_of=as_of, evidence=False))
    assert brief_record(pack, parcel, "p.yaml", as_of=as_of) == explained


@pytest.mark.parametrize("as_of", DATES, ids=str)
def test_brief_records_read_from_the_deciders_are_the_explained_ones(
    pack: RulePack, as_of: date | None
) -> None:
    for path in EXAMPLES:
        _same_brief(pack, read_parcel(path), as_of)


def test_brief_records_of_generated_parcels_are_the_explained_ones(pack: RulePack) -> None:
    rng = random.Random(20190625)
    for _ in range(400):
        _same_brief(pack, Parcel.model_validate(parcel_data(rng)), rng.choice(DATES))


@pytest.mark.parametrize("as_of", DATES, ids=str)
def test_brief_records_under_two_versions_are_the_explained_ones(
    two_versions: RulePack,  # noqa: F811 - the imported fixture
    as_of: date | None,
) -> None:
    for path in EXAMPLES:
        _same_brief(two_versions, read_parcel(path), as_of)


@pytest.mark.parametrize(("low", "high"), [("1.0", "2.0"), ("1.0", "1.2"), ("1.5", "2.0")])
def test_brief_records_of_a_plot_ratio_range_are_the_explained_ones(
    pack: RulePack, low: str, high: str
) -> None:
    """Above the indicator under every reading, but by an amount that depends on the reading:
    the conditions hold, and the record still names the range's ambiguity."""
    data = changed("new_land.plot_ratio_indicator", None, NEW_LAND)
    data = changed("new_land.plot_ratio_range", {"min": low, "max": high}, data)
    for as_of in DATES:
        _same_brief(pack, Parcel.model_validate(data), as_of)

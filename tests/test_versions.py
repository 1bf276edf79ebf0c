"""Versions in time: a parcel's date (or --as-of) picks the version of a provision in force."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, CliResult
from test_evaluate import APPLYING_P1, changed

from landrules.api import check_parcel, load_rules
from landrules.model.parcel import Parcel
from landrules.rulepack import RulePack

PACK = ROOT / "rules" / "cixi-jingxinjian-2019-13"
P1 = "p1-existing-land-renovation.yaml"
# The applying renovation, but the project is not a technical renovation: the 2015 text needs
# one, the (made-up) 2020 version below does not.
PARCEL: dict[str, Any] = changed("project.kind", "other", APPLYING_P1)


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory: pytest.TempPathFactory) -> RulePack:
    """P1 as shipped until 2019-12-31, then a version without the technical-renovation test."""
    copy = tmp_path_factory.mktemp("versions") / "pack"
    shutil.copytree(PACK, copy)
    first = (copy / P1).read_text(encoding="utf-8")
    open_end = "effective_until:\n  verified: false\n"
    ended = 'effective_until:\n  date: "2019-12-31"\n  verified: false\n'
    (copy / P1).write_text(first.replace(open_end, ended), encoding="utf-8")
    renovation = first[first.index("    - id: P1.technical-renovation") :]
    renovation = renovation[: renovation.index("    - id: P1.qualifying-works")]
    second = first.replace('  date: "2015-01-01"\n  precision: year\n', '  date: "2020-01-01"\n')
    (copy / "p1-2020.yaml").write_text(second.replace(renovation, ""), encoding="utf-8")
    meta = (copy / "pack.yaml").read_text(encoding="utf-8")
    (copy / "pack.yaml").write_text(
        meta.replace(f"  - {P1}\n", f"  - {P1}\n  - p1-2020.yaml\n"), encoding="utf-8"
    )
    return load_rules(copy)


def p1(pack: RulePack, application_date: str | None = None, as_of: date | None = None) -> Any:
    data = dict(PARCEL, application_date=application_date) if application_date else PARCEL
    verdict = check_parcel(pack, Parcel.model_validate(data), as_of=as_of)
    return next(pv for pv in verdict.provisions if pv.provision.id == "P1")


def test_a_date_in_the_first_version_picks_it(two_versions: RulePack) -> None:
    pv = p1(two_versions, "2019-06-01")
    assert pv.version.state == "in_force"
    assert Path(pv.version.used.source).name == P1
    assert pv.outcome.value == "does_not_apply"
    assert [s.condition.id for s in pv.root.walk() if s.result.value == "false"] == [
        "P1.all",
        "P1.technical-renovation",
    ]


def test_a_date_in_the_later_version_picks_it(two_versions: RulePack) -> None:
    pv = p1(two_versions, "2020-01-01")
    assert Path(pv.version.used.source).name == "p1-2020.yaml"
    assert pv.outcome.value == "applies"
    assert pv.version.en.startswith("version in force on 2020-01-01 (application_date): from ")


def test_as_of_overrides_the_application_date(two_versions: RulePack) -> None:
    pv = p1(two_versions, "2020-06-01", as_of=date(2019, 6, 1))
    assert Path(pv.version.used.source).name == P1
    assert pv.version.on.source == "--as-of"


def test_a_date_before_every_version_does_not_apply_with_no_rule_in_force(
    two_versions: RulePack,
) -> None:
    pv = p1(two_versions, "2014-06-01")
    assert pv.outcome.value == "does_not_apply"
    assert pv.version.state == "not_in_force"
    assert pv.version.en.startswith("no rule in force on 2014-06-01 (application_date): P1 is in ")
    (leaf,) = pv.root.children
    assert (leaf.condition.id, leaf.result.value) == ("P1.in-force", "false")


def test_no_date_judges_as_of_today_picking_the_version_in_force_today(
    two_versions: RulePack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("landrules.evaluate.today", lambda: date(2019, 6, 1))
    pv = p1(two_versions)
    assert (pv.version.state, Path(pv.version.used.source).name) == ("in_force", P1)
    assert pv.outcome.value == "does_not_apply" and pv.missing == ()
    monkeypatch.setattr("landrules.evaluate.today", lambda: date(2026, 3, 1))
    pv = p1(two_versions)
    assert Path(pv.version.used.source).name == "p1-2020.yaml"
    assert pv.outcome.value == "applies"


def test_the_shipped_pack_without_a_date_judges_as_of_today_and_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("landrules.evaluate.today", lambda: date(2026, 12, 2))
    pv = p1(load_rules())
    assert pv.version.state == "in_force"
    assert pv.version.en.startswith(
        "judged as of 2026-12-02: no application_date given; version in force then: "
    )
    assert pv.version.zh.startswith("按2026-12-02判断：未给出申请日期（application_date）")
    assert "year only, from the document number 慈政发〔2015〕40号" in pv.version.en
    assert "not known whether 慈政发〔2015〕40号 is still in force" in pv.version.en


@pytest.mark.parametrize(
    ("day", "outcome"),
    [
        ("2014-12-31", "does_not_apply"),
        ("2015-01-01", "needs_review"),
        ("2015-12-30", "needs_review"),
        ("2015-12-31", "applies"),  # whichever day of 2015 it took effect, it is in force now
        ("2016-01-01", "applies"),
    ],
)
def test_in_the_shipped_pack_2015_needs_review_because_only_the_year_is_known(
    day: str, outcome: str
) -> None:
    applying = dict(
        PARCEL, project={"kind": "technical_renovation", "works": ["new_multistorey_factory"]}
    )
    verdict = check_parcel(
        load_rules(), Parcel.model_validate(dict(applying, application_date=day))
    )
    pv = next(pv for pv in verdict.provisions if pv.provision.id == "P1")
    assert pv.outcome.value == outcome
    if outcome == "needs_review":
        assert [a.id for a in pv.ambiguities] == ["in-force-date-not-known"]


def test_check_as_of_judges_the_file_on_that_date(run_cli: Callable[..., CliResult]) -> None:
    example = "examples/p1-applies-renovation.yaml"
    before = run_cli(["check", example, "--as-of", "2014-01-01", "--format", "json"])
    assert before.exit_code == 0, before.describe()
    provisions = json.loads(before.stdout)["provisions"]
    assert [p["outcome"] for p in provisions] == ["does_not_apply"] * 3
    version = provisions[0]["version"]
    assert (version["state"], version["date"], version["date_from"]) == (
        "not_in_force",
        "2014-01-01",
        "--as-of",
    )
    assert version["note"]["en"].startswith("no rule in force on 2014-01-01 (--as-of): P1 is ")
    text = run_cli(["check", example, "--as-of", "2014-01-01"]).stdout
    assert (
        "│   │   └── ✗ a version of P1 is in force on 2014-01-01  [--as-of = 2014-01-01]\n" in text
    )
    during = json.loads(run_cli(["check", example, "--as-of", "2015-06-01", "-f", "json"]).stdout)
    assert during["provisions"][0]["outcome"] == "needs_review"
    assert during["application_date"] == "2024-05-06", "the parcel's own date is still reported"


def test_check_as_of_applies_to_every_parcel_of_a_batch(run_cli: Callable[..., CliResult]) -> None:
    result = run_cli(["check", "examples/", "--as-of", "2014-12-31"])
    assert result.exit_code == 0, result.describe()
    assert result.stdout.splitlines()[-1].startswith(
        "24 parcels (0 input errors) · P1: 0 applies, 24 does not apply,"
    )


def test_a_bad_as_of_date_is_a_usage_error(run_cli: Callable[..., CliResult]) -> None:
    result = run_cli(["check", "examples/p2-applies.yaml", "--as-of", "2014-13-01"])
    assert result.exit_code == 2, result.describe()

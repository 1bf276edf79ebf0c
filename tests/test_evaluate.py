"""The evaluator on parcels built in code: outcomes, missing facts, ambiguities, quantities."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from landrules.api import check_parcel, load_rules
from landrules.evaluate import Outcome
from landrules.model.parcel import Parcel
from landrules.rulepack import RulePack

APPLYING_P1: dict[str, Any] = {
    "schema_version": "1",
    "parcel": {"land_area_m2": "20000", "land_supply": "existing", "land_tenure": "granted"},
    "land_use": {
        "current": {"gbt21010": "0601", "planning_class": "M2"},
        "proposed": {"gbt21010": "0601", "planning_class": "M2"},
        "planned": {"planning_class": "M2"},
    },
    "project": {"kind": "technical_renovation", "works": ["new_multistorey_factory"]},
    "floor_area": {
        "before": {"production_m2": "15000", "non_production_m2": "1000"},
        "after": {"production_m2": "31000", "non_production_m2": "1000"},
    },
    "approvals": {
        "urban_rural_planning": {"status": "given"},
        "environmental": {"status": "given"},
    },
}


@pytest.fixture(scope="module")
def pack() -> RulePack:
    return load_rules()


def verdict_of(pack: RulePack, data: dict[str, Any], provision: str) -> Any:
    verdict = check_parcel(pack, Parcel.model_validate(data))
    return next(pv for pv in verdict.provisions if pv.provision.id == provision)


def changed(path: str, value: Any, base: dict[str, Any] = APPLYING_P1) -> dict[str, Any]:
    """A deep copy of `base` with the dotted `path` set to `value` (None deletes it)."""
    data = copy.deepcopy(base)
    *parents, last = path.split(".")
    node = data
    for part in parents:
        node = node.setdefault(part, {})
    if value is None:
        node.pop(last, None)
    else:
        node[last] = value
    return data


def test_the_applying_parcel_applies_for_the_added_production_area(pack: RulePack) -> None:
    pv = verdict_of(pack, APPLYING_P1, "P1")
    assert pv.outcome is Outcome.APPLIES
    quantities = {q.name: q.value for q in pv.quantities}
    assert quantities["plot_ratio_before"] == Decimal("0.8")
    assert quantities["plot_ratio_after"] == Decimal("1.6")
    assert pv.covered is not None
    assert pv.covered.value == Decimal("16000")


def test_deleting_the_planning_fact_makes_p1_undetermined_naming_it(pack: RulePack) -> None:
    pv = verdict_of(pack, changed("approvals.urban_rural_planning", None), "P1")
    assert pv.outcome is Outcome.UNDETERMINED
    assert pv.missing == ("approvals.urban_rural_planning",)


def test_not_stated_is_the_same_as_leaving_the_fact_out(pack: RulePack) -> None:
    data = changed("approvals.urban_rural_planning", {"status": "not_stated"})
    pv = verdict_of(pack, data, "P1")
    assert pv.outcome is Outcome.UNDETERMINED
    assert pv.missing == ("approvals.urban_rural_planning",)


def test_a_refused_planning_approval_means_p1_does_not_apply(pack: RulePack) -> None:
    pv = verdict_of(pack, changed("approvals.urban_rural_planning", {"status": "refused"}), "P1")
    assert pv.outcome is Outcome.DOES_NOT_APPLY
    failed = [s.condition.id for s in pv.root.walk() if s.result.value == "false"]
    assert "P1.planning-compliant" in failed


def test_a_definite_failure_wins_over_missing_facts(pack: RulePack) -> None:
    data = changed("approvals.environmental", None)
    data = changed("project.kind", "other", data)
    pv = verdict_of(pack, data, "P1")
    assert pv.outcome is Outcome.DOES_NOT_APPLY


def test_missing_facts_are_named_once_in_condition_order(pack: RulePack) -> None:
    data = changed("approvals", None)
    data = changed("parcel.land_area_m2", None, data)
    pv = verdict_of(pack, data, "P1")
    assert pv.outcome is Outcome.UNDETERMINED
    assert pv.missing == (
        "approvals.urban_rural_planning",
        "approvals.environmental",
        "parcel.land_area_m2",
    )


def test_a_use_leaving_industry_is_a_change_of_land_use(pack: RulePack) -> None:
    data = changed("land_use.proposed", {"planning_class": "B1"})
    assert verdict_of(pack, data, "P1").outcome is Outcome.DOES_NOT_APPLY


@pytest.mark.parametrize(
    ("path", "value", "review"),
    [
        ("land_use.proposed", {"planning_class": "M0"}, "P1.review.industrial-subclass-change"),
        ("parcel.land_tenure", "allocated", "P1.review.allocated-land"),
        ("land_use.planned", {"planning_class": "R2"}, "P1.review.planned-use-changed"),
        (
            "floor_area.after.non_production_m2",
            "3000",
            "P1.review.non-production-area",
        ),
    ],
)
def test_what_the_text_does_not_settle_needs_review_never_does_not_apply(
    pack: RulePack, path: str, value: Any, review: str
) -> None:
    pv = verdict_of(pack, changed(path, value), "P1")
    assert pv.outcome is Outcome.NEEDS_REVIEW
    assert [f.review.id for f in pv.triggered] == [review]


def test_an_unknown_review_trigger_is_noted_but_never_blocks(pack: RulePack) -> None:
    pv = verdict_of(pack, changed("parcel.land_tenure", None), "P1")
    assert pv.outcome is Outcome.APPLIES
    assert [f.review.id for f in pv.pending] == ["P1.review.allocated-land"]


def test_codes_that_disagree_need_review(pack: RulePack) -> None:
    data = changed("land_use.proposed", {"gbt21010": "0601", "planning_class": "R2"})
    pv = verdict_of(pack, data, "P1")
    assert pv.outcome is Outcome.NEEDS_REVIEW
    assert [a.id for a in pv.ambiguities] == ["land-use-codes-disagree"]


NEW_LAND: dict[str, Any] = {
    "schema_version": "1",
    "parcel": {"land_area_m2": "20000", "land_supply": "newly_supplied"},
    "land_use": {"current": {"gbt21010": "0601"}},
    "approvals": {"factory_floor_area": {"status": "given"}},
    "new_land": {"approved_factory_floor_area_m2": "30000", "plot_ratio_indicator": "1.2"},
}


def test_p2_waives_only_the_part_above_the_indicator(pack: RulePack) -> None:
    pv = verdict_of(pack, NEW_LAND, "P2")
    assert pv.outcome is Outcome.APPLIES
    assert pv.covered is not None
    assert pv.covered.value == Decimal("6000")


def test_p2_with_nothing_above_the_indicator_does_not_apply(pack: RulePack) -> None:
    data = changed("new_land.plot_ratio_indicator", "1.5", NEW_LAND)
    pv = verdict_of(pack, data, "P2")
    assert pv.outcome is Outcome.DOES_NOT_APPLY
    assert pv.covered is not None
    assert pv.covered.value == Decimal("0")


@pytest.mark.parametrize(
    ("low", "high", "outcome"),
    [
        ("1.0", "2.0", Outcome.NEEDS_REVIEW),  # above one bound, not the other
        ("1.0", "1.2", Outcome.NEEDS_REVIEW),  # above both: the amount still depends on the bound
        ("1.5", "2.0", Outcome.DOES_NOT_APPLY),  # nothing above any reading
    ],
)
def test_p2_with_only_a_range_never_guesses_the_indicator(
    pack: RulePack, low: str, high: str, outcome: Outcome
) -> None:
    data = changed("new_land.plot_ratio_indicator", None, NEW_LAND)
    data = changed("new_land.plot_ratio_range", {"min": low, "max": high}, data)
    assert verdict_of(pack, data, "P2").outcome is outcome


def test_a_sub_class_review_that_cannot_run_names_the_code_it_needs(pack: RulePack) -> None:
    data = changed("land_use.proposed", {"gbt21010": "0601"})
    pv = verdict_of(pack, data, "P1")
    assert pv.outcome is Outcome.APPLIES
    (pending,) = [f for f in pv.pending if f.review.id == "P1.review.industrial-subclass-change"]
    assert pending.step.missing == ("land_use.proposed.planning_class",)


def test_leaving_industry_is_not_reported_as_a_sub_class_question(pack: RulePack) -> None:
    pv = verdict_of(pack, changed("land_use.proposed", {"planning_class": "B1"}), "P1")
    assert pv.outcome is Outcome.DOES_NOT_APPLY
    assert pv.pending == [] and pv.triggered == []

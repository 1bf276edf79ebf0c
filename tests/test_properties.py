"""Property tests: generated parcels and YAML never crash, every refusal is located, verdicts are
deterministic, and supplying a missing fact never flips or unsettles a decided provision.

Bounded for CI (LANDRULES_HYPOTHESIS_EXAMPLES raises the count; benchmarks/fuzz.py is the long
run). Generators are in tests/generators.py and take a `random.Random`, so hypothesis shrinks
and replays a failure from the seed it prints.
"""

from __future__ import annotations

import copy
import json
import os
import random
from typing import Any

import pytest
from generators import (
    FACTS,
    any_input,
    clashes,
    mutate,
    parcel_data,
    present,
    put,
    run_pipeline,
    to_yaml,
    token_soup,
    unlocated,
)
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from landrules.api import check_parcel, load_rules
from landrules.model.parcel import Parcel
from landrules.problems import Problem

EXAMPLES = int(os.environ.get("LANDRULES_HYPOTHESIS_EXAMPLES", "150"))
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=EXAMPLES <= 1000,  # the bounded CI run is the same every time
    suppress_health_check=[HealthCheck.too_slow],
)
PACK = load_rules()
RANDOMS = st.randoms(use_true_random=False)


def _never_crashes(raw: bytes) -> None:
    found = run_pipeline(PACK, raw)
    if isinstance(found, list):
        assert found, "an input was refused without a problem"
        assert all(isinstance(p, Problem) for p in found)
        assert unlocated(found, "fuzz.yaml") == []


@PROPERTY
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_crash_and_every_refusal_is_located(raw: bytes) -> None:
    _never_crashes(raw)


@PROPERTY
@given(RANDOMS)
def test_generated_inputs_never_crash_and_every_refusal_is_located(rng: random.Random) -> None:
    _never_crashes(any_input(rng))


@PROPERTY
@given(RANDOMS)
def test_yaml_punctuation_soup_never_crashes(rng: random.Random) -> None:
    _never_crashes(token_soup(rng).encode("utf-8", "surrogatepass"))


@PROPERTY
@given(RANDOMS)
def test_a_damaged_parcel_is_refused_with_located_problems_or_checked(rng: random.Random) -> None:
    raw = to_yaml(rng, mutate(rng, parcel_data(rng))).encode("utf-8")
    _never_crashes(raw)


@PROPERTY
@given(RANDOMS)
def test_valid_generated_parcels_load_and_the_text_tree_renders(rng: random.Random) -> None:
    found = run_pipeline(PACK, to_yaml(rng, parcel_data(rng)).encode("utf-8"), text=True)
    assert isinstance(found, dict), [p.render() for p in found]


@PROPERTY
@given(RANDOMS)
def test_evaluation_is_deterministic(rng: random.Random) -> None:
    raw = to_yaml(rng, parcel_data(rng)).encode("utf-8")
    first = run_pipeline(PACK, raw)
    again = run_pipeline(load_rules(), raw)
    assert json.dumps(first, ensure_ascii=False) == json.dumps(again, ensure_ascii=False)


def _outcomes(data: dict[str, Any]) -> dict[str, str]:
    parcel = Parcel.model_validate(data)
    return {pv.provision.id: pv.outcome.value for pv in check_parcel(PACK, parcel).provisions}


DECIDED = ("applies", "does_not_apply")
FLIPPED = {"applies": "does_not_apply", "does_not_apply": "applies"}


def supply_one_fact(
    rng: random.Random, *, exclude: tuple[str, ...] = ()
) -> tuple[str, dict[str, str], dict[str, str]]:
    """Evaluate a parcel, add one fact it lacks (a random allowed value), evaluate again."""
    data = parcel_data(rng)
    missing = [
        f for f in FACTS if f not in exclude and not present(data, f) and not clashes(data, f)
    ]
    assume(missing)
    name = rng.choice(missing)
    more = copy.deepcopy(data)
    put(more, name, FACTS[name](rng))
    return name, _outcomes(data), _outcomes(more)


def _unsettled(before: dict[str, str], after: dict[str, str]) -> dict[str, tuple[str, str]]:
    return {
        pid: (was, after[pid])
        for pid, was in before.items()
        if was in DECIDED and after[pid] in ("undetermined", FLIPPED[was])
    }


@PROPERTY
@given(RANDOMS)
def test_supplying_a_missing_fact_never_flips_or_unsettles_a_decided_provision(
    rng: random.Random,
) -> None:
    name, before, after = supply_one_fact(rng, exclude=("application_date",))
    assert _unsettled(before, after) == {}, name


def test_monotonicity_catches_a_flip() -> None:
    """The check above can fail: a decided provision that changes is reported."""
    assert _unsettled({"P1": "applies"}, {"P1": "does_not_apply"}) == {
        "P1": ("applies", "does_not_apply")
    }
    assert _unsettled({"P2": "does_not_apply"}, {"P2": "undetermined"}) == {
        "P2": ("does_not_apply", "undetermined")
    }
    assert _unsettled({"P3": "applies"}, {"P3": "needs_review"}) == {}


def test_supplying_an_application_date_never_flips_a_decided_provision(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No application_date: judged as of today (fixed here). A date with the same version in
    force changes nothing; a date before 2015 is a change of date (no version then), not of
    facts (tests/test_numbers_sign.py runs this over 1,000 generated parcels)."""
    from datetime import date

    from conftest import EXAMPLES

    from landrules.api import read_parcel
    from landrules.evaluate import AsOf, choose_version

    monkeypatch.setattr("landrules.evaluate.today", lambda: date(2026, 12, 2))
    data = read_parcel(EXAMPLES / "p1-applies-renovation.yaml").model_dump(
        mode="json", exclude_none=True
    )
    del data["application_date"]
    before = _outcomes(data)
    assert before["P1"] == "applies"
    assert _unsettled(before, _outcomes({**data, "application_date": "2024-05-06"})) == {}
    versions = next(v for v in PACK.versions() if v[0].provision.id == "P1")
    today = choose_version(versions, AsOf(date(2026, 12, 2), "today"))
    then = choose_version(versions, AsOf(date(2010, 3, 1), "application_date"))
    assert today != then  # the version in force differs, so the outcome may change
    assert _outcomes({**data, "application_date": "2010-03-01"})["P1"] == "does_not_apply"

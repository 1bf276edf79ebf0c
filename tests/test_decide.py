"""Deciding without explaining gives the explained verdict's outcome and every condition's result.

The text line of a batch is built from `decide_parcel`, the full verdict from `check_parcel`; the
two share the leaf tests and the Kleene logic but not their code paths, so they are compared here
on every example, on generated parcels, and on every way a version can be chosen.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest
from conftest import ROOT
from generators import parcel_data
from test_versions import two_versions  # noqa: F401 - a fixture used below

from landrules.api import check_parcel, decide_parcel, load_rules, read_parcel
from landrules.evaluate import AMBIGUOUS, FALSE, MISSING, TRUE, Step
from landrules.logic import Tri
from landrules.model.parcel import Parcel
from landrules.rulepack import RulePack

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
DATES = [None, date(2014, 6, 1), date(2015, 6, 1), date(2019, 6, 1), date(2020, 6, 1)]


def _codes(step: Step, out: list[int]) -> list[int]:
    """The explained tree's results in the decider's order: children before their group."""
    for child in step.children:
        _codes(child, out)
    if step.result is Tri.UNKNOWN:
        out.append(MISSING if step.missing else AMBIGUOUS)
    else:
        out.append(TRUE if step.result is Tri.TRUE else FALSE)
    return out


def _explained(pack: RulePack, parcel: Parcel, as_of: date | None) -> tuple[dict, list[int]]:
    verdict = check_parcel(pack, parcel, as_of=as_of)
    trace: list[int] = []
    for pv in verdict.provisions:
        if pv.version is not None and pv.version.used is None:
            continue  # no version chosen: no condition was evaluated
        _codes(pv.root, trace)
        for finding in pv.reviewed:
            _codes(finding.step, trace)
    return {pv.provision.id: pv.outcome for pv in verdict.provisions}, trace


def _agree(pack: RulePack, parcel: Parcel, as_of: date | None) -> None:
    outcomes, expected = _explained(pack, parcel, as_of)
    trace: list[int] = []
    assert decide_parcel(pack, parcel, as_of=as_of, trace=trace) == outcomes
    assert trace == expected


@pytest.fixture(scope="module")
def pack() -> RulePack:
    return load_rules()


@pytest.mark.parametrize("as_of", DATES, ids=str)
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: Path(p).stem)
def test_examples_decide_as_they_are_explained(
    pack: RulePack, path: Path, as_of: date | None
) -> None:
    _agree(pack, read_parcel(path), as_of)


def test_generated_parcels_decide_as_they_are_explained(pack: RulePack) -> None:
    rng = random.Random(20191113)
    outcomes = set()
    for _ in range(600):
        parcel = Parcel.model_validate(parcel_data(rng))
        _agree(pack, parcel, rng.choice(DATES))
        outcomes.update(decide_parcel(pack, parcel).values())
    # random facts rarely make a provision apply; the examples above cover that outcome
    assert len(outcomes) >= 3


@pytest.mark.parametrize("as_of", DATES, ids=str)
def test_every_version_choice_decides_as_explained(
    two_versions: RulePack,  # noqa: F811 - the imported fixture
    as_of: date | None,
) -> None:
    for path in EXAMPLES:
        _agree(two_versions, read_parcel(path), as_of)


def test_the_text_line_of_a_batch_is_decided_not_explained(
    pack: RulePack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batch text format never builds a Step tree (that is what makes it fast)."""
    from landrules.batch import Item, evaluate_item
    from landrules.evaluate import CompiledProvision

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a Step tree was built for a text line")

    monkeypatch.setattr(CompiledProvision, "evaluate", refuse)
    for path in EXAMPLES:
        result = evaluate_item(pack, Item(str(path)), render="text", record="outcomes")
        assert result.rendered is not None and " P1 " in result.rendered
    # the full record does build one: the refusal is reached (and, like any crash on one
    # parcel, becomes that parcel's located error instead of ending the batch)
    full = evaluate_item(pack, Item(str(EXAMPLES[0])), record="full")
    assert [p.code for p in full.problems] == ["internal-error"]


def _tree() -> object:
    """Every condition kind, including those the shipped pack does not use (any, not, in, given)."""
    from pydantic import TypeAdapter

    from landrules.model.rules import Condition

    label = {"zh": "条件", "en": "condition"}
    leaves = [
        {"kind": "given", "fact": "approvals.environmental"},
        {"kind": "in", "fact": "project.kind", "values": ["technical_renovation", "other"]},
        {"kind": "equals", "fact": "parcel.land_tenure", "value": "granted"},
        {"kind": "includes_any", "fact": "project.works", "values": ["new_multistorey_factory"]},
        {"kind": "compare", "fact": "plot_ratio_after", "op": "gt", "than": "plot_ratio_before"},
        {"kind": "compare", "fact": "parcel.land_area_m2", "op": "ge", "value": "10000"},
        {"kind": "equals", "fact": "current_use_class", "value": "industrial"},
        {
            "kind": "compare",
            "fact": "factory_floor_area_above_indicator_m2",
            "op": "gt",
            "value": "0",
        },
    ]
    numbered = [dict(leaf, id=f"T.leaf-{i}", label=label) for i, leaf in enumerate(leaves)]
    tree = {
        "kind": "any",
        "id": "T.any",
        "label": label,
        "conditions": [
            {"kind": "not", "id": "T.not", "label": label, "condition": numbered[0]},
            {"kind": "all", "id": "T.all", "label": label, "conditions": numbered[1:4]},
            {
                "kind": "not",
                "id": "T.not-any",
                "label": label,
                "condition": {
                    "kind": "any",
                    "id": "T.inner",
                    "label": label,
                    "conditions": numbered[4:],
                },
            },
        ],
    }
    return TypeAdapter(Condition).validate_python(tree)


def test_every_condition_kind_decides_as_it_is_explained(pack: RulePack) -> None:
    from landrules.evaluate import Context, compile_condition, compile_decider
    from landrules.facts import flatten

    tree = _tree()
    explain, decide = compile_condition(tree), compile_decider(tree)
    rng = random.Random(7)
    seen = set()
    for path in EXAMPLES:
        base = read_parcel(path).model_dump(mode="json", exclude_none=True)
        for _ in range(20):
            data = parcel_data(rng, density=0.6) if rng.random() < 0.5 else dict(base)
            facts = flatten(Parcel.model_validate(data))
            trace: list[int] = []
            code = decide(Context(facts, pack.params), trace)
            assert trace == _codes(explain(Context(facts, pack.params)), [])
            assert code == trace[-1]
            seen.update(trace)
    assert seen == {FALSE, TRUE, AMBIGUOUS, MISSING}

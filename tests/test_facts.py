"""The fact namespace: what rules and registers may name is exactly what a parcel can state."""

from __future__ import annotations

from pathlib import Path

import pytest

from landrules.api import read_parcel
from landrules.facts import fact_names, flatten

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.yaml"))


def test_list_valued_facts_are_one_fact_each() -> None:
    names = list(fact_names())
    assert "buildings" in names and "approvals.other" in names and "project.works" in names
    assert not [n for n in names if n.startswith(("buildings.", "approvals.other."))]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_flattened_fact_is_a_documented_fact_name(example: Path) -> None:
    names = set(fact_names())
    for key in flatten(read_parcel(example)):
        assert key in names or key.removesuffix(".document") in names, key

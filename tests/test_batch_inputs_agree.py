"""Must-show 2: the same parcels as YAML files, JSON Lines, Chinese CSV (UTF-8 with BOM and
GB18030), XLSX and GeoJSON give the same verdicts: the outcome of every provision and the
quantity each waiver covers, parcel by parcel."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import invoke_cli
from register_fixtures import flat_examples, write_all

from landrules.api import load_rules
from landrules.batch import evaluate_item, iter_items
from landrules.problems import Problem

pytest.importorskip("openpyxl")

Verdicts = dict[str, dict[str, tuple[str, Decimal | None]]]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_all(tmp_path_factory.mktemp("registers"))


def _covered(provision: dict[str, Any]) -> Decimal | None:
    covers = provision["covers"]
    value = covers["value"] if covers else None
    return Decimal(value) if isinstance(value, str) else None


def verdicts(path: Path) -> tuple[Verdicts, list[Problem]]:
    """Per parcel code: (outcome, covered quantity) per provision; and every notice given."""
    pack = load_rules()
    notices: list[Problem] = []
    found: Verdicts = {}
    from landrules.registers import iter_register

    items = iter_register(path, notices=notices.append) if path.is_file() else iter_items([path])
    for item in items:
        result = evaluate_item(pack, item)
        assert result.ok, "\n".join(p.render() for p in result.problems)
        assert result.verdict is not None
        code = result.verdict["parcel"]["code"]
        assert code not in found, f"{code} twice in {path}"
        found[code] = {p["id"]: (p["outcome"], _covered(p)) for p in result.verdict["provisions"]}
    return found, notices


def test_the_fixture_covers_every_outcome_of_every_provision() -> None:
    assert len(flat_examples()) >= 15
    seen = {(p, o) for v in verdicts_of_yaml().values() for p, (o, _) in v.items()}
    for provision in ("P1", "P2", "P3"):
        for outcome in ("applies", "does_not_apply", "undetermined", "needs_review"):
            assert (provision, outcome) in seen, (provision, outcome)


def verdicts_of_yaml() -> Verdicts:
    pack = load_rules()
    out: Verdicts = {}
    for path in flat_examples():
        from landrules.batch import Item

        result = evaluate_item(pack, Item(str(path)))
        assert result.verdict is not None
        out[result.verdict["parcel"]["code"]] = {
            p["id"]: (p["outcome"], _covered(p)) for p in result.verdict["provisions"]
        }
    return out


@pytest.mark.parametrize("kind", ["jsonl", "csv-utf8-bom", "csv-gb18030", "xlsx", "geojson"])
def test_every_register_form_gives_the_verdicts_of_the_yaml_files(
    inputs: dict[str, Path], kind: str
) -> None:
    expected, _ = verdicts(inputs["yaml"])
    got, notices = verdicts(inputs[kind])
    assert got == expected
    # Only the GB18030 file says anything: that it was read as GB18030.
    if kind == "csv-gb18030":
        assert [(n.code, n.severity) for n in notices] == [("encoding", "warning")]
        assert "read as GB18030" in notices[0].render()
    else:
        assert notices == []


def test_the_command_line_agrees_on_all_six_inputs(inputs: dict[str, Path]) -> None:
    by_input = {}
    for kind, path in inputs.items():
        result = invoke_cli(["check", str(path), "--format", "jsonl"])
        assert result.exit_code == 0, result.describe()
        records = [json.loads(line) for line in result.stdout.splitlines()]
        by_input[kind] = {
            r["parcel"]["code"]: [(p["id"], p["outcome"], _covered(p)) for p in r["provisions"]]
            for r in records
        }
        assert len(records) == len(flat_examples())
    first = by_input.pop("yaml")
    for kind, found in by_input.items():
        assert found == first, kind

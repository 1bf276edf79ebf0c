"""JSON Schemas for editors: committed, current, referenced by every shipped file, and in
agreement with what landrules itself accepts."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT, CliResult

from landrules import schemas, yamlio

SCHEMAS = ROOT / "schemas"
PACK = ROOT / "rules" / "cixi-jingxinjian-2019-13"
FILES = (
    [(p, "parcel.schema.json") for p in sorted((ROOT / "examples").glob("*.yaml"))]
    + [(PACK / "pack.yaml", "rule-pack.schema.json")]
    + [(p, "rule-provision.schema.json") for p in sorted(PACK.glob("p[0-9]*.yaml"))]
    + [(p, "rule-tests.schema.json") for p in sorted((PACK / "tests").glob("*.yaml"))]
)


def _validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads((SCHEMAS / name).read_text("utf-8")))


def test_the_committed_schemas_are_current(run_cli: Callable[..., CliResult]) -> None:
    assert schemas.stale(SCHEMAS) == [], "run `landrules schema` (or scripts/regenerate.py)"
    result = run_cli(["schema", "--check"])
    assert (result.exit_code, result.stdout) == (0, ""), result.describe()


def test_a_changed_model_makes_the_schemas_stale(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    copy = tmp_path / "schemas"
    shutil.copytree(SCHEMAS, copy)
    parcel = copy / "parcel.schema.json"
    parcel.write_text(parcel.read_text("utf-8").replace("申请日期", "申请时间"), "utf-8")
    result = run_cli(["schema", "--check", "--output", "schemas"], cwd=tmp_path)
    assert result.exit_code == 1, result.describe()
    assert result.stdout == (
        "schemas/parcel.schema.json: stale; run `landrules schema --output schemas`\n"
    )
    written = run_cli(["schema", "--output", "schemas"], cwd=tmp_path)
    assert "wrote schemas/parcel.schema.json\n" in written.stdout
    assert "unchanged schemas/rule-pack.schema.json\n" in written.stdout


@pytest.mark.parametrize(("path", "schema"), FILES, ids=lambda v: getattr(v, "name", v))
def test_every_shipped_file_names_its_schema_and_validates_against_it(
    path: Path, schema: str
) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix), path
    target = (path.parent / first.removeprefix(prefix)).resolve()
    assert target == (SCHEMAS / schema).resolve(), first
    data = yamlio.load(path).data
    errors = sorted(_validator(schema).iter_errors(data), key=str)
    assert not errors, [e.message for e in errors[:3]]


def test_the_schema_accepts_what_an_editor_reads_and_underlines_mistakes() -> None:
    validator = _validator("parcel.schema.json")
    as_an_editor_reads_it = {
        "schema_version": "1",
        "parcel": {"land_area_m2": 20000, "land_tenure": "出让"},
        "land_use": {"current": {"gbt21010": 601, "planning_class": "M2"}},
        "near_term_plan": {"redevelopment_scheduled": "否"},
        "application_date": "2024-03-01",
    }
    assert not list(validator.iter_errors(as_an_editor_reads_it))
    for mistake in (
        {"parcel": {"land_area_m2": "20000 m²"}},
        {"parcel": {"land_tenure": "bought"}},
        {"land_use": {"current": {"gbt21010": "601x"}}},
        {"aplication_date": "2024-03-01"},
    ):
        assert list(validator.iter_errors({"schema_version": "1", **mistake})), mistake

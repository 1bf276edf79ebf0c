"""YAML's implicit typing never reaches a verdict: each value means what its field's schema says."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import CliResult

from landrules.api import read_parcel
from landrules.exitcodes import ExitCode
from landrules.facts import flatten
from landrules.problems import InputError

Run = Callable[..., CliResult]

# Unquoted values that a typed YAML loader turns into numbers, booleans, dates, infinities or
# sexagesimal minutes; here each text field keeps exactly what was written.
TEXT_FIELDS = """\
%YAML 1.1
---
schema_version: "1"
parcel:
  code: 0601
  name: 12:30
  location: 2019-06-25
  holder: NO
land_use:
  current: {gbt21010: 0601, planning_class: M2, text: .inf}
  proposed: {gbt21010: 010, text: 1_000}
near_term_plan:
  redevelopment_scheduled: NO
  plan: yes
project:
  description: 1e3
application_date: 2019-06-25
"""


def test_text_fields_keep_what_was_written_and_typed_fields_read_their_own_form(
    tmp_path: Path,
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(TEXT_FIELDS, encoding="utf-8")
    facts = flatten(read_parcel(path))
    assert {k: facts[k] for k in ("parcel.code", "parcel.name", "parcel.location")} == {
        "parcel.code": "0601",
        "parcel.name": "12:30",
        "parcel.location": "2019-06-25",
    }
    assert facts["parcel.holder"] == "NO"
    assert facts["land_use.current"].gbt21010 == "0601"
    assert facts["land_use.current"].text == ".inf"
    assert facts["land_use.proposed"].gbt21010 == "010"
    assert facts["land_use.proposed"].text == "1_000"
    assert facts["near_term_plan.redevelopment_scheduled"] is False  # a yes/no field: NO is no
    assert facts["near_term_plan.plan"] == "yes"  # a text field: yes is the word yes
    assert facts["project.description"] == "1e3"
    assert facts["application_date"] == date(2019, 6, 25)  # a date only in a date field


@pytest.mark.parametrize(
    ("field", "written", "code"),
    [
        ("parcel:\n  land_area_m2", "1_000", "value_error"),
        ("parcel:\n  land_area_m2", ".inf", "value_error"),
        ("parcel:\n  land_area_m2", "0x1F", "value_error"),
        ("parcel:\n  land_area_m2", "12:30", "value_error"),
        ("near_term_plan:\n  redevelopment_scheduled", "on", "value_error"),
        ("near_term_plan:\n  redevelopment_scheduled", "1", "value_error"),
        ("application_date", "0", "value_error"),  # pydantic alone would read 1970-01-01
        ("application_date", "1561420800", "value_error"),  # and this as a Unix time
        ("parcel:\n  land_tenure", "yes", "literal_error"),
    ],
)
def test_typed_fields_refuse_what_yaml_or_pydantic_would_have_guessed(
    field: str, written: str, code: str, tmp_path: Path
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(f'schema_version: "1"\n{field}: {written}\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_parcel(path)
    assert [p.code for p in err.value.problems] == [code]


def test_an_exact_decimal_survives_to_the_verdict(tmp_path: Path, run_cli: Run) -> None:
    """0.1 + 0.2 m² added is 0.3 m², not 0.30000000000000004."""
    (tmp_path / "p.yaml").write_text(
        'schema_version: "1"\nparcel: {land_area_m2: "1"}\n'
        "floor_area:\n"
        '  before: {production_m2: "0.1", non_production_m2: "0"}\n'
        '  after: {production_m2: "0.4", non_production_m2: "0"}\n',
        encoding="utf-8",
    )
    result = run_cli(["check", "p.yaml", "--format", "json"], cwd=tmp_path)
    assert result.exit_code == ExitCode.OK, result.describe()
    assert '"value": "0.3"' in result.stdout, result.describe()
    parcel = read_parcel(tmp_path / "p.yaml")
    assert parcel.floor_area is not None and parcel.floor_area.after is not None
    assert parcel.floor_area.after.production_m2 == Decimal("0.4")

"""Numbers users can trust: read exactly from text, refused with the unit and what to write."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import EXAMPLES, CliResult

from landrules.exitcodes import ExitCode
from landrules.facts import flatten
from landrules.model.types import (
    NumberTextError,
    area_unit,
    parse_plain_decimal,
    round_square_metres,
    to_square_metres,
)

Run = Callable[..., CliResult]
HEAD = 'schema_version: "1"\n'
M2 = "expected square metres (m²), a number above 0 such as 20000 or 1250.5"

# (value as written in the file, message after the field name, hint)
LAND_AREA_CASES = [
    ('"12,000"', "thousands separators are not allowed (got '12,000'); " + M2, "write 12000"),
    ('"12 000"', "thousands separators are not allowed (got '12 000'); " + M2, "write 12000"),
    ("1_000", "thousands separators are not allowed (got '1_000'); " + M2, "write 1000"),
    (
        "１２０００",
        "full-width digits or points are not allowed (got '１２０００'); " + M2,
        "write 12000",
    ),
    (".inf", "not a finite number (got '.inf'); " + M2, ""),
    ("-.inf", "not a finite number (got '-.inf'); " + M2, ""),
    (".nan", "not a finite number (got '.nan'); " + M2, ""),
    ("NaN", "not a finite number (got 'NaN'); " + M2, ""),
    ('"-5"', "must not be negative (got '-5'); " + M2, ""),
    ("0", "must be above 0 (got '0'); " + M2, ""),
    ("1e4", "exponent notation is not allowed (got '1e4'); " + M2, "write 10000"),
    ("1e400", "exponent notation is not allowed (got '1e400'); " + M2, ""),
    ("020000", "leading zeros are not allowed (got '020000'); " + M2, "write 20000"),
    ("+20000", "a sign is not allowed (got '+20000'); " + M2, "write 20000"),
    ("31000㎡", "a unit is not allowed in the value (got '31000㎡'); " + M2, "write 31000"),
    ("2万", "万 (ten thousand) is not allowed (got '2万'); " + M2, "write 20000"),
    ("一万二千", "write the number in digits (got '一万二千'); " + M2, ""),
    (
        "30亩",
        "亩 is not square metres (got '30亩'); " + M2,
        "30 亩 is 20000.00 m²: write 20000.00, or state the unit instead: land_area: 30亩 in a "
        "parcel file, a column headed 用地面积（亩） in a register",
    ),
    (
        "2公顷",
        "公顷 is not square metres (got '2公顷'); " + M2,
        "2 公顷 is 20000.00 m²: write 20000.00, or state the unit instead: land_area: 30亩 in a "
        "parcel file, a column headed 用地面积（亩） in a register",
    ),
    (
        "100000000",
        "implausibly large: 100000000 m² (100 km²) or more (got '100000000'); " + M2,
        "",
    ),
    ("12.1234567", "more than 6 decimal places (got '12.1234567'); " + M2, ""),
    ("''", "the value is empty (got ''); " + M2, "leave the key out if the number is unknown"),
]


@pytest.mark.parametrize(("written", "message", "hint"), LAND_AREA_CASES)
def test_a_refused_land_area_names_the_unit_and_what_to_write(
    written: str, message: str, hint: str, tmp_path: Path, run_cli: Run
) -> None:
    (tmp_path / "p.yaml").write_text(
        HEAD + f"parcel:\n  land_area_m2: {written}\n", encoding="utf-8"
    )
    result = run_cli(["check", "p.yaml"], cwd=tmp_path)
    assert result.exit_code == ExitCode.INPUT_ERROR, result.describe()
    expected = [f"p.yaml:3:17: error[value_error] parcel.land_area_m2: {message}"]
    if hint:
        expected.append(f"    hint: {hint}")
    assert result.stderr.splitlines() == expected, result.describe()


@pytest.mark.parametrize(
    ("field", "written", "expected"),
    [
        (
            "new_land:\n  plot_ratio_indicator",
            "1,2",
            "a comma is not allowed (got '1,2'); expected a plot ratio (容积率), a number above 0 "
            "such as 1.2",
        ),
        (
            "new_land:\n  plot_ratio_indicator",
            "150",
            "implausibly large: a plot ratio of 100 or more (got '150'); expected a plot ratio "
            "(容积率), a number above 0 such as 1.2",
        ),
        (
            "floor_area:\n  before: {production_m2: '0', non_production_m2",
            "'-0.5'}",
            "must not be negative (got '-0.5'); expected square metres (m²), a number such as "
            "15000 or 0",
        ),
    ],
)
def test_other_quantities_name_their_own_unit(
    field: str, written: str, expected: str, tmp_path: Path, run_cli: Run
) -> None:
    (tmp_path / "p.yaml").write_text(HEAD + f"{field}: {written}\n", encoding="utf-8")
    result = run_cli(["check", "p.yaml"], cwd=tmp_path)
    assert result.exit_code == ExitCode.INPUT_ERROR, result.describe()
    assert result.stderr.splitlines()[0].endswith(": " + expected), result.describe()


# --- 亩 and 公顷


@pytest.mark.parametrize(
    ("text", "unit", "square_metres"),
    [
        ("1", "亩", "666.67"),  # 10000/15 = 666.666…, rounded once
        ("30", "亩", "20000.00"),
        ("0.15", "亩", "100.00"),
        ("2.5", "亩", "1666.67"),
        ("7", "亩", "4666.67"),
        ("1.2345", "公顷", "12345.00"),
        ("1.234567", "ha", "12345.67"),
        ("1250.555", "m²", "1250.555"),  # square metres are never rounded
        ("1250.555", "平方米", "1250.555"),
        ("3", "mu", "2000.00"),
    ],
)
def test_one_conversion_exact_fraction_rounded_once(
    text: str, unit: str, square_metres: str
) -> None:
    assert str(to_square_metres(text, unit)) == square_metres


def test_rounding_happens_once_not_per_step() -> None:
    # A factor rounded first (1 亩 = 666.67 m²) drifts by 5 m² on 1500 亩; the fraction does not.
    assert to_square_metres("1500", "亩") == Decimal("1000000.00")
    assert Decimal("666.67") * 1500 == Decimal("1000005.00")
    assert round_square_metres(Fraction(1, 200)) == Decimal("0.01")  # half up
    assert round_square_metres(Fraction(1, 201)) == Decimal("0.00")


def test_bad_units_and_numbers_raise_value_errors() -> None:
    with pytest.raises(NumberTextError) as unit:
        to_square_metres("30", "acre")
    assert unit.value.hint == "use m², 亩 or 公顷"
    with pytest.raises(NumberTextError) as number:
        to_square_metres("1,000", "亩")
    assert (number.value.problem, number.value.hint) == (
        "thousands separators are not allowed",
        "write 1000",
    )
    assert area_unit("ＨＡ") == "公顷"
    assert area_unit("acre") is None
    assert parse_plain_decimal("0.1") + parse_plain_decimal("0.2") == Decimal("0.3")


def _json_verdict(result: CliResult) -> dict[str, object]:
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_a_land_area_in_mu_is_converted_and_kept_as_stated(tmp_path: Path, run_cli: Run) -> None:
    text = (EXAMPLES / "p1-applies-renovation.yaml").read_text(encoding="utf-8")
    assert '  land_area_m2: "20000"\n' in text
    (tmp_path / "mu.yaml").write_text(
        text.replace('  land_area_m2: "20000"\n', "  land_area: 30亩\n"), encoding="utf-8"
    )
    mu = run_cli(["check", "mu.yaml", "--format", "json"], cwd=tmp_path)
    m2 = run_cli(["check", str(EXAMPLES / "p1-applies-renovation.yaml"), "--format", "json"])
    assert mu.exit_code == ExitCode.OK, mu.describe()

    def outcomes(result: CliResult) -> list[tuple[str, str]]:
        return [(p["id"], p["outcome"]) for p in _json_verdict(result)["provisions"]]  # type: ignore[attr-defined]

    assert outcomes(mu) == outcomes(m2)
    assert '"parcel.land_area_m2": "20000"' in mu.stdout

    from landrules.api import read_parcel

    parcel = read_parcel(tmp_path / "mu.yaml")
    facts = flatten(parcel)
    assert str(facts["parcel.land_area"]) == "30 亩"
    assert facts["parcel.land_area_m2"] == Decimal("20000.00")


@pytest.mark.parametrize(
    ("written", "line"),
    [
        (
            "30",
            "p.yaml:3:14: error[value_error] parcel.land_area: an area needs its unit: m², 亩 "
            "or 公顷 (got '30'); expected an area with its unit, such as 20000m², 30亩 or 2公顷",
        ),
        (
            "30 acres",
            "p.yaml:3:14: error[value_error] parcel.land_area: an area needs its unit: m², 亩 "
            "or 公顷 (got '30 acres'); expected an area with its unit, such as 20000m², 30亩 or "
            "2公顷",
        ),
        (
            "３０亩",
            "p.yaml:3:14: error[value_error] parcel.land_area: full-width digits or points are "
            "not allowed (got '３０亩'); expected an area with its unit, such as 20000m², 30亩 or "
            "2公顷",
        ),
        (
            "0亩",
            "p.yaml:3:14: error[value_error] parcel.land_area: must be above 0 (got '0亩'); "
            "expected an area with its unit, such as 20000m², 30亩 or 2公顷",
        ),
    ],
)
def test_a_land_area_without_a_known_unit_is_refused(
    written: str, line: str, tmp_path: Path, run_cli: Run
) -> None:
    (tmp_path / "p.yaml").write_text(HEAD + f"parcel:\n  land_area: {written}\n")
    result = run_cli(["check", "p.yaml"], cwd=tmp_path)
    assert result.exit_code == ExitCode.INPUT_ERROR, result.describe()
    assert result.stderr.splitlines()[0] == line, result.describe()


def test_the_land_area_given_twice_is_refused_where_the_second_is(
    tmp_path: Path, run_cli: Run
) -> None:
    (tmp_path / "p.yaml").write_text(
        HEAD + 'parcel:\n  land_area_m2: "20000"\n  land_area: 30亩\n', encoding="utf-8"
    )
    result = run_cli(["check", "p.yaml"], cwd=tmp_path)
    assert result.stderr.splitlines() == [
        "p.yaml:4:14: error[value_error] parcel.land_area: the land area is given twice: keep "
        "land_area_m2 (square metres) or land_area (with its unit), not both (got '30亩')"
    ], result.describe()

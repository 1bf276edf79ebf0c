"""The indicative amount: shown only with a stated floor-area price and its source, as an
illustration, never from a default price."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import EXAMPLES, CliResult

PRICE = """
land_price:
  floor_price_yuan_per_m2: "1500"
  source: {kind: appraisal, document: 慈估字〔2024〕7号, date: 2024-04-01}
"""


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    """Text output is read in English: the language is pinned, never the machine's locale."""
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")


def _with(tmp_path: Path, extra: str) -> Path:
    text = (EXAMPLES / "p1-applies-renovation.yaml").read_text(encoding="utf-8")
    path = tmp_path / "priced.yaml"
    path.write_text(text + extra, encoding="utf-8")
    return path


def _money(run_cli: Callable[..., CliResult], path: Path) -> object:
    data = json.loads(run_cli(["check", str(path), "--format", "json"]).stdout)
    return next(p for p in data["provisions"] if p["id"] == "P1")["explain"].get("money")


def test_the_amount_is_area_times_price_and_labelled_an_illustration(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    path = _with(tmp_path, PRICE)
    money = _money(run_cli, path)
    assert isinstance(money, dict)
    # 16000 m² of added production floor area × 1500 yuan/m² (no coefficient)
    assert money["area_m2"] == "16000" and money["amount_yuan"] == "24000000.00"
    assert money["illustration"] is True and money["price_source"]["kind"] == "appraisal"
    text = " ".join(run_cli(["check", str(path)]).stdout.replace("│", " ").split())
    assert (
        "if it were charged, the premium that 「不再征收」 leaves uncharged would be about: "
        "area concerned 16,000.00 m²"
    ) in text
    assert "= 24,000,000.00 yuan" in text
    assert "if it were charged, the amount would be set by appraisal" in text
    assert "top-up" not in text
    from landrules.api import check_file, load_rules
    from landrules.explain import illustration

    verdict = check_file(load_rules(), path)
    zh = illustration(verdict, verdict.provisions[0])
    assert zh is not None and "如予征收，金额以评估为准" in zh.text("zh")
    assert "补缴" not in zh.text("zh") and "「不再征收」" in zh.text("zh")
    assert "24,000,000.00 元" in zh.text("zh")


def test_a_coefficient_counts_only_with_its_source(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    sourced = PRICE + '  coefficient: "0.7"\n  coefficient_source: {document: 慈政办〔2020〕1号}\n'
    money = _money(run_cli, _with(tmp_path, sourced))
    assert isinstance(money, dict) and money["amount_yuan"] == "16800000.00"
    unsourced = PRICE + '  coefficient: "0.7"\n'
    money = _money(run_cli, _with(tmp_path, unsourced))
    assert isinstance(money, dict) and money["coefficient"] is None


def test_no_price_or_no_source_gives_no_amount(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    assert _money(run_cli, EXAMPLES / "p1-applies-renovation.yaml") is None
    no_source = '\nland_price:\n  floor_price_yuan_per_m2: "1500"\n'
    assert _money(run_cli, _with(tmp_path, no_source)) is None
    text = run_cli(
        [
            "check",
            str(_with(tmp_path, no_source)),
        ]
    ).stdout
    assert "if it were charged" not in text


P2_PARCEL = """schema_version: "1"
parcel: {land_area_m2: "20000", land_supply: newly_supplied, land_tenure: granted}
land_use:
  current: {gbt21010: "0601", planning_class: M1}
new_land:
  plot_ratio_indicator: "1.2"
  plot_ratio_range: {min: "1.0", max: "2.0"}
  approved_factory_floor_area_m2: "30000"
approvals:
  factory_floor_area: {status: given}
application_date: 2024-05-06
"""


def test_the_p2_amount_uses_its_own_verb_not_the_p1_verb(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    path = tmp_path / "p2.yaml"
    path.write_text(P2_PARCEL + PRICE, encoding="utf-8")
    data = json.loads(run_cli(["check", str(path), "--format", "json"]).stdout)
    money = next(p for p in data["provisions"] if p["id"] == "P2")["explain"]["money"]
    assert money["verb"] == "不再增收" and money["amount_yuan"] == "9000000.00"
    text = "".join(run_cli(["check", str(path), "--lang", "zh"]).stdout.replace("│", " ").split())
    assert "如予征收，「不再增收」所免的地价款约为" in text and "「不再征收」所免" not in text


def test_no_amount_while_a_review_of_the_provision_is_triggered_or_not_checked(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    # no planning range: the range review is "not checked", so no amount, though P2 applies
    unchecked = P2_PARCEL.replace('  plot_ratio_range: {min: "1.0", max: "2.0"}\n', "")
    path = tmp_path / "unchecked.yaml"
    path.write_text(unchecked + PRICE, encoding="utf-8")
    data = json.loads(run_cli(["check", str(path), "--format", "json"]).stdout)
    p2 = next(p for p in data["provisions"] if p["id"] == "P2")
    assert p2["outcome"] == "applies" and p2["not_checked"]
    assert "money" not in p2["explain"]
    # allocated land: a review is triggered, the outcome needs review, no amount
    triggered = P2_PARCEL.replace("land_tenure: granted", "land_tenure: allocated")
    path.write_text(triggered + PRICE, encoding="utf-8")
    data = json.loads(run_cli(["check", str(path), "--format", "json"]).stdout)
    p2 = next(p for p in data["provisions"] if p["id"] == "P2")
    assert p2["outcome"] == "needs_review" and "money" not in p2["explain"]


def test_the_largest_accepted_price_and_coefficient_give_an_amount_not_a_crash(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    """Issue 11.7: a price and coefficient inside the accepted ranges crashed illustration()
    with decimal.InvalidOperation; the amount is now exact, rounded once."""
    big = (
        "\nland_price:\n"
        '  floor_price_yuan_per_m2: "999999.999999"\n'
        "  source: {kind: appraisal, document: 慈估字〔2024〕7号, date: 2024-04-01}\n"
        '  coefficient: "99.999999"\n'
        "  coefficient_source: {document: 慈政办〔2020〕1号}\n"
    )
    text = (EXAMPLES / "p1-applies-renovation.yaml").read_text(encoding="utf-8")
    text = text.replace('land_area_m2: "20000"', 'land_area_m2: "99999999.99"').replace(
        'after: {production_m2: "31000"', 'after: {production_m2: "99999999"'
    )
    path = tmp_path / "big.yaml"
    path.write_text(text + big, encoding="utf-8")
    result = run_cli(["check", str(path), "--format", "json"])
    assert result.exit_code == 0, result.describe()
    money = json.loads(result.stdout)["provisions"][0]["explain"]["money"]
    assert money["amount_yuan"] == "9998499800005002.50"  # 99984999 × 999999.999999 × 99.999999


def test_an_implausible_price_or_coefficient_is_refused_naming_the_limit(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    for extra, limit in (
        ('  floor_price_yuan_per_m2: "1000000"\n', "1000000 yuan/m²"),
        ('  floor_price_yuan_per_m2: "1500"\n  coefficient: "100"\n', "a coefficient of 100"),
    ):
        priced = "\nland_price:\n" + extra
        result = run_cli(["check", str(_with(tmp_path, priced))])
        assert result.exit_code == 3, result.describe()
        assert limit in result.stdout + result.stderr, result.describe()

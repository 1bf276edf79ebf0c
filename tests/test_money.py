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
    text = " ".join(
        run_cli(
            [
                "check",
                str(path),
            ]
        ).stdout.split()
    )
    assert "indicative premium not levied ≈ waived area 16,000.00 m²" in text
    assert "= 24,000,000.00 yuan" in text and "the real top-up is set by appraisal" in text
    from landrules.api import check_file, load_rules
    from landrules.explain import illustration

    verdict = check_file(load_rules(), path)
    zh = illustration(verdict, verdict.provisions[0])
    assert zh is not None and "实际补缴金额以评估为准" in zh.text("zh")
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
    assert "indicative premium" not in text

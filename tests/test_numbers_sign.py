"""Numbers an official can sign (issue 12): four properties over generated parcels, each run on
1,000 parcels from a fixed seed (the same every run), and the cases of the issue.

- Unit invariance: the same land in m², 亩 and 公顷 gets the same outcomes and exact quantities.
- Bounds: P1's area ≤ the rise in counted floor area and ≤ the production floor area added, P2's
  ≤ the approved area; no area or amount for a provision that does not apply or is undetermined,
  in every output format.
- Trigger soundness: where the given facts alone raise a review's question, never "applies".
- Date: supplying a missing application_date flips a decided provision only when the version in
  force differs between today and that date.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import random
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from generators import parcel_data, put

from landrules.api import check_parcel, load_rules
from landrules.batch import Item, Summary, evaluate_item
from landrules.evaluate import AsOf, Outcome, choose_version
from landrules.model.parcel import Parcel
from landrules.report.data import brief_record, verdict_data
from landrules.report.explained import sections
from landrules.report.html import Entry, Report, render_html
from landrules.report.markdown import render_markdown
from landrules.report.tabular import CsvWriter, GeoJsonWriter
from landrules.report.text import provision_tree
from landrules.report.tree import Node, draw_plain

PACK = load_rules()
PARCELS = 1000
TODAY = date(2026, 12, 2)


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """A parcel without an application date is judged as of today: fixed here, never the clock."""
    monkeypatch.setattr("landrules.evaluate.today", lambda: TODAY, raising=False)


def _verdict(data: dict[str, Any]) -> Any:
    return check_parcel(PACK, Parcel.model_validate(data))


def _exact(value: Any) -> Any:
    if isinstance(value, (Decimal, Fraction)):
        return Fraction(value)
    if hasattr(value, "low"):
        return (Fraction(value.low), Fraction(value.high))
    return repr(value)


def _numbers(verdict: Any) -> dict[str, Any]:
    """Each provision's outcome and every exact quantity it computed."""
    found: dict[str, Any] = {}
    for pv in verdict.provisions:
        found[pv.provision.id] = pv.outcome.value
        for q in [*pv.quantities, *([pv.covered] if pv.covered else [])]:
            found[f"{pv.provision.id}.{q.name}"] = _exact(q.value)
    return found


def _dense(rng: random.Random) -> dict[str, Any]:
    """A parcel with most facts stated, so that provisions apply often enough to test."""
    return parcel_data(rng, density=rng.choice([0.6, 0.8, 0.95]))


# --- 1. Unit invariance --------------------------------------------------------------------


def _land_texts(rng: random.Random) -> list[dict[str, str]]:
    """One land area in each unit, exactly: m² in thousandths (not whole in 0.01 m²) with 亩,
    or m² in hundredths with 亩 and 公顷 (texts within the 6 decimal places accepted)."""
    if rng.random() < 0.5:
        m2 = Fraction(rng.randint(1, 50_000_000), 500)  # a multiple of 0.002 m²
        units = ("亩",)
    else:
        m2 = Fraction(rng.randint(1, 5_000_000_000), 100)
        units = ("亩", "公顷")
    per = {"亩": Fraction(10000, 15), "公顷": Fraction(10000)}
    forms = [{"land_area_m2": _decimal_text(m2)}]
    if m2.denominator <= 100:  # `land_area` in m² takes 2 decimal places
        forms.append({"land_area": f"{_decimal_text(m2)}m²"})
    forms += [{"land_area": f"{_decimal_text(m2 / per[u])}{u}"} for u in units]
    return forms


def _decimal_text(value: Fraction) -> str:
    whole = value.numerator * 10**6 // value.denominator
    text = format(Decimal(whole).scaleb(-6), "f").rstrip("0").rstrip(".")
    assert Fraction(Decimal(text)) == value, value  # the text is exact
    return text


def test_the_same_land_in_square_metres_mu_and_hectares_gets_the_same_outcomes_and_quantities() -> (
    None
):
    rng = random.Random(1201)
    for _ in range(PARCELS):
        data = _dense(rng)
        data.setdefault("parcel", {}).pop("land_area_m2", None)
        data["parcel"].pop("land_area", None)
        seen = []
        for form in _land_texts(rng):
            variant = copy.deepcopy(data)
            variant["parcel"].update(form)
            seen.append((form, _numbers(_verdict(variant))))
        first = seen[0][1]
        for form, numbers in seen[1:]:
            assert numbers == first, (form, seen[0][0], data)


def test_two_mu_at_the_indicator_leaves_nothing_above_it_as_the_same_land_in_m2_does() -> None:
    """Issue 12.2: 2亩 was rounded to 1333.33 m² first, so P2 'applied' to 0.00 m²."""
    data: dict[str, Any] = {
        "schema_version": "1",
        "parcel": {"land_area": "2亩", "land_supply": "newly_supplied", "land_tenure": "granted"},
        "land_use": {"current": {"gbt21010": "0601", "planning_class": "M1"}},
        "new_land": {"plot_ratio_indicator": "1.5", "approved_factory_floor_area_m2": "2000"},
        "approvals": {"factory_floor_area": {"status": "given"}},
    }
    p2 = _verdict(data).provisions[1]
    assert p2.outcome is Outcome.DOES_NOT_APPLY
    assert p2.covered is not None and p2.covered.value == 0


def test_display_rounds_half_up_once() -> None:
    """Issue 12.2: 1.125 showed as 1.12 (banker's rounding); planning figures round half up."""
    from landrules.derive import display

    assert display(Decimal("1.125"), "plot_ratio_after") == "1.13"
    assert display(Fraction(2251, 2000), "plot_ratio_after") == "1.13"  # 1.1255
    assert display(Decimal("1333.335"), "x_m2") == "1333.34 m²"
    assert display(Fraction(4000, 3), "x_m2") == "1333.33 m²"


# --- 2. Bounds, in every output format -----------------------------------------------------

PRICE = {
    "floor_price_yuan_per_m2": "1500",
    "source": {"kind": "appraisal", "document": "慈估字〔2024〕7号", "date": "2024-04-01"},
}
AMOUNT = "if it were charged, the premium"
CONCERNS = "the area the waiver concerns"


def _applying(rng: random.Random) -> dict[str, Any]:
    """A parcel built to apply (P1 or P2) with nothing unchecked, its numbers random."""
    land = rng.randint(1000, 90000)
    if rng.random() < 0.5:
        before = rng.randint(0, land)
        return {
            "schema_version": "1",
            "parcel": {
                "land_area_m2": str(land),
                "land_supply": "existing",
                "land_tenure": "granted",
            },
            "land_use": {
                "current": {"gbt21010": "0601", "planning_class": "M2"},
                "proposed": {"gbt21010": "0601", "planning_class": "M2"},
                "planned": {"planning_class": "M2"},
            },
            "project": {"kind": "technical_renovation", "works": ["new_multistorey_factory"]},
            "floor_area": {
                "before": {"production_m2": str(before), "non_production_m2": "800"},
                "after": {
                    "production_m2": str(before + rng.randint(1, 9000)),
                    "non_production_m2": str(rng.choice([0, 500, 800])),
                },
            },
            "approvals": {
                "urban_rural_planning": {"status": "given"},
                "environmental": {"status": "given"},
            },
        }
    return {
        "schema_version": "1",
        "parcel": {
            "land_area": f"{rng.randint(2, 90)}亩",
            "land_supply": "newly_supplied",
            "land_tenure": "granted",
        },
        "land_use": {"current": {"gbt21010": "0601"}},
        "new_land": {
            "plot_ratio_indicator": "1.2",
            "plot_ratio_range": {"min": "1.0", "max": "3.0"},
            "approved_factory_floor_area_m2": str(rng.randint(1000, 90000)),
        },
        "approvals": {"factory_floor_area": {"status": "given"}},
    }


def _withheld(pv: Any) -> bool:
    return pv.outcome in (Outcome.DOES_NOT_APPLY, Outcome.UNDETERMINED)


def _check_bounds(verdict: Any) -> None:
    for pv in verdict.provisions:
        value = pv.covered.value if pv.covered else None
        if not isinstance(value, (Decimal, Fraction)) or _withheld(pv):
            continue
        if pv.provision.id == "P1":
            numbers = {q.name: q.value for q in pv.quantities}
            # never below 0: each bound counts from 0 when it is negative
            assert 0 <= value <= max(0, numbers["counted_floor_area_added_m2"])
            assert value <= max(0, numbers["production_floor_area_added_m2"])
        if pv.provision.id == "P2":
            approved = verdict.parcel.new_land.approved_factory_floor_area_m2
            assert 0 <= value <= approved


def _check_structured(verdict: Any, data: dict[str, Any]) -> None:
    full = verdict_data(verdict)
    brief = brief_record(PACK, verdict.parcel, verdict.source)
    for pv, jp, bp in zip(verdict.provisions, full["provisions"], brief["provisions"], strict=True):
        text = draw_plain(_tree(pv), 100) or ""
        if _withheld(pv):
            assert jp["covers"] is None or jp["covers"]["value"] is None, jp
            assert jp["covers"] is None or jp["covers"]["withheld"] == pv.outcome.value
            assert bp["covers"] is None or bp["covers"]["value"] is None, bp
            assert "money" not in jp["explain"]
            assert "concerns" not in text, text
            assert not any(s.title.startswith("illustration") for s in sections(verdict, pv, "en"))
        elif pv.outcome is Outcome.NEEDS_REVIEW and pv.covered is not None:
            assert jp["covers"]["if_it_applies"] is True
            assert CONCERNS not in text or "if it applies" in text
            assert "money" not in jp["explain"]


def _tree(pv: Any) -> Node:
    from landrules.report.tree import Label

    root = Node(Label(""))
    provision_tree(root, pv, "en")
    return root


def test_no_area_or_amount_for_a_provision_that_does_not_apply_or_is_undetermined() -> None:
    rng = random.Random(1202)
    items: list[Item] = []
    verdicts = []
    for n in range(PARCELS):
        data = _applying(rng) if n % 4 == 0 else _dense(rng)
        if rng.random() < 0.7:
            data["land_price"] = PRICE
        verdict = _verdict(data)
        _check_bounds(verdict)
        _check_structured(verdict, data)
        items.append(Item(f"p{n}.yaml", data=data, raw={"n": str(n)}))
        verdicts.append(verdict)
    results = [evaluate_item(PACK, item, record="brief") for item in items]
    summary = Summary([v[0].provision.id for v in PACK.versions()])
    table = io.StringIO(newline="")
    writer = CsvWriter(table, pack=PACK, columns=["n"], bom=False)
    layer = io.StringIO()
    geo = GeoJsonWriter(layer)
    geo.start({})
    for result in results:
        writer.write(result)
        geo.write(result)
        summary.add(result)
    writer.finish(summary)
    geo.finish(summary)
    rows = list(csv.DictReader(io.StringIO(table.getvalue())))
    features = json.loads(layer.getvalue())["features"]
    for verdict, row, feature in zip(verdicts, rows, features, strict=True):
        for pv in verdict.provisions:
            pid = pv.provision.id
            if pv.covered is None:
                continue
            cells = (row[f"landrules.{pid}.area_m2"], row[f"landrules.{pid}.area_m2_if_it_applies"])
            props = feature["properties"]
            numbers = (
                props[f"landrules_{pid}_area_m2"],
                props[f"landrules_{pid}_area_m2_if_it_applies"],
            )
            if _withheld(pv):
                assert cells == ("", "") and numbers == (None, None), (pid, pv.outcome, row)
            elif pv.outcome is Outcome.NEEDS_REVIEW:
                assert cells[0] == "" and numbers[0] is None, (pid, row)
    amounts = sum(
        1
        for v in verdicts
        for pv in v.provisions
        if v.parcel.land_price is not None
        and pv.amount_allowed
        and pv.provision.outcome.kind == "waiver"
        and isinstance(pv.covered.value, (Decimal, Fraction))
    )
    entries = [Entry(f"p{n}.yaml", v) for n, v in enumerate(verdicts[:200])]
    report = Report(PACK, summary, entries, "en")
    shown = sum(
        1
        for v in verdicts[:200]
        for pv in v.provisions
        if v.parcel.land_price is not None
        and pv.amount_allowed
        and pv.provision.outcome.kind == "waiver"
        and isinstance(pv.covered.value, (Decimal, Fraction))
    )
    assert render_markdown(report).count(AMOUNT) == shown
    assert " ".join(render_html(report).split()).count(AMOUNT) == shown
    assert amounts > 0  # the property is not vacuous


def test_p1_covers_only_the_rise_when_offices_are_demolished() -> None:
    """Issue 12.1: +5000 m² factory, −3000 m² offices on 20000 m²: the rise is 2000 m²."""
    data: dict[str, Any] = {
        "schema_version": "1",
        "parcel": {"land_area_m2": "20000", "land_supply": "existing", "land_tenure": "granted"},
        "land_use": {
            "current": {"gbt21010": "0601", "planning_class": "M2"},
            "proposed": {"gbt21010": "0601", "planning_class": "M2"},
            "planned": {"planning_class": "M2"},
        },
        "project": {"kind": "technical_renovation", "works": ["extend_multistorey_factory"]},
        "floor_area": {
            "before": {"production_m2": "15000", "non_production_m2": "5000"},
            "after": {"production_m2": "20000", "non_production_m2": "2000"},
        },
        "approvals": {
            "urban_rural_planning": {"status": "given"},
            "environmental": {"status": "given"},
        },
        "land_price": PRICE,
    }
    p1 = _verdict(data).provisions[0]
    assert p1.outcome is Outcome.APPLIES
    assert p1.covered is not None and p1.covered.value == 2000
    quantities = {q.name: q.value for q in p1.quantities}
    assert quantities["production_floor_area_added_m2"] == 5000
    assert quantities["counted_floor_area_added_m2"] == 2000


# --- 3. Trigger soundness ------------------------------------------------------------------

TRIGGERS: dict[str, tuple[str, Any]] = {
    # review id: (the fact that alone raises its question, a value that raises it)
    "P1.review.non-production-area": (
        "floor_area",
        {
            "before": {"production_m2": "1000", "non_production_m2": "0"},
            "after": {"production_m2": "5000", "non_production_m2": "800"},
        },
    ),
    "P1.review.no-production-area-added": (
        "floor_area",
        {
            "before": {"production_m2": "5000", "non_production_m2": "0"},
            "after": {"production_m2": "5000", "non_production_m2": "800"},
        },
    ),
    "P1.review.allocated-land": ("parcel.land_tenure", "allocated"),
    "P1.review.planned-use-changed": ("land_use.planned", {"planning_class": "R2"}),
    "P1.review.industrial-subclass-change": ("land_use.proposed", {"planning_class": "M0"}),
    "P3.review.industrial-subclass-change": ("land_use.proposed", {"planning_class": "M0"}),
    "P2.review.allocated-land": ("parcel.land_tenure", "allocated"),
    "P2.review.above-planning-range": ("new_land", None),
}


def _raise(rng: random.Random, data: dict[str, Any], review: str) -> None:
    name, value = TRIGGERS[review]
    if review.endswith("industrial-subclass-change"):
        current = data.setdefault("land_use", {}).get("current") or {"gbt21010": "0601"}
        current = {k: v for k, v in current.items() if k != "planning_class"}
        if current.get("ydyh") in ("100101", "100102", "100103") or not current:
            current = {"gbt21010": "0601"}
        data["land_use"]["current"] = current  # industrial, its sub-class not stated
        proposed = {"gbt21010": "0601", "planning_class": "M0"}
        data["land_use"]["proposed"] = proposed
    elif review == "P2.review.above-planning-range":
        land = rng.randint(1000, 90000)
        data.setdefault("parcel", {}).pop("land_area", None)
        data["parcel"]["land_area_m2"] = str(land)
        top = rng.choice(["1.5", "2.0", "3.0"])
        area = land * Fraction(top) + rng.randint(1, 5000)  # above the maximum
        area = Fraction(int(area) + 1)
        data["new_land"] = {
            "plot_ratio_indicator": "1.2",
            "plot_ratio_range": {"min": "1.0", "max": top},
            "approved_factory_floor_area_m2": str(area),
        }
    else:
        data.pop("buildings", None) if name == "floor_area" else None
        put(data, name, copy.deepcopy(value))


def test_a_review_whose_question_the_given_facts_raise_never_lets_a_provision_apply() -> None:
    rng = random.Random(1203)
    reviews = list(TRIGGERS)
    for n in range(PARCELS):
        review = reviews[n % len(reviews)]
        data = _dense(rng)
        _raise(rng, data, review)
        verdict = _verdict(data)
        pv = next(p for p in verdict.provisions if p.provision.id == review.split(".")[0])
        assert pv.outcome is not Outcome.APPLIES, (review, data)
        assert review not in {f.review.id for f in pv.pending}, (review, data)


def test_a_change_to_m0_from_0601_without_a_sub_class_is_reviewed_not_left_unchecked() -> None:
    """Issue 12.3: the sub-class review was "not checked" and P1 applied."""
    data: dict[str, Any] = {
        "schema_version": "1",
        "parcel": {"land_area_m2": "20000", "land_supply": "existing", "land_tenure": "granted"},
        "land_use": {
            "current": {"gbt21010": "0601"},
            "proposed": {"gbt21010": "0601", "planning_class": "M0"},
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
        "land_price": PRICE,
    }
    verdict = _verdict(data)
    p1 = verdict.provisions[0]
    assert p1.outcome is Outcome.NEEDS_REVIEW
    assert [f.review.id for f in p1.triggered] == ["P1.review.industrial-subclass-change"]
    assert "money" not in verdict_data(verdict)["provisions"][0]["explain"]


# --- 4. Date -------------------------------------------------------------------------------

DATES = ("2010-03-01", "2014-12-31", "2015-06-30", "2016-01-01", "2019-06-25", "2024-05-06")
FLIPS = {
    "applies": ("does_not_apply", "undetermined"),
    "does_not_apply": ("applies", "undetermined"),
}


def test_supplying_an_application_date_flips_nothing_unless_the_version_in_force_differs() -> None:
    rng = random.Random(1204)
    checked = 0
    for _ in range(PARCELS):
        data = _dense(rng)
        data.pop("application_date", None)
        day = rng.choice(DATES)
        before = {pv.provision.id: pv.outcome.value for pv in _verdict(data).provisions}
        after = {
            pv.provision.id: pv.outcome.value
            for pv in _verdict({**data, "application_date": day}).provisions
        }
        for versions in PACK.versions():
            pid = versions[0].provision.id
            now = choose_version(versions, AsOf(TODAY, "today"))
            then = choose_version(versions, AsOf(date.fromisoformat(day), "application_date"))
            if now == then:
                checked += 1
                assert after[pid] not in FLIPS.get(before[pid], ()), (pid, day, data)
    assert checked > 0


def test_a_parcel_without_a_date_is_judged_as_of_today_and_says_so() -> None:
    """Issue 12.8: no application_date was read as 'the only version is in force'."""
    from conftest import EXAMPLES

    from landrules.api import read_parcel

    data = read_parcel(EXAMPLES / "p1-applies-renovation.yaml").model_dump(
        mode="json", exclude_none=True
    )
    del data["application_date"]
    p1 = _verdict(data).provisions[0]
    assert p1.outcome is Outcome.APPLIES
    assert p1.version.en.startswith("judged as of 2026-12-02: no application_date given")
    early = _verdict({**data, "application_date": "2010-03-01"}).provisions[0]
    assert early.outcome is Outcome.DOES_NOT_APPLY  # a change of date: no version then


def test_a_register_column_in_mu_is_computed_exactly_too(tmp_path: Any) -> None:
    """Issue 12.2 through a register: `用地面积（亩）` was rounded to 0.01 m² while read, so
    2 亩 at the indicator left 0.01 m² "above" it and P2 applied."""
    from conftest import invoke_cli

    path = tmp_path / "mu.csv"
    path.write_text(
        "parcel.code,用地面积（亩）,parcel.land_supply,land_use.current.gbt21010,"
        "new_land.plot_ratio_indicator,new_land.approved_factory_floor_area_m2,"
        "approvals.factory_floor_area\nG1,2,newly_supplied,0601,1.5,2000,given\n",
        encoding="utf-8",
    )
    result = invoke_cli(["check", str(path), "--format", "csv"])
    row = next(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert row["landrules.P2.outcome"] == "does_not_apply", result.describe()
    assert row["landrules.P2.area_m2"] == ""


def test_after_the_last_evidence_the_outcome_line_says_in_force_is_not_confirmed(
    tmp_path: Any,
) -> None:
    """Issue 12.7: the caveat is on the outcome's own line (text heading, JSON field, CSV
    column), without turning the verdict into needs review; none before the evidence, and none
    on a provision that does not apply."""
    from conftest import EXAMPLES, invoke_cli

    example = str(EXAMPLES / "p1-applies-renovation.yaml")
    text = invoke_cli(["check", example]).stdout
    heading = next(line for line in text.splitlines() if " P1 " in line)
    assert heading.startswith("├── P1 APPLIES (in force on 2024-05-06 not confirmed:"), heading
    data = json.loads(invoke_cli(["check", example, "--format", "json"]).stdout)
    p1, p2 = data["provisions"][:2]
    assert p1["outcome"] == "applies"
    assert (
        "the last evidence that 慈政发〔2015〕40号 is applied is 慈经信建〔2019〕13号 (2019)"
        in (p1["in_force_caveat"]["en"])
    )
    assert p2["outcome"] == "does_not_apply" and p2["in_force_caveat"] is None
    table = invoke_cli(["check", example, "--format", "csv"]).stdout.lstrip("\ufeff")
    row = next(csv.DictReader(io.StringIO(table)))
    assert row["landrules.P1.caveat"].startswith("in force on 2024-05-06 not confirmed")
    early = invoke_cli(["check", example, "--as-of", "2016-06-01", "--format", "json"]).stdout
    assert json.loads(early)["provisions"][0]["in_force_caveat"] is None


QUANTITY_PATHS = (
    "derive.py",
    "evaluate.py",
    "explain.py",
    "facts.py",
    "model/types.py",
    "model/parcel.py",
    "report/data.py",
    "report/tabular.py",
    "report/text.py",
    "report/html.py",
    "report/markdown.py",
    "report/explained.py",
)


def test_quantities_never_pass_through_float_and_are_rounded_in_one_place() -> None:
    """The class of issue 12.2: one display rounding (`round_half_up`), no float, no quantize
    elsewhere. (`round(r.mean, 3)` ranks missing facts and the chart rounds pixels: no quantity.)"""
    import re

    from conftest import ROOT

    allowed = {
        ("explain.py", "round(r.mean, 3)"),
        ("report/html.py", "round(height * n / top)"),  # a bar's height in the chart's pixels
    }
    found = []
    for name in QUANTITY_PATHS:
        source = (ROOT / "landrules" / name).read_text(encoding="utf-8")
        for match in re.finditer(r"\bfloat\(|\bround\([^)]*\)|\.quantize\(", source):
            line = source[: match.start()].count("\n") + 1
            text = source.splitlines()[line - 1].strip()
            if any(name == a and snippet in text for a, snippet in allowed):
                continue
            before = source[: match.start()]
            inside = "def round_half_up" in before and "def exact_text" not in before
            if name == "model/types.py" and inside:
                continue
            found.append(f"{name}:{line}: {text}")
    assert found == []

"""The applicant's page of `landrules serve`, in the system Chromium through Playwright.

Must-show 1 of issue 15: from an empty page to a P1 *applies* verdict in Chinese and in English,
a bad value's hint beside its field, a register upload giving the report, no console error, and
no sideways scrolling on a 390 px phone.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from serving import running_server
from test_report import ARTIFACTS, system_chromium

ANSWERS = {
    "parcel.land_supply": "existing",
    "parcel.land_tenure": "granted",
    "land_use.current": "0601",
    "land_use.proposed": "0601",
    "land_use.planned": "M2",
    "project.kind": "technical_renovation",
    "project.works": "new_multistorey_factory",
    "approvals.urban_rural_planning": "given",
    "approvals.environmental": "given",
    "parcel.land_area_m2": "20000",
    "floor_area.before.production_m2": "15000",
    "floor_area.before.non_production_m2": "1000",
    "floor_area.after.production_m2": "31000",
    "floor_area.after.non_production_m2": "1000",
    "application_date": "2024-05-06",
}
"""The facts of examples/p1-applies-renovation.yaml, as an applicant would answer them."""
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with running_server() as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """The system Chromium, as tests/test_report.py launches it, in a UTF-8 locale (the tests
    unset the machine's; without one Chromium drops a file named 台账.csv from an upload)."""
    yield from system_chromium({**os.environ, "LANG": "C.UTF-8"})


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    page = browser.new_page(viewport=PHONE)
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    page.close()


def _ready(page: Any) -> int:
    return int(page.get_attribute("body", "data-ready") or 0)


def _answer(page: Any, fact: str, value: str) -> None:
    """Answer one question as a person does, and wait for the verdict to be redrawn."""
    before = _ready(page)
    box = page.locator(f'.q[data-fact="{fact}"]')
    if box.locator("select").count():
        box.locator("select").select_option(value)
    elif box.locator("input[type=checkbox]").count():
        box.locator(f'input[type=checkbox][value="{value}"]').check()
    else:
        box.locator("input[type=text]").fill(value)
        box.locator("input[type=text]").press("Tab")
    page.wait_for_function(f"() => Number(document.body.dataset.ready || 0) > {before}")


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide on a {PHONE['width']} px phone"


@pytest.mark.parametrize(("lang", "applies"), [("zh", "适用"), ("en", "APPLIES")])
def test_from_an_empty_page_to_p1_applies(server: str, page: Any, lang: str, applies: str) -> None:
    page.goto(f"{server}/?lang={lang}")
    page.wait_for_function("() => Number(document.body.dataset.ready || 0) > 0")
    assert page.get_attribute("#verdict", "data-p1") == "undetermined"
    answered: list[str] = []
    while page.get_attribute("#verdict", "data-p1") != "applies":
        needed = page.eval_on_selector_all(".q:not(.answered)", "qs => qs.map(q => q.dataset.fact)")
        todo = [f for f in needed if f in ANSWERS and f not in answered]
        assert todo, f"asked only {needed} after {answered}"
        answered.append(todo[0])
        _answer(page, todo[0], ANSWERS[todo[0]])
        assert len(answered) <= len(ANSWERS)
    p1 = page.locator("#verdict details").first
    assert applies.lower() in p1.locator("summary").inner_text().lower()
    assert "「不再征收土地价款」" in p1.inner_text()  # the quote, beside the reasoning
    assert p1.locator("li.r-true").count() >= 8  # every condition, ticked
    with page.expect_download() as download:
        page.click("#download")
    assert download.value.suggested_filename == "parcel.yaml"
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "technical_renovation" in text and "'0601'" in text
    _no_sideways_scroll(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"serve-page-{lang}.png"), full_page=True)
    assert page.errors == []


def test_a_bad_value_shows_its_hint_beside_its_field(server: str, page: Any) -> None:
    page.goto(f"{server}/?lang=en")
    page.wait_for_function("() => Number(document.body.dataset.ready || 0) > 0")
    _answer(page, "parcel.land_supply", "existing")
    _answer(page, "parcel.land_area_m2", "12,000")  # as Excel shows it: refused, with its fix
    hint = page.locator('.q[data-fact="parcel.land_area_m2"] .hint')
    assert "write 12000" in hint.inner_text()
    _answer(page, "parcel.land_area_m2", "20000")
    assert hint.inner_text() == ""
    assert page.errors == []


def test_a_register_upload_gives_the_report(server: str, page: Any, tmp_path: Path) -> None:
    register = tmp_path / "台账.csv"
    register.write_bytes((ROOT / "tests/fixtures/bad/registers/reg-extra-cell.csv").read_bytes())
    page.goto(f"{server}/?lang=zh")
    page.wait_for_function("() => Number(document.body.dataset.ready || 0) > 0")
    page.set_input_files("#register input[type=file]", str(register))
    page.click("#register button[type=submit]")
    page.wait_for_url("**/v1/report?lang=zh")
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == page.evaluate("document.title")
    assert page.locator("#summary").count() == 1
    # the report's own script runs under its CSP: it draws the table, error rows marked in place
    page.select_option("#f-outcome", "error")
    assert "upload.csv:3" in (page.text_content("#parcels tbody tr.error") or "")
    page.select_option("#f-outcome", "")
    page.click("#parcels thead th[data-col='0']")
    assert page.get_attribute("#parcels thead th[data-col='0']", "aria-sort") == "ascending"
    assert page.errors == []

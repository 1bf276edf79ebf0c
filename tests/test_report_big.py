"""Issue 14, must-show 1: the HTML report of a 10,000-parcel register in the system Chromium.

The register is generated here with the project's own generators (tests/generators.py) and
written as Excel writes "CSV UTF-8": a BOM, CRLF, Chinese headers and values, fields quoted only
where needed; a few rows carry errors a clerk makes, and one name is hostile HTML. The issue's
budgets are measured inside the page (performance.now(), the paint timing entries) and asserted
on the best of 3 tries, so a busy 2-core machine does not fail them by a stray stall:
the file <= 15 MB, first paint (and the table drawn) <= 2 s, a sort or filter <= 300 ms.
Screenshots at 1280 and 390 px go to tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, invoke_cli
from generators import parcel_data
from register_fixtures import CHINESE, chinese_headers, flat_examples, flat_record, write_geojson
from test_report import ARTIFACTS, browser  # noqa: F401  (the system Chromium fixture)

from landrules.registers import REGISTER_FIELDS, record_as_row

PARCELS = 10_000
MB = 1_000_000
FILE_BUDGET = 15 * MB
PAINT_BUDGET_MS = 2000
ACTION_BUDGET_MS = 300
BAD_EVERY = 997  # a row with a thousands separator in its land area: an input error
HOSTILE = '</script><script>window.pwned=1</script><!-- <img src=x onerror="window.pwned=2">'


def _name(n: int) -> str:
    return HOSTILE if n == 4321 else f"宁波第{n}机械厂"


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return "、".join(CHINESE.get(v, v) for v in value)
    return CHINESE.get(value, value)


def _register(target: Path) -> Path:
    """10,000 rows: generated parcels, every 50th one of the flat examples (so every outcome
    and an area concerned appear), a few located errors, and one hostile name."""
    rng = random.Random(14)
    examples = [flat_record(p) for p in flat_examples()]
    records: list[dict[str, Any]] = []
    while len(records) < PARCELS:
        n = len(records)
        if n % 50 == 7:
            row = dict(examples[(n // 50) % len(examples)])
        else:
            data = parcel_data(rng, density=0.8)
            data.pop("buildings", None)
            data.get("approvals", {}).pop("other", None)
            found = record_as_row(data)
            if found is None:
                continue
            row = found
        row["parcel.code"] = f"330282{n:06d}"
        row["parcel.name"] = _name(n)
        if n % BAD_EVERY == 5:
            row.pop("parcel.land_area", None)
            row["parcel.land_area_m2"] = "1,2000"  # no Excel format: refused
        records.append(row)
    used = {f for r in records for f in r}
    fields = [f for f in REGISTER_FIELDS if f in used]
    names = chinese_headers()
    with target.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)  # QUOTE_MINIMAL and "\r\n", as Excel saves CSV UTF-8
        writer.writerow([names[x] for x in fields])
        for record in records:
            writer.writerow([_cell(record.get(x, "")) for x in fields])
    return target


@pytest.fixture(scope="module")
def big_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("big")
    register = _register(folder / "宗地台账.csv")
    assert register.read_bytes().startswith(b"\xef\xbb\xbf") and b"\r\n" in register.read_bytes()
    out = folder / "report.html"
    result = invoke_cli(["report", str(register), "-o", str(out), "--lang", "zh"])
    assert result.exit_code == 3, result.describe()  # input errors: reported, and exit 3
    assert out.exists()
    return out


def _open(chromium: Any, report: Path, width: int) -> tuple[Any, list[str]]:
    page = chromium.new_page(viewport={"width": width, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: problems.append(r.url) if r.url != report.as_uri() else None)
    page.goto(report.as_uri())
    page.wait_for_load_state("load")
    return page, problems


_FIRST_PAINT = """() => {
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  const table = performance.getEntriesByName("landrules-table")[0];
  return [paint ? paint.startTime : Infinity, table ? table.startTime : Infinity];
}"""

_TIMED = """([selector, kind, value]) => {
  const target = document.querySelector(selector);
  const start = performance.now();
  if (kind === "click") { target.click(); }
  else { target.value = value; target.dispatchEvent(new Event(kind)); }
  document.body.getBoundingClientRect();  // the layout the new rows need, inside the timing
  return performance.now() - start;
}"""


_SORTED = """([names, step]) => {
  const asc = names.slice().sort((a, b) => a.localeCompare(b, "zh", {numeric: true}));
  return step === "asc" ? asc : asc.reverse();
}"""


def _timed(page: Any, selector: str, kind: str = "click", value: str = "") -> float:
    return float(page.evaluate(_TIMED, [selector, kind, value]))


def _shown(page: Any, column: int) -> list[str]:
    return page.eval_on_selector_all(
        f"#parcels tbody tr[data-row] td:nth-child({column + 1})",
        "cs => cs.map(c => c.textContent)",
    )


def test_a_10000_parcel_report_is_small_and_paints_within_budget(
    browser: Any,  # noqa: F811
    big_report: Path,
) -> None:
    size = big_report.stat().st_size
    print(f"report of {PARCELS} parcels: {size / MB:.1f} MB")
    assert size <= FILE_BUDGET
    tries = []
    for _ in range(3):
        page, problems = _open(browser, big_report, 1280)
        tries.append(max(page.evaluate(_FIRST_PAINT)))
        assert problems == []
        page.close()
    print(f"first paint and table drawn (ms, 3 tries): {tries}")
    assert min(tries) <= PAINT_BUDGET_MS


def test_sorting_and_filtering_10000_parcels_within_budget(
    browser: Any,  # noqa: F811
    big_report: Path,
) -> None:
    page, problems = _open(browser, big_report, 1280)
    page.wait_for_function("performance.getEntriesByName('landrules-sort-ready').length > 0")
    register_order = _shown(page, 0)
    assert register_order == [str(n) for n in range(1, 101)]
    timings: dict[str, list[float]] = {}
    for _ in range(3):
        for col in (3, 4, 1):  # name (text), P1 (outcome), source
            for step in ("asc", "desc", "back"):
                timings.setdefault(f"sort {col} {step}", []).append(
                    _timed(page, f"#parcels thead th[data-col='{col}']")
                )
                if col == 3 and step in ("asc", "desc"):
                    expected = page.evaluate(_SORTED, [[_name(n) for n in range(PARCELS)], step])
                    assert _shown(page, 3) == expected[:100]
    assert _shown(page, 0) == register_order, "the third click goes back to register order"
    page.click("#parcels thead th[data-col='3']")
    first = _shown(page, 3)[:12]
    assert first.index("宁波第9机械厂") < first.index("宁波第10机械厂"), "numeric-aware"
    page.click("#parcels thead th[data-col='3']")
    page.click("#parcels thead th[data-col='3']")

    review_p2 = int(
        page.text_content("#summary td[data-provision='P2'][data-outcome='needs_review']")
    )
    for _ in range(3):
        page.select_option("#f-provision", "0")
        timings.setdefault("filter outcome", []).append(
            _timed(page, "#f-outcome", "change", "needs_review")
        )
        timings.setdefault("filter text", []).append(_timed(page, "#f-text", "input", "第99"))
        timings.setdefault("filter clear", []).append(_timed(page, "#f-text", "input", ""))
        page.select_option("#f-outcome", "")
    best = {k: min(v) for k, v in timings.items()}
    print("best of 3 (ms): " + ", ".join(f"{k} {v:.0f}" for k, v in best.items()))
    assert max(best.values()) <= ACTION_BUDGET_MS, best

    page.select_option("#f-provision", "1")
    page.select_option("#f-outcome", "needs_review")
    assert f"共 {review_p2} 条" in page.text_content("#shown")
    assert set(_shown(page, 5)) == {"需审核"}
    page.fill("#f-text", "330282000123")
    page.select_option("#f-outcome", "")
    page.select_option("#f-provision", "")
    assert _shown(page, 2) == ["330282000123"]
    page.fill("#f-text", "")
    page.select_option("#f-outcome", "error")
    errors = page.eval_on_selector_all("#parcels tbody tr.error", "rs => rs.length")
    assert errors == len([n for n in range(PARCELS) if n % BAD_EVERY == 5])
    message = page.text_content("#parcels tbody tr.error")
    assert "1,2000" in message and "用地面积" in message and "宗地台账.csv:" in message
    page.select_option("#f-outcome", "")
    page.fill("#f-text", "pwned")
    assert _shown(page, 3) == [HOSTILE], "a hostile name is shown as text"
    assert page.evaluate("window.pwned") is None
    page.fill("#f-text", "")
    page.click("#parcels tbody tr[data-row] button.why")
    assert page.locator("#parcels tr.why").count() == 1
    assert problems == []

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report-10000-1280.png"
    page.screenshot(path=str(shot), full_page=False)
    print(f"screenshot: {shot}")
    page.close()


def test_the_10000_parcel_report_fits_a_phone_and_prints_without_controls(
    browser: Any,  # noqa: F811
    big_report: Path,
) -> None:
    page, problems = _open(browser, big_report, 390)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.get_attribute("html", "lang") == "zh-CN"
    one_line = page.eval_on_selector_all(
        "#parcels tbody td[class^='o-'], #parcels tbody td.num, #summary td",
        """cs => cs.map(c => { const r = document.createRange(); r.selectNodeContents(c);
                              return r.getClientRects().length; })""",
    )
    assert one_line and set(one_line) == {1}, "an outcome word or a number is never broken"
    page.click("#parcels tbody tr[data-row] button.why")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report-10000-390.png"
    page.screenshot(path=str(shot), full_page=False)
    print(f"screenshot: {shot}")
    page.emulate_media(media="print")
    hidden = page.eval_on_selector_all(
        ".controls, .pager, button.why", "es => es.map(e => getComputedStyle(e).display)"
    )
    assert hidden and set(hidden) == {"none"}
    assert page.is_visible(".print-only")
    assert problems == []
    page.close()


def test_a_geojson_register_gets_a_map_coloured_by_outcome(
    browser: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    layer = write_geojson(tmp_path / "parcels.geojson", flat_examples())
    out = tmp_path / "map.html"
    result = invoke_cli(["report", str(layer), "-o", str(out), "--lang", "en"], cwd=ROOT)
    assert result.exit_code == 0, result.describe()
    page, problems = _open(browser, out, 1280)
    paths = page.eval_on_selector_all(
        "#map path[data-row]", "ps => ps.map(p => [p.getAttribute('class'), p.textContent])"
    )
    assert len(paths) == len(flat_examples())
    p1 = page.eval_on_selector_all(
        "#parcels tbody tr[data-row] td:nth-child(5)", "cs => cs.map(c => c.className)"
    )
    assert [cls for cls, _ in paths] == p1  # coloured by P1's outcome, parcel by parcel
    assert all(title.strip() for _, title in paths)  # the parcel code on hover
    page.select_option("#map-provision", "1")
    p2 = page.eval_on_selector_all(
        "#parcels tbody tr[data-row] td:nth-child(6)", "cs => cs.map(c => c.className)"
    )
    assert (
        page.eval_on_selector_all("#map path", "ps => ps.map(p => p.getAttribute('class'))") == p2
    )
    assert "nothing simplified" in page.text_content("#map-section")
    assert problems == []
    page.close()

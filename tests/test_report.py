"""`landrules report`: the HTML report in a real headless Chromium, and the Markdown variant.

Must-show 5: the page loads with no console errors and fetches nothing, its counts equal the
JSON summary of `landrules check examples --format json`, and clicking a column header re-sorts
the table. A screenshot is left in tests/artifacts/ (git-ignored) and its path printed.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, CliResult

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "tests" / "artifacts"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _json_summary(run_cli: Callable[..., CliResult]) -> dict[str, Any]:
    result = run_cli(["check", "examples", "--format", "json"])
    assert result.exit_code == 0, result.describe()
    return json.loads(result.stdout)["summary"]


def system_chromium(env: dict[str, str] | None = None) -> Iterator[Any]:
    """The system Chromium through Playwright; never a downloaded browser. Skips where either
    is missing, except in CI, where `.ci/run` installs both and a missing one fails."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None  # type: ignore[assignment]
    if CHROMIUM is None or sync_playwright is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but Chromium or Playwright is missing: .ci/run installs them")
        reason = "Chromium (Debian package `chromium`) or pip playwright is not installed"
        print(f"skipped: {reason}")
        pytest.skip(reason)
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS, env=env)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from system_chromium()


@pytest.fixture(scope="module")
def report_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import invoke_cli

    out = tmp_path_factory.mktemp("report") / "report.html"
    result = invoke_cli(["report", "examples", "--output", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.describe()
    return out


def test_the_report_is_one_self_contained_file(report_html: Path) -> None:
    text = report_html.read_text(encoding="utf-8")
    for reference in ("http://", "https://", "src=", "<link", "@import", "url("):
        assert reference not in text, reference
    assert "<svg" in text and "<script>" in text


def test_the_html_report_in_chromium(
    browser: Any, report_html: Path, run_cli: Callable[..., CliResult]
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(report_html.as_uri())
    page.wait_for_load_state("load")
    assert problems == []
    assert requests == [report_html.as_uri()], "the report must fetch nothing"

    summary = _json_summary(run_cli)
    shown = page.eval_on_selector_all(
        "#summary td[data-provision]",
        "cells => cells.map(c => [c.dataset.provision, c.dataset.outcome, c.textContent])",
    )
    counts: dict[str, dict[str, int]] = {}
    for provision, outcome, n in shown:
        counts.setdefault(provision, {})[outcome] = int(n)
    assert counts == summary["outcomes"]
    bars = page.eval_on_selector_all(
        "#chart rect.bar[data-which='all']",
        "rs => rs.map(r => [r.dataset.provision, r.dataset.outcome, +r.dataset.count])",
    )
    assert {(p, o): n for p, o, n in bars} == {
        (p, o): n for p, c in summary["outcomes"].items() for o, n in c.items()
    }
    rows = page.eval_on_selector_all("#parcels tbody tr", "rs => rs.length")
    assert rows == summary["parcels"] - summary["input_errors"]

    def column(index: int) -> list[str]:
        return page.eval_on_selector_all(
            f"#parcels tbody tr td:nth-child({index + 1})",
            "cs => cs.map(c => c.textContent.trim())",
        )

    order = ["applies", "does not apply", "undetermined", "needs review"]
    p1 = list(summary["outcomes"]).index("P1") + 4
    before = column(p1)
    page.click(f"#parcels thead th[data-col='{p1}']")
    after = column(p1)
    assert after == sorted(before, key=order.index) and after != before
    page.click(f"#parcels thead th[data-col='{p1}']")
    assert column(p1) == sorted(before, key=order.index, reverse=True)
    page.click(f"#parcels thead th[data-col='{p1}']")
    assert column(p1) == before, "a third click goes back to register order"
    page.click("#parcels thead th[data-col='3']")
    names = column(3)
    collated = "ns => ns.slice().sort((a, b) => a.localeCompare(b, 'zh', {numeric: true}))"
    assert names == page.evaluate(collated, names) and names != sorted(names)  # 慈 before 宁
    page.click("#parcels tbody button.why")
    assert "「在不改变土地用途的前提下」" in page.text_content("#parcels tr.why")
    assert problems == []

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000
    print(f"screenshot: {shot}")
    page.close()


def test_the_markdown_report_counts_equal_the_json_summary(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    out = tmp_path / "report.md"
    result = run_cli(["report", "examples", "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.describe()
    text = out.read_text(encoding="utf-8")
    summary = _json_summary(run_cli)
    for provision, counts in summary["outcomes"].items():
        row = f"| {provision} | " + " | ".join(str(n) for n in counts.values()) + " |"
        assert row in text
    assert "「在不改变土地用途的前提下」" in text
    assert "what would change it" in text


def test_a_report_in_chinese_keeps_quotes_and_names_outcomes_in_chinese(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    out = tmp_path / "report.html"
    result = run_cli(["report", "examples/p2-applies.yaml", "-o", str(out), "--lang", "zh"])
    assert result.exit_code == 0, result.describe()
    text = out.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in text
    assert "适用" in text and '"新增工业用地"' in text  # the quote, in the reasoning data


def test_a_register_row_with_errors_stays_in_the_markdown_table_marked(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    register = tmp_path / "台账.csv"
    register.write_bytes(
        '宗地号,项目名称,用地面积\r\nA1,甲厂,"1,2000"\r\nA2,乙厂,20000\r\n'.encode()
    )
    out = tmp_path / "report.md"
    result = run_cli(["report", str(register), "-o", str(out), "--lang", "zh"])
    assert result.exit_code == 3, result.describe()
    text = out.read_text(encoding="utf-8")
    assert f"| {register}:2 | A1 | 甲厂 | **输入错误** |" in text  # the code beside file:row
    assert f"| {register}:3 | A2 | 乙厂 |" in text
    assert f"`{register}:2:3: 错误[value_error] （宗地号 A1）用地面积：" in text


def test_the_area_total_adds_the_exact_areas_where_the_waiver_applies_and_rounds_once(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    import re
    from fractions import Fraction

    from landrules.derive import display

    records = json.loads(run_cli(["check", "examples", "--format", "json"]).stdout)["results"]
    totals: dict[str, Fraction] = {}
    names: dict[str, str] = {}
    for record in records:
        for p in record["provisions"]:
            covers = p["covers"]
            if covers is not None and p["outcome"] == "applies":
                totals[p["id"]] = totals.get(p["id"], Fraction(0)) + Fraction(covers["value"])
                names[p["id"]] = covers["name"]
    assert totals, "the examples have waivers that apply"
    out = tmp_path / "report.html"
    assert run_cli(["report", "examples", "-o", str(out), "--lang", "en"]).exit_code == 0
    shown = dict(re.findall(r'data-area="(P\d)">([^<]*)<', out.read_text(encoding="utf-8")))
    for pid, total in totals.items():
        assert shown[pid] == display(total, names[pid])
    assert shown["P3"] == "—"  # P3's outcome covers no area


def test_the_map_draws_a_parcel_whole_or_counts_it_as_not_drawn() -> None:
    from landrules.api import load_rules
    from landrules.batch import Summary
    from landrules.problems import Problem
    from landrules.report.html import Entry, Report, render_html

    pack = load_rules(None)
    summary = Summary(["P1", "P2", "P3"])
    square = [[121.2, 30.17], [121.21, 30.17], [121.21, 30.18], [121.2, 30.17]]
    geometries = [
        {"type": "Polygon", "coordinates": [square]},
        {"type": "MultiPolygon", "coordinates": [[square], [square]]},
        {"type": "Point", "coordinates": [121.3, 30.2]},
        {"type": "Polygon", "coordinates": [[*square[:2], ["x", 30.0], square[0]]]},
        None,
    ]
    entries = []
    for n, geometry in enumerate(geometries):
        problem = Problem("layer.geojson", n + 1, 0, "value_error", "a located error")
        data = {"parcel": {"code": f"<b>{n}</b>"}}
        entries.append(Entry(f"layer.geojson:{n + 1}", None, [problem], geometry, data))
        summary.parcels += 1
    html = render_html(Report(pack, summary, entries, "en"))
    paths = html.count("<path data-row=")
    assert paths == 3
    assert "3 parcels drawn, 2 without a geometry" in html
    assert "<title>&lt;b&gt;0&lt;/b&gt;" in html and "<b>0</b>" not in html.split("<script")[0]
    assert html.count('d="M') == 3 and html.split('data-row="1"')[1].count("M") >= 2

"""Plot-ratio requirements as announcements and planning conditions write them (issue 17).

A register copied from land supply announcements (出让公告), one form of `容积率` per row, saved
as Chinese Excel saves a CSV (GBK, CRLF, no BOM) and as an XLSX written by openpyxl: each cell is
read as the test says (minimum / maximum, ≥ or >), gives the P2 outcome it should, and a cell
that cannot be read is an error at its row and column that shows the accepted forms.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import invoke_cli

HEADER = [
    "宗地号",
    "用地面积",
    "供地类型",
    "土地取得方式",
    "地类编码",
    "容积率",
    "建筑密度",
    "绿地率",
    "经批准建设厂房面积",
    "厂房面积经批准",
    "申请日期",
]

# code, land m², requirement as written, approved factory m², building density, green ratio
ROWS: list[tuple[str, str, str, str, str, str]] = [
    ("A01", "11781", "≥1.2", "20000", "≤55%", "≤20%"),  # the real announcement's figures
    ("A02", "20000", "＞1.2", "30000", "", ""),
    ("A03", "20000", "容积率≥1.2", "30000", "", ""),
    ("A04", "20000", "不低于1.2", "30000", "", ""),
    ("A05", "20000", "1.2", "30000", "", ""),
    ("A06", "20000", "1.2-2.0", "30000", "", ""),
    ("A07", "20000", "1.2～2.0", "30000", "", ""),
    ("A08", "20000", "1.2至2.0", "30000", "", ""),
    ("A09", "20000", "≥1.0且≤2.0", "30000", "", ""),
    ("A10", "20000", "1.0≤FAR≤2.0", "30000", "", ""),
    ("A11", "20000", "≤2.0", "30000", "", ""),
    ("A12", "20000", "不超过2.0", "30000", "", ""),
    ("A13", "20000", "1.0≤FAR<1.5", "30000", "", ""),  # reaches a strict maximum
    ("A14", "20000", "1.2 - 2.0", "50000", "≤40%", "20%"),  # above the maximum
    ("A15", "20000", "约1.2", "30000", "", ""),  # cannot be read
    ("A16", "20000", "2.0-1.2", "30000", "", ""),  # inverted
    ("A17", "20000", "≥1.2", "30000", "55", "很多"),  # a green ratio that is not one
]

# code -> (form, min, min strict, max, max strict), as read from the cell
READING: dict[str, tuple[str, str | None, bool | None, str | None, bool | None]] = {
    "A01": ("minimum", "1.2", False, None, None),
    "A02": ("minimum", "1.2", True, None, None),
    "A03": ("minimum", "1.2", False, None, None),
    "A04": ("minimum", "1.2", False, None, None),
    "A05": ("indicator", None, None, None, None),
    "A06": ("range", "1.2", False, "2", False),
    "A07": ("range", "1.2", False, "2", False),
    "A08": ("range", "1.2", False, "2", False),
    "A09": ("range", "1", False, "2", False),
    "A10": ("range", "1", False, "2", False),
    "A11": ("maximum", None, None, "2", False),
    "A12": ("maximum", None, None, "2", False),
    "A13": ("range", "1", False, "1.5", True),
    "A14": ("range", "1.2", False, "2", False),
}

# code -> (P2 outcome, P2 reviews triggered, the area it concerns (applies) or its span)
P2: dict[str, tuple[str, list[str], Any]] = {
    "A01": ("applies", [], "5862.8"),  # 20000 − 1.2 × 11781
    "A02": ("applies", [], "6000"),  # > concerns the same area above 1.2 as ≥
    "A03": ("applies", [], "6000"),
    "A04": ("applies", [], "6000"),
    "A05": ("applies", [], "6000"),
    "A06": ("needs_review", [], {"low": "0", "high": "6000"}),
    "A07": ("needs_review", [], {"low": "0", "high": "6000"}),
    "A08": ("needs_review", [], {"low": "0", "high": "6000"}),
    "A09": ("needs_review", [], {"low": "0", "high": "10000"}),
    "A10": ("needs_review", [], {"low": "0", "high": "10000"}),
    "A11": ("needs_review", ["P2.review.maximum-only"], {"low": "0", "high": "30000"}),
    "A12": ("needs_review", ["P2.review.maximum-only"], {"low": "0", "high": "30000"}),
    "A13": ("needs_review", ["P2.review.above-planning-range"], {"low": "0", "high": "10000"}),
    "A14": ("needs_review", ["P2.review.above-planning-range"], {"low": "10000", "high": "26000"}),
}

COL = {name: i for i, name in enumerate(HEADER, 1)}


def _cells(row: tuple[str, ...]) -> list[str]:
    code, land, requirement, approved, density, green = row
    return [code, land, "新增", "出让", "0601", requirement, density, green, approved, "是", ""]


def write_gbk_csv(path: Path) -> Path:
    """Bytes as Chinese Excel saves "CSV (逗号分隔)": GBK, CRLF line ends, no BOM."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in ROWS:
        writer.writerow(_cells(row))
    path.write_bytes(text.getvalue().encode("gbk"))
    return path


def write_xlsx(path: Path) -> Path:
    """As openpyxl writes it: areas as numbers, a bare plot ratio as the number Excel keeps."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in ROWS:
        cells: list[Any] = _cells(row)
        cells[COL["用地面积"] - 1] = int(row[1])
        cells[COL["经批准建设厂房面积"] - 1] = int(row[3])
        if row[2] == "1.2":
            cells[COL["容积率"] - 1] = 1.2
        sheet.append([c if c != "" else None for c in cells])
    book.save(path)
    return path


@pytest.fixture(params=["gbk-csv", "xlsx"])
def register(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    if request.param == "xlsx":
        pytest.importorskip("openpyxl")
        return write_xlsx(tmp_path / "出让公告.xlsx")
    return write_gbk_csv(tmp_path / "出让公告.csv")


def _records(register: Path) -> tuple[dict[str, dict[str, Any]], str]:
    result = invoke_cli(["check", str(register), "--format", "jsonl", "--as-of", "2019-06-01"])
    assert result.exit_code == 3, result.describe()  # rows A15-A17 are input errors
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    by_code = {  # verdicts only: an error record names its parcel too (issue 13 point 9)
        r["parcel"]["code"]: r
        for r in records
        if r.get("parcel", {}).get("code") and "provisions" in r
    }
    return by_code, result.stderr + result.stdout


def test_each_announcement_form_is_read_as_written_with_its_strictness(register: Path) -> None:
    records, output = _records(register)
    for code, (form, low, low_strict, high, high_strict) in READING.items():
        req = records[code]["planning_conditions"]["plot_ratio_requirement"]
        got = (req["form"], req["min"], req["min_strict"], req["max"], req["max_strict"])
        assert got == (form, low, low_strict, high, high_strict), (code, req, output)
        text = next(r[2] for r in ROWS if r[0] == code)
        assert req["text"] == text, (code, req)
    assert records["A05"]["planning_conditions"]["plot_ratio_requirement"]["value"] == "1.2"


def test_each_form_gives_the_p2_outcome_its_reading_implies(register: Path) -> None:
    records, output = _records(register)
    for code, (outcome, reviews, covered) in P2.items():
        p2 = next(p for p in records[code]["provisions"] if p["id"] == "P2")
        assert p2["outcome"] == outcome, (code, p2, output)
        assert p2["reviews"] == reviews, (code, p2)
        assert p2["covers"]["value"] == covered, (code, p2)
        if code in ("A11", "A12"):
            assert p2["ambiguities"] == ["indicator-is-a-maximum"], (code, p2)


def test_building_density_and_green_ratio_are_carried_as_written(register: Path) -> None:
    records, _ = _records(register)
    assert records["A01"]["planning_conditions"]["building_density"] == "≤55%"
    assert records["A01"]["planning_conditions"]["green_ratio"] == "≤20%"
    assert records["A14"]["planning_conditions"]["green_ratio"] == "20%"
    assert "building_density" not in records["A02"]["planning_conditions"]


def test_a_cell_that_cannot_be_read_is_an_error_at_its_cell_showing_the_accepted_forms(
    register: Path,
) -> None:
    records, output = _records(register)
    name = str(register)
    col = COL["容积率"]
    for code in ("A15", "A16", "A17"):
        assert code not in records
    line = 1 + [r[0] for r in ROWS].index("A15") + 1
    unread = next(x for x in output.splitlines() if x.startswith(f"{name}:{line}:{col}:"))
    assert "容积率" in unread and "'约'" in unread, unread
    for form in ("≥1.2", "1.2-2.0", "1.0≤FAR≤2.0", "不低于1.2", "≤2.0"):
        assert form in unread, unread
    assert "(?" not in unread and "[0-9" not in unread  # no regular expression shown
    line = 1 + [r[0] for r in ROWS].index("A16") + 1
    inverted = output[output.index(f"{name}:{line}:{col}:") :]
    assert "inverted" in inverted.splitlines()[0], inverted
    assert "hint: type 1.2-2.0" in inverted.splitlines()[1], inverted
    line = 1 + [r[0] for r in ROWS].index("A17") + 1
    green = next(x for x in output.splitlines() if x.startswith(f"{name}:{line}:"))
    assert f":{COL['绿地率']}:" in green and "绿地率" in green and "≤55%" in green, green


def test_the_register_output_keeps_the_announcement_columns_without_a_warning(
    tmp_path: Path,
) -> None:
    register = write_gbk_csv(tmp_path / "出让公告.csv")
    out = tmp_path / "result.csv"
    args = [
        "check",
        str(register),
        "--format",
        "csv",
        "--output",
        str(out),
        "--as-of",
        "2019-06-01",
    ]
    result = invoke_cli(args)
    assert "unknown-columns" not in result.stdout + result.stderr, result.describe()
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))
    first = rows[0]
    assert (first["容积率"], first["建筑密度"], first["绿地率"]) == ("≥1.2", "≤55%", "≤20%")
    assert first["landrules.P2.outcome"] == "applies", first


def test_ask_takes_the_indicator_as_the_announcement_writes_it(tmp_path: Path) -> None:
    from conftest import CLI_ENV, EXAMPLES
    from typer.testing import CliRunner

    from landrules.cli import app

    out = tmp_path / "completed.yaml"
    example = EXAMPLES / "p2-undetermined-no-indicator.yaml"
    result = CliRunner().invoke(
        app, ["ask", str(example), "--output", str(out)], input="约1.2\n≥1.2\n", env=CLI_ENV
    )
    assert "≥1.2, 1.2-2.0" in result.stdout, result.stdout  # the question shows the forms
    refused = next(x for x in result.stdout.splitlines() if "not accepted" in x)
    assert "'约'" in refused and "1.0≤FAR≤2.0" in refused, refused
    assert "\nP2 APPLIES" in result.stdout, result.stdout
    written = out.read_text("utf-8")
    import yaml

    new_land = yaml.safe_load(written)["new_land"]  # the answer in its field, comments kept
    assert new_land.get("plot_ratio_requirement") == "≥1.2", written
    assert "plot_ratio_indicator" not in new_land, written


# --- Every accepted spelling, read through the parcel model (YAML and registers use it) -------

SPELLINGS = {
    # text as written: (form, min, min strict, max, max strict)
    "1.2": ("indicator", None, None, None, None),
    "=1.2": ("indicator", None, None, None, None),
    "≥1.2": ("minimum", "1.2", False, None, None),
    "≧1.2": ("minimum", "1.2", False, None, None),
    ">=1.2": ("minimum", "1.2", False, None, None),
    "＞1.2": ("minimum", "1.2", True, None, None),
    ">1.2": ("minimum", "1.2", True, None, None),
    "大于1.2": ("minimum", "1.2", True, None, None),
    "大于等于1.2": ("minimum", "1.2", False, None, None),
    "不低于1.2": ("minimum", "1.2", False, None, None),
    "不小于1.2": ("minimum", "1.2", False, None, None),
    "容积率≥1.2": ("minimum", "1.2", False, None, None),
    "容积率：≥1.2": ("minimum", "1.2", False, None, None),
    "FAR ≥ 1.2": ("minimum", "1.2", False, None, None),
    "1.2≤FAR": ("minimum", "1.2", False, None, None),
    "≤2.0": ("maximum", None, None, "2.0", False),
    "≦2.0": ("maximum", None, None, "2.0", False),
    "<=2.0": ("maximum", None, None, "2.0", False),
    "＜2.0": ("maximum", None, None, "2.0", True),
    "不高于2.0": ("maximum", None, None, "2.0", False),
    "不大于2.0": ("maximum", None, None, "2.0", False),
    "不超过2.0": ("maximum", None, None, "2.0", False),
    "小于2.0": ("maximum", None, None, "2.0", True),
    "1.2-2.0": ("range", "1.2", False, "2.0", False),
    " 1.2 - 2.0 ": ("range", "1.2", False, "2.0", False),
    "1.2～2.0": ("range", "1.2", False, "2.0", False),
    "1.2~2.0": ("range", "1.2", False, "2.0", False),
    "1.2—2.0": ("range", "1.2", False, "2.0", False),
    "1.2至2.0": ("range", "1.2", False, "2.0", False),
    "1.2到2.0": ("range", "1.2", False, "2.0", False),
    "容积率 1.2-2.0": ("range", "1.2", False, "2.0", False),
    "≥1.0且≤2.0": ("range", "1.0", False, "2.0", False),
    "≥1.0并且<2.0": ("range", "1.0", False, "2.0", True),
    "≥1.0,≤2.0": ("range", "1.0", False, "2.0", False),
    "＞1.0，≤2.0": ("range", "1.0", True, "2.0", False),
    "不低于1.0且不超过2.0": ("range", "1.0", False, "2.0", False),
    "1.0≤FAR≤2.0": ("range", "1.0", False, "2.0", False),
    "1.0<FAR<2.0": ("range", "1.0", True, "2.0", True),
    "1.0≤容积率≤2.0": ("range", "1.0", False, "2.0", False),
    "2.0≥FAR≥1.0": ("range", "1.0", False, "2.0", False),
    "1.2-1.2": ("range", "1.2", False, "1.2", False),
}

REFUSED = {
    # text: what the message must say (and the hint, where one is certain)
    "约1.2": ("cannot read '约'", ""),
    "1.2以上": ("cannot read '以上'", ""),
    "2.0-1.2": ("inverted: minimum 2.0 is above maximum 1.2", "write 1.2-2.0"),
    "１.２": ("full-width digits", "in place of １.２: write 1.2"),
    "≥01.2": ("leading zeros", "in place of 01.2: write 1.2"),
    "≥0": ("must be above 0", ""),
    "≥100": ("implausibly large", ""),
    "≥1.2且≥1.5": ("the minimum is given twice", ""),
    "1.2-": ("a range needs one number on each side", ""),
    "1.2 2.0": ("not a form of plot-ratio requirement", ""),
    ">1.2且<1.2": ("no plot ratio meets it", ""),
    "": ("the requirement is empty", ""),
}


def _reading(text: str) -> tuple[Any, ...]:
    from landrules.model.parcel import Parcel

    parcel = Parcel.model_validate(
        {"schema_version": "1", "new_land": {"plot_ratio_requirement": text}}
    )
    assert parcel.new_land is not None
    req: Any = parcel.new_land.plot_ratio_requirement
    assert str(req) == text  # kept exactly as written

    def num(bound: Any) -> str | None:
        return None if bound is None else format(bound.value, "f")

    return (
        req.form,
        num(req.min),
        None if req.min is None else req.min.strict,
        num(req.max),
        None if req.max is None else req.max.strict,
    )


@pytest.mark.parametrize("text", SPELLINGS)
def test_every_accepted_spelling_reads_as_what_it_says(text: str) -> None:
    assert _reading(text) == SPELLINGS[text]


@pytest.mark.parametrize("text", REFUSED)
def test_a_spelling_that_cannot_be_read_is_refused_with_the_accepted_forms(
    text: str, tmp_path: Path
) -> None:
    path = tmp_path / "parcel.yaml"
    path.write_text(
        f'schema_version: "1"\nnew_land:\n  plot_ratio_requirement: "{text}"\n', "utf-8"
    )
    result = invoke_cli(["check", str(path)])
    assert result.exit_code == 3, result.describe()
    problem, hint = REFUSED[text]
    first = result.stderr.splitlines()[0] if result.stderr else result.stdout.splitlines()[0]
    assert first.startswith(f"{path}:3:27: error[value_error] new_land.plot_ratio_requirement: ")
    assert problem in first, result.describe()
    assert "1.2, ≥1.2, >1.2, ≤2.0, 1.2-2.0" in first and "1.0≤FAR≤2.0" in first, first
    if hint:
        assert f"hint: {hint}" in result.stderr + result.stdout, result.describe()


def _p2(tmp_path: Path, new_land: str) -> Any:
    path = tmp_path / "parcel.yaml"
    path.write_text(
        'schema_version: "1"\n'
        'parcel: {land_area_m2: "20000", land_supply: newly_supplied, land_tenure: granted}\n'
        'land_use: {current: {gbt21010: "0601"}}\n'
        "approvals: {factory_floor_area: {status: given}}\n"
        "application_date: 2019-06-01\n"
        f"new_land: {{{new_land}, approved_factory_floor_area_m2: '30000'}}\n",
        "utf-8",
    )
    return path, invoke_cli(["check", str(path), "--format", "json"])


def test_a_requirement_that_disagrees_with_the_indicator_is_an_error_naming_both(
    tmp_path: Path,
) -> None:
    path, result = _p2(tmp_path, "plot_ratio_requirement: ≥1.2, plot_ratio_indicator: '1.5'")
    assert result.exit_code == 3, result.describe()
    message = (result.stderr + result.stdout).splitlines()[0]
    assert message.startswith(f"{path}:6:"), message
    assert "plot_ratio_requirement ≥1.2 and plot_ratio_indicator 1.5 disagree" in message


def test_a_requirement_that_disagrees_with_the_range_is_an_error_naming_both(
    tmp_path: Path,
) -> None:
    range_ = "plot_ratio_range: {min: '1.0', max: '2.0'}"
    _, result = _p2(tmp_path, f"plot_ratio_requirement: 1.2-2.0, {range_}")
    assert result.exit_code == 3, result.describe()
    assert (
        "plot_ratio_requirement 1.2-2.0 and plot_ratio_range (min 1.0, max 2.0) disagree"
        in result.stderr + result.stdout
    )


@pytest.mark.parametrize(
    "new_land",
    [
        "plot_ratio_requirement: ≥1.2, plot_ratio_indicator: '1.20'",
        "plot_ratio_requirement: '1.2', plot_ratio_indicator: '1.2'",
        "plot_ratio_requirement: 1.0-2.0, plot_ratio_indicator: '1.2'",
        "plot_ratio_requirement: 1.2～2.0, plot_ratio_range: {min: '1.2', max: '2.0'}",
    ],
)
def test_a_requirement_that_agrees_with_the_indicator_or_range_is_accepted(
    tmp_path: Path, new_land: str
) -> None:
    _, result = _p2(tmp_path, new_land)
    assert result.exit_code == 0, result.describe()
    p2 = next(p for p in json.loads(result.stdout)["provisions"] if p["id"] == "P2")
    expected = "needs_review" if "plot_ratio_range" in new_land else "applies"
    assert p2["outcome"] == expected, p2


def test_a_geojson_layer_keeps_the_announcement_fields_and_reads_a_number_as_the_indicator(
    tmp_path: Path,
) -> None:
    """As a GIS layer exported with English field names: the requirement as text or a number."""
    base = {
        "parcel.land_area_m2": 20000,
        "parcel.land_supply": "newly_supplied",
        "land_use.current.gbt21010": "0601",
        "new_land.approved_factory_floor_area_m2": 30000,
        "approvals.factory_floor_area.status": "given",
    }
    features = [
        {
            "parcel.code": "G1",
            "new_land.plot_ratio_requirement": "≥1.2",
            "new_land.green_ratio": "≤20%",
        },
        {
            "parcel.code": "G2",
            "new_land.plot_ratio_requirement": 1.2,
            "new_land.building_density": 55,
        },
    ]
    layer = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": None, "properties": {**base, **f}} for f in features
        ],
    }
    path = tmp_path / "出让地块.geojson"
    path.write_text(json.dumps(layer, ensure_ascii=False), "utf-8")
    result = invoke_cli(["check", str(path), "--format", "geojson", "--as-of", "2019-06-01"])
    assert result.exit_code == 0, result.describe()
    out = [f["properties"] for f in json.loads(result.stdout)["features"]]
    assert out[0]["new_land.green_ratio"] == "≤20%" and out[1]["new_land.building_density"] == 55
    assert [p["landrules_P2_outcome"] for p in out] == ["applies", "applies"], out
    assert [str(p["landrules_P2_area_m2"]) for p in out] == ["6000.0", "6000.0"], out


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("≤55%", ""),
        ("20%", ""),
        ("15%-20%", ""),
        ("不低于15%", ""),
        ("≥15%且≤20%", ""),
        ("101%", "the number 101: above 100%"),
        ("很多", "cannot read '很多'"),
        ("１５%", "the number １５: full-width digits"),
        ("容积率≥20%", "not a percentage with an optional comparison"),
    ],
)
def test_a_green_ratio_is_checked_loosely_and_kept_as_written(text: str, problem: str) -> None:
    from pydantic import ValidationError

    from landrules.model.parcel import Parcel

    data = {"schema_version": "1", "new_land": {"green_ratio": text, "building_density": text}}
    try:
        parcel = Parcel.model_validate(data)
    except ValidationError as err:
        assert problem, err
        assert {e["loc"][-1] for e in err.errors()} == {"green_ratio", "building_density"}
        assert problem in str(err.errors()[0]["ctx"]["problem"]), err
        return
    assert not problem
    assert parcel.new_land is not None and parcel.new_land.green_ratio == text


def test_a_register_row_whose_requirement_disagrees_is_an_error_at_the_requirement_cell(
    tmp_path: Path,
) -> None:
    path = tmp_path / "台账.csv"
    path.write_bytes("宗地号,容积率控制指标,容积率\r\nA1,1.5,≥1.2\r\nA2,1.2,≥1.2\r\n".encode("gbk"))
    result = invoke_cli(["check", str(path), "--as-of", "2019-06-01"])
    assert result.exit_code == 3, result.describe()
    errors = [x for x in (result.stderr + result.stdout).splitlines() if "error[" in x]
    assert len(errors) == 1, result.describe()  # A2 agrees: accepted
    assert errors[0].startswith(f"{path}:2:3: error[value_error] (parcel A1) 容积率: "), errors
    assert "requirement ≥1.2 (容积率) and the indicator 1.5 (容积率控制指标) disagree" in errors[0]

"""Must-show 3: CSV and GeoJSON results are the input rows and features, unchanged, with verdict
columns added; the CSV opens with its Chinese intact when read as Excel does (UTF-8 with BOM)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import invoke_cli
from register_fixtures import CRS, flat_examples, write_chinese_csv, write_geojson, write_xlsx

from landrules.api import load_rules
from landrules.batch import Item, Summary, evaluate_item
from landrules.report.tabular import CsvWriter, GeoJsonWriter

VERDICT_COLUMNS = [
    "landrules.P1.outcome",
    "landrules.P1.caveat",
    "landrules.P1.area_m2",
    "landrules.P1.area_m2_if_it_applies",
    "landrules.P1.missing",
    "landrules.P2.outcome",
    "landrules.P2.caveat",
    "landrules.P2.area_m2",
    "landrules.P2.area_m2_if_it_applies",
    "landrules.P2.missing",
    "landrules.P3.outcome",
    "landrules.P3.caveat",
    "landrules.P3.missing",
    "landrules.source",
    "landrules.errors",
]


def read_csv(path: Path, encoding: str = "utf-8-sig") -> list[list[str]]:
    with path.open(encoding=encoding, newline="") as f:
        return list(csv.reader(f))


@pytest.fixture
def register(tmp_path: Path) -> Path:
    """The Chinese CSV register, plus a remark column and a row with a bad cell."""
    path = write_chinese_csv(tmp_path / "台账.csv", flat_examples(), "utf-8-sig")
    rows = read_csv(path)
    rows[0].append("备注")
    for n, row in enumerate(rows[1:], 1):
        row.append(f"  第{n}行 ")
    bad = list(rows[1])
    bad[0], bad[rows[0].index("用地面积（亩）")] = "330282999999GB00001", "-5"
    rows.append(bad)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def test_csv_result_is_the_input_unchanged_plus_verdict_columns(
    register: Path, tmp_path: Path
) -> None:
    out = tmp_path / "结果.csv"
    result = invoke_cli(["check", str(register), "--format", "csv", "--output", str(out)])
    assert result.exit_code == 3, result.describe()  # the bad row is an input error
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # the BOM Excel needs
    rows_in, rows_out = read_csv(register), read_csv(out)
    width = len(rows_in[0])
    assert rows_out[0] == rows_in[0] + VERDICT_COLUMNS
    assert len(rows_out) == len(rows_in)
    for row_in, row_out in zip(rows_in, rows_out, strict=True):
        assert row_out[:width] == row_in  # every cell as read: 0601, blanks, Chinese
    table = [dict(zip(rows_out[0], row, strict=True)) for row in rows_out[1:]]
    first = table[0]
    assert first["宗地号"] == "330282012003GB00123" and first["土地用途代码"] == "0601"
    assert first["用地面积（亩）"] == "30" and first["备注"] == "  第1行 "
    assert (first["landrules.P1.outcome"], first["landrules.P1.area_m2"]) == ("applies", "16000.00")
    assert first["landrules.P2.outcome"] == "does_not_apply"
    assert first["landrules.P3.missing"] == ""
    assert first["landrules.source"] == f"{register}:2"
    assert first["landrules.errors"] == ""
    bad = table[-1]
    assert (
        bad["landrules.P1.outcome"] == ""
        and bad["landrules.source"] == f"{register}:{len(rows_in)}"
    )
    assert (
        bad["landrules.errors"]
        == "col 5 用地面积（亩）: must not be negative (got '-5'; the unit is 亩)"
    )
    undetermined = next(r for r in table if r["landrules.P1.outcome"] == "undetermined")
    assert undetermined["landrules.P1.missing"] == "符合环保要求"  # the register's own header
    coded = tmp_path / "codes.csv"
    invoke_cli(["check", str(register), "--format", "csv", "--codes", "--output", str(coded)])
    rows = read_csv(coded)
    table = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    undetermined = next(r for r in table if r["landrules.P1.outcome"] == "undetermined")
    assert undetermined["landrules.P1.missing"] == "approvals.environmental"  # the field path


def test_csv_result_on_stdout_has_the_bom_too(register: Path) -> None:
    result = invoke_cli(["check", str(register), "--format", "csv"])
    assert result.stdout.startswith("\ufeff宗地号,")
    rows = list(csv.reader(io.StringIO(result.stdout.removeprefix("\ufeff"))))
    assert rows[1][rows[0].index("土地用途代码")] == "0601"


def test_a_result_csv_can_be_checked_again_and_gives_the_same_table(
    register: Path, tmp_path: Path
) -> None:
    first, second = tmp_path / "1.csv", tmp_path / "2.csv"
    invoke_cli(["check", str(register), "-f", "csv", "-o", str(first)])
    again = invoke_cli(["check", str(first), "-f", "csv", "-o", str(second)])
    (warning,) = [line for line in again.stderr.splitlines() if "unknown-columns" in line]
    assert warning.endswith("备注 (column 48)")  # not the landrules.* columns of the first run
    rows1, rows2 = read_csv(first), read_csv(second)
    assert rows2[0] == rows1[0]  # the old verdict columns are replaced, not repeated
    source = rows1[0].index("landrules.source")
    assert [r[:source] for r in rows2] == [r[:source] for r in rows1]


def test_xlsx_to_csv_writes_cells_as_text(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    path = write_xlsx(tmp_path / "台账.xlsx", flat_examples())
    out = tmp_path / "out.csv"
    result = invoke_cli(["check", str(path), "-f", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.describe()
    table = [dict(zip(r[0], row, strict=True)) for r in [read_csv(out)] for row in r[1:]]
    assert table[0]["parcel.land_area_m2"] == "20000"  # an Excel number, without ".0"
    assert table[0]["application_date"] == "2024-05-06"  # an Excel date
    assert table[0]["land_use.current.gbt21010"] == "0601"


def test_json_lines_with_different_keys_per_line_make_one_table(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(
        '{"parcel.code": "G1", "用地面积": "20000"}\n{"parcel.code": "G2", "extra": 1}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    result = invoke_cli(["check", str(path), "-f", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.describe()
    rows = read_csv(out)
    assert rows[0][:3] == ["parcel.code", "用地面积", "extra"]
    assert [r[:3] for r in rows[1:]] == [["G1", "20000", ""], ["G2", "", "1"]]


def test_geojson_result_keeps_features_and_adds_flat_verdict_properties(tmp_path: Path) -> None:
    layer = write_geojson(tmp_path / "parcels.geojson", flat_examples())
    out = tmp_path / "checked.geojson"
    result = invoke_cli(["check", str(layer), "--format", "geojson", "--output", str(out)])
    assert result.exit_code == 0, result.describe()
    given, got = json.loads(layer.read_text("utf-8")), json.loads(out.read_text("utf-8"))
    assert got["type"] == "FeatureCollection"
    assert (got["crs"], got["name"]) == (CRS, "parcels")  # QGIS places the layer where it was
    assert len(got["features"]) == len(given["features"])
    for before, after in zip(given["features"], got["features"], strict=True):
        assert after["geometry"] == before["geometry"]
        props = after["properties"]
        kept = {k: v for k, v in props.items() if not k.startswith("landrules_")}
        assert kept == before["properties"]  # 0601 stays a string, 20000 stays a number
        assert props["landrules_P1_outcome"] in (
            "applies",
            "does_not_apply",
            "undetermined",
            "needs_review",
        )
    first = got["features"][0]["properties"]
    assert first["landrules_P1_area_m2"] == 16000  # a number QGIS can grade by
    assert first["landrules_P2_area_m2"] is None
    assert first["landrules_source"] == f"{layer}:1"
    assert first["landrules_errors"] is None
    assert set(first) >= {"landrules_P1_missing", "landrules_P3_outcome", "landrules_P3_missing"}


def test_yaml_parcels_in_geojson_output_have_null_geometry(tmp_path: Path) -> None:
    examples = [str(p) for p in flat_examples()[:2]]
    result = invoke_cli(["check", *examples, "--format", "geojson"])
    assert result.exit_code == 0, result.describe()
    features = json.loads(result.stdout)["features"]
    assert [f["geometry"] for f in features] == [None, None]
    assert features[0]["properties"]["landrules_source"] == examples[0]


def test_yaml_files_as_csv_give_only_verdict_columns(tmp_path: Path) -> None:
    examples = [str(p) for p in flat_examples()[:2]]
    result = invoke_cli(["check", *examples, "--format", "csv"])
    assert result.exit_code == 0, result.describe()
    rows = list(csv.reader(io.StringIO(result.stdout.removeprefix("\ufeff"))))
    assert rows[0] == VERDICT_COLUMNS
    assert [r[VERDICT_COLUMNS.index("landrules.source")] for r in rows[1:]] == examples


def test_mixing_yaml_files_and_registers_in_one_csv_is_a_usage_error(
    register: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.csv"
    result = invoke_cli(
        ["check", str(register), str(flat_examples()[0]), "-f", "csv", "-o", str(out)]
    )
    assert result.exit_code == 2, result.describe()
    assert "give registers or YAML files, not both" in result.stderr
    assert not out.exists()


def test_registers_with_the_same_columns_share_one_csv_and_different_ones_do_not(
    tmp_path: Path,
) -> None:
    a = write_chinese_csv(tmp_path / "a镇.csv", flat_examples()[:3], "utf-8-sig")
    b = write_chinese_csv(tmp_path / "b镇.csv", flat_examples()[:3], "gb18030")
    same = invoke_cli(["check", str(a), str(b), "-f", "csv"])
    assert same.exit_code == 0, same.describe()
    rows = list(csv.reader(io.StringIO(same.stdout.removeprefix("\ufeff"))))
    sources = [r[-2].rsplit(":", 1)[0] for r in rows[1:]]
    assert sources == [str(a)] * 3 + [str(b)] * 3
    c = tmp_path / "c.csv"
    c.write_text("宗地号,用地面积\nG1,20000\n", encoding="utf-8")
    differ = invoke_cli(["check", str(a), str(c), "-f", "csv"])
    assert differ.exit_code == 2, differ.describe()
    assert "needs registers with the same columns" in differ.stderr


def test_the_csv_writer_alone_holds_early_errors_until_it_knows_the_provisions() -> None:
    """Without `pack`/`columns` (a library caller), the first rows decide the header."""
    pack = load_rules()
    bad = Item(
        "r.csv",
        2,
        data={"schema_version": "1", "parcel": {"land_area_m2": "-5"}},
        columns={"parcel.land_area_m2": (1, "用地面积")},
        raw={"用地面积": "-5"},
    )
    good = Item(
        "r.csv",
        3,
        data={"schema_version": "1", "parcel": {"land_area_m2": "20000"}},
        columns={"parcel.land_area_m2": (1, "用地面积")},
        raw={"用地面积": "20000"},
    )
    out = io.StringIO()
    writer = CsvWriter(out)
    summary = Summary(["P1", "P2", "P3"])
    writer.start({})
    for item in (bad, good):
        result = evaluate_item(pack, item)
        summary.add(result)
        writer.write(result)
    writer.finish(summary)
    rows = list(csv.reader(io.StringIO(out.getvalue().removeprefix("\ufeff"))))
    assert rows[0] == ["用地面积", *VERDICT_COLUMNS]
    assert [r[0] for r in rows[1:]] == ["-5", "20000"]
    assert rows[1][-1].startswith("col 1 用地面积: must not be negative")


def test_the_geojson_writer_streams_one_feature_per_line() -> None:
    pack = load_rules()
    out = io.StringIO()
    writer = GeoJsonWriter(out, members={"crs": CRS})
    writer.start({})
    geometry: dict[str, Any] = {"type": "Point", "coordinates": [121.2, 30.17]}
    item = Item(
        "r.geojson", 1, data={"schema_version": "1"}, raw={"宗地号": "0601"}, geometry=geometry
    )
    writer.write(evaluate_item(pack, item))
    writer.finish(Summary(["P1"]))
    lines = out.getvalue().splitlines()
    assert len(lines) == 3  # head, one feature, tail
    document = json.loads(out.getvalue())
    assert document["crs"] == CRS
    assert document["features"][0]["geometry"] == geometry
    assert document["features"][0]["properties"]["宗地号"] == "0601"


def test_a_csv_result_through_the_process_pool_keeps_the_input_order(tmp_path: Path) -> None:
    rows = read_csv(write_chinese_csv(tmp_path / "seed.csv", flat_examples(), "utf-8-sig"))
    big = tmp_path / "big.csv"
    with big.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(rows[0])
        for n in range(1200):  # more than two chunks of 500: the pool is used
            row = list(rows[1 + n % (len(rows) - 1)])
            row[0] = f"330282{n:06d}GB00001"
            writer.writerow(row)
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    assert invoke_cli(["check", str(big), "-f", "csv", "-j", "1", "-o", str(one)]).exit_code == 0
    assert invoke_cli(["check", str(big), "-f", "csv", "-j", "2", "-o", str(two)]).exit_code == 0
    assert one.read_bytes() == two.read_bytes()

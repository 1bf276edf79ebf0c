"""Shapefiles and GeoPackages in and out (issue 13 points 6 and 11), written by pyogrio/GDAL."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CliResult
from layer_fixtures import CRS, read_csv, square, write_layer
from register_fixtures import flat_examples, write_chinese_csv

from landrules.exitcodes import ExitCode

pyogrio = pytest.importorskip("pyogrio")
from pyogrio import raw  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REGISTER = ROOT / "examples" / "register.csv"

# Field names of at most 10 bytes in GBK, as a .dbf holds them
SHORT = ["宗地号", "权利人", "土地用途", "用地面积"]
SHORT_ROWS = [
    ["330282012003GB00123", "宁波某某机械有限公司", "工业用地", "20000"],
    ["330282201001GB00012", "慈溪市某某橡胶制品厂", "工业用地", "5400.5"],
]


def _outcomes(result: CliResult) -> list[dict[str, str]]:
    records = [json.loads(line) for line in result.stdout.splitlines()]
    return [{p["id"]: p["outcome"] for p in r["provisions"]} for r in records]


def _csv(result: CliResult) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(result.stdout.removeprefix("\ufeff"))))


def _shapefile(folder: Path, *, cpg: bool) -> Path:
    shp = write_layer(folder / "宗地.shp", SHORT, SHORT_ROWS, encoding="GBK")
    assert (folder / "宗地.cpg").read_text().strip() == "GBK"  # what GDAL/QGIS write
    if not cpg:
        (folder / "宗地.cpg").unlink()  # ArcGIS 9 and many exports: a GBK .dbf, no .cpg
    return shp


def test_a_gpkg_of_the_csv_register_gives_the_csv_verdicts(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    paths = flat_examples()
    register = write_chinese_csv(tmp_path / "台账.csv", paths, "utf-8-sig")
    header, rows = read_csv(register)
    gpkg = write_layer(tmp_path / "宗地.gpkg", header, rows, layer="宗地")
    from_csv = run_cli(["check", str(register), "--format", "jsonl"])
    from_gpkg = run_cli(["check", str(gpkg), "--format", "jsonl"])
    assert from_csv.exit_code == from_gpkg.exit_code, from_gpkg.describe()
    assert len(_outcomes(from_gpkg)) == len(paths) == len(rows)
    assert _outcomes(from_gpkg) == _outcomes(from_csv)
    sources = [json.loads(line)["source"] for line in from_gpkg.stdout.splitlines()]
    assert sources == [f"{gpkg}:{n}" for n in range(1, len(rows) + 1)]  # feature positions
    assert "warning" not in from_gpkg.stderr, from_gpkg.stderr


def test_a_gbk_shapefile_with_its_cpg_reads_the_chinese(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    shp = _shapefile(tmp_path, cpg=True)
    result = run_cli(["check", str(shp), "--format", "csv"])
    rows = _csv(result)
    assert [r["权利人"] for r in rows] == [r[1] for r in SHORT_ROWS], result.describe()
    assert [r["用地面积"] for r in rows] == ["20000", "5400.5"]
    assert [r["landrules.fid"] for r in rows] == ["0", "1"]  # GDAL's Shapefile fids
    assert "encoding" not in result.stderr and "unknown" not in result.stderr.lower()


def test_a_gbk_dbf_without_a_cpg_is_read_as_gbk_and_says_so(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    shp = _shapefile(tmp_path, cpg=False)
    # what GDAL alone makes of it: mojibake, the reason for the guess
    assert raw.read(shp)[0]["fields"][0] != "宗地号"
    result = run_cli(["check", str(shp), "--format", "csv"])
    rows = _csv(result)
    assert [r["权利人"] for r in rows] == [r[1] for r in SHORT_ROWS], result.describe()
    assert [r["宗地号"] for r in rows] == [r[0] for r in SHORT_ROWS]
    (notice,) = [line for line in result.stderr.splitlines() if "[encoding]" in line]
    assert notice.startswith(f"{shp}:0:0: warning[encoding]")
    assert "no .cpg" in notice and "GBK (GB18030)" in notice
    assert "--encoding" in result.stderr  # the hint: how to say it when the guess is wrong
    told = run_cli(["check", str(shp), "--format", "csv", "--encoding", "gbk"])
    assert [r["权利人"] for r in _csv(told)] == [r[1] for r in SHORT_ROWS], told.describe()
    assert "[encoding]" not in told.stderr


def test_a_gpkg_with_two_layers_reads_the_first_and_names_both(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    gpkg = write_layer(tmp_path / "宗地.gpkg", SHORT, SHORT_ROWS, layer="现状宗地")
    write_layer(gpkg, SHORT, SHORT_ROWS[:1], layer="规划宗地")
    result = run_cli(["check", str(gpkg)])
    assert result.stdout.count(f"{gpkg}:") == 2, result.describe()
    assert "warning[layers]" in result.stderr
    assert "现状宗地, 规划宗地" in result.stderr and "sheet:" in result.stderr
    mapping = tmp_path / "图层.yaml"
    mapping.write_text("sheet: 规划宗地\n", encoding="utf-8")
    chosen = run_cli(["check", str(gpkg), "--mapping", str(mapping)])
    assert chosen.stdout.count(f"{gpkg}:") == 1, chosen.describe()
    assert "warning[layers]" not in chosen.stderr
    mapping.write_text("sheet: 道路\n", encoding="utf-8")
    missing = run_cli(["check", str(gpkg), "--mapping", str(mapping)])
    assert missing.exit_code == 3, missing.describe()  # an input error
    assert "no layer '道路' (has: 现状宗地, 规划宗地)" in missing.stderr


def test_sheet_names_the_layer_read_and_the_layer_written(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    """`--sheet` picks the layer the rows come from; the result layer is that layer, with its
    fields (a 备注 the first layer lacks is kept, not dropped), never the first layer's."""
    gpkg = write_layer(tmp_path / "宗地.gpkg", SHORT, SHORT_ROWS[:1], layer="现状宗地")
    write_layer(gpkg, [*SHORT, "备注"], [[*r, "核实"] for r in SHORT_ROWS], layer="规划宗地")
    out = tmp_path / "结果.gpkg"
    result = run_cli(
        ["check", str(gpkg), "--sheet", "规划宗地", "--format", "gpkg", "-o", str(out)]
    )
    assert result.exit_code == 0, result.describe()
    info = pyogrio.read_info(out)
    assert info["layer_name"] == "规划宗地"
    assert info["features"] == len(SHORT_ROWS)
    assert list(info["fields"])[: len(SHORT) + 1] == [*SHORT, "备注"]
    meta, _, _, data = raw.read(out)
    assert list(data[list(meta["fields"]).index("备注")]) == ["核实"] * len(SHORT_ROWS)


def test_totals_features_are_skipped_and_named(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    rows = [*SHORT_ROWS, ["合计", "", "", "25400.5"]]
    gpkg = write_layer(tmp_path / "宗地.gpkg", SHORT, rows)
    result = run_cli(["check", str(gpkg), "--format", "jsonl"])
    assert len(result.stdout.splitlines()) == 2, result.describe()
    assert f"{gpkg}:3:0: warning[total-rows]" in result.stderr


def test_a_gpkg_result_keeps_geometry_crs_attributes_and_adds_verdicts(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    header, rows = read_csv(REGISTER)
    gpkg = write_layer(tmp_path / "宗地.gpkg", header, rows, layer="宗地")
    out = tmp_path / "结果.gpkg"
    result = run_cli(["check", str(gpkg), "--format", "gpkg", "-o", str(out)])
    assert result.exit_code == 0, result.describe()
    before = raw.read(gpkg, return_fids=True)
    after = raw.read(out, return_fids=True)
    meta_in, fids_in, geom_in, data_in = before
    meta_out, _, geom_out, data_out = after
    assert pyogrio.read_info(out)["layer_name"] == "宗地"
    assert meta_out["crs"] == meta_in["crs"] == CRS
    assert meta_out["geometry_type"] == "Polygon"
    assert (
        [bytes(g) for g in geom_out] == [bytes(g) for g in geom_in] == [square(n) for n in range(3)]
    )
    fields_out = list(meta_out["fields"])
    assert fields_out[: len(header)] == header
    for name, values_in, dtype in zip(meta_in["fields"], data_in, meta_in["dtypes"], strict=True):
        values_out = data_out[fields_out.index(name)]
        assert meta_out["dtypes"][fields_out.index(name)] == dtype, name
        assert [str(v) for v in values_out] == [str(v) for v in values_in], name
    by_name = dict(zip(fields_out, data_out, strict=True))
    assert list(by_name["landrules_fid"]) == list(fids_in)
    assert list(by_name["landrules_source"]) == [f"{gpkg}:{n}" for n in (1, 2, 3)]
    csv_result = run_cli(["check", str(REGISTER), "--format", "csv"])
    expected = _csv(csv_result)
    for p in ("P1", "P2", "P3"):
        assert list(by_name[f"landrules_{p}_outcome"]) == [
            r[f"landrules.{p}.outcome"] for r in expected
        ]
    assert list(by_name["landrules_errors"]) == [None] * 3
    assert sorted(tmp_path.iterdir()) == sorted([gpkg, out])  # no temporary file left beside it


def test_a_gpkg_result_needs_an_output_file_and_never_replaces_its_input(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    gpkg = write_layer(tmp_path / "宗地.gpkg", SHORT, SHORT_ROWS)
    before = gpkg.read_bytes()
    no_output = run_cli(["check", str(gpkg), "--format", "gpkg"])
    assert no_output.exit_code == ExitCode.USAGE, no_output.describe()
    assert "--output" in no_output.stderr
    onto_input = run_cli(["check", str(gpkg), "--format", "gpkg", "-o", str(gpkg)])
    assert onto_input.exit_code == ExitCode.OUTPUT_ERROR, onto_input.describe()
    assert gpkg.read_bytes() == before


def test_feature_ids_go_to_csv_and_geojson_results(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    layer = tmp_path / "parcels.geojson"
    features = [
        {
            "type": "Feature",
            "id": fid,
            "geometry": {"type": "Point", "coordinates": [121.2, 30.17]},
            "properties": {"parcel.code": code},
        }
        for fid, code in ((17, "A-1"), ("ZD-9", "A-2"))
    ]
    layer.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    geojson = run_cli(["check", str(layer), "--format", "geojson"])
    ids = [f["id"] for f in json.loads(geojson.stdout)["features"]]
    assert ids == [17, "ZD-9"], geojson.describe()
    as_csv = _csv(run_cli(["check", str(layer), "--format", "csv"]))
    assert [r["landrules.fid"] for r in as_csv] == ["17", "ZD-9"]
    out = tmp_path / "结果.gpkg"
    run_cli(["check", str(layer), "--format", "gpkg", "-o", str(out)])
    meta, _, geometries, data = raw.read(out)
    by_name = dict(zip(meta["fields"], data, strict=True))
    fids = list(by_name["landrules_fid"])
    assert fids[0] == 17 and math.isnan(fids[1])  # a text id has no integer fid: null
    assert list(by_name["parcel.code"]) == ["A-1", "A-2"]
    assert meta["geometry_type"] == "Unknown"  # GeoJSON features may mix types
    assert len(geometries) == 2 and all(g is not None for g in geometries)


def test_a_gpkg_read_as_geojson_keeps_its_crs_and_geometry(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    gpkg = write_layer(tmp_path / "宗地.gpkg", SHORT, SHORT_ROWS)
    result = run_cli(["check", str(gpkg), "--format", "geojson"])
    collection = json.loads(result.stdout)
    assert collection["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::4490"
    first = collection["features"][0]
    assert first["id"] == 1
    assert first["geometry"]["type"] == "Polygon"
    assert first["geometry"]["coordinates"][0][0] == [121.2, 30.17]


def test_the_readme_gpkg_command_runs(tmp_path: Path, run_cli: Callable[..., CliResult]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (command,) = re.findall(r"^landrules check 宗地\.gpkg[^\n#]*", readme, flags=re.M)
    header, rows = read_csv(REGISTER)
    write_layer(tmp_path / "宗地.gpkg", header, rows)
    result = run_cli(command.split()[1:], cwd=tmp_path)
    assert result.exit_code == 0, result.describe()
    meta, _, _, _ = raw.read(tmp_path / "结果.gpkg")
    assert "landrules_P1_outcome" in list(meta["fields"])

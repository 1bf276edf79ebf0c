"""The readers' table: every register suffix has its reader; a layer's extras reach its Items."""

from __future__ import annotations

from landrules.inputs import REGISTER_LIMITS, REGISTER_SUFFIXES
from landrules.mapping import load_mapping
from landrules.problems import Problem
from landrules.readers import Format, by_suffix
from landrules.rows import rows_to_items


def test_the_table_reads_exactly_the_suffixes_the_cli_calls_registers() -> None:
    assert tuple(by_suffix()) == REGISTER_SUFFIXES


def test_a_format_gives_rows_or_items_never_both() -> None:
    fmt = by_suffix()[".csv"]
    try:
        Format("both", (".x",), rows=fmt.rows, items=by_suffix()[".jsonl"].items)
    except ValueError as e:
        assert "one of rows= or items=" in str(e)
    else:
        raise AssertionError("a format with two readers was accepted")


def test_a_layer_s_extras_reach_the_item_of_their_row() -> None:
    geometry = {"type": "Point", "coordinates": [121.2, 30.1]}
    rows = [
        (1, ["宗地号", "用地面积"], None),
        (2, ["G1", 20000], {"geometry": geometry}),
        (3, ["G2", 100], None),
    ]
    notices: list[Problem] = []
    items = list(
        rows_to_items(
            "layer.gpkg", rows, load_mapping(), notices.append, REGISTER_LIMITS, extras=True
        )
    )
    assert notices == []
    assert [(i.line, i.raw, i.geometry) for i in items] == [
        (2, {"宗地号": "G1", "用地面积": "20000"}, geometry),
        (3, {"宗地号": "G2", "用地面积": "100"}, None),
    ]

"""yamlio against the adversarial cases of yaml-pitfalls.md §10, on libyaml and on pure PyYAML."""

from __future__ import annotations

import random
import tracemalloc
import typing
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

import pytest
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from landrules import yamlio
from landrules.problems import InputError, Problem
from landrules.yamlio import Document, Limits, load, load_text, locate, validation_problems

GB_HINT = "the file looks like GB18030/GBK: save it as UTF-8, or pass --encoding gb18030"


@pytest.fixture(params=["libyaml", "pure"], autouse=True)
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every case runs on both parsers: the verdict must not depend on the installed wheel."""
    monkeypatch.setenv(yamlio.PURE_ENV, "1" if request.param == "pure" else "0")
    return request.param


def data(text: str) -> object:
    return load_text(text, "t.yaml").data


def problems(text: str, limits: Limits = yamlio.DEFAULT_LIMITS) -> list[tuple[str, int, int]]:
    with pytest.raises(InputError) as exc:
        load_text(text, "t.yaml", limits=limits)
    return [(p.code, p.line, p.col) for p in exc.value.problems]


def only_problem(text: str, limits: Limits = yamlio.DEFAULT_LIMITS) -> Problem:
    with pytest.raises(InputError) as exc:
        load_text(text, "t.yaml", limits=limits)
    assert len(exc.value.problems) == 1, exc.value
    return exc.value.problems[0]


def test_libyaml_is_installed() -> None:
    assert yaml.__with_libyaml__


# --- rows 1-4, 6, 7, 13, 15: every scalar stays the text that was written


def test_codes_and_dates_stay_text() -> None:
    text = (
        "land_use: 0601\n"
        "other: 0801\n"
        "0601: industrial\n"
        "country: NO\n"
        "flag: no\n"
        "t: 12:30\n"
        "approved_on: 2019-06-25\n"
        "area: 1e3\n"
    )
    assert data(text) == {
        "land_use": "0601",
        "other": "0801",
        "0601": "industrial",
        "country": "NO",
        "flag": "no",
        "t": "12:30",
        "approved_on": "2019-06-25",
        "area": "1e3",
    }


def test_plain_nulls_become_none_and_quoted_stay_text() -> None:
    text = "a: ~\nb: null\nc:\nd: '~'\ne: ''\nf: 'null'\ng: [Null, NULL, \"\"]\nnull: x\n"
    assert data(text) == {
        "a": None,
        "b": None,
        "c": None,
        "d": "~",
        "e": "",
        "f": "null",
        "g": [None, None, ""],
        "null": "x",
    }


def test_yaml_version_directive_changes_nothing() -> None:
    assert data("%YAML 1.1\n---\nv: 0601\nb: yes\n") == {"v": "0601", "b": "yes"}


def test_top_level_need_not_be_a_mapping() -> None:
    assert data("- a\n- b\n") == ["a", "b"]
    assert data("just text\n") == "just text"


# --- rows 16-18: duplicate keys


def test_duplicate_top_level_key_names_the_first_line() -> None:
    p = only_problem("area: 100\nowner: x\narea: 999\n")
    assert (p.code, p.line, p.col, p.field) == ("duplicate-key", 3, 1, "area")
    assert "first defined at line 1" in p.message


def test_duplicate_key_inside_a_list_item() -> None:
    p = only_problem("parcels:\n  - id: a\n    area: 1\n    area: 2\n")
    assert (p.code, p.line, p.col, p.field) == ("duplicate-key", 4, 5, "parcels.0.area")
    assert "first defined at line 3, column 5" in p.message


def test_quoted_and_plain_spellings_are_the_same_key() -> None:
    assert problems('a: 1\n"a": 2\n') == [("duplicate-key", 2, 1)]


def test_all_duplicates_are_reported_in_one_pass() -> None:
    text = "a: 1\na: 2\nb: {x: 1, x: 2}\nc: 3\nc: 4\n"
    assert problems(text) == [
        ("duplicate-key", 2, 1),
        ("duplicate-key", 3, 11),
        ("duplicate-key", 5, 1),
    ]


# --- rows 21-27: anchors, aliases, merge keys, tags, complex keys, documents


def test_anchor_and_alias_are_refused_where_written() -> None:
    assert problems("a: &x 1\nb: *x\n") == [("anchor", 1, 4), ("alias", 2, 4)]


def test_billion_laughs_is_refused_fast_and_small() -> None:
    rows = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    rows += [
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    ]
    text = "\n".join(rows) + "\n"
    assert len(text) < 500
    tracemalloc.start()
    try:
        found = problems(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found[0] == ("anchor", 1, 4)
    assert len(found) == yamlio.MAX_PROBLEMS + 1
    assert found[-1][0] == "too-many-errors"
    assert peak < 2_000_000  # nothing is expanded (time: benchmarks/hostile_inputs.py)


def test_merge_key_is_refused() -> None:
    p = only_problem("base: 1\nm:\n  <<: {a: 2}\n  b: 3\n")
    assert (p.code, p.line, p.col) == ("merge-key", 3, 3)


def test_a_quoted_merge_key_is_ordinary_text() -> None:
    assert data("'<<': 1\n") == {"<<": "1"}


TAGGED = [
    ('a: !!python/object/apply:os.system ["touch {m}"]\n', 1, 4),
    ("a: !!python/name:os.system\n", 1, 4),
    ("a: !include /etc/passwd\n", 1, 4),
    ("a: !!str 0601\n", 1, 4),
    ("a: !!int '0601'\n", 1, 4),
    ("a: !!binary aGVsbG8=\n", 1, 4),
    ("a: !!set {x, y}\n", 1, 4),
    ("a: ! 0601\n", 1, 4),
    ("a: !<tag:example.org,2000:x> {b: 1}\n", 1, 4),
    ("- !Parcel {id: 1}\n", 1, 3),
]


@pytest.mark.parametrize(("template", "line", "col"), TAGGED)
def test_every_tag_is_refused_and_nothing_runs(
    template: str, line: int, col: int, tmp_path: Path
) -> None:
    marker = tmp_path / "MARKER"
    assert problems(template.replace("{m}", str(marker))) == [("tag", line, col)]
    assert not marker.exists()


def test_tag_declared_with_a_tag_directive_is_refused(tmp_path: Path) -> None:
    marker = tmp_path / "MARKER"
    text = (
        "%TAG !p! tag:yaml.org,2002:python/object/apply:\n"
        "---\n"
        f'a: !p!os.system ["touch {marker}"]\n'
    )
    assert problems(text) == [("tag", 1, 1), ("tag", 3, 4)]
    assert not marker.exists()


def test_complex_key_is_refused() -> None:
    assert problems("? [a, b]\n: c\nd: 1\n") == [("complex-key", 1, 3)]
    assert problems("{[a]: 1}\n") == [("complex-key", 1, 2)]


def test_second_document_is_refused_at_its_marker() -> None:
    assert problems("a: 1\n---\nb: 2\n") == [("multi-doc", 2, 1)]
    assert problems("---\na: 1\n---\nb: 2\n") == [("multi-doc", 3, 1)]


# --- rows 28, 30: empty files and folded plain values


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n", "\n\n   \n", "--- # c\n...\n"])
def test_empty_file(text: str) -> None:
    p = only_problem(text)
    assert (p.code, p.line, p.col, p.message) == ("empty", 1, 1, "the file is empty")


def test_a_null_document_is_data_not_empty() -> None:
    assert data("~\n") is None


def test_multiline_plain_value_is_refused_and_quoted_form_loads() -> None:
    p = only_problem("owner: 某某\n    科技有限公司\n")
    assert (p.code, p.line, p.col, p.field) == ("multiline-plain", 1, 8, "owner")
    assert p.hint == "put it on one line, or quote it"
    assert data('owner: "某某科技有限公司"\n') == {"owner": "某某科技有限公司"}
    assert data("note: |\n  第一行\n  第二行\n") == {"note": "第一行\n第二行\n"}


# --- character scan


def test_tab_is_refused_anywhere() -> None:
    p = only_problem("a: 1\nb:\t2\n")
    assert (p.code, p.line, p.col) == ("tab", 2, 3)
    assert p.message == "tabs are not allowed in YAML files here; indent with spaces"
    assert problems("a: 1 # note\there\n") == [("tab", 1, 12)]


@pytest.mark.parametrize(
    ("text", "line", "col", "named"),
    [
        ("a: x\x00y\n", 1, 5, "U+0000"),
        ("a: x\x1b[31m\n", 1, 5, "U+001B"),
        ("a: 某某\x85公司\n", 1, 6, "U+0085"),
        ("a: x\u2028y\n", 1, 5, "U+2028"),
        ("a: 1\n\ufeffb: 2\n", 2, 1, "U+FEFF"),
        ("are\u200ba_m2: 1\n", 1, 4, "U+200B"),
        ("a: 1\nb: x\u202ey\n", 2, 5, "U+202E"),
        ("a: x\u2066y\n", 1, 5, "U+2066"),
        ("a: x\u2060y\n", 1, 5, "U+2060"),
    ],
)
def test_control_and_invisible_characters_are_refused(
    text: str, line: int, col: int, named: str
) -> None:
    p = only_problem(text)
    assert (p.code, p.line, p.col) == ("bad-char", line, col)
    assert named in p.message


def test_full_width_or_nbsp_indentation_is_refused() -> None:
    assert problems("parcel:\n\u3000\u3000area: 1\n") == [("bad-indent", 2, 1)]
    assert problems("parcel:\n  \xa0area: 1\n") == [("bad-indent", 2, 3)]
    assert data("a: 某某\u3000公司\n") == {"a": "某某\u3000公司"}


def test_escapes_cannot_smuggle_control_characters() -> None:
    assert problems('a: "x\\e[31m"\n') == [("bad-char", 1, 4)]
    assert data('a: "x\\ty"\n') == {"a": "x\ty"}


# --- rows 31-33: encodings


def write(tmp_path: Path, raw: bytes) -> Path:
    path = tmp_path / "parcel.yaml"
    path.write_bytes(raw)
    return path


def test_utf8_with_bom_loads(tmp_path: Path) -> None:
    path = write(tmp_path, "owner: 某某\n".encode("utf-8-sig"))
    assert load(path).data == {"owner": "某某"}


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be"])
def test_utf16_with_bom_loads(codec: str, tmp_path: Path) -> None:
    raw = "owner: 某某\n".encode(codec)
    if codec == "utf-16-be":
        raw = b"\xfe\xff" + raw
    assert load(write(tmp_path, raw)).data == {"owner": "某某"}


def test_utf16_without_bom_is_an_encoding_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        load(write(tmp_path, "owner: x\narea: 1\n".encode("utf-16-le")))
    p = exc.value.problems[0]
    assert (p.code, p.line, p.col) == ("encoding", 1, 1)
    assert "UTF-16-LE" in p.message
    assert "--encoding utf-16-le" in p.hint


GBK_LINES = ["parcel_id: P1", "land_use: '0601'", "area_m2: '12000'", "approved_on: 2019-06-25"]


def test_gbk_file_is_an_encoding_error_on_its_line(tmp_path: Path) -> None:
    text = "\n".join([*GBK_LINES, "owner: 宁波市某某科技有限公司", ""])
    path = write(tmp_path, text.encode("gbk"))
    with pytest.raises(InputError) as exc:
        load(path)
    (p,) = exc.value.problems
    assert (p.code, p.line, p.col) == ("encoding", 5, 8)
    assert "byte 0xC4 at byte offset 79" in p.message
    assert "宁波市某某科技有限公司" in p.message
    assert p.hint == GB_HINT
    assert load(path, encoding="gb18030").data["owner"] == "宁波市某某科技有限公司"  # type: ignore[index]


def test_gbk_bytes_that_are_valid_utf8_are_not_silently_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, "land_use: '0601'\nowner: 某某\n".encode("gbk"))
    with pytest.raises(InputError) as exc:
        load(path)
    (p,) = exc.value.problems
    assert (p.code, p.line, p.col) == ("encoding", 2, 8)
    assert "ĳĳ" in p.message and "某某" in p.message
    assert load(path, encoding="utf-8").data["owner"] == "ĳĳ"  # type: ignore[index]


def test_latin1_without_gb18030_reading_gets_no_gbk_hint(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        load(write(tmp_path, b"a: 1\nname: caf\xe9\n"))
    (p,) = exc.value.problems
    assert (p.code, p.line, p.col, p.hint) == ("encoding", 2, 10, "")


def test_unknown_encoding_and_missing_file(tmp_path: Path) -> None:
    path = write(tmp_path, b"a: 1\n")
    with pytest.raises(InputError) as exc:
        load(path, encoding="no-such-codec")
    assert exc.value.problems[0].code == "encoding"
    with pytest.raises(InputError) as exc:
        load(tmp_path / "missing.yaml")
    assert exc.value.problems[0].code == "unreadable"


# --- row 38: line endings


def test_crlf_cr_and_mixed_line_endings_give_the_same_data() -> None:
    lf = "a: 1\nb:\n  - x\n  - y\nc: |\n  one\n  two\n"
    expected = data(lf)
    for text in (
        lf.replace("\n", "\r\n"),
        lf.replace("\n", "\r"),
        "a: 1\r\nb:\r  - x\n  - y\r\nc: |\r  one\n  two\r\n",
    ):
        assert data(text) == expected


def test_mixed_line_endings_keep_line_numbers() -> None:
    head = "a: 1\r\nb: 2\rc: 3\nd: 4\r\n"
    assert problems(head + "a: 5\n") == [("duplicate-key", 5, 1)]
    assert problems(head + "e:\tx\n") == [("tab", 5, 3)]
    assert problems(head + "e: [\n") == [("syntax", 5, 4)]  # at the '[': line 6 does not exist
    doc = load_text(head + "e: '0601'\r", "t.yaml")
    assert locate(doc, ("e",)) == (5, 4)


# --- rows 39-42: size and depth caps


def test_file_over_the_byte_cap_is_refused_before_parsing(tmp_path: Path) -> None:
    path = write(tmp_path, b"a: 1\n" * 30)
    with pytest.raises(InputError) as exc:
        load(path, limits=Limits(max_bytes=100))
    assert [(p.code, p.line, p.col) for p in exc.value.problems] == [("too-big", 1, 1)]


def test_huge_file_is_refused_without_reading_it_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as f:
        f.truncate(20 * 1024 * 1024)
    read: list[int] = []
    original = yamlio._read_capped

    def counting(f: typing.BinaryIO, cap: int) -> bytes:
        data = original(f, cap)
        read.append(len(data))
        return data

    monkeypatch.setattr(yamlio, "_read_capped", counting)
    with pytest.raises(InputError) as exc:
        load(path)
    assert exc.value.problems[0].code == "too-big"
    assert read == [yamlio.DEFAULT_MAX_BYTES + 1]


def test_deep_flow_nesting_is_a_clean_error(parser: str) -> None:
    expected = ("too-deep", 1, 1001) if parser == "libyaml" else ("too-deep", 1, 65)
    assert problems("[" * 10_000) == [expected]


def test_deep_block_mapping_is_too_deep() -> None:
    text = "".join("  " * i + "a:\n" for i in range(100))
    assert problems(text) == [("too-deep", 65, 129)]
    assert data("".join("  " * i + "a:\n" for i in range(64))) is not None


def test_long_value_is_too_big() -> None:
    assert problems("a: " + "x" * 200_000 + "\n") == [("too-long", 1, 4)]


def test_more_nodes_than_the_cap_is_too_big() -> None:
    assert problems("- x\n" * 200, Limits(max_nodes=100)) == [("too-many-nodes", 100, 3)]


def test_key_limits() -> None:
    assert problems(f"{'k' * 201}: 1\n") == [("bad-key", 1, 1)]
    assert problems("'': 1\n") == [("bad-key", 1, 1)]


# --- syntax errors and fuzz


def test_syntax_error_is_located_with_libyaml_words() -> None:
    p = only_problem("a: 1\nb: c: d\n")
    assert (p.code, p.line, p.col) == ("syntax", 2, 5)
    assert p.message.startswith("mapping values are not allowed")


def test_full_width_colon_gets_a_hint() -> None:
    with pytest.raises(InputError) as exc:
        load_text("a: 1\n面积：12000\nb: 2\n", "t.yaml")
    assert any("full-width colon" in p.hint for p in exc.value.problems)


def test_punctuation_soup_only_ever_raises_input_error() -> None:
    rng = random.Random(20190625)
    alphabet = [
        "[",
        "]",
        "{",
        "}",
        ":",
        ",",
        "-",
        "?",
        "&a",
        "*a",
        "!!int",
        "!",
        "'",
        '"',
        "#",
        "|",
        ">",
        "---",
        "...",
        "%YAML 1.1",
        "\n",
        "  ",
        "a",
        "0601",
        "某",
        "\\",
        "<<",
    ]
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30)))
        try:
            load_text(text, "fuzz.yaml")
        except InputError as e:
            assert e.problems
            assert all(p.line >= 1 and p.col >= 1 for p in e.problems)


# --- locate


LOCATE_TEXT = """\
# parcel
名称: 某某
buildings:
  - id: B1
    use: 仓库
  - {id: B2, use: ''}
area_m2:
"""


def test_locate_values_keys_and_prefixes() -> None:
    doc = load_text(LOCATE_TEXT, "t.yaml")
    assert doc._marks is None
    assert locate(doc, ()) == (2, 1)
    assert locate(doc, ("名称",)) == (2, 5)
    assert locate(doc, ("buildings", 0)) == (4, 5)
    assert locate(doc, ("buildings", 0, "use")) == (5, 10)
    assert locate(doc, ("buildings", 0, "use"), key=True) == (5, 5)
    assert locate(doc, ("buildings", 1, "use")) == (6, 19)
    assert locate(doc, ("buildings", 1, "nope")) == (6, 5)
    assert locate(doc, ("buildings", 1, "nope"), key=True) == (6, 5)
    assert locate(doc, ("area_m2",)) == (7, 9)
    assert doc._marks is not None


def test_locate_without_marks_falls_back_to_the_start() -> None:
    assert locate(Document("t.yaml", "", None), ("a", 0)) == (1, 1)


# --- validation_problems


class Building(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    use: str


class Parcel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    parcel_id: str
    land_use: Annotated[str, Field(pattern=r"^[0-9]{2}(?:[0-9]{2})?$")]
    area_m2: Annotated[Decimal, Field(gt=0)]
    tags: list[str] | str = []
    buildings: list[Building] = []

    @field_validator("parcel_id")
    @classmethod
    def no_spaces(cls, value: str) -> str:
        if " " in value:
            raise ValueError("a parcel id has no spaces")
        return value


def known_fields(loc: tuple[str | int, ...]) -> list[str]:
    """What the CLI will pass: the field names of the model at a data path."""
    model: type[BaseModel] = Parcel
    for part in loc:
        if isinstance(part, str):
            annotation = model.model_fields[part].annotation
            model = typing.get_args(annotation)[0] if typing.get_args(annotation) else annotation
    return list(model.model_fields)


def validate(text: str) -> list[Problem]:
    doc = load_text(text, "p.yaml")
    with pytest.raises(ValidationError) as exc:
        Parcel.model_validate(doc.data)
    return validation_problems(doc, exc.value, known_fields=known_fields)


PARCEL = """\
parcel_id: P 1
land_use: '０６０１'
aera_m2: 5
tags: [a, [b]]
buildings:
  - id: B1
    usr: 仓库
"""


def test_validation_problems_are_located_and_explained() -> None:
    found = validate(PARCEL)
    assert [(p.line, p.col, p.code, p.field) for p in found] == [
        (1, 1, "missing", "area_m2"),
        (1, 12, "value_error", "parcel_id"),
        (2, 11, "string_pattern_mismatch", "land_use"),
        (3, 1, "extra_forbidden", "aera_m2"),
        (4, 7, "string_type", "tags"),
        (4, 11, "string_type", "tags.1"),
        (6, 5, "missing", "buildings.0.use"),
        (7, 5, "extra_forbidden", "buildings.0.usr"),
    ]
    by_field = {p.field: p for p in found}
    assert by_field["area_m2"].message == "required field 'area_m2' is missing"
    assert by_field["parcel_id"].message == "a parcel id has no spaces (got 'P 1')"
    assert by_field["land_use"].message.endswith("(got '０６０１')")
    assert by_field["aera_m2"].message == "Extra inputs are not permitted (got '5')"
    assert by_field["aera_m2"].hint == "did you mean 'area_m2'?"
    assert by_field["buildings.0.usr"].hint == "did you mean 'use'?"
    assert by_field["buildings.0.use"].message == "required field 'use' is missing"
    assert all(p.path == "p.yaml" for p in found)
    assert found[3].render() == (
        "p.yaml:3:1: error[extra_forbidden] aera_m2: Extra inputs are not permitted (got '5')\n"
        "    hint: did you mean 'area_m2'?"
    )


def test_no_hint_without_known_fields_and_folded_matching() -> None:
    doc = load_text("parcel_id: P1\nland_use: '06'\nArea-M2: 5\n", "p.yaml")
    with pytest.raises(ValidationError) as exc:
        Parcel.model_validate(doc.data)
    plain = validation_problems(doc, exc.value)
    assert [p.hint for p in plain] == ["", ""]
    hinted = validation_problems(doc, exc.value, known_fields=known_fields)
    assert hinted[-1].hint == "did you mean 'area_m2'?"


def test_empty_value_is_named() -> None:
    found = validate("parcel_id: P1\nland_use:\narea_m2: 5\n")
    assert [(p.line, p.col, p.code) for p in found] == [(2, 10, "string_type")]
    assert found[0].message == "Input should be a valid string (got an empty value)"


def test_validation_problems_are_capped() -> None:
    items = "".join(f"  - {{id: b{i}}}\n" for i in range(60))
    found = validate(f"parcel_id: P1\nland_use: '06'\narea_m2: 5\nbuildings:\n{items}")
    assert len(found) == yamlio.MAX_PROBLEMS + 1
    assert found[-1].code == "too-many-errors"
    assert "10 more" in found[-1].message
    assert [p.line for p in found[:3]] == [5, 6, 7]


class Equals(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["equals"]
    fact: str
    value: str


class AllOf(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["all_of"]
    items: list[str]


class Rule(BaseModel):
    conditions: list[Annotated[Equals | AllOf, Field(discriminator="kind")]]


def test_tagged_union_tags_are_stripped_from_the_loc() -> None:
    doc = load_text("conditions:\n  - kind: equals\n    fact: land_use\n    valu: x\n", "r.yaml")
    with pytest.raises(ValidationError) as exc:
        Rule.model_validate(doc.data)
    assert {e["loc"] for e in exc.value.errors()} >= {("conditions", 0, "equals", "value")}
    found = validation_problems(doc, exc.value)
    assert [(p.line, p.col, p.code, p.field) for p in found] == [
        (2, 5, "missing", "conditions.0.value"),
        (4, 5, "extra_forbidden", "conditions.0.valu"),
    ]

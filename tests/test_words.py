"""One table of words: what a register accepts, a parcel file and `ask` accept, and Chinese output
shows no English enumerated value and no regular expression (issue 14 points 6 and 8)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import typing
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT, invoke_cli
from pydantic import BaseModel

from landrules.model import parcel as parcel_model
from landrules.model.parcel import Parcel

BAD = ROOT / "tests" / "fixtures" / "bad"


def _enum_values() -> set[str]:
    """Every enumerated value of the parcel model, read from its Literal types."""
    found: set[str] = set()

    def walk(annotation: object) -> None:
        if typing.get_origin(annotation) is typing.Literal:
            found.update(a for a in typing.get_args(annotation) if isinstance(a, str))
            return
        for arg in typing.get_args(annotation):
            walk(arg)

    for item in vars(parcel_model).values():
        if isinstance(item, type) and issubclass(item, BaseModel):
            for info in item.model_fields.values():
                walk(info.annotation)
    found.discard("1")  # schema_version
    return found


ENUM_VALUES = _enum_values()
# a value standing alone, not inside a field path such as approvals.other or production_m2, nor
# inside an id such as P1.review.non-production-area (shown beside its label in the report)
LEAK = re.compile(
    r"\^|\(\?:|\[0-9\]|(?<![\w.-])(?:"
    + "|".join(sorted(map(re.escape, ENUM_VALUES), key=len, reverse=True))
    + r")(?![\w.-])"
)


def _leaks(text: str) -> list[str]:
    return [line for line in text.splitlines() if LEAK.search(line)]


def _visible(html: str) -> str:
    """The text a reader sees in an HTML page (scripts and styles are not read)."""
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return re.sub(r"<[^>]+>", "\n", html)


def test_the_model_has_the_enumerated_values_the_grep_looks_for() -> None:
    assert {"newly_supplied", "existing", "given", "technical_renovation"} <= ENUM_VALUES


def test_no_chinese_output_of_the_examples_shows_an_english_value_or_a_pattern(
    tmp_path: Path,
) -> None:
    outputs: dict[str, str] = {}
    for path in sorted(EXAMPLES.glob("*.yaml")):
        result = invoke_cli(["check", f"examples/{path.name}", "--lang", "zh"])
        outputs[f"tree {path.name}"] = result.stdout + result.stderr
    for extra in ([], ["--detail"]):
        result = invoke_cli(["check", "examples", "--lang", "zh", *extra])
        outputs[f"text {extra}"] = result.stdout + result.stderr
    for suffix in ("md", "html"):
        target = tmp_path / f"report.{suffix}"
        result = invoke_cli(["report", "examples", "-o", str(target), "--lang", "zh"])
        text = target.read_text("utf-8")
        outputs[suffix] = (_visible(text) if suffix == "html" else text) + result.stderr
    assert "新增工业用地" in outputs["tree p2-applies.yaml"]  # newly_supplied, in Chinese
    assert "[project.kind = 其他]" in outputs["tree p2-applies.yaml"]
    found = {name: _leaks(text) for name, text in outputs.items() if _leaks(text)}
    assert found == {}


@pytest.mark.parametrize("kind", ["parcel", "registers"])
def test_no_chinese_error_of_a_bad_file_shows_an_english_value_or_a_pattern(
    kind: str, tmp_path: Path
) -> None:
    found: dict[str, list[str]] = {}
    for path in sorted((BAD / kind).iterdir()):
        shutil.copyfile(path, tmp_path / path.name)
        result = invoke_cli(["check", path.name, "--lang", "zh"], cwd=tmp_path)
        assert result.stderr, result.describe()
        if _leaks(result.stdout + result.stderr):
            found[path.name] = _leaks(result.stdout + result.stderr)
    assert found == {}


def test_a_code_in_the_wrong_shape_is_described_by_a_sentence_and_an_example(
    tmp_path: Path,
) -> None:
    shutil.copyfile(BAD / "parcel" / "code-lost-leading-zero.yaml", tmp_path / "p.yaml")
    for lang, example in (("zh", "如 0601（工业用地）"), ("en", "e.g. 0601 (industrial land)")):
        result = invoke_cli(["check", "p.yaml", "--lang", lang], cwd=tmp_path)
        assert example in result.stderr, result.describe()
        assert "(?:" not in result.stderr and "^" not in result.stderr


def _parcel(**parcel: str) -> dict[str, object]:
    return {"schema_version": "1", "parcel": parcel}


def test_the_register_words_are_accepted_in_a_parcel_file(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(
        'schema_version: "1"\nparcel:\n  land_supply: 存量\n'
        "approvals:\n  environmental:\n    status: 是\n  urban_rural_planning:\n    status: 否\n",
        encoding="utf-8",
    )
    result = invoke_cli(["check", "p.yaml", "--format", "json"], cwd=tmp_path)
    assert result.exit_code == 0, result.describe()
    assert "parcel.land_supply = existing" not in result.stderr
    facts = Parcel.model_validate(
        {
            **_parcel(land_supply="存量"),
            "approvals": {"environmental": {"status": "是"}},
        }
    )
    assert facts.parcel is not None and facts.parcel.land_supply == "existing"
    assert facts.approvals is not None and facts.approvals.environmental is not None
    assert facts.approvals.environmental.status == "given"


@pytest.mark.parametrize(
    ("lang", "listed"),
    [
        ("zh", "'现有工业用地'、'现有'、'存量工业用地'、'存量'、'新增工业用地'、'新增' 之一"),
        ("en", "'existing', '现有工业用地', '现有', '存量工业用地', '存量', 'newly_supplied'"),
    ],
)
def test_a_refused_value_lists_every_accepted_spelling(
    lang: str, listed: str, tmp_path: Path
) -> None:
    (tmp_path / "p.yaml").write_text(
        'schema_version: "1"\nparcel:\n  land_supply: 存量用地\n', encoding="utf-8"
    )
    result = invoke_cli(["check", "p.yaml", "--lang", lang], cwd=tmp_path)
    assert result.exit_code == 3, result.describe()
    assert listed in result.stderr, result.describe()
    suggestion = "现有工业用地" if lang == "zh" else "existing"
    assert f"'{suggestion}'" in result.stderr.splitlines()[1], result.describe()


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("parcel:\n  用地面积: 20000\n", "did you mean 'land_area_m2'?"),
        ("parcel:\n  用地面积（亩）: 30\n", "did you mean 'land_area'?"),
        ("宗地号: G1\n", "did you mean 'parcel.code'?"),
    ],
)
def test_a_register_header_used_as_a_key_names_its_field(
    text: str, hint: str, tmp_path: Path
) -> None:
    (tmp_path / "p.yaml").write_text('schema_version: "1"\n' + text, encoding="utf-8")
    result = invoke_cli(["check", "p.yaml"], cwd=tmp_path)
    assert result.exit_code == 3, result.describe()
    assert result.stderr.splitlines()[1].startswith(f"    hint: {hint}"), result.describe()


def test_a_land_area_without_a_unit_is_pointed_at_square_metres_first(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(
        'schema_version: "1"\nparcel:\n  land_area: 20000\n', encoding="utf-8"
    )
    result = invoke_cli(["check", "p.yaml"], cwd=tmp_path)
    hint = result.stderr.splitlines()[1]
    assert hint.startswith("    hint: if it is in square metres, write land_area_m2: 20000")
    assert "20000亩" not in hint  # the old hint turned 20000 m² into 13 km²


def test_an_implausible_area_or_plot_ratio_is_a_warning_not_an_error(tmp_path: Path) -> None:
    source = (EXAMPLES / "p1-applies-renovation.yaml").read_text("utf-8")
    assert 'land_area_m2: "20000"' in source
    (tmp_path / "p.yaml").write_text(
        source.replace('land_area_m2: "20000"', "land_area: 20000亩"), encoding="utf-8"
    )
    result = invoke_cli(["check", "p.yaml", "--brief"], cwd=tmp_path)
    assert result.exit_code == 0, result.describe()  # the verdict stands: only a warning
    warnings = [line for line in result.stderr.splitlines() if "warning[implausible]" in line]
    assert warnings[0].startswith("p.yaml:")
    assert "13.33 km²" in warnings[0] and "parcel.land_area" in warnings[0]
    assert any("plot_ratio_after: 0.0024 is outside 0.1 to 10" in w for w in warnings)
    plain = invoke_cli(["check", "examples/p1-applies-renovation.yaml", "--brief"])
    assert "warning" not in plain.stderr, plain.describe()


def test_ask_in_chinese_offers_chinese_words_and_no_pattern(tmp_path: Path) -> None:
    from conftest import CLI_ENV
    from typer.testing import CliRunner

    from landrules.cli import app

    answers = "\n".join(["3", "存量", "601", "0601", "", "", "", "1"] + [""] * 40) + "\n"
    result = CliRunner().invoke(
        app, ["ask", "-o", str(tmp_path / "p.yaml"), "--lang", "zh"], input=answers, env=CLI_ENV
    )
    assert result.exit_code == 0, result.stdout
    assert "可选答案：现有工业用地, 新增工业用地" in result.stdout
    assert "不能接受" in result.stdout  # a refused answer is explained …
    assert _leaks(result.stdout) == []  # … without an English value or a pattern
    written = (tmp_path / "p.yaml").read_text("utf-8")
    assert "project:\n  kind: 技术改造项目" in written  # 1 picks the first word shown
    assert _leaks(written) == []


def test_a_register_row_with_an_implausible_area_is_warned_not_refused(tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text(
        "宗地号,用地面积（亩）,现有或新增\r\nG1,20000,existing\r\nG2,30,existing\r\n",
        encoding="utf-8",
    )
    result = invoke_cli(["check", "r.csv"], cwd=tmp_path)
    assert result.exit_code == 0, result.describe()
    warnings = [line for line in result.stderr.splitlines() if "warning[" in line]
    assert len(warnings) == 1, result.describe()
    assert warnings[0].startswith("r.csv:2:0: warning[implausible] (parcel G1) parcel.land_area: ")
    assert "(0 input errors)" in result.stdout + result.stderr, result.describe()
    # from worker processes too, as a user runs it
    env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LANGUAGE")}
    done = subprocess.run(
        [sys.executable, "-m", "landrules", "check", "r.csv", "--jobs", "2", "-f", "jsonl"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("warning[implausible]") == 1, done.stderr

"""The loader's smaller promises (issue 11 point 8): every message true, every position real.

A NUL in a short file is a NUL; an invisible space that ends a key is named; a syntax error is
placed on a line the file has, in every CI format; each undecodable line of a GBK file is named
(capped); a 10 MB key is the documented `bad-key`; libyaml's own depth limit is named as 1000;
a rule pack's `source.txt` in GB18030 gets a located error in words.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT, CliResult

from landrules import yamlio
from landrules.exitcodes import ExitCode
from landrules.problems import InputError

Run = Callable[..., CliResult]
BAD = ROOT / "tests" / "fixtures" / "bad" / "parcel"
HEAD = 'schema_version: "1"\n'


def test_each_undecodable_line_of_a_gbk_file_is_named_up_to_20() -> None:
    with pytest.raises(InputError) as caught:
        yamlio.read_text(BAD / "gbk-many-lines.yaml")
    problems = caught.value.problems
    assert [(p.line, p.col) for p in problems[:20]] == [
        (n, 7 if n < 13 else 8) for n in range(3, 23)
    ]
    assert problems[0].message.endswith("read as GB18030 the line says 'x0: 宁波'")
    assert problems[19].message.endswith("read as GB18030 the line says 'x19: 宁波'")
    assert problems[0].hint and not problems[1].hint  # the hint once, not thirty times
    assert (problems[20].line, problems[20].message) == (
        23,
        "10 more lines cannot be decoded either",
    )
    assert len(problems) == 21


def test_a_few_bad_lines_are_all_named_without_a_count() -> None:
    raw = (HEAD + "parcel:\n  holder: 宁波\n  code: A1\n  name: 慈溪\n").encode("gbk")
    with pytest.raises(InputError) as caught:
        yamlio.load_bytes(raw, "p.yaml")
    assert [(p.line, p.col) for p in caught.value.problems] == [(3, 11), (5, 9)]


# the pure-Python parser takes ~6 s to scan 10 MB: it gets a key past YAML's 1024 characters
@pytest.mark.parametrize(
    ("parser", "size"), [("0", 10_000_000), ("1", 5_000)], ids=["libyaml", "pure"]
)
def test_a_10_mb_key_is_the_documented_bad_key(
    parser: str, size: int, tmp_path: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(yamlio.PURE_ENV, parser)
    (tmp_path / "key.yaml").write_text(HEAD + "k" * size + ": 1\n", encoding="utf-8")
    result = run_cli(["check", "key.yaml"], cwd=tmp_path)
    assert result.exit_code == ExitCode.INPUT_ERROR, result.describe()
    assert result.stderr.splitlines()[0] == (
        "key.yaml:2:1: error[bad-key] a key is longer than 200 characters"
    ), result.describe()[:2000]


def test_the_nbsp_that_ends_a_key_is_named_in_chinese_too(tmp_path: Path, run_cli: Run) -> None:
    shutil.copyfile(BAD / "nbsp-ending-key.yaml", tmp_path / "p.yaml")
    result = run_cli(["check", "p.yaml", "--lang", "zh"], cwd=tmp_path)
    assert result.exit_code == ExitCode.INPUT_ERROR, result.describe()
    assert "键 'code' 末尾有 U+00A0" in result.stderr, result.describe()


def test_a_key_starting_with_a_full_width_space_is_named() -> None:
    with pytest.raises(InputError) as caught:
        yamlio.load_text('"\u3000code": A1\n', "p.yaml")
    (problem,) = caught.value.problems
    assert problem.code == "bad-key"
    assert "starts with U+3000 IDEOGRAPHIC SPACE" in problem.message


@pytest.mark.parametrize(
    "text",
    [
        HEAD + "parcel：\n",  # full-width colon on the last line
        HEAD + "parcel：",  # … without a final line break
        HEAD + "parcel: [\n",  # an unclosed list
        HEAD + "parcel: {code: A1\r\n",  # an unclosed mapping, CRLF
        HEAD + 'parcel: "unclosed\n',
    ],
)
@pytest.mark.parametrize("parser", ["0", "1"], ids=["libyaml", "pure"])
def test_a_syntax_error_at_the_end_points_at_a_line_the_file_has(
    text: str, parser: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(yamlio.PURE_ENV, parser)
    lines = text.splitlines()
    with pytest.raises(InputError) as caught:
        yamlio.load_text(text, "p.yaml")
    for problem in caught.value.problems:
        assert 1 <= problem.line <= len(lines), (problem, lines)
        assert 1 <= problem.col <= len(lines[problem.line - 1]) + 1, (problem, lines)
        assert f"line {len(lines) + 1}," not in problem.message, problem


@pytest.mark.parametrize("output_format", ["github", "junit", "sarif", "text", "jsonl"])
def test_no_ci_format_annotates_a_line_the_file_does_not_have(
    output_format: str, tmp_path: Path, run_cli: Run
) -> None:
    shutil.copyfile(BAD / "fullwidth-colon-last-line.yaml", tmp_path / "p.yaml")
    shutil.copyfile(EXAMPLES / "p2-applies.yaml", tmp_path / "ok.yaml")
    result = run_cli(["check", "p.yaml", "ok.yaml", "--format", output_format], cwd=tmp_path)
    assert result.exit_code == ExitCode.INPUT_ERROR, result.describe()
    shown = result.stdout + result.stderr
    assert "line=3" not in shown and "p.yaml:3:" not in shown, result.describe()
    assert '"startLine": 3' not in shown and '"line": 3' not in shown, result.describe()
    if output_format == "github":
        assert "::error file=p.yaml,line=2,col=1," in shown, result.describe()
    if output_format == "sarif":
        regions = [
            r["locations"][0]["physicalLocation"].get("region")
            for run in json.loads(result.stdout)["runs"]
            for r in run["results"]
            if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("p.yaml")
        ]
        assert {"startLine": 2, "startColumn": 1} in regions, regions


def test_a_nul_in_a_tiny_file_is_not_called_utf16() -> None:
    with pytest.raises(InputError) as caught:
        yamlio.load_bytes(b"a: \x00\n", "p.yaml")
    (problem,) = caught.value.problems
    assert (problem.code, problem.line, problem.col) == ("bad-char", 1, 4)
    assert "UTF-16" not in problem.message + problem.hint


def test_real_utf16_without_a_bom_is_still_recognised() -> None:
    for variant in ("utf-16-le", "utf-16-be"):
        raw = (HEAD + "parcel:\n  name: 宁波\n").encode(variant)
        with pytest.raises(InputError) as caught:
            yamlio.load_bytes(raw, "p.yaml")
        assert caught.value.problems[0].message == (
            f"the file looks like {variant.upper()} without a byte order mark"
        )


def test_libyaml_depth_limit_is_named_as_the_limit_that_stopped_it(
    tmp_path: Path, run_cli: Run
) -> None:
    """Flow nesting is scanned whole by libyaml before any event: its 1000 fires, not 64."""
    (tmp_path / "deep.yaml").write_text(HEAD + "a: " + "[" * 1500 + "]" * 1500, encoding="utf-8")
    result = run_cli(["check", "deep.yaml"], cwd=tmp_path)
    assert result.stderr.splitlines() == [
        "deep.yaml:2:1003: error[too-deep] the data is nested deeper than 1000 levels",
        "    hint: flatten the structure",
    ], result.describe()


def test_a_gb18030_source_txt_is_a_located_error_in_words(tmp_path: Path, run_cli: Run) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(ROOT / "rules" / "cixi-jingxinjian-2019-13", pack)
    text = (pack / "source.txt").read_text(encoding="utf-8")
    (pack / "source.txt").write_bytes(text.encode("gb18030"))
    result = run_cli(["check", str(EXAMPLES / "p2-applies.yaml"), "--rules", "pack"], cwd=tmp_path)
    assert result.exit_code == ExitCode.RULES_ERROR, result.describe()
    first = result.stderr.splitlines()[0]
    assert first.startswith("pack/source.txt:1:39: error[") and "not valid UTF-8" in first, first
    assert "codec" not in result.stderr and "0xc0" not in result.stderr, result.describe()
    assert "save it as UTF-8" in result.stderr and "--encoding" not in result.stderr

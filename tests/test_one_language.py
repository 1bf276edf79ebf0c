"""No mixed-language output: Chinese output holds no English words, English output no Chinese.

Scanned: the text output of every example in both languages, the batch lines and summary, and
the errors of every adversarial parcel file (tests/fixtures/bad/parcel). Allowed in Chinese
output: fact names and field paths, codes and ids (P1, 0601, error codes, rule-pack ids), units,
option names, and anything in the parcel's own file. Allowed in English output: the law's quotes
(「…」 or “…”), the parcel's own data, document numbers, and a Chinese term in parentheses after
its English label ("plot ratio before (项目实施前容积率)"). `--lang` is always pinned.
"""

from __future__ import annotations

import contextlib
import re
import typing
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT, CliResult, invoke_cli
from pydantic import BaseModel

from landrules.derive import DERIVATIONS
from landrules.facts import fact_names
from landrules.model.parcel import Parcel
from landrules.model.words import WORDS

BAD_PARCELS = sorted((ROOT / "tests" / "fixtures" / "bad" / "parcel").glob("*.yaml"))
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))

LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_./\-<>*&!:]*[A-Za-z0-9_]|[A-Za-z]")
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

# Ids, codes, units and names that are the same in every language.
ALWAYS = {
    "GB",
    "GB/T",
    "m",
    "m²",
    "km",
    "MiB",
    "sha256",
    "U+FEFF",
    "YAML",
    "Schema",
    "UTF-8",
    "UTF-16",
    "UTF-32",
    "GB18030",
    "GBK",
    "true/false",
    "YYYY-MM-DD",
    "landrules",
    "JSON",
    "GeoJSON",
    "CSV",
    "inf",  # a register's Infinity and NaN, as the cell's value is shown
    "nan",
}


def _model_literals(model: type[BaseModel], seen: set[type]) -> Iterator[str]:
    """Every allowed value a parcel field can take: they are codes the parcel file writes."""
    if model in seen:
        return
    seen.add(model)
    for info in model.model_fields.values():
        stack: list[object] = [info.annotation]
        while stack:
            node = stack.pop()
            if isinstance(node, type) and issubclass(node, BaseModel):
                yield from _model_literals(node, seen)
                continue
            if typing.get_origin(node) is typing.Literal:
                yield from (str(a) for a in typing.get_args(node))
            stack.extend(typing.get_args(node))


def _paths(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    """Every field path of the parcel model, inside lists too (`buildings.floors.area_m2`)."""
    for name, info in model.model_fields.items():
        yield f"{prefix}{name}"
        stack: list[object] = [info.annotation]
        while stack:
            node = stack.pop()
            if isinstance(node, type) and issubclass(node, BaseModel):
                yield from _paths(node, f"{prefix}{name}.")
            else:
                stack.extend(typing.get_args(node))


def _fact_words() -> set[str]:
    names = set(fact_names()) | set(DERIVATIONS) | set(_paths(Parcel))
    words = set(names)
    for name in names:
        parts = name.split(".")
        words.update(parts)
        words.update(".".join(parts[:i]) for i in range(1, len(parts)))
        words.update(f"{name}.{leaf}" for leaf in ("document", "min", "max", "status"))
    return words


FACT_WORDS = _fact_words() | set(_model_literals(Parcel, set()))


def _data_words(path: Path) -> set[str]:
    """Every Latin word in the parcel's own file (its data, as written)."""
    text = path.read_bytes().decode("utf-8", errors="replace")
    return set(LATIN_WORD.findall(text)) | set(re.findall(r"[A-Za-z0-9_]+", text))


def _allowed_latin(word: str, data: set[str]) -> bool:
    if word in ALWAYS or word in FACT_WORDS or word in data:
        return True
    if re.fullmatch(r"P\d+|[A-Z]\d*|[0-9A-Za-z]*\d[0-9A-Za-z]*|x[0-9A-F]+|0x[0-9A-F]+", word):
        return True  # provision ids, planning classes (M2), codes and hex bytes
    if re.fullmatch(r"[a-z]+(?:[-_][a-z0-9]+)+", word):
        return True  # error codes (duplicate-key, extra_forbidden), option names, rule-pack ids
    if "/" in word or word.endswith((".yaml", ".yml", ".md", ".json")):
        return True  # paths
    if re.fullmatch(r"[0-9A-F]{4,6}|UTF-\d+(?:-[LB]E)?", word):
        return True  # code points (U+FEFF) and encodings
    parts = word.strip(".:").split(".")
    return all(p in FACT_WORDS or p in data or p.isdigit() for p in parts)  # a field path


def english_words(output: str, data: set[str]) -> list[str]:
    """Latin words in Chinese output that are none of the allowed kinds."""
    text = re.sub(r"「[^」]*」", "", output)
    text = re.sub(r"\[[a-z0-9_-]+\]", "", text)  # error[code]
    text = re.sub(r"--[a-z0-9-]+", "", text)  # option names
    text = re.sub(r"`[^`]*`", "", text)  # what to type, verbatim
    return [w for w in LATIN_WORD.findall(text) if not _allowed_latin(w, data)]


def chinese_words(output: str, data_text: str) -> list[str]:
    """Han characters in English output outside quotes, parcel data, documents and glosses."""
    text = re.sub(r"「[^」]*」|“[^”]*”|\"[^\"]*\"", "", output)
    text = re.sub(r"[\u3400-\u9fff]+〔\d{4}〕\d+号", "", text)  # document numbers
    text = re.sub(r"[一二三四五六七八九十]+\([一二三四五六七八九十]+\)", "", text)  # clause 一(三)
    text = re.sub(r"\([^()]*\)|（[^（）]*）", _drop_glosses, text)
    text = re.sub(r"[\u3400-\u9fff]+ \(", "(", text)  # a Chinese term glossed in English after it
    for value in sorted(_han_runs(data_text), key=len, reverse=True):
        text = text.replace(value, "")
    return HAN.findall(text)


def _drop_glosses(match: re.Match[str]) -> str:
    """A parenthesis holding Chinese is the Chinese term after its English label."""
    return "" if HAN.search(match.group()) else match.group()


def _han_runs(text: str) -> set[str]:
    return set(re.findall(r"[\u3400-\u9fff\uff08\uff09（）、，0-9A-Za-z〔〕]+", text))


def _run(args: list[str]) -> CliResult:
    result = invoke_cli(args)
    assert "Traceback" not in result.stdout + result.stderr, result.describe()
    return result


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=[p.stem for p in EXAMPLE_FILES])
def test_the_chinese_verdict_of_every_example_has_no_english_words(path: Path) -> None:
    result = _run(["check", str(path.relative_to(ROOT)), "--lang", "zh"])
    assert result.exit_code == 0, result.describe()
    assert english_words(result.stdout, _data_words(path)) == [], result.stdout


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=[p.stem for p in EXAMPLE_FILES])
def test_the_english_verdict_of_every_example_has_no_chinese_outside_quotes(path: Path) -> None:
    result = _run(["check", str(path.relative_to(ROOT)), "--lang", "en"])
    assert result.exit_code == 0, result.describe()
    data = path.read_text(encoding="utf-8")
    assert chinese_words(result.stdout, data) == [], result.stdout


def test_the_batch_lines_and_summary_are_in_one_language() -> None:
    zh = _run(["check", "examples", "--lang", "zh"]).stdout
    en = _run(["check", "examples", "--lang", "en"]).stdout
    data = set().union(*(_data_words(p) for p in EXAMPLE_FILES))
    assert english_words(zh, data) == []
    assert chinese_words(en, "") == []
    assert "地块 24 宗" in zh.splitlines()[-1] and "24 parcels" in en.splitlines()[-1]


@pytest.mark.parametrize("path", BAD_PARCELS, ids=[p.name for p in BAD_PARCELS])
def test_the_chinese_errors_of_every_bad_parcel_have_no_english_words(path: Path) -> None:
    result = _run(["check", str(path.relative_to(ROOT)), "--lang", "zh"])
    assert result.exit_code != 0
    assert result.stderr.strip(), result.describe()
    assert english_words(result.stderr, _data_words(path)) == [], result.stderr


@pytest.mark.parametrize("path", BAD_PARCELS, ids=[p.name for p in BAD_PARCELS])
def test_the_english_errors_of_every_bad_parcel_have_no_chinese_outside_data(path: Path) -> None:
    result = _run(["check", str(path.relative_to(ROOT)), "--lang", "en"])
    data = path.read_bytes().decode("utf-8", errors="replace")
    with contextlib.suppress(UnicodeDecodeError):
        data += path.read_bytes().decode("gb18030")
    # units and register headers named in hints are the words people write in their files
    allowed = "亩 公顷 用地面积 平方米"
    # and a refused word lists every accepted spelling, the Chinese ones too
    allowed += " ".join(w for table in WORDS.values() for ws in table.values() for w in ws)
    assert chinese_words(result.stderr, data + allowed) == [], result.stderr


BAD_REGISTERS = sorted((ROOT / "tests" / "fixtures" / "bad" / "registers").iterdir())


@pytest.mark.parametrize("path", BAD_REGISTERS, ids=[p.name for p in BAD_REGISTERS])
def test_the_chinese_errors_of_every_bad_register_have_no_english_words(path: Path) -> None:
    result = _run(["check", str(path.relative_to(ROOT)), "--lang", "zh"])
    assert result.stderr.strip(), result.describe()
    assert english_words(result.stderr, _data_words(path)) == [], result.stderr


BAD_RULES = sorted((ROOT / "tests" / "fixtures" / "bad" / "rules").glob("*.yaml"))


@pytest.mark.parametrize("path", BAD_RULES, ids=[p.name for p in BAD_RULES])
def test_the_chinese_findings_of_every_bad_rule_file_have_no_english_words(
    path: Path, tmp_path: Path
) -> None:
    """`validate --lang zh` on the shipped pack with one file replaced by a broken one."""
    import shutil

    pack = tmp_path / "pack"
    shutil.copytree(ROOT / "rules" / "cixi-jingxinjian-2019-13", pack)
    shutil.copy(path, pack / "p2-new-land-above-indicator.yaml")
    result = _run(["validate", str(pack), "--lang", "zh"])
    assert result.exit_code == 1, result.describe()
    data = _data_words(path) | _data_words(pack / "pack.yaml") | {"tmp"}
    assert english_words(result.stdout, data) == [], result.stdout


def test_the_chinese_test_report_has_no_english_words_but_the_pack_test_names() -> None:
    result = _run(["test", "--lang", "zh"])
    assert result.exit_code == 0, result.describe()
    report = "\n".join(line.split(": ", 1)[0] for line in result.stdout.splitlines())
    assert english_words(report, set()) == [], result.stdout


def test_the_scanners_catch_mixed_output() -> None:
    """The scanners themselves: an untranslated word or a stray Chinese label is found."""
    assert english_words("P1 不适用 — missing facts", set()) == ["missing", "facts"]
    assert english_words("[未提供 approvals.environmental]「环保等要求」", set()) == []
    assert chinese_words("P1 APPLIES — 现有工业用地", "") != []
    glossed = "plot ratio before (项目实施前容积率): 0.80 「不再征收土地价款」"
    assert chinese_words(glossed, "") == []


def test_help_follows_the_locale() -> None:
    """Help is built from the catalogues in the locale's language when the CLI is imported."""
    import subprocess
    import sys

    for lang, word in (("zh_CN.UTF-8", "检查"), ("C", "Check")):
        out = subprocess.run(
            [sys.executable, "-m", "landrules", "--help"],
            capture_output=True,
            text=True,
            env={"LANG": lang, "COLUMNS": "100", "PATH": "/usr/bin:/bin"},
            cwd=ROOT,
            check=True,
        ).stdout
        assert word in out, out


def test_worker_processes_speak_the_chosen_language(tmp_path: Path) -> None:
    """With --jobs 2 (more than one chunk), lines rendered in worker processes are Chinese too."""
    import shutil

    from landrules.batch import CHUNK

    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(CHUNK + 20):
        shutil.copy(EXAMPLES / "p1-applies-renovation.yaml", folder / f"p{i:04d}.yaml")
    result = invoke_cli(["check", str(folder), "--jobs", "2", "--lang", "zh"])
    lines = result.stdout.splitlines()
    assert len(lines) == CHUNK + 21, result.describe()
    assert all("P1 适用" in line for line in lines[:-1]), lines[:3]
    assert lines[-1].startswith(f"地块 {CHUNK + 20} 宗"), lines[-1]

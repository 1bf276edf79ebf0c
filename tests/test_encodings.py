"""Every command works whatever encoding its output has: GBK as on Chinese Windows, GB18030,
cp936, cp1252 and ASCII.

`landrules` runs as a user runs it, with PYTHONIOENCODING naming the encoding and both streams
piped. Each encoding gets the reproducer of issue 16 as its own process, then two processes (an
English and a Chinese locale) run every command's help, every example (a batch with `--detail`),
every output format, every bad-input fixture and the other commands one after another
(tests/encoding_driver.py). Every run must end with its normal exit code and no
traceback, and both streams must decode strictly in the encoding.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import xml.dom.minidom
from dataclasses import dataclass
from pathlib import Path

import pytest

from landrules import yamlio
from landrules.cli import LATER

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
BAD = ROOT / "tests" / "fixtures" / "bad"
PACK = ROOT / "rules" / "cixi-jingxinjian-2019-13"
DRIVER = Path(__file__).resolve().parent / "encoding_driver.py"
ENCODINGS = ["gbk", "gb18030", "cp936", "cp1252", "ascii"]
HOLDS_CHINESE = {"gbk", "gb18030", "cp936"}
COMMANDS = ["check", *LATER]
FORMATS = ["text", "json", "jsonl", "csv", "geojson", "github", "junit", "sarif"]
QUOTE = "不再征收土地价款"
"""Part of P1's quote, in every example's tree."""
MARK = re.compile(r"\n@@landrules-run (\d+)@@\n")


def _env(encoding: str, lang: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    env.update(PYTHONIOENCODING=encoding, COLUMNS="100", NO_COLOR="1", TERM="dumb")
    for name in ("LANG", "LC_ALL", "LC_MESSAGES", "LANDRULES_LANG"):
        env.pop(name, None)
    if lang == "zh":
        env["LANG"] = "zh_CN.UTF-8"
    return env


@dataclass
class Run:
    args: list[str]
    exit: int
    stdout: str = ""
    stderr: str = ""
    code: int | str | None = None


def _plan(work: Path, lang: str) -> list[Run]:
    """Every command line of one driver process, with the exit code it must end with (the
    machine formats and the commands that write files: only in English). The examples and the
    bad parcel files and registers are checked in one run each, as a batch with every message;
    tests/test_bad_fixtures.py checks each bad file's own exit code."""
    runs = [Run(["--help"], 0), Run(["--version"], 0)]
    runs += [Run([command, "--help"], 0) for command in COMMANDS]
    runs.append(Run(["check", "--no-such-option"], 2))
    runs.append(Run(["check", str(EXAMPLES[0])], 0))
    runs.append(Run(["check", str(ROOT / "examples"), "--detail"], 0))  # every example's tree
    expected = yamlio.load(BAD / "expected.yaml").data
    assert isinstance(expected, dict)
    for kind in ("parcel", "registers"):  # every file's errors, in one run per folder
        runs.append(Run(["check", *(str(BAD / kind / name) for name in expected[kind])], 3))
    for name, want in expected["rules"].items():
        pack = work / f"pack-{name}"
        if not pack.exists():
            shutil.copytree(PACK, pack)
            shutil.copyfile(BAD / "rules" / name, pack / "p2-new-land-above-indicator.yaml")
        args = ["check", str(ROOT / "examples" / "p2-applies.yaml"), "--rules", str(pack)]
        runs.append(Run(args, int(want["exit"])))
    if lang == "zh":
        return runs
    runs += [Run(["check", str(ROOT / "examples"), "-f", fmt], 0) for fmt in FORMATS]
    runs += [
        # the shipped pack named: with no path, validate/test check the pack in the current folder
        Run(["validate", str(PACK)], 0),
        Run(["test", str(PACK)], 0),
        Run(["validate", str(PACK), "-f", "sarif"], 0),
        Run(["test", str(PACK), "-f", "junit"], 0),
        Run(["new", str(work / "new.yaml")], 0),
        Run(["ask", "-o", str(work / "asked.yaml")], 0),  # stdin is empty: every answer skipped
        Run(["report", str(ROOT / "examples"), "-o", str(work / "report.html")], 0),
        Run(["schema", "-o", str(work / "schemas")], 0),
        Run(["docs", str(PACK), "-o", str(work / "docs")], 0),
        Run(["check", str(ROOT / "examples"), "-f", "csv", "-o", str(work / "out.csv")], 0),
        Run(["check", str(EXAMPLES[0]), "-f", "json", "-o", str(work / "out.json")], 0),
    ]
    return runs


def _split(text: str, count: int) -> list[str]:
    parts = MARK.split(text)
    chunks = [""] * count
    for number, chunk in zip(parts[1::2], parts[2::2], strict=True):
        chunks[int(number)] = chunk
    return chunks


def _start(encoding: str, lang: str, work: Path) -> tuple[list[Run], subprocess.Popen[bytes]]:
    work.mkdir()
    runs = _plan(work, lang)
    (work / "runs.json").write_text(json.dumps([r.args for r in runs]), "utf-8")
    process = subprocess.Popen(
        [sys.executable, str(DRIVER), str(work / "runs.json"), str(work / "codes.json")],
        cwd=work,
        env=_env(encoding, lang),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    return runs, process


def _finish(encoding: str, work: Path, runs: list[Run], streams: tuple[bytes, bytes]) -> None:
    stdout, stderr = streams
    out = stdout.decode(encoding).replace("\r\n", "\n")  # strict; Windows writes CRLF
    err = stderr.decode(encoding).replace("\r\n", "\n")
    assert (work / "codes.json").exists(), err[-3000:]
    codes = json.loads((work / "codes.json").read_text("utf-8"))
    for run, code, chunk, chunk_err in zip(
        runs, codes, _split(out, len(runs)), _split(err, len(runs)), strict=True
    ):
        run.code, run.stdout, run.stderr = code, chunk, chunk_err


def _describe(encoding: str, run: Run) -> str:
    return (
        f"PYTHONIOENCODING={encoding} landrules {' '.join(run.args)} -> {run.code}"
        f"\n--- stdout ---\n{run.stdout[-2000:]}\n--- stderr ---\n{run.stderr[-2000:]}"
    )


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_the_reproducer_exits_0_with_readable_output(encoding: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "landrules", "check", "examples/p1-applies-renovation.yaml"],
        cwd=ROOT,
        env=_env(encoding, None),
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr.decode(encoding, "replace")
    out = done.stdout.decode(encoding).replace("\r\n", "\n")
    assert done.stderr == b""
    assert "P1 APPLIES" in out and out.endswith("\n")
    assert "+-- " in out  # rich's guides for an output that is not UTF
    marks = {"gbk": "√", "cp936": "√", "gb18030": "✓", "cp1252": "v", "ascii": "v"}
    assert f"{marks[encoding]} existing industrial land" in out
    if encoding in HOLDS_CHINESE:
        assert QUOTE in out
    else:
        assert QUOTE.encode("unicode_escape").decode() in out  # visible, not lost


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_command_example_and_bad_fixture_under_the_encoding(
    encoding: str, tmp_path: Path
) -> None:
    started = {lang: _start(encoding, lang, tmp_path / lang) for lang in ("en", "zh")}
    streams = {lang: process.communicate(timeout=300) for lang, (_, process) in started.items()}
    for lang, (runs, _) in started.items():
        _finish(encoding, tmp_path / lang, runs, streams[lang])
    for lang, (runs, _) in started.items():
        _check(encoding, lang, runs, tmp_path / lang)


def _check(encoding: str, lang: str, runs: list[Run], work: Path) -> None:
    for run in runs:
        assert run.code == run.exit, _describe(encoding, run)
        assert "Traceback" not in run.stdout + run.stderr, _describe(encoding, run)
        assert "internal error" not in run.stderr, _describe(encoding, run)
    by_args = {" ".join(r.args): r for r in runs}
    helps = [by_args["--help"], *(by_args[f"{c} --help"] for c in COMMANDS)]
    for run in helps:
        assert "landrules" in run.stdout and run.stdout.rstrip().endswith(("|", "+", "╯"))
    example = by_args[f"check {EXAMPLES[0]}"].stdout
    if encoding in HOLDS_CHINESE:
        assert QUOTE in example
        if lang == "zh":
            assert "按规则包检查地块" in by_args["check --help"].stdout
    else:
        assert QUOTE.encode("unicode_escape").decode() in example
    for kind in ("parcel", "registers"):
        bad = next(r for r in runs if str(BAD / kind) in r.args[-1])
        assert all(f"{p.name}:" in bad.stderr for p in (BAD / kind).iterdir()), bad.stderr
        if kind == "parcel" and lang == "en":  # what people wrote is never given a look-alike
            colon = "：" if encoding in HOLDS_CHINESE else "\\uff1a"
            assert f"a full-width colon '{colon}' does not separate" in bad.stderr
    tree = by_args[f"check {ROOT / 'examples'} --detail"].stdout
    assert tree.count("+-- ") > 100
    assert all(str(path) in tree for path in EXAMPLES)
    if lang == "zh":
        return
    machine = {fmt: by_args[f"check {ROOT / 'examples'} -f {fmt}"].stdout for fmt in FORMATS}
    for fmt in ("json", "geojson", "sarif"):
        assert json.loads(machine[fmt])  # whole and valid, with its own escapes
    assert len([json.loads(line) for line in machine["jsonl"].splitlines()]) == len(EXAMPLES)
    xml.dom.minidom.parseString(machine["junit"].encode(encoding))
    assert machine["junit"].isascii()  # declared UTF-8: references, never GBK bytes
    assert len(list(csv.reader(io.StringIO(machine["csv"])))) == len(EXAMPLES) + 1
    # files written with --output keep their own encodings whatever the console's
    written = (work / "out.csv").read_bytes()
    assert written.startswith(b"\xef\xbb\xbf") and written.decode("utf-8-sig")
    assert "m²" in (work / "out.json").read_text("utf-8")
    assert QUOTE in (work / "report.html").read_text("utf-8")


def test_each_encoding_gets_stand_ins_it_can_hold_and_ascii_always_has_one() -> None:
    from landrules.console import GLYPHS, glyph_table

    assert glyph_table("gbk") == {ord("✓"): "√", ord("✗"): "×", ord("²"): "2"}
    assert glyph_table("gb18030") == {}
    for stand_ins in GLYPHS.values():
        assert stand_ins[-1].isascii()
    for encoding in ENCODINGS:
        for glyph, stand_in in glyph_table(encoding).items():
            stand_in.encode(encoding)  # never raises
            assert stand_in in GLYPHS[chr(glyph)]


def test_a_write_is_never_half_done_whatever_it_holds() -> None:
    """The stand-ins are applied before the bytes are written; what is left is escaped."""
    from landrules.console import GlyphStream, _prepare

    raw = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    stream = _prepare(raw)
    assert isinstance(stream, GlyphStream) and not hasattr(stream, "buffer")
    stream.write("✓ 「现有」 m² ← 😀\n")
    stream.flush()
    written = raw.buffer.getvalue().decode("ascii")  # type: ignore[attr-defined]
    assert written == 'v "\\u73b0\\u6709" m2 <- \\ud83d\\ude00\n'
    with pytest.raises(TypeError):
        stream.write(b"bytes")  # click must see a text stream, not a binary one

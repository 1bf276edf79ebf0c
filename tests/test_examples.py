"""Every parcel in examples/ gives the verdict its leading comment declares.

The declaration is a comment block that landrules never reads:

    # expected verdict (read by tests/test_examples.py, never by landrules):
    #   P1: applies
    #   P2: does_not_apply
    #   P3: does_not_apply
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, ROOT, CliResult, invoke_cli

OUTCOMES = ("applies", "does_not_apply", "undetermined", "needs_review")
PROVISIONS = ("P1", "P2", "P3")
HEADER = "# expected verdict (read by tests/test_examples.py, never by landrules):"
_ENTRY = re.compile(r"#   (P\d+): ([a-z_]+)")
# A provision's heading in the text tree, e.g. "├── P2 DOES NOT APPLY — Newly supplied …".
_HEADING = re.compile(r"^\S+ (P\d+) ([A-Z][A-Z ]*[A-Z])(?: \(| — )", re.MULTILINE)

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))


def _leading_comment(text: str) -> list[str]:
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return lines


def declared_verdict(path: Path) -> dict[str, str]:
    """The expected outcome per provision, from the file's leading comment block."""
    comment = _leading_comment(path.read_text(encoding="utf-8"))
    assert HEADER in comment, f"{path.name}: the leading comment has no line {HEADER!r}"
    expected: dict[str, str] = {}
    for line in comment[comment.index(HEADER) + 1 :]:
        match = _ENTRY.fullmatch(line)
        if match is None:
            break
        provision, outcome = match.groups()
        assert outcome in OUTCOMES, f"{path.name}: {provision}: unknown outcome {outcome!r}"
        assert provision not in expected, f"{path.name}: {provision} is declared twice"
        expected[provision] = outcome
    assert tuple(expected) == PROVISIONS, (
        f"{path.name}: the block must declare {', '.join(PROVISIONS)} in order, found {expected}"
    )
    return expected


def strip_declaration(text: str) -> str:
    """The file without its expected-verdict block (the header line and its `#   Pn:` lines)."""
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.rstrip("\r\n") == HEADER)
    end = start + 1
    while end < len(lines) and _ENTRY.fullmatch(lines[end].rstrip("\r\n")):
        end += 1
    return "".join(lines[:start] + lines[end:])


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _check(path: Path, *options: str) -> CliResult:
    result = invoke_cli(["check", _relative(path), *options])
    assert result.exit_code == 0, result.describe()
    return result


def _leaves(step: dict[str, Any]) -> Iterator[dict[str, Any]]:
    children = step.get("children")
    if not children:
        yield step
        return
    for child in children:
        yield from _leaves(child)


@pytest.fixture(scope="module")
def json_verdicts() -> dict[str, dict[str, Any]]:
    """The JSON verdict of every example, by file name (computed once for the coverage tests)."""
    return {p.name: json.loads(_check(p, "--format", "json").stdout) for p in EXAMPLE_FILES}


def test_there_are_examples() -> None:
    assert len(EXAMPLE_FILES) >= 17, [p.name for p in EXAMPLE_FILES]


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_text_output_gives_the_declared_verdict(path: Path, run_cli) -> None:
    expected = declared_verdict(path)
    result = run_cli(["check", _relative(path)])
    assert result.exit_code == 0, result.describe()
    shown = dict(_HEADING.findall(result.stdout))
    wanted = {p: outcome.replace("_", " ").upper() for p, outcome in expected.items()}
    assert shown == wanted, f"{path.name}: headings {shown}, declared {wanted}" + result.describe()


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_json_output_gives_the_declared_verdict(path: Path, run_cli) -> None:
    expected = declared_verdict(path)
    result = run_cli(["check", _relative(path), "--format", "json"])
    assert result.exit_code == 0, result.describe()
    provisions = json.loads(result.stdout)["provisions"]
    actual = {p["id"]: p["outcome"] for p in provisions}
    message = f"{path.name}: tool {actual}, declared {expected}"
    assert actual == expected, message + result.describe()


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_the_declaration_does_not_influence_the_output(path: Path, tmp_path: Path) -> None:
    """landrules must ignore the comment: a copy without it, at the same relative path, gives
    byte-identical text and JSON."""
    text = path.read_text(encoding="utf-8")
    stripped = strip_declaration(text)
    assert "expected verdict" not in stripped and "#   P1:" not in stripped
    copy = tmp_path / _relative(path)
    copy.parent.mkdir(parents=True)
    copy.write_text(stripped, encoding="utf-8")
    for options in ([], ["--format", "json"]):
        args = ["check", _relative(path), *options]
        original = invoke_cli(args)
        bare = invoke_cli(args, cwd=tmp_path)
        assert original.exit_code == bare.exit_code == 0, original.describe() + bare.describe()
        assert bare.stdout == original.stdout, original.describe() + bare.describe()


def test_examples_cover_every_outcome_of_every_provision() -> None:
    seen = {(p, o) for path in EXAMPLE_FILES for p, o in declared_verdict(path).items()}
    absent = [f"{p} {o}" for p in PROVISIONS for o in OUTCOMES if (p, o) not in seen]
    assert not absent, f"no example declares: {', '.join(absent)}"


def test_examples_show_every_reason_a_provision_does_not_apply(json_verdicts) -> None:
    """Each condition of the text is definitely false in at least one example where its
    provision does not apply: every distinct reason for does_not_apply is shown."""
    conditions: dict[str, set[str]] = {}
    false_somewhere: set[str] = set()
    for verdict in json_verdicts.values():
        for provision in verdict["provisions"]:
            leaves = list(_leaves(provision["conditions"]))
            conditions.setdefault(provision["id"], set()).update(leaf["id"] for leaf in leaves)
            if provision["outcome"] == "does_not_apply":
                false_somewhere.update(leaf["id"] for leaf in leaves if leaf["result"] == "false")
    assert set(conditions) == set(PROVISIONS)
    never = sorted(c for ids in conditions.values() for c in ids if c not in false_somewhere)
    assert not never, f"no example fails these conditions: {', '.join(never)}"


def test_examples_use_the_written_forms_the_docs_promise() -> None:
    """Unquoted 0601 codes, Chinese enum synonyms and YYYY-MM-DD dates appear in the set."""
    texts = {p.name: p.read_text(encoding="utf-8") for p in EXAMPLE_FILES}
    everything = "\n".join(texts.values())
    assert re.search(r"gbt21010: 0601[,}]", everything), "no unquoted 0601"
    for synonym in ("出让", "划拨", "技术改造"):
        assert re.search(rf":\s*{synonym}\s*$", everything, re.MULTILINE), synonym
    assert re.search(r"date: \d{4}-\d{2}-\d{2}\b", everything)

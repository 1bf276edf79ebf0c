"""The verdict tree drawn without rich's console is, byte for byte, the tree rich draws.

`landrules.report.tree.draw_plain` copies only how rich lays a tree out (guides, trimming and
folding of wrapped lines) and calls rich's own word division and cell widths; these tests compare
it with `rich.console.Console.print` on every example and on generated trees and widths.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from landrules.api import check_file, load_rules
from landrules.i18n import use_lang
from landrules.report.text import make_console, print_verdicts, verdict_tree, write_verdicts
from landrules.report.tree import Label, Node, draw_plain, plain_width

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def _rich(node: Node, width: int) -> str:
    out = io.StringIO()
    Console(file=out, width=width, highlight=False, emoji=False, soft_wrap=False).print(node)
    return out.getvalue()


@pytest.fixture(scope="module")
def pack():
    return load_rules()


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("columns", ["38", "80", "100", "137"])
def test_every_example_is_written_as_rich_prints_it(
    pack, lang: str, columns: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    for path in EXAMPLES:
        verdict = check_file(pack, path)
        with use_lang(lang):  # type: ignore[arg-type]
            by_rich, by_us = io.StringIO(), io.StringIO()
            print_verdicts([verdict], make_console(by_rich))
            write_verdicts([verdict], by_us)
            assert draw_plain(verdict_tree(verdict), int(columns)) is not None
        assert by_us.getvalue() == by_rich.getvalue(), (path.name, lang, columns)


_CHARACTERS = [*"abcdefgh.,;:-()[]=/", *"工业用地容积率「」，。（）１２", "\u0301", "🌲", "\u200b"]
"""Narrow and wide characters, a combining accent, an emoji and a zero-width space."""
_WORDS = st.text(
    st.sampled_from(_CHARACTERS),
    min_size=1,
    max_size=30,
)
_LABELS = st.lists(st.tuples(_WORDS, st.sampled_from(["", " ", "  ", "   "])), max_size=12).map(
    lambda parts: "".join(word + gap for word, gap in parts)
)
_TREES = st.recursive(
    _LABELS.map(lambda text: (text, [])),
    lambda children: st.tuples(_LABELS, st.lists(children, max_size=4)),
    max_leaves=20,
)


def _node(shape: tuple[str, list]) -> Node:
    text, children = shape
    node = Node(Label(text))
    for child in children:
        node.children.append(_node(child))
    return node


def _depth(node: Node) -> int:
    return 1 + max((_depth(c) for c in node.children), default=0)


@settings(max_examples=300, deadline=None, derandomize=True)  # the same examples every run
@given(shape=_TREES, width=st.integers(min_value=10, max_value=140))
def test_generated_trees_are_drawn_as_rich_draws_them(shape: tuple[str, list], width: int) -> None:
    node = _node(shape)
    drawn = draw_plain(node, width)
    if width - 4 * (_depth(node) - 1) < 10:
        assert drawn is None
    else:
        assert drawn == _rich(node, width)


@pytest.mark.parametrize("special", ["\t", "\n", "\r", "\x1b", "\x85"])
def test_a_label_with_a_character_rich_treats_specially_is_left_to_rich(special: str) -> None:
    node = Node(Label("root"))
    node.add(Label(f"a{special}b"))
    assert draw_plain(node, 80) is None


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("columns", [None, "0", "33", "100", "７"])
def test_the_width_is_the_one_rich_chooses(
    columns: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    if columns is not None:
        monkeypatch.setenv("COLUMNS", columns)
    if columns == "７":
        assert plain_width(io.StringIO()) is None
    else:
        assert plain_width(io.StringIO()) == make_console(io.StringIO()).width


@pytest.mark.parametrize("variable", ["FORCE_COLOR", "TTY_COMPATIBLE"])
def test_forced_colour_or_a_terminal_goes_to_rich(
    variable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    assert plain_width(io.StringIO()) is not None
    assert plain_width(_Terminal()) is None
    monkeypatch.setenv(variable, "1")
    assert plain_width(io.StringIO()) is None


def test_a_terminal_gets_rich_colours_from_the_same_tree(
    pack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    verdict = check_file(pack, EXAMPLES[0])
    ours, theirs = io.StringIO(), io.StringIO()
    write_verdicts([verdict], ours)
    print_verdicts([verdict], make_console(theirs))
    assert "\x1b[" in ours.getvalue()
    assert ours.getvalue() == theirs.getvalue()


def test_labels_become_the_rich_texts_the_report_used_to_build() -> None:
    styled = Label("whole", style="dim").to_rich()
    assert (styled.plain, styled.style, styled.spans) == ("whole", "dim", [])
    expected = Text()
    expected.append("✓", style="green")
    expected.append(" label")
    expected.append(" 「quote」", style="cyan")
    parts = Label().append("✓", style="green").append(" label").append(" 「quote」", style="cyan")
    got = parts.to_rich()
    assert (got.plain, got.style, got.spans) == (expected.plain, expected.style, expected.spans)


def test_a_rich_without_its_private_wrap_helper_still_prints_the_tree(
    pack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`rich._wrap` is not public API: if a rich release drops it, rich draws the tree itself."""
    import sys

    verdict = check_file(pack, EXAMPLES[0])
    expected = io.StringIO()
    print_verdicts([verdict], make_console(expected))
    monkeypatch.setitem(sys.modules, "rich._wrap", None)  # importing it now raises ImportError
    assert draw_plain(verdict_tree(verdict), 80) is None
    written = io.StringIO()
    write_verdicts([verdict], written)
    assert written.getvalue() == expected.getvalue()


class _Encoded(io.TextIOWrapper):
    """An output in a legacy code page, as a pipe or redirect on Chinese Windows has."""

    def __init__(self, encoding: str) -> None:
        super().__init__(io.BytesIO(), encoding=encoding, errors="backslashreplace")

    def text(self) -> str:
        self.flush()
        return self.buffer.getvalue().decode(self.encoding)  # type: ignore[attr-defined]


@pytest.mark.parametrize("encoding", ["gbk", "cp1252"])
def test_an_output_that_is_not_utf_gets_the_ascii_guides_rich_draws(
    pack, encoding: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "90")
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(name, raising=False)
    for path in EXAMPLES:
        verdict = check_file(pack, path)
        by_rich, by_us = _Encoded(encoding), _Encoded(encoding)
        print_verdicts([verdict], make_console(by_rich))
        assert plain_width(by_us) == 90
        write_verdicts([verdict], by_us)
        assert by_us.text() == by_rich.text(), path.name
        assert "+-- " in by_us.text() and "├" not in by_us.text()

"""The verdict tree as plain nodes, drawn by rich only when rich has something to add.

Building and printing a `rich.tree.Tree` loaded rich's console and renderers on every
`landrules check one.yaml` (~25 ms). Reports build these nodes instead. When rich would write
no escape codes (the output is not a terminal and no colour is forced), `draw_plain` draws them
itself with rich's own word division and cell widths, so the bytes are the ones rich would
write (tests compare the two); anything else is handed to rich as the same `Tree`.
"""

from __future__ import annotations

import builtins
import itertools
import os
import re
import sys
from typing import IO, Any


class Label:
    """One node's text in styled parts, built as `rich.text.Text` is: a text with a base style,
    then `append`ed parts, each with its own style."""

    __slots__ = ("parts", "style")

    def __init__(self, text: str = "", style: str = "") -> None:
        self.style = style
        self.parts: list[tuple[str, str | None]] = [(text, None)]

    def append(self, text: str, style: str | None = None) -> Label:
        self.parts.append((text, style))
        return self

    @property
    def plain(self) -> str:
        return "".join(text for text, _ in self.parts)

    def to_rich(self) -> Any:
        """The `rich.text.Text` made by the same calls."""
        from rich.text import Text

        (first, _), *rest = self.parts
        text = Text(first, style=self.style)
        for part, style in rest:
            text.append(part, style=style)
        return text


class Node:
    """A tree node; `add` hangs a child under it, as `rich.tree.Tree.add` does."""

    __slots__ = ("children", "label")

    def __init__(self, label: Label) -> None:
        self.label = label
        self.children: list[Node] = []

    def add(self, label: Label) -> Node:
        child = Node(label)
        self.children.append(child)
        return child

    def __rich__(self) -> Any:
        """The `rich.tree.Tree` with default styles, so `Console.print(node)` draws it."""
        from rich.tree import Tree

        tree = Tree(self.label.to_rich())
        todo = [(tree, self)]
        while todo:
            into, node = todo.pop()
            for child in node.children:
                todo.append((into.add(child.label.to_rich()), child))
        return tree


def plain_width(file: IO[str]) -> int | None:
    """The width rich's `Console(file=file)` would draw at, when it would write plain text; None
    when it might not (a terminal, forced colour, Jupyter, Windows, an odd COLUMNS), so that
    the caller leaves the drawing to rich. A non-UTF encoding gets ASCII guides (`ascii_only`)."""
    if sys.platform == "win32" or hasattr(builtins, "get_ipython"):
        return None
    if "FORCE_COLOR" in os.environ or "TTY_COMPATIBLE" in os.environ:
        return None
    isatty = getattr(file, "isatty", None)
    try:
        if isatty is None or isatty():
            return None
    except ValueError:
        return None
    columns = os.environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        return int(columns) if columns.isascii() else None
    width = 0
    for fd in (0, 1, 2):
        try:
            width = os.get_terminal_size(fd).columns
        except (AttributeError, ValueError, OSError):
            continue
        break
    return width or 80


_GUIDES = ("    ", "│   ", "├── ", "└── ")
_ASCII_GUIDES = ("    ", "|   ", "+-- ", "`-- ")
"""rich's `Tree.ASCII_GUIDES`, which it draws when the output's encoding is not UTF."""


def ascii_only(file: IO[str]) -> bool:
    """What rich's console decides from the output's encoding: only UTF gets box lines."""
    return not (getattr(file, "encoding", "utf-8") or "utf-8").lower().startswith("utf")


_TRAILING_SPACE = re.compile(r"\s+$")
_MIN_WIDTH = 10
"""Narrower labels (a very narrow terminal) are left to rich."""


def draw_plain(root: Node, width: int, *, ascii_guides: bool = False) -> str | None:
    """The tree as rich draws it at `width` cells with no styles, or None if a label holds a
    character rich treats specially (tabs, line breaks, control codes) or this rich lacks the
    helpers used (`rich._wrap` is not public API: a rich without it draws the tree itself).
    `ascii_guides` draws the guides rich draws for an output whose encoding is not UTF."""
    try:
        from rich._wrap import divide_line
        from rich.cells import cell_len, set_cell_size
    except ImportError:
        return None

    guides = _ASCII_GUIDES if ascii_guides else _GUIDES
    out: list[str] = []

    def wrap(text: str, size: int) -> list[str]:
        """`rich.text.Text.wrap` of one line: divide, trim overhanging spaces, fold."""
        bounds = [0, *divide_line(text, size, fold=True), len(text)]
        lines = []
        for start, end in itertools.pairwise(bounds):
            line = text[start:end]
            if len(line) > size and (space := _TRAILING_SPACE.search(line)) is not None:
                line = line[: len(line) - min(len(space.group(0)), len(line) - size)]
            if cell_len(line) > size:
                line = set_cell_size(line, size)
            lines.append(line)
        return lines

    def draw(node: Node, first: str, rest: str, lead: str, depth: int) -> bool:
        text = node.label.plain
        size = width - 4 * depth
        if size < _MIN_WIDTH or any(c < " " or "\x7f" <= c <= "\x9f" for c in text):
            return False
        for i, line in enumerate(wrap(text, size)):
            out.append(f"{rest if i else first}{line}\n")
        last = len(node.children) - 1
        for i, child in enumerate(node.children):
            fork, down = (guides[3], guides[0]) if i == last else (guides[2], guides[1])
            if not draw(child, lead + fork, lead + down, lead + down, depth + 1):
                return False
        return True

    return "".join(out) if draw(root, "", "", "", 0) else None

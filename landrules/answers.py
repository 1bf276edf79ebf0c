"""Write `ask`'s answers into a parcel file's text, line by line, keeping its comments.

Re-dumping the data would drop every comment, so a `landrules new` template would stop being a
commented template once `ask` completes it. Each answer is written on its key's line (the
comment after it kept), or on a new line under its parent; values are JSON-quoted, which YAML
reads as the same text (`"0601"` stays a code). The caller checks that the edited text loads
as the data that was judged, and falls back to a plain dump when it does not (flow-style
mappings, for example, cannot be edited by line).
"""

from __future__ import annotations

import json
import re
from typing import Any

_KEY = re.compile(
    r"^(?P<indent> *)(?P<key>[^\s#:\-][^:#]*?|\"[^\"]*\"|'[^']*'):(?P<rest>(?:\s.*)?)$"
)


_PLAIN = re.compile(r"[A-Za-z_\u3400-\u9fff][\w\u3400-\u9fff\uff08\uff09（）〔〕.\-]*")
_YAML_WORDS = frozenset(("y", "n", "yes", "no", "true", "false", "on", "off", "null"))


def _flow(value: Any) -> str:
    """A value as one line of YAML flow text. A plain word (`given`, `是`, `M2`) is written
    bare, as a person writes it; anything else (numbers, codes such as `0601`, dates, text with
    signs) JSON-quoted, which every YAML reader reads as that text and never as a number."""
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)


def _comment(rest: str) -> str:
    """The comment part of the text after `key:` (`  # …`), kept as written; '' if none."""
    stripped = rest.strip()
    if stripped.startswith("#"):
        return "  " + stripped
    match = re.search(r"\s+#.*$", rest)
    if match is not None and not stripped.startswith(('"', "'", "{", "[")):
        return "  " + match.group(0).strip()
    return ""


def _keys(lines: list[str]) -> list[tuple[int, int, str, str]]:
    """(line index, indent, key, rest) of every block-mapping key line."""
    out = []
    for i, line in enumerate(lines):
        match = _KEY.match(line)
        if match is not None:
            key = match["key"].strip()
            if key[:1] in "\"'":
                key = key[1:-1]
            out.append((i, len(match["indent"]), key, match["rest"]))
    return out


def _block_end(lines: list[str], start: int, indent: int) -> int:
    """The index after the last line of the block that starts at `start` (indent `indent`)."""
    end = start + 1
    last = start + 1
    while end < len(lines):
        line = lines[end]
        body = line.strip()
        if body and not body.startswith("#"):
            if len(line) - len(line.lstrip(" ")) <= indent:
                break
            last = end + 1
        end += 1
    return last


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _content(line: str) -> bool:
    body = line.strip()
    return bool(body) and not body.startswith("#")


def _find(lines: list[str], parts: list[str]) -> tuple[int, int, str] | int:
    """The key line of dotted `parts` as (index, indent, rest after the colon); or, when a
    part is missing, how many leading parts were found."""
    lo, hi = 0, len(lines)
    found: tuple[int, int, str] | None = None
    for depth, part in enumerate(parts):
        indents = [_indent(line) for line in lines[lo:hi] if _content(line)]
        if not indents:
            return depth
        level = min(indents)
        match = next(
            (
                (lo + i, ind, rest)
                for i, ind, key, rest in _keys(lines[lo:hi])
                if key == part and ind == level
            ),
            None,
        )
        if match is None:
            return depth
        found = match
        lo, hi = match[0] + 1, _block_end(lines, match[0], match[1])
    assert found is not None
    return found


def _child_indent(lines: list[str], parent_index: int, parent_indent: int) -> int:
    for line in lines[parent_index + 1 :]:
        body = line.strip()
        if body and not body.startswith("#"):
            ind = len(line) - len(line.lstrip(" "))
            return ind if ind > parent_indent else parent_indent + 2
    return parent_indent + 2


def write_answer(text: str, path: str, value: Any) -> str:
    """`text` with the fact at dotted `path` set to `value` (comments and other lines kept);
    a mapping is written key by key. Raises ValueError where a line edit cannot do it."""
    if isinstance(value, dict):
        for key, item in value.items():
            text = write_answer(text, f"{path}.{key}", item)
        return text
    lines = text.split("\n")
    trailing = lines[-1] == ""
    if trailing:
        lines.pop()
    parts = path.split(".")
    found = _find(lines, parts)
    if isinstance(found, tuple):
        index, indent, rest = found
        end = _block_end(lines, index, indent)
        if any(_content(line) for line in lines[index + 1 : end]):
            raise ValueError(f"{path} holds a block")
        line = lines[index]
        key_text = line[: line.index(":", indent) + 1]
        lines[index] = f"{key_text} {_flow(value)}{_comment(rest)}"
    else:
        depth = found
        if depth == 0:
            indent, insert_at = 0, len(lines)
        else:
            parent = _find(lines, parts[:depth])
            assert isinstance(parent, tuple)
            p_index, p_indent, p_rest = parent
            if p_rest.strip() and not p_rest.strip().startswith("#"):
                raise ValueError(f"{'.'.join(parts[:depth])} is written inline")
            indent = _child_indent(lines, p_index, p_indent)
            insert_at = _block_end(lines, p_index, p_indent)
        new = []
        for k, part in enumerate(parts[depth:]):
            pad = " " * (indent + 2 * k)
            last = k == len(parts) - depth - 1
            new.append(f"{pad}{part}: {_flow(value)}" if last else f"{pad}{part}:")
        lines[insert_at:insert_at] = new
    return "\n".join(lines) + "\n"


def write_answers(text: str, answers: dict[str, Any]) -> str:
    """Every answer written into `text`, in the order given; a file saved with CRLF line ends
    (Windows) keeps them."""
    crlf = "\r\n" in text
    if crlf:
        text = text.replace("\r\n", "\n")
    for path, value in answers.items():
        text = write_answer(text, path, value)
    return text.replace("\n", "\r\n") if crlf else text

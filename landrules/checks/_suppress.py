"""Inline suppression: `# landrules: ignore[check-id]` on a line of a rule file silences that
check's findings on that line, and only there.

A suppressed finding is not dropped: `validate` counts it and writes it, marked suppressed, in
the machine formats (SARIF `suppressions`), and it no longer fails the run. Only warnings can be
suppressed: an error means the pack is refused, since a verdict would rest on it. A comment
naming an error check, or no check at all, is itself a warning.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from landrules.i18n import t
from landrules.problems import Problem
from landrules.rulepack import PackSource

CODE = "ignore-comment"
_COMMENT = re.compile(r"#\s*landrules:\s*ignore\[([^\]]*)\]")


def split(
    pack: PackSource, problems: Iterable[Problem], severities: dict[str, str]
) -> tuple[list[Problem], list[Problem]]:
    """(findings still standing, with any bad-comment warnings; findings suppressed), given
    each check's severity."""
    allowed, comments = _comments(pack, severities)
    kept: list[Problem] = list(comments)
    suppressed: list[Problem] = []
    for p in problems:
        if p.code in allowed.get((p.path, p.line), ()):
            suppressed.append(p)
        else:
            kept.append(p)
    kept.sort(key=lambda p: (p.path, p.line, p.col, p.code, p.message))
    return kept, suppressed


def _comments(
    pack: PackSource, severities: dict[str, str]
) -> tuple[dict[tuple[str, int], set[str]], list[Problem]]:
    """The check ids each line of the pack's files suppresses, and the comments' own problems."""
    allowed: dict[tuple[str, int], set[str]] = {}
    problems: list[Problem] = []
    docs = [pack.meta_doc, *(f.doc for f in pack.files)]
    for doc in docs:
        if doc is None or "landrules:" not in doc.text:
            continue
        for number, line in enumerate(doc.text.splitlines(), start=1):
            found = _COMMENT.search(line)
            if found is None:
                continue
            col = found.start() + 1
            for name in (part.strip() for part in found[1].split(",")):
                if severities.get(name) == "warning":
                    allowed.setdefault((doc.path, number), set()).add(name)
                    continue
                problems.append(_bad(doc.path, number, col, name, severities))
    return allowed, problems


def _bad(path: str, line: int, col: int, name: str, severities: dict[str, str]) -> Problem:
    if name in severities:
        message = t("suppress.not_allowed", code=name)
        hint = t("suppress.hint.not_allowed")
    else:
        import difflib

        can = sorted(c for c, severity in severities.items() if severity == "warning")
        close = difflib.get_close_matches(name, can, n=1)
        message = t("suppress.unknown", code=name or "''")
        hint = t("hint.did_you_mean", name=close[0]) if close else t("suppress.hint.unknown")
    return Problem(path, line, col, CODE, message, hint=hint, severity="warning")

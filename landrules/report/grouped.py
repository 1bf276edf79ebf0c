"""Input errors on the console, grouped for people: a register with 68 bad cells in one column
gets one error for that column, not 68 lines that hide the other columns' errors.

Errors are grouped per file, column, field and error code. A group of at most `max_errors`
errors is printed one error a line, in row order; a larger one as one grouped error at the place
of its first row: how many rows, the first `max_errors` of them with their parcel codes, a few of
the values found, and the hint saying what to type. `max_errors` 0 prints every error on its own
line. Only the console is grouped: JSON, JSON Lines, CSV, SARIF, JUnit and GitHub output keep every
error. Memory stays flat: a group keeps its first `max_errors` errors and a few values, no more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from landrules.i18n import t

if TYPE_CHECKING:
    from collections.abc import Iterable

    from landrules.problems import Problem

MAX_ERRORS = 5
"""The default: five rows with the same error are still read one by one; from six, grouped."""
SAMPLES = 3
"""Distinct values found that a grouped error shows."""


@dataclass(slots=True)
class _Group:
    order: int  # where its first error came: groups print in row order
    kept: list[Problem] = field(default_factory=list)
    count: int = 0
    found: list[str] = field(default_factory=list)


class ErrorPrinter:
    """Problems in, lines out on `out`; flushed at each change of file and by `close`."""

    def __init__(self, out: IO[str], max_errors: int = MAX_ERRORS) -> None:
        self.out, self.max_errors = out, max_errors
        self.path: str | None = None
        self.groups: dict[tuple[str, str, int, str, str], _Group] = {}
        self.seen = 0

    def add(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            if not self.max_errors:
                self.out.write(problem.render() + "\n")
                continue
            if problem.path != self.path:
                self.flush()
                self.path = problem.path
            key = (problem.path, problem.severity, problem.col, problem.field, problem.code)
            group = self.groups.get(key)
            if group is None:
                group = self.groups[key] = _Group(self.seen)
                self.seen += 1
            group.count += 1
            if len(group.kept) < self.max_errors:
                group.kept.append(problem)
            value = problem.found
            if value and len(group.found) < SAMPLES and value not in group.found:
                group.found.append(value)

    def flush(self) -> None:
        """Print what is held: small groups' errors in row order, each large group as one."""
        lines: list[tuple[int, int, str]] = []
        for group in self.groups.values():
            if group.count <= self.max_errors:
                lines.extend((p.line, n, p.render()) for n, p in enumerate(group.kept))
            else:
                first = group.kept[0]
                lines.append((first.line, -1, self._grouped(group)))
        lines.sort(key=lambda x: (x[0], x[1]))
        self.out.write("".join(text + "\n" for _, _, text in lines))
        self.groups.clear()
        self.seen = 0

    close = flush

    def _grouped(self, group: _Group) -> str:
        """The first error's line, counted, then its rows, the values found and the hint."""
        import dataclasses

        first = group.kept[0]
        message = t("group.message", n=group.count, message=first.message)
        head = dataclasses.replace(first, message=message, hint="", parcel="").render()
        rows = t("tree.list_separator").join(
            t("group.row_code", line=p.line, code=p.parcel) if p.parcel else str(p.line)
            for p in group.kept
        )
        more = group.count - len(group.kept)
        rows = t("group.more", rows=rows, n=more) if more else rows
        lines = [head, t("group.rows", rows=rows)]
        if group.found:
            values = t("tree.list_separator").join(f"'{v}'" for v in group.found)
            lines.append(t("group.found", values=values))
        if first.hint:
            lines.append(t("group.hint", hint=first.hint))
        return "\n".join(lines)

"""One problem type for every located complaint the tool makes about an input file."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """A located problem in an input file; line and col are 1-based (0 when unknown)."""

    path: str
    line: int
    col: int
    code: str
    message: str
    field: str = ""
    hint: str = ""
    severity: str = "error"
    parcel: str = ""  # the register row's parcel code (宗地号), when the row gave one
    found: str = ""  # the refused cell as written: a grouped error's samples (not serialised)

    def render(self) -> str:
        """`path:line:col: error[code] (parcel 0601) field: message`, then an indented hint line
        if any: the location stays first, where editors and CI logs look for it."""
        from landrules.i18n import t

        where = f"{self.path}:{self.line}:{self.col}"
        head = f"{where}: {t(f'severity.{self.severity}')}[{self.code}] "
        if self.parcel:
            head += t("problem.parcel", code=self.parcel)
        head += (
            t("problem.field", field=self.field, message=self.message)
            if self.field
            else self.message
        )
        return t("problem.hint", head=head, hint=self.hint) if self.hint else head

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "code": self.code,
            "severity": self.severity,
            "field": self.field,
            "message": self.message,
            "hint": self.hint,
            **({"parcel": self.parcel} if self.parcel else {}),
        }


@dataclass(slots=True)
class InputError(Exception):
    """Raised when a file cannot be read as the record it should be; carries every problem found."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(p.render() for p in self.problems)


class RulePackError(InputError):
    """A rule pack could not be loaded: no verdict from it can be trusted."""

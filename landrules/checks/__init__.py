"""The `landrules validate` checks: one module each, with an id, a severity and a docstring.

Each module has `ID` (kebab-case, stable), `SEVERITY` ("error" or "warning") and a pure
`check(pack) -> Iterator[Problem]` over a leniently read pack (`landrules.rulepack.PackSource`).
The table is a plain dict, in the order findings are documented.
"""

from __future__ import annotations

from types import ModuleType

from landrules.checks import (
    duplicate_id,
    incompatible_comparison,
    missing_citation,
    never_false,
    never_true,
    overlapping_versions,
    quote_not_in_source,
    schema,
    unknown_fact,
    unknown_kind,
    unused_parameter,
    version_gap,
)
from landrules.problems import Problem
from landrules.rulepack import PackSource

CHECKS: dict[str, ModuleType] = {
    schema.ID: schema,
    unknown_kind.ID: unknown_kind,
    unknown_fact.ID: unknown_fact,
    quote_not_in_source.ID: quote_not_in_source,
    missing_citation.ID: missing_citation,
    duplicate_id.ID: duplicate_id,
    incompatible_comparison.ID: incompatible_comparison,
    overlapping_versions.ID: overlapping_versions,
    version_gap.ID: version_gap,
    never_true.ID: never_true,
    never_false.ID: never_false,
    unused_parameter.ID: unused_parameter,
}


def get(check_id: str) -> ModuleType:
    if check_id not in CHECKS:
        raise ValueError(f"no such check: {check_id!r} (the checks are {', '.join(CHECKS)})")
    return CHECKS[check_id]


def run_checks(pack: PackSource, only: list[str] | None = None) -> list[Problem]:
    """Every finding of every check (or of `only`), sorted by file, line and column."""
    found: list[Problem] = []
    for check_id in only or list(CHECKS):
        found.extend(get(check_id).check(pack))
    return sorted(set(found), key=lambda p: (p.path, p.line, p.col, p.code, p.message))


def findings(pack: PackSource) -> tuple[list[Problem], list[Problem]]:
    """Every finding, split into those standing and those an inline
    `# landrules: ignore[check-id]` suppresses (see `_suppress`)."""
    from landrules.checks import _suppress

    severities = {check_id: module.SEVERITY for check_id, module in CHECKS.items()}
    return _suppress.split(pack, run_checks(pack), severities)

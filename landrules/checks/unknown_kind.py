"""unknown-kind: every condition's `kind` is one the engine knows.

Conditions are data from a closed set of kinds (all, any, not, equals, in, includes_any, compare,
given) interpreted by the engine; a rule file is never executed, so a kind outside the set cannot
mean anything and the file is refused.

FAIL::

    kind: equal

PASS::

    kind: equals
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from landrules.problems import Problem
from landrules.rulepack import PackSource

ID = "unknown-kind"
SEVERITY = "error"


def check(pack: PackSource) -> Iterator[Problem]:
    for problem in pack.read_problems:
        if problem.code == ID:
            yield replace(problem, severity=SEVERITY)

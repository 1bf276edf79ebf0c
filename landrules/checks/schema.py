"""schema: every file of the pack can be read and has the shape of its kind of rule file.

A rule file is YAML read by landrules' own reader (every value as text; duplicate keys, tags and
anchors refused) and then checked field by field against the pack or provision model: unknown
keys, missing fields, a bad date or a number written with a unit are all reported here, each at
its line and column. Nothing else can be checked in a file that fails here.

FAIL (a misspelt key)::

    conditon:
      id: P1.all

PASS::

    conditions:
      id: P1.all
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from landrules.checks.missing_citation import is_missing_citation
from landrules.problems import Problem
from landrules.rulepack import PackSource

ID = "schema"
SEVERITY = "error"


def check(pack: PackSource) -> Iterator[Problem]:
    for problem in pack.read_problems:
        if problem.code == "unknown-kind" or is_missing_citation(problem, pack):
            continue
        detail = f" [{problem.code}]" if problem.code not in (ID, "syntax") else ""
        where = f"{problem.field}: " if problem.field else ""
        yield replace(
            problem,
            code=ID,
            severity=SEVERITY,
            message=f"{where}{problem.message}{detail}",
            field=problem.field,
        )

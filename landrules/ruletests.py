"""`landrules test`: a rule pack's own test cases, and how much of the pack they exercise.

Cases live beside the pack in `tests/*.yaml`, each named as a sentence (OpenFisca style), with the
parcel's facts in the parcel file format and the outcome expected per provision. A case can also
say which conditions must have decided it (`decided_by`), the missing facts and the computed
quantities: the right answer for the right reason. Coverage counts, for every leaf condition,
whether some case saw it true, false and unknown; evaluation never short-circuits, so a condition
is counted even when another one already settled its provision.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, TypeAdapter, ValidationError

from landrules import yamlio
from landrules.evaluate import CompiledProvision, InForce, ProvisionVerdict, Step
from landrules.i18n import t
from landrules.logic import Tri, Unknown
from landrules.model.parcel import Parcel
from landrules.model.rules import FactName, Id, Provision, RuleData
from landrules.model.types import Decimal_, IsoDate, Text, exact_text
from landrules.problems import InputError, Problem
from landrules.rulepack import RulePack, condition_trees, iter_conditions

TESTS_DIR = "tests"
RESULTS = ("true", "false", "unknown")


class Expected(RuleData):
    """What one provision must come to for the case's parcel."""

    outcome: Literal["applies", "does_not_apply", "undetermined", "needs_review"]
    decided_by: list[Id] | None = Field(
        None,
        description="The leaf conditions that must be the deciding ones, exactly: the false ones "
        "(does_not_apply), the ones unknown for missing facts (undetermined), or the triggered "
        "reviews and ambiguous conditions (needs_review).",
    )
    missing: list[FactName] | None = Field(None, description="The missing facts, exactly.")
    quantities: dict[FactName, Decimal_ | None] | None = Field(
        None, description="Computed quantities; null means 'not computed' (facts missing)."
    )


class Case(RuleData):
    """One test case: a sentence naming the behaviour, a parcel, and the expected outcomes."""

    name: Text = Field(description="A sentence saying what the case shows.")
    as_of: IsoDate | None = Field(None, description="Judge on this date, as `--as-of` does.")
    facts: Parcel = Field(description="A parcel record, exactly as in a parcel file.")
    expect: dict[Id, Expected] = Field(min_length=1, description="Expected outcome by provision.")


CASES = TypeAdapter(list[Case])


@dataclass(slots=True)
class CaseResult:
    path: str
    line: int
    col: int
    name: str
    failures: list[str]

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass(slots=True)
class Leaf:
    """A leaf condition of one version of a provision, and the cases that saw each result."""

    provision: str
    file: str
    id: str
    kind: str
    line: int
    col: int
    seen: dict[str, list[str]] = field(default_factory=lambda: {r: [] for r in RESULTS})

    @property
    def required(self) -> tuple[str, ...]:
        return ("true", "false") if self.kind == "given" else RESULTS

    @property
    def missing(self) -> list[str]:
        return [r for r in self.required if not self.seen[r]]


@dataclass(slots=True)
class PackReport:
    pack: RulePack
    results: list[CaseResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    leaves: dict[tuple[str, str], Leaf] = field(default_factory=dict)

    @property
    def coverage(self) -> tuple[int, int]:
        """(results seen, results required) over every leaf condition."""
        need = sum(len(leaf.required) for leaf in self.leaves.values())
        seen = sum(len(leaf.required) - len(leaf.missing) for leaf in self.leaves.values())
        return seen, need


def coverage_percent(reports: list[PackReport]) -> float:
    seen = sum(r.coverage[0] for r in reports)
    need = sum(r.coverage[1] for r in reports)
    return 100.0 if need == 0 else 100.0 * seen / need


def case_files(pack: RulePack) -> list[Path]:
    folder = pack.directory / TESTS_DIR
    return sorted(p for p in folder.glob("*.y*ml") if p.suffix in (".yaml", ".yml"))


def read_cases(path: Path) -> tuple[yamlio.Document, list[Case]]:
    """The cases of one test file; raises InputError with located problems."""
    doc = yamlio.load(path)
    try:
        return doc, CASES.validate_python(doc.data)
    except ValidationError as err:
        raise InputError(yamlio.validation_problems(doc, err)) from None


def leaf_table(pack: RulePack) -> dict[tuple[str, str], Leaf]:
    """Every leaf condition of every version (text and review triggers), keyed (file, id)."""
    table: dict[tuple[str, str], Leaf] = {}
    for compiled in pack.provisions:
        doc = yamlio.load(compiled.source) if compiled.source else None
        for tree, loc0, _from_text in condition_trees(compiled.provision):
            for node, loc in iter_conditions(tree, loc0):
                if node.kind in ("all", "any", "not"):
                    continue
                line, col = yamlio.locate(doc, (*loc, "id")) if doc else (0, 0)
                key = (compiled.source, node.id)
                table[key] = Leaf(
                    compiled.provision.id, compiled.source, node.id, node.kind, line, col
                )
    return table


def steps_of(pv: ProvisionVerdict) -> Iterator[Step]:
    """Every step of a provision verdict: its condition tree and every review trigger."""
    yield from pv.root.walk()
    for finding in pv.reviewed:
        yield from finding.step.walk()


def _leaf_steps(pv: ProvisionVerdict) -> Iterator[Step]:
    for step in steps_of(pv):
        if not step.children and step.condition.kind not in ("all", "any", "not"):
            yield step


def deciders(pv: ProvisionVerdict) -> set[str]:
    """The ids that decided the outcome (see `Expected.decided_by`)."""
    leaves = [s for s in pv.root.walk() if not s.children]  # review triggers never fail a rule
    outcome = pv.outcome.value
    if outcome == "does_not_apply":
        return {s.condition.id for s in leaves if s.result is Tri.FALSE}
    if outcome == "undetermined":
        return {s.condition.id for s in leaves if s.result is Tri.UNKNOWN and s.missing}
    if outcome == "needs_review":
        found = {f.review.id for f in pv.triggered}
        found |= {s.condition.id for s in leaves if s.result is Tri.UNKNOWN}
        if pv.version is not None and pv.version.state == "uncertain":
            found.add(f"{pv.provision.id}.in-force")
        return found
    return set()


def _quantity(pv: ProvisionVerdict, name: str) -> Any:
    for q in [*pv.quantities, *([pv.covered] if pv.covered else [])]:
        if q.name == name:
            return q.value
    return None


def _show(values: set[str] | list[str]) -> str:
    return ", ".join(sorted(values)) or t("tests.none")


def compare(pid: str, expected: Expected, pv: ProvisionVerdict) -> list[str]:
    """What differs between the expectation and the verdict, one line each."""
    out: list[str] = []
    if pv.outcome.value != expected.outcome:
        why = _show(deciders(pv))
        outcome = pv.outcome.value
        out.append(t("tests.outcome", id=pid, expected=expected.outcome, got=outcome, why=why))
    if expected.decided_by is not None:
        got = deciders(pv)
        if got != set(expected.decided_by):
            out.append(
                t("tests.decided_by", id=pid, expected=_show(expected.decided_by), got=_show(got))
            )
    if expected.missing is not None and set(pv.missing) != set(expected.missing):
        got_missing = _show(list(pv.missing))
        wanted = _show(expected.missing)
        out.append(t("tests.missing", id=pid, expected=wanted, got=got_missing))
    for name, want in (expected.quantities or {}).items():
        value = _quantity(pv, name)
        not_computed = t("tests.not_computed")
        exact_value = isinstance(value, (Decimal, Fraction))
        got_text = (
            exact_text(value)
            if exact_value
            else not_computed
            if value is None or isinstance(value, Unknown)
            else str(value)
        )
        want_text = not_computed if want is None else str(want)
        same = isinstance(value, Unknown) if want is None else exact_value and value == want
        if not same:
            out.append(t("tests.quantity", id=pid, name=name, expected=want_text, got=got_text))
    return out


def _count(report: PackReport, pv: ProvisionVerdict, case: str) -> None:
    source = pv.version.used.source if pv.version and pv.version.used else ""
    for step in _leaf_steps(pv):
        if isinstance(step.condition, InForce):
            continue
        leaf = report.leaves.get((source, step.condition.id))
        if leaf is not None and case not in leaf.seen[step.result.value]:
            leaf.seen[step.result.value].append(case)


def run_case(pack: RulePack, case: Case) -> tuple[list[str], list[ProvisionVerdict]]:
    from landrules.api import check_parcel

    verdict = check_parcel(pack, case.facts, case.name, as_of=case.as_of)
    by_id = {pv.provision.id: pv for pv in verdict.provisions}
    failures: list[str] = []
    for pid, expected in case.expect.items():
        if pid not in by_id:
            failures.append(t("tests.no_provision", id=pid, has=_show(set(by_id))))
            continue
        failures.extend(compare(pid, expected, by_id[pid]))
    return failures, verdict.provisions


def load_all_cases(pack: RulePack) -> tuple[list[tuple[str, int, int, Case]], list[Problem]]:
    """Every case of the pack's tests folder with its location, and the files' problems."""
    cases: list[tuple[str, int, int, Case]] = []
    problems: list[Problem] = []
    for path in case_files(pack):
        try:
            doc, found = read_cases(path)
        except InputError as err:
            problems.extend(err.problems)
            continue
        for i, case in enumerate(found):
            line, col = yamlio.locate(doc, (i, "name"))
            cases.append((doc.path, line, col, case))
    return cases, problems


def run_pack(pack: RulePack) -> PackReport:
    report = PackReport(pack, leaves=leaf_table(pack))
    cases, report.problems = load_all_cases(pack)
    for path, line, col, case in cases:
        failures, verdicts = run_case(pack, case)
        for pv in verdicts:
            _count(report, pv, case.name)
        report.results.append(CaseResult(path, line, col, case.name, failures))
    return report


# ---------------------------------------------------------------------------------------------
# Mutation: does some test notice when a condition is turned around?


def _negate_at(data: Any, loc: tuple[str | int, ...]) -> None:
    *parents, last = loc
    node = data
    for part in parents:
        node = node[part]
    leaf = node[last]
    node[last] = {
        "id": f"{leaf['id']}.negated",
        "kind": "not",
        "label": {"zh": "非", "en": "not"},
        "condition": leaf,
    }


def mutants(pack: RulePack) -> Iterator[tuple[Leaf, RulePack]]:
    """For each leaf condition, a copy of the pack in which that condition is negated."""
    leaves = leaf_table(pack)
    for index, compiled in enumerate(pack.provisions):
        for tree, loc0, _from_text in condition_trees(compiled.provision):
            for node, loc in iter_conditions(tree, loc0):
                if node.kind in ("all", "any", "not"):
                    continue
                data = compiled.provision.model_dump(mode="json", exclude_none=True)
                _negate_at(data, loc)
                changed = CompiledProvision.build(Provision.model_validate(data), compiled.source)
                provisions = list(pack.provisions)
                provisions[index] = changed
                yield (
                    leaves[(compiled.source, node.id)],
                    dataclasses.replace(pack, provisions=provisions),
                )


def killers(pack: RulePack, cases: list[Case]) -> dict[tuple[str, str], list[str]]:
    """For each leaf (file, id), the names of the cases that fail once it is negated."""
    found: dict[tuple[str, str], list[str]] = {}
    for leaf, mutant in mutants(pack):
        found[(leaf.file, leaf.id)] = [c.name for c in cases if run_case(mutant, c)[0]]
    return found

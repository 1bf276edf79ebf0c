"""The evaluator: a pure function from (compiled rule pack, parcel facts) to an explained verdict.

Rule trees are compiled once into closures; evaluating a parcel never re-reads rule data and never
short-circuits, so every condition's result is in the trace (and in rule-test coverage).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any

from landrules.derive import DERIVATIONS, Span
from landrules.logic import Ambiguity, Tri, Unknown, merge_unique
from landrules.model import rules as r


class Outcome(str, Enum):
    APPLIES = "applies"
    DOES_NOT_APPLY = "does_not_apply"
    UNDETERMINED = "undetermined"
    NEEDS_REVIEW = "needs_review"

    @property
    def text(self) -> str:
        return self.value.replace("_", " ")


@dataclass(slots=True)
class Step:
    """One condition's result, the facts it read, and why it is unknown if it is."""

    condition: Any
    result: Tri
    facts: tuple[tuple[str, Any], ...] = ()
    missing: tuple[str, ...] = ()
    ambiguities: tuple[Ambiguity, ...] = ()
    children: tuple[Step, ...] = ()

    def walk(self) -> Any:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(slots=True)
class Quantity:
    name: str
    value: Any  # Decimal, Span, str, bool or Unknown


@dataclass(slots=True)
class ReviewFinding:
    review: r.Review
    step: Step


@dataclass(slots=True)
class ProvisionVerdict:
    provision: r.Provision
    outcome: Outcome
    root: Step
    missing: tuple[str, ...]
    ambiguities: tuple[Ambiguity, ...]
    triggered: list[ReviewFinding]
    pending: list[ReviewFinding]
    quantities: list[Quantity]
    covered: Quantity | None


@dataclass(slots=True)
class Context:
    """The facts of one parcel and the derived quantities computed from them, each once."""

    facts: Mapping[str, Any]
    params: Mapping[str, list[str]]
    derived: dict[str, Any] = field(default_factory=dict)

    def get(self, name: str) -> Any:
        if name in self.facts:
            return self.facts[name]
        derivation = DERIVATIONS.get(name)
        if derivation is None:
            return Unknown(missing=(name,))
        if name not in self.derived:
            self.derived[name] = derivation.compute(self.facts, self.params)
        return self.derived[name]

    def evidence(self, name: str) -> tuple[tuple[str, Any], ...]:
        """The value read for `name` and, for a derived quantity, the stated facts behind it."""
        value = self.get(name)
        shown = () if isinstance(value, Unknown) else ((name, value),)
        derivation = DERIVATIONS.get(name)
        if derivation is None:
            document = self.facts.get(f"{name}.document")
            return (*shown, (f"{name}.document", document)) if document else shown
        inputs = tuple(
            (key, val)
            for key, val in self.facts.items()
            if any(key == p or key.startswith(p + ".") for p in derivation.inputs)
        )
        return inputs + shown


Compiled = Callable[[Context], Step]


def _canon(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _unknown_step(cond: Any, facts: tuple, *values: Any) -> Step:
    unknowns = [v for v in values if isinstance(v, Unknown)]
    return Step(
        cond,
        Tri.UNKNOWN,
        facts,
        merge_unique(*(u.missing for u in unknowns)),
        merge_unique(*(u.ambiguities for u in unknowns)),
    )


def _truth(flag: bool) -> Tri:
    return Tri.TRUE if flag else Tri.FALSE


_OPS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
}


def _compare(left: Any, op: str, right: Any) -> Tri | Ambiguity:
    """Decimal comparison; a Span decides only when both of its bounds agree."""
    test = _OPS[op]
    for side, other, flip in ((left, right, False), (right, left, True)):
        if isinstance(side, Span):
            results = {
                (test(other, bound) if flip else test(bound, other))
                for bound in (side.low, side.high)
            }
            return _truth(results.pop()) if len(results) == 1 else side.ambiguity
    return _truth(test(left, right))


def compile_condition(cond: Any) -> Compiled:
    """Turn a validated condition tree into a closure; unknown kinds cannot reach here."""
    kind = cond.kind
    if kind in ("all", "any"):
        parts = [compile_condition(c) for c in cond.conditions]
        decisive = Tri.FALSE if kind == "all" else Tri.TRUE

        def group(ctx: Context) -> Step:
            children = tuple(p(ctx) for p in parts)
            results = {c.result for c in children}
            if decisive in results:
                return Step(cond, decisive, children=children)
            if Tri.UNKNOWN in results:
                unknown = [c for c in children if c.result is Tri.UNKNOWN]
                return Step(
                    cond,
                    Tri.UNKNOWN,
                    missing=merge_unique(*(c.missing for c in unknown)),
                    ambiguities=merge_unique(*(c.ambiguities for c in unknown)),
                    children=children,
                )
            return Step(cond, Tri.FALSE if decisive is Tri.TRUE else Tri.TRUE, children=children)

        return group
    if kind == "not":
        inner = compile_condition(cond.condition)
        flipped = {Tri.TRUE: Tri.FALSE, Tri.FALSE: Tri.TRUE, Tri.UNKNOWN: Tri.UNKNOWN}

        def negate(ctx: Context) -> Step:
            child = inner(ctx)
            return Step(cond, flipped[child.result], (), child.missing, child.ambiguities, (child,))

        return negate
    return _compile_leaf(cond)


def _compile_leaf(cond: Any) -> Compiled:
    name: str = cond.fact
    kind = cond.kind

    if kind == "given":

        def given(ctx: Context) -> Step:
            value = ctx.get(name)
            missing = isinstance(value, Unknown) and bool(value.missing)
            return Step(cond, _truth(not missing), ctx.evidence(name))

        return given

    if kind == "compare":
        other: str | None = cond.than
        constant = cond.value

        def compare(ctx: Context) -> Step:
            left = ctx.get(name)
            right = ctx.get(other) if other is not None else constant
            facts = ctx.evidence(name)
            if other is not None:
                facts += tuple(f for f in ctx.evidence(other) if f not in facts)
            if isinstance(left, Unknown) or isinstance(right, Unknown):
                return _unknown_step(cond, facts, left, right)
            outcome = _compare(left, cond.op, right)
            if isinstance(outcome, Ambiguity):
                return Step(cond, Tri.UNKNOWN, facts, (), (outcome,))
            return Step(cond, outcome, facts)

        return compare

    if kind == "equals":
        target = cond.value

        def test(value: Any) -> bool:
            return _canon(value) == target

    elif kind == "in":
        allowed = frozenset(cond.values)

        def test(value: Any) -> bool:
            return _canon(value) in allowed

    else:  # includes_any
        wanted = frozenset(cond.values)

        def test(value: Any) -> bool:
            return any(_canon(v) in wanted for v in value)

    def leaf(ctx: Context) -> Step:
        value = ctx.get(name)
        facts = ctx.evidence(name)
        if isinstance(value, Unknown):
            return _unknown_step(cond, facts, value)
        return Step(cond, _truth(test(value)), facts)

    return leaf


@dataclass(slots=True)
class CompiledProvision:
    provision: r.Provision
    root: Compiled
    reviews: list[tuple[r.Review, Compiled]]

    @classmethod
    def build(cls, provision: r.Provision) -> CompiledProvision:
        return cls(
            provision,
            compile_condition(provision.conditions),
            [(review, compile_condition(review.when)) for review in provision.reviews],
        )

    def evaluate(self, ctx: Context) -> ProvisionVerdict:
        """Precedence: a definite failure, then missing facts, then ambiguity, then applies."""
        root = self.root(ctx)
        triggered: list[ReviewFinding] = []
        pending: list[ReviewFinding] = []
        for review, run in self.reviews:
            step = run(ctx)
            if step.result is Tri.TRUE or (step.result is Tri.UNKNOWN and not step.missing):
                triggered.append(ReviewFinding(review, step))
            elif step.result is Tri.UNKNOWN:
                pending.append(ReviewFinding(review, step))
        provision = self.provision
        covers = provision.outcome.covers
        covered = Quantity(covers, ctx.get(covers)) if covers else None
        ambiguities = root.ambiguities if root.result is Tri.UNKNOWN else ()
        if root.result is Tri.TRUE and covered and isinstance(covered.value, Span):
            # the provision applies under every reading, but how much it covers depends on one
            ambiguities = (covered.value.ambiguity,)
        if root.result is Tri.FALSE:
            outcome = Outcome.DOES_NOT_APPLY
        elif root.missing:
            outcome = Outcome.UNDETERMINED
        elif ambiguities or triggered:
            outcome = Outcome.NEEDS_REVIEW
        else:
            outcome = Outcome.APPLIES
        return ProvisionVerdict(
            provision=provision,
            outcome=outcome,
            root=root,
            missing=root.missing if root.result is Tri.UNKNOWN else (),
            ambiguities=ambiguities,
            triggered=triggered,
            pending=pending,
            quantities=[Quantity(q, ctx.get(q)) for q in provision.quantities],
            covered=covered,
        )

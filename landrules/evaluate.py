"""The evaluator: a pure function from (compiled rule pack, parcel facts) to an explained verdict.

Rule trees are compiled once into closures; evaluating a parcel never re-reads rule data and never
short-circuits, so every condition's result is in the trace (and in rule-test coverage). Each tree
is compiled twice from the same validated model: deciders give every condition's result as a
number (all a one-line output needs), and the explained closures build the Step trees of a verdict,
taking each leaf's result from its decider.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
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
    reviewed: list[ReviewFinding] = field(default_factory=list)  # every review, whatever its result
    version: VersionUse | None = None
    caveat: Ambiguity | None = None  # judged after the last evidence that it is applied

    @property
    def quantity_shown(self) -> bool:
        """Whether the area the outcome concerns may be shown: only where it applies, or (marked
        "if it applies") where it needs review; never for does not apply or undetermined."""
        return self.outcome in (Outcome.APPLIES, Outcome.NEEDS_REVIEW)

    @property
    def amount_allowed(self) -> bool:
        """Whether an amount may be shown: it applies, and no review is triggered or unchecked."""
        return self.outcome is Outcome.APPLIES and not self.triggered and not self.pending


@dataclass(slots=True)
class Context:
    """The facts of one parcel and the derived quantities computed from them, each once."""

    facts: Mapping[str, Any]
    params: Mapping[str, list[str]]
    derived: dict[str, Any] = field(default_factory=dict)
    shown: dict[str, tuple[tuple[str, Any], ...]] = field(default_factory=dict)
    with_evidence: bool = True  # False: Steps carry no facts (a brief record shows none)

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
        """The value read for `name` and, for a derived quantity, the stated facts behind it.

        Kept per name: several conditions and quantities show the same derived fact, and finding
        its inputs scans every stated fact (it was two thirds of evaluating a parcel).
        """
        if not self.with_evidence:
            return ()
        found = self.shown.get(name)
        if found is not None:
            return found
        value = self.get(name)
        shown = () if isinstance(value, Unknown) else ((name, value),)
        derivation = DERIVATIONS.get(name)
        if derivation is None:
            document = self.facts.get(f"{name}.document")
            found = (*shown, (f"{name}.document", document)) if document else shown
        else:
            facts = self.facts
            found = tuple((key, facts[key]) for key in _inputs_of(name, tuple(facts))) + shown
        self.shown[name] = found
        return found


_INPUT_KEYS: dict[tuple[str, tuple[str, ...]], tuple[str, ...]] = {}


def _inputs_of(name: str, keys: tuple[str, ...]) -> tuple[str, ...]:
    """The stated facts (in their order) a derived quantity is computed from.

    Parcels in a batch state few distinct sets of facts, so the answer is kept per set of keys
    (bounded); the scan is what it replaces.
    """
    found = _INPUT_KEYS.get((name, keys))
    if found is None:
        inputs = DERIVATIONS[name].inputs
        exact = frozenset(inputs)
        below = tuple(f"{p}." for p in inputs)
        found = tuple(k for k in keys if k in exact or k.startswith(below))
        if len(_INPUT_KEYS) >= 4096:
            _INPUT_KEYS.clear()
        _INPUT_KEYS[name, keys] = found
    return found


# ---------------------------------------------------------------------------------------------
# Results as small numbers: the Kleene logic both evaluators share, and the decision-only path

FALSE, TRUE, AMBIGUOUS, MISSING = 0, 1, 2, 3
"""A condition's result; an unknown is split by why. A missing fact outranks an ambiguity, as in a
verdict (undetermined before needs review), so combining unknowns is taking the largest."""

_TRI = (Tri.FALSE, Tri.TRUE)


def _code(step: Step) -> int:
    if step.result is Tri.UNKNOWN:
        return MISSING if step.missing else AMBIGUOUS
    return TRUE if step.result is Tri.TRUE else FALSE


def _unknown_code(*values: Any) -> int:
    return MISSING if any(isinstance(v, Unknown) and v.missing for v in values) else AMBIGUOUS


def _all(codes: list[int]) -> int:
    return FALSE if FALSE in codes else max(codes, default=TRUE)


def _any(codes: list[int]) -> int:
    if TRUE in codes:
        return TRUE
    worst = max(codes, default=FALSE)
    return worst if worst > TRUE else FALSE


_COMBINE = {"all": _all, "any": _any}

TRIGGERED = (TRUE, AMBIGUOUS)
"""A review whose result is true or ambiguous is triggered; one with a missing fact is pending."""


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


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
}


def _compare(left: Any, op: str, right: Any) -> int | Ambiguity:
    """Decimal comparison (TRUE or FALSE); a Span decides only when both of its bounds agree."""
    test = _OPS[op]
    for side, other, flip in ((left, right, False), (right, left, True)):
        if isinstance(side, Span):
            results = {
                (test(other, bound) if flip else test(bound, other))
                for bound in (side.low, side.high)
            }
            return (TRUE if results.pop() else FALSE) if len(results) == 1 else side.ambiguity
    return TRUE if test(left, right) else FALSE


def compile_condition(cond: Any) -> Compiled:
    """Turn a validated condition tree into a closure; unknown kinds cannot reach here."""
    kind = cond.kind
    if kind in ("all", "any"):
        parts = [compile_condition(c) for c in cond.conditions]
        combine = _COMBINE[kind]

        def group(ctx: Context) -> Step:
            children = tuple(p(ctx) for p in parts)
            code = combine([_code(c) for c in children])
            if code <= TRUE:
                return Step(cond, _TRI[code], children=children)
            unknown = [c for c in children if c.result is Tri.UNKNOWN]
            return Step(
                cond,
                Tri.UNKNOWN,
                missing=merge_unique(*(c.missing for c in unknown)),
                ambiguities=merge_unique(*(c.ambiguities for c in unknown)),
                children=children,
            )

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
    """A leaf's result comes from its decider (one place tests a value); the Step adds the facts
    read and why it is unknown."""
    name: str = cond.fact
    decide = _compile_leaf_decider(cond)

    if cond.kind == "compare":
        other: str | None = cond.than
        constant = cond.value

        def compare(ctx: Context) -> Step:
            code = decide(ctx, [])
            facts = ctx.evidence(name)
            if other is not None:
                facts += tuple(f for f in ctx.evidence(other) if f not in facts)
            if code <= TRUE:
                return Step(cond, _TRI[code], facts)
            left = ctx.get(name)
            right = ctx.get(other) if other is not None else constant
            if isinstance(left, Unknown) or isinstance(right, Unknown):
                return _unknown_step(cond, facts, left, right)
            span = left if isinstance(left, Span) else right  # the reading that decides
            return Step(cond, Tri.UNKNOWN, facts, (), (span.ambiguity,))

        return compare

    def leaf(ctx: Context) -> Step:
        code = decide(ctx, [])
        facts = ctx.evidence(name)
        if code <= TRUE:
            return Step(cond, _TRI[code], facts)
        return _unknown_step(cond, facts, ctx.get(name))

    return leaf


def _outcome(root: int, reviews: list[int], covered: Any) -> Outcome:
    """Precedence: a definite failure, then missing facts, then ambiguity or a review, then
    applies. A review with a missing fact is pending, not triggered."""
    if root == FALSE:
        return Outcome.DOES_NOT_APPLY
    if root == MISSING:
        return Outcome.UNDETERMINED
    if root == AMBIGUOUS or any(code in TRIGGERED for code in reviews):
        return Outcome.NEEDS_REVIEW
    if isinstance(covered, Span):  # applies under every reading, but not for the same amount
        return Outcome.NEEDS_REVIEW
    return Outcome.APPLIES


Decider = Callable[[Context, list[int]], int]
"""A compiled condition that only decides: it appends its result (children first) to the trace
and returns it. No Step, no evidence: for outputs that print outcomes only."""


def compile_decider(cond: Any) -> Decider:
    """The decision-only twin of `compile_condition`, from the same validated tree."""
    kind = cond.kind
    if kind in ("all", "any"):
        parts = [compile_decider(c) for c in cond.conditions]
        combine = _COMBINE[kind]

        def group(ctx: Context, trace: list[int]) -> int:
            code = combine([p(ctx, trace) for p in parts])
            trace.append(code)
            return code

        return group
    if kind == "not":
        inner = compile_decider(cond.condition)

        def negate(ctx: Context, trace: list[int]) -> int:
            code = inner(ctx, trace)
            code = 1 - code if code <= TRUE else code
            trace.append(code)
            return code

        return negate
    return _compile_leaf_decider(cond)


def _compile_leaf_decider(cond: Any) -> Decider:
    """One closure per leaf kind, each testing its value in line: this is where a parcel's
    conditions are decided, for both evaluators."""
    kind = cond.kind
    name: str = cond.fact
    # Context.get in line: a stated fact from the facts, a derived one from those computed (a
    # falsy or not yet computed value is asked of Context.get, which computes it once)
    stated = name not in DERIVATIONS
    absent = Unknown(missing=(name,))

    if kind == "given":

        def given(ctx: Context, trace: list[int]) -> int:
            value = (
                ctx.facts.get(name, absent) if stated else (ctx.derived.get(name) or ctx.get(name))
            )
            code = FALSE if isinstance(value, Unknown) and value.missing else TRUE
            trace.append(code)
            return code

        return given

    if kind == "compare":
        other: str | None = cond.than
        constant = cond.value
        op = cond.op

        def compare(ctx: Context, trace: list[int]) -> int:
            left = (
                ctx.facts.get(name, absent) if stated else (ctx.derived.get(name) or ctx.get(name))
            )
            right = ctx.get(other) if other is not None else constant
            if isinstance(left, Unknown) or isinstance(right, Unknown):
                code = _unknown_code(left, right)
            else:
                found = _compare(left, op, right)
                code = found if isinstance(found, int) else AMBIGUOUS
            trace.append(code)
            return code

        return compare

    if kind in ("equals", "in"):
        allowed = frozenset((cond.value,) if kind == "equals" else cond.values)

        def one_of(ctx: Context, trace: list[int]) -> int:
            value = (
                ctx.facts.get(name, absent) if stated else (ctx.derived.get(name) or ctx.get(name))
            )
            if value.__class__ is str:
                code = TRUE if value in allowed else FALSE
            elif isinstance(value, Unknown):
                code = MISSING if value.missing else AMBIGUOUS
            else:
                code = TRUE if _canon(value) in allowed else FALSE
            trace.append(code)
            return code

        return one_of

    wanted = frozenset(cond.values)  # includes_any

    def includes_any(ctx: Context, trace: list[int]) -> int:
        value = ctx.facts.get(name, absent) if stated else (ctx.derived.get(name) or ctx.get(name))
        if isinstance(value, Unknown):
            code = MISSING if value.missing else AMBIGUOUS
        else:
            code = TRUE if any(_canon(v) in wanted for v in value) else FALSE
        trace.append(code)
        return code

    return includes_any


@dataclass(frozen=True, slots=True)
class TraceLayout:
    """Where each condition's result sits in a decider trace: the tree's nodes children first,
    then each review's. `tree` lists the tree's ids in reading order (as `Step.walk` visits
    them) with their places in the trace."""

    tree: tuple[tuple[str, int], ...]
    reviews: tuple[tuple[str, int], ...]  # each review's id and the place of its result

    @classmethod
    def of(cls, provision: r.Provision) -> TraceLayout:
        tree, place = _layout(provision.conditions, 0)
        reviews = []
        for review in provision.reviews:
            listing, place = _layout(review.when, place)
            reviews.append((review.id, listing[0][1]))
        return cls(tuple(tree), tuple(reviews))

    @property
    def root(self) -> int:
        return self.tree[0][1]

    @property
    def size(self) -> int:
        """How many results the provision's deciders append."""
        return (self.reviews[-1][1] if self.reviews else self.root) + 1


def _layout(node: Any, start: int) -> tuple[list[tuple[str, int]], int]:
    """The subtree's ids in reading order with their places (children first, from `start`), and
    the next free place."""
    below: list[tuple[str, int]] = []
    place = start
    for child in _children(node):
        listing, place = _layout(child, place)
        below += listing
    return [(node.id, place), *below], place + 1


def _children(node: Any) -> list[Any]:
    if node.kind == "not":
        return [node.condition]
    return list(getattr(node, "conditions", None) or ())


@dataclass(slots=True)
class CompiledProvision:
    provision: r.Provision
    root: Compiled
    reviews: list[tuple[r.Review, Compiled]]
    source: str  # the file this version was read from
    decide_root: Decider
    decide_reviews: list[Decider]
    layout: TraceLayout
    spans: dict[str, str] = field(default_factory=dict)  # span_text per language, made once
    periods: tuple[Any, Any] = (None, None)  # of effective_from and effective_until, made once

    @classmethod
    def build(cls, provision: r.Provision, source: str = "") -> CompiledProvision:
        return cls(
            provision,
            compile_condition(provision.conditions),
            [(review, compile_condition(review.when)) for review in provision.reviews],
            source,
            compile_decider(provision.conditions),
            [compile_decider(review.when) for review in provision.reviews],
            TraceLayout.of(provision),
            periods=(period(provision.effective_from), period(provision.effective_until)),
        )

    def in_force(self, on: date) -> Tri:
        """`in_force(self.provision, on)`, from the periods made at build."""
        return _in_force(self.periods[0], self.periods[1], on)

    def span_text(self, lang: str = "en") -> str:
        """'from 2015 (…); until open (…)': the same for every parcel, so made once."""
        found = self.spans.get(lang)
        if found is None:
            found = self.spans[lang] = _span_text(self.provision, lang)
        return found

    def decide(self, ctx: Context, trace: list[int]) -> Outcome:
        """The outcome `evaluate` gives, without the explanation; every condition's result (the
        tree's, then each review's, children before their group) is appended to `trace`."""
        root = self.decide_root(ctx, trace)
        reviews = [run(ctx, trace) for run in self.decide_reviews]
        covers = self.provision.outcome.covers
        return _outcome(root, reviews, ctx.get(covers) if covers and root == TRUE else None)

    def evaluate(self, ctx: Context) -> ProvisionVerdict:
        """Precedence: a definite failure, then missing facts, then ambiguity, then applies."""
        root = self.root(ctx)
        triggered: list[ReviewFinding] = []
        pending: list[ReviewFinding] = []
        reviewed: list[ReviewFinding] = []
        for review, run in self.reviews:
            step = run(ctx)
            reviewed.append(ReviewFinding(review, step))
            code = _code(step)
            if code in TRIGGERED:
                triggered.append(ReviewFinding(review, step))
            elif code == MISSING:
                pending.append(ReviewFinding(review, step))
        provision = self.provision
        covers = provision.outcome.covers
        covered = Quantity(covers, ctx.get(covers)) if covers else None
        ambiguities = root.ambiguities if root.result is Tri.UNKNOWN else ()
        if root.result is Tri.TRUE and covered and isinstance(covered.value, Span):
            # the provision applies under every reading, but how much it covers depends on one
            ambiguities = (covered.value.ambiguity,)
        return ProvisionVerdict(
            provision=provision,
            outcome=_outcome(
                _code(root),
                [_code(f.step) for f in reviewed],
                covered.value if covered and root.result is Tri.TRUE else None,
            ),
            root=root,
            missing=root.missing if root.result is Tri.UNKNOWN else (),
            ambiguities=ambiguities,
            triggered=triggered,
            pending=pending,
            quantities=[Quantity(q, ctx.get(q)) for q in provision.quantities],
            covered=covered,
            reviewed=reviewed,
        )


# ---------------------------------------------------------------------------------------------
# Versions in time: which version of a provision is in force on the date a parcel is judged at


def period(bound: r.DateBound) -> tuple[date, date] | None:
    """First and last day the bound's date may stand for (one day unless only month/year known)."""
    day = bound.date
    if day is None:
        return None
    if bound.precision == "year":
        return day, date(day.year, 12, 31)
    if bound.precision == "month":
        following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return day, following - timedelta(days=1)
    return day, day


def possible_span(provision: r.Provision) -> tuple[date, date]:
    """Every day on which the provision may be in force (the widest reading of its dates)."""
    start = period(provision.effective_from)
    end = period(provision.effective_until)
    assert start is not None  # effective_from always has a date
    return start[0], end[1] if end is not None else date.max


def in_force(provision: r.Provision, on: date) -> Tri:
    """TRUE/FALSE, or UNKNOWN when `on` falls in a period only known to the month or year."""
    start = period(provision.effective_from)
    assert start is not None
    return _in_force(start, period(provision.effective_until), on)


def _in_force(start: tuple[date, date], end: tuple[date, date] | None, on: date) -> Tri:
    if on < start[0] or (end is not None and on > end[1]):
        return Tri.FALSE
    if on < start[1] or (end is not None and on > end[0]):
        return Tri.UNKNOWN
    return Tri.TRUE


def describe_bound(bound: r.DateBound, lang: str = "en") -> str:
    """'2015 (year only, …)' or 'open (not known whether …)' for notes shown with a verdict."""
    note = getattr(bound.note, lang)
    wrapped = f"（{note}）" if lang == "zh" else f" ({note})"
    if bound.date is None:
        return f"{'未定' if lang == 'zh' else 'open'}{wrapped}"
    shown = {"year": "%Y", "month": "%Y-%m", "day": "%Y-%m-%d"}[bound.precision]
    return f"{bound.date.strftime(shown)}{wrapped}"


_Day = date


def today() -> date:
    """The date a parcel without an application date is judged at (tests replace this)."""
    return date.today()


@dataclass(frozen=True, slots=True)
class AsOf:
    """The date a parcel is judged at, and where it came from ('--as-of', 'application_date',
    or 'today' when neither is given: supplying a date later is then a change of date)."""

    date: _Day | None = None
    source: str = ""

    @classmethod
    def pick(cls, as_of: _Day | None, application_date: _Day | None) -> AsOf:
        if as_of is not None:
            return cls(as_of, "--as-of")
        if application_date is not None:
            return cls(application_date, "application_date")
        return cls(today(), "today")

    def text(self, lang: str = "en") -> str:
        """'2024-05-06 (application_date)', or 'judged as of …: no application_date given'."""
        day = self.date.isoformat() if self.date else ""
        if self.source == "today":
            if lang == "zh":
                return f"{day}（未给出申请日期 application_date，按当日判断）"
            return f"{day} (no application_date given: judged as of that day)"
        return f"{day}（{self.source}）" if lang == "zh" else f"{day} ({self.source})"

    def judged(self, lang: str = "en") -> str:
        """'judged as of 2026-…: no application_date given', said where a verdict names it."""
        day = self.date.isoformat() if self.date else ""
        if lang == "zh":
            return f"按{day}判断：未给出申请日期（application_date）"
        return f"judged as of {day}: no application_date given"


def in_force_caveat(
    provision: r.Provision, on: AsOf, outcome: Outcome | None = None
) -> Ambiguity | None:
    """The caveat on the outcome's line when the judging date may be after the last evidence
    that the described document is applied (its end is not known). It never changes an
    outcome: a verdict judged then is as sure as the text, but not that the text still stands.
    A provision that does not apply needs no caveat (it would not apply either way)."""
    evidence = provision.applied_per
    if evidence is None or on.date is None or outcome is Outcome.DOES_NOT_APPLY:
        return None
    first = period(evidence)  # type: ignore[arg-type]
    if first is None or on.date <= first[0]:
        return None
    described = provision.citation.describes or provision.citation.document
    year = evidence.date.strftime(
        {"year": "%Y", "month": "%Y-%m", "day": "%Y-%m-%d"}[evidence.precision]
    )
    day = on.date.isoformat()
    return Ambiguity(
        "in-force-after-evidence-not-known",
        f"{day}是否仍有效未经证实：{described}得到适用的最后证据为{evidence.document}（{year}）",
        f"in force on {day} not confirmed: the last evidence that {described} is applied is "
        f"{evidence.document} ({year})",
    )


@dataclass(frozen=True, slots=True)
class InForce:
    """A condition the engine adds itself (not from a rule file): a version is in force."""

    id: str
    label: r.Label
    kind: str = "in_force"
    quote: str | None = None
    fact: str = "application_date"


@dataclass(slots=True)
class VersionUse:
    """Which version of a provision a verdict used, on which date, and how sure that is."""

    state: str  # in_force | uncertain | assumed | not_in_force | several_undated
    on: AsOf
    used: CompiledProvision | None
    versions: list[CompiledProvision]
    zh: str
    en: str

    def data(self) -> dict[str, Any]:
        """Plain data for JSON verdicts."""
        used = self.used.provision if self.used is not None else None
        return {
            "state": self.state,
            "date": self.on.date.isoformat() if self.on.date else None,
            "date_from": self.on.source or None,
            # the provision file's name within its pack: the same on every machine
            "file": self.used.source.replace("\\", "/").rsplit("/", 1)[-1] if self.used else None,
            "effective_from": used.effective_from.model_dump(mode="json") if used else None,
            "effective_until": used.effective_until.model_dump(mode="json") if used else None,
            "versions": len(self.versions),
            "note": {"zh": self.zh, "en": self.en},
        }


def _span_text(p: r.Provision, lang: str = "en") -> str:
    until = "至" if lang == "zh" else "until"
    start = "自" if lang == "zh" else "from"
    sep = "；" if lang == "zh" else "; "
    return (
        f"{start} {describe_bound(p.effective_from, lang)}{sep}"
        f"{until} {describe_bound(p.effective_until, lang)}"
    )


def _same_but_dates(versions: list[CompiledProvision]) -> bool:
    dates = {"effective_from", "effective_until"}
    first = versions[0].provision.model_dump(exclude=dates)
    return all(v.provision.model_dump(exclude=dates) == first for v in versions[1:])


def _synthetic(pid: str, on: AsOf, result: Tri, label_en: str, label_zh: str) -> Step:
    facts = ((on.source or "application_date", on.date),) if on.date else ()
    missing = ("application_date",) if result is Tri.UNKNOWN else ()
    leaf = Step(
        InForce(f"{pid}.in-force", r.Label(zh=label_zh, en=label_en)), result, facts, missing
    )
    group = InForce(f"{pid}.all", r.Label(zh="全部条件", en="all of"), kind="all")
    return Step(group, result, (), missing, (), (leaf,))


def _unsettled(versions: list[CompiledProvision], use: VersionUse, root: Step) -> ProvisionVerdict:
    """A verdict on no version at all: out of force, or the date that would choose is missing."""
    shown = (
        versions[0]
        if use.state == "not_in_force"
        and use.on.date
        and (use.on.date < possible_span(versions[0].provision)[0])
        else versions[-1]
    )
    not_in_force = use.state == "not_in_force"
    return ProvisionVerdict(
        provision=shown.provision,
        outcome=Outcome.DOES_NOT_APPLY if not_in_force else Outcome.UNDETERMINED,
        root=root,
        missing=() if not_in_force else ("application_date",),
        ambiguities=(),
        triggered=[],
        pending=[],
        quantities=[],
        covered=None,
        version=use,
    )


IN_FORCE_NOT_KNOWN = "in-force-date-not-known"
"""The ambiguity of a verdict judged by a version whose period is known only to the year or month
(added when the conditions hold: a failed condition or a missing fact decides first)."""


def choose_version(
    versions: list[CompiledProvision], on: AsOf
) -> tuple[str, CompiledProvision | None]:
    """Which version judges a parcel on `on`, and how sure that is (a `VersionUse.state`).

    No date: a single version (or versions differing only in their dates) is used and the date is
    assumed; differing versions cannot be chosen. A date out of every version: none is in force.
    A date inside a period known only to the year or month: the version is uncertain.
    """
    if on.date is None:
        if len(versions) == 1 or _same_but_dates(versions):
            return "assumed", versions[-1]
        return "several_undated", None
    results = [(v, v.in_force(on.date)) for v in versions]
    chosen = next((v for v, t in results if t is Tri.TRUE), None)
    if chosen is not None:
        return "in_force", chosen
    chosen = next((v for v, t in results if t is Tri.UNKNOWN), None)
    return ("uncertain", chosen) if chosen is not None else ("not_in_force", None)


def decide_versions(
    versions: list[CompiledProvision],
    ctx: Context,
    on: AsOf,
    trace: list[int],
    choice: tuple[str, CompiledProvision | None] | None = None,
) -> Outcome:
    """The outcome `evaluate_versions` gives, without the explanation (see `decide`); `choice`
    is `choose_version(versions, on)` when the caller has it already."""
    state, chosen = choice or choose_version(versions, on)
    if chosen is None:
        return Outcome.DOES_NOT_APPLY if state == "not_in_force" else Outcome.UNDETERMINED
    outcome = chosen.decide(ctx, trace)
    if state == "uncertain" and outcome is Outcome.APPLIES:
        return Outcome.NEEDS_REVIEW
    return outcome


def evaluate_versions(
    versions: list[CompiledProvision], ctx: Context, on: AsOf
) -> ProvisionVerdict:
    """Pick the version in force on `on` (`choose_version`) and evaluate it; say which, and how
    sure that is. Out of force gives does not apply, "no rule in force on DATE"; a missing date
    that would choose gives undetermined, naming application_date; an uncertain version gives
    needs review (unless a condition fails or a fact is missing)."""
    pid = versions[0].provision.id
    state, chosen = choose_version(versions, on)
    if state == "several_undated":
        en = (
            f"{len(versions)} versions of {pid} differ and no application_date or --as-of was "
            f"given: the application date decides which one applies"
        )
        zh = (
            f"{pid}有{len(versions)}个不同版本，且未给出申请日期或 --as-of："
            f"须由申请日期确定适用版本"
        )
        use = VersionUse("several_undated", on, None, versions, zh, en)
        root = _synthetic(
            pid,
            on,
            Tri.UNKNOWN,
            f"a version of {pid} is in force on the application date",
            f"申请日期时{pid}有效",
        )
        return _unsettled(versions, use, root)
    if chosen is None:  # not in force
        day = on.date.isoformat() if on.date else ""
        spans = "; ".join(v.span_text() for v in versions)
        zh_spans = "；".join(v.span_text("zh") for v in versions)
        use = VersionUse(
            "not_in_force",
            on,
            None,
            versions,
            f"{on.text('zh')}无有效规则：{pid} {zh_spans}",
            f"no rule in force on {on.text()}: {pid} is in force {spans}",
        )
        root = _synthetic(
            pid, on, Tri.FALSE, f"a version of {pid} is in force on {day}", f"{day}时{pid}有效"
        )
        return _unsettled(versions, use, root)
    span = chosen.span_text()
    zh_span = chosen.span_text("zh")
    if state == "assumed":
        use = VersionUse(
            "assumed",
            on,
            chosen,
            versions,
            f"日期为假定：未给出申请日期（application_date）或 --as-of，使用唯一版本（{zh_span}）",
            f"date assumed: no application_date or --as-of given; the only version is used "
            f"({span})",
        )
        return _with_version(chosen.evaluate(ctx), use)
    day = on.date.isoformat() if on.date else ""
    if state == "in_force":
        use = VersionUse(
            "in_force",
            on,
            chosen,
            versions,
            f"{on.judged('zh')}；当日有效的版本：{zh_span}"
            if on.source == "today"
            else f"{on.text('zh')}有效的版本：{zh_span}",
            f"{on.judged()}; version in force then: {span}"
            if on.source == "today"
            else f"version in force on {on.text()}: {span}",
        )
        return _with_version(chosen.evaluate(ctx), use)
    use = VersionUse(
        "uncertain",
        on,
        chosen,
        versions,
        f"{on.text('zh')}是否有效不能确定：{zh_span}",
        f"whether {pid} was in force on {on.text()} is not known: {span}",
    )
    verdict = _with_version(chosen.evaluate(ctx), use)
    ambiguity = Ambiguity(
        IN_FORCE_NOT_KNOWN,
        f"{pid}的生效（或失效）日期只知道到年或月，{day}时是否有效不能确定（{zh_span}）",
        f"{pid}'s dates are known only to the year or month: whether it was in force on {day} is "
        f"not known ({span})",
    )
    if verdict.outcome in (Outcome.APPLIES, Outcome.NEEDS_REVIEW):
        verdict.outcome = Outcome.NEEDS_REVIEW
        verdict.ambiguities = (*verdict.ambiguities, ambiguity)
    return verdict


def _with_version(verdict: ProvisionVerdict, use: VersionUse) -> ProvisionVerdict:
    verdict.version = use
    verdict.caveat = in_force_caveat(verdict.provision, use.on, verdict.outcome)
    return verdict

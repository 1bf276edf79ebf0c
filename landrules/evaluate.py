"""The evaluator: a pure function from (compiled rule pack, parcel facts) to an explained verdict.

Rule trees are compiled once into closures; evaluating a parcel never re-reads rule data and never
short-circuits, so every condition's result is in the trace (and in rule-test coverage).
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


@dataclass(slots=True)
class Context:
    """The facts of one parcel and the derived quantities computed from them, each once."""

    facts: Mapping[str, Any]
    params: Mapping[str, list[str]]
    derived: dict[str, Any] = field(default_factory=dict)
    shown: dict[str, tuple[tuple[str, Any], ...]] = field(default_factory=dict)

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
    source: str = ""  # the file this version was read from

    @classmethod
    def build(cls, provision: r.Provision, source: str = "") -> CompiledProvision:
        return cls(
            provision,
            compile_condition(provision.conditions),
            [(review, compile_condition(review.when)) for review in provision.reviews],
            source,
        )

    def evaluate(self, ctx: Context) -> ProvisionVerdict:
        """Precedence: a definite failure, then missing facts, then ambiguity, then applies."""
        root = self.root(ctx)
        triggered: list[ReviewFinding] = []
        pending: list[ReviewFinding] = []
        reviewed: list[ReviewFinding] = []
        for review, run in self.reviews:
            step = run(ctx)
            reviewed.append(ReviewFinding(review, step))
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
    end = period(provision.effective_until)
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


@dataclass(frozen=True, slots=True)
class AsOf:
    """The date a parcel is judged at, and where it came from ('--as-of', 'application_date')."""

    date: _Day | None = None
    source: str = ""

    @classmethod
    def pick(cls, as_of: _Day | None, application_date: _Day | None) -> AsOf:
        if as_of is not None:
            return cls(as_of, "--as-of")
        if application_date is not None:
            return cls(application_date, "application_date")
        return cls()


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


def evaluate_versions(
    versions: list[CompiledProvision], ctx: Context, on: AsOf
) -> ProvisionVerdict:
    """Pick the version in force on `on` and evaluate it; say which, and how sure that is.

    No date: a single version (or versions differing only in their dates) is used and the date is
    noted as assumed; differing versions give undetermined, naming application_date. A date out
    of every version gives does not apply, "no rule in force on DATE". A date inside a period
    known only to the year or month gives needs review (unless a condition fails or a fact is
    missing).
    """
    pid = versions[0].provision.id
    if on.date is None:
        if len(versions) == 1 or _same_but_dates(versions):
            chosen = versions[-1]
            span = _span_text(chosen.provision)
            zh_span = _span_text(chosen.provision, "zh")
            use = VersionUse(
                "assumed",
                on,
                chosen,
                versions,
                f"日期为假定：未给出申请日期（application_date）或 --as-of，"
                f"使用唯一版本（{zh_span}）",
                f"date assumed: no application_date or --as-of given; the only version is used "
                f"({span})",
            )
            return _with_version(chosen.evaluate(ctx), use)
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
    day = on.date.isoformat()
    results = [(v, in_force(v.provision, on.date)) for v in versions]
    chosen_tri = next(((v, t) for v, t in results if t is Tri.TRUE), None) or next(
        ((v, t) for v, t in results if t is Tri.UNKNOWN), None
    )
    if chosen_tri is None:
        spans = "; ".join(_span_text(v.provision) for v in versions)
        zh_spans = "；".join(_span_text(v.provision, "zh") for v in versions)
        use = VersionUse(
            "not_in_force",
            on,
            None,
            versions,
            f"{day}无有效规则（{on.source}）：{pid} {zh_spans}",
            f"no rule in force on {day} ({on.source}): {pid} is in force {spans}",
        )
        root = _synthetic(
            pid, on, Tri.FALSE, f"a version of {pid} is in force on {day}", f"{day}时{pid}有效"
        )
        return _unsettled(versions, use, root)
    chosen, tri = chosen_tri
    span = _span_text(chosen.provision)
    zh_span = _span_text(chosen.provision, "zh")
    if tri is Tri.TRUE:
        use = VersionUse(
            "in_force",
            on,
            chosen,
            versions,
            f"{day}（{on.source}）有效的版本：{zh_span}",
            f"version in force on {day} ({on.source}): {span}",
        )
        return _with_version(chosen.evaluate(ctx), use)
    use = VersionUse(
        "uncertain",
        on,
        chosen,
        versions,
        f"{day}（{on.source}）是否有效不能确定：{zh_span}",
        f"whether {pid} was in force on {day} ({on.source}) is not known: {span}",
    )
    verdict = _with_version(chosen.evaluate(ctx), use)
    ambiguity = Ambiguity(
        "in-force-date-not-known",
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
    return verdict

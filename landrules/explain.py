"""What would change a verdict: the facts still needed, ranked, and the conditions to change.

Both are computed from the condition trees and the evaluator itself, never written by hand:

* **Ranking the missing facts** (undetermined provisions). For each missing fact we try every
  value it may take and re-evaluate every provision with only that fact added. Enumerated facts
  have finite values; a yes/no fact has two; an approval is `given` or `refused`; a land use is an
  industrial or a non-industrial code from the pack's tables; a number takes the constants of the
  compare conditions (each side of them) and the powers of ten 0.01 … 10^7, so a threshold of a
  computed figure in that range lies between two values tried (and a monotone figure crosses
  it); only values the parcel format accepts are tried; a date takes each side of every
  version's dates. Only the provisions undetermined now are re-evaluated.
  A fact's score is `(worst, best, mean)`: the number of still-undetermined provisions that its
  least, most and average helpful value settles. Facts are ranked by that score, highest first,
  then in schema order. So the first fact settles the most provisions whatever the answer, and
  ties go to the one that can settle the most.
* **Smallest sets of changes** (does-not-apply provisions). Over the evaluated tree, a leaf that
  is not already as wanted must change; `all` needs every child (the product of their sets),
  `any` one child (the union), `not` flips what is wanted. Supersets are dropped, so each set is
  minimal: leave out any one change and the provision still does not apply.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal, get_args, get_origin

from landrules.evaluate import (
    AsOf,
    Context,
    Outcome,
    ProvisionVerdict,
    Step,
    evaluate_versions,
    period,
)
from landrules.facts import fact_title, flatten
from landrules.i18n import Lang, t
from landrules.logic import Tri
from landrules.model.types import exact, exact_text, round_half_up

if TYPE_CHECKING:
    from pydantic.fields import FieldInfo

    from landrules.api import Verdict
    from landrules.rulepack import RulePack

# ---------------------------------------------------------------------------------------------
# Smallest sets of conditions to change


@dataclass(frozen=True, slots=True)
class Change:
    """One leaf condition that would have to come out `want` instead of how it came out."""

    step: Step
    want: Tri

    @property
    def id(self) -> str:
        return str(self.step.condition.id)

    @property
    def changeable(self) -> bool:
        """False where the rule says the applicant cannot change it, and for dates in force."""
        cond = self.step.condition
        return cond.kind != "in_force" and bool(getattr(cond, "applicant_can_change", True))

    def text(self, lang: Lang) -> str:
        """The change as an action, or as the condition to meet when the rule names no action."""
        cond = self.step.condition
        action = getattr(cond, "action", None)
        label = getattr(cond.label, lang)
        if not self.changeable:
            return t("explain.change.cannot", lang, label=label)
        if self.step.result is Tri.UNKNOWN:
            facts = ", ".join(self.step.missing)
            return t("explain.change.supply", lang, label=label, facts=facts)
        if self.want is Tri.FALSE:
            return t("explain.change.undo", lang, label=label)
        if action is not None:
            return str(getattr(action, lang))
        return t("explain.change.meet", lang, label=label)


_Set = frozenset[tuple[str, Tri]]


def _fixes(step: Step, want: Tri, leaves: dict[str, Step]) -> list[_Set]:
    cond = step.condition
    kind = cond.kind
    if kind == "not":
        flipped = Tri.FALSE if want is Tri.TRUE else Tri.TRUE
        return _fixes(step.children[0], flipped, leaves)
    if kind in ("all", "any") and step.children:
        every = (kind == "all") == (want is Tri.TRUE)
        options = [_fixes(child, want, leaves) for child in step.children]
        if every:
            combined = [frozenset().union(*combo) for combo in itertools.product(*options)]
        else:
            combined = [s for option in options for s in option]
        return _minimal(combined)
    leaves[cond.id] = step
    return [frozenset()] if step.result is want else [frozenset({(cond.id, want)})]


def _minimal(sets: list[_Set]) -> list[_Set]:
    unique = sorted(set(sets), key=lambda s: (len(s), sorted(i for i, _ in s)))
    kept: list[_Set] = []
    for s in unique:
        if not any(k <= s for k in kept):
            kept.append(s)
    return kept


def change_sets(pv: ProvisionVerdict) -> list[tuple[Change, ...]]:
    """The smallest sets of conditions that would have to change for `pv` to apply.

    Sets the applicant can act on come first, then by size; conditions keep their tree order.
    """
    if pv.outcome is not Outcome.DOES_NOT_APPLY:
        return []
    leaves: dict[str, Step] = {}
    sets = _fixes(pv.root, Tri.TRUE, leaves)
    order = {cid: i for i, cid in enumerate(leaves)}
    result = [
        tuple(Change(leaves[cid], want) for cid, want in sorted(s, key=lambda x: order[x[0]]))
        for s in sets
    ]
    return sorted(result, key=lambda cs: (not all(c.changeable for c in cs), len(cs)))


# ---------------------------------------------------------------------------------------------
# Ranking the missing facts


@dataclass(frozen=True, slots=True)
class Candidate:
    """A value a fact may take: as the evaluator reads it, and as a person would write it."""

    value: Any
    text: str


@dataclass(frozen=True, slots=True)
class FactRank:
    """How much supplying one missing fact settles: worst, best and mean over its values."""

    fact: str
    worst: int
    best: int
    mean: float
    settles: tuple[tuple[str, tuple[str, ...]], ...]  # value text → provisions it settles

    @property
    def can_change_an_outcome(self) -> bool:
        return self.best > 0


def field_info(name: str) -> FieldInfo | None:
    """The pydantic field a dotted fact name refers to (None for a derived quantity)."""
    from pydantic import BaseModel

    from landrules.model.parcel import Parcel

    model: type[BaseModel] | None = Parcel
    info = None
    for part in name.split("."):
        if model is None or part not in model.model_fields:
            return None
        info = model.model_fields[part]
        model = next((a for a in _types(info.annotation) if _is_model(a)), None)
    return info


def _is_model(kind: Any) -> bool:
    from pydantic import BaseModel

    return isinstance(kind, type) and issubclass(kind, BaseModel)


def _types(annotation: Any) -> list[Any]:
    """Every type inside an annotation (unions, Annotated, list[…], Literal kept whole)."""
    if get_origin(annotation) is Literal:
        return [annotation]
    args = get_args(annotation)
    if not args:
        return [annotation]
    found = [annotation] if get_origin(annotation) is list else []
    for arg in args:
        found.extend(_types(arg))
    return found


def literal_values(name: str) -> list[str]:
    """The allowed words of an enumerated fact ([] when it is not enumerated)."""
    info = field_info(name)
    if info is None:
        return []
    for kind in _types(info.annotation):
        if get_origin(kind) is Literal:
            return [str(v) for v in get_args(kind)]
    return []


def fact_kind(name: str) -> str:
    """approval | land_use | enum | list | yes_no | number | date | text | other."""
    from landrules.model.parcel import Approval, LandUse

    info = field_info(name)
    if info is None:
        return "other"
    kinds = _types(info.annotation)
    if any(k is Approval for k in kinds):
        return "approval"
    if any(k is LandUse for k in kinds):
        return "land_use"
    if any(get_origin(k) is list for k in kinds):
        return "list" if literal_values(name) else "other"
    if literal_values(name):
        return "enum"
    if bool in kinds:
        return "yes_no"
    if Decimal in kinds:
        return "number"
    if date in kinds:
        return "date"
    return "text"


_LADDER = tuple(Decimal(10) ** k for k in range(-2, 8))  # 0.01, 0.1, 1 … 10^7
_STEP = Decimal("0.01")


def _compare_constants(pack: RulePack, name: str) -> set[Decimal]:
    found: set[Decimal] = set()
    for versions in pack.versions():
        for version in versions:
            for step_cond in _conditions(version.provision.conditions):
                if (
                    getattr(step_cond, "fact", None) == name
                    and step_cond.kind == "compare"
                    and step_cond.value is not None
                ):
                    found.add(Decimal(step_cond.value))
    return found


def _conditions(cond: Any) -> list[Any]:
    out = [cond]
    for child in getattr(cond, "conditions", None) or ():
        out.extend(_conditions(child))
    inner = getattr(cond, "condition", None)
    if inner is not None:
        out.extend(_conditions(inner))
    return out


def candidates(pack: RulePack, name: str) -> list[Candidate]:
    """Every value tried for a fact when ranking (see the module docstring)."""
    from landrules.model.parcel import LandUse

    kind = fact_kind(name)
    if kind == "approval":
        return [Candidate(v, v) for v in ("given", "refused")]
    if kind == "enum":
        return [Candidate(v, v) for v in literal_values(name)]
    if kind == "list":
        return [Candidate([v], v) for v in literal_values(name)]
    if kind == "yes_no":
        return [Candidate(True, "yes"), Candidate(False, "no")]
    if kind == "land_use":
        industrial = (pack.params.get("industrial_gbt21010") or ["0601"])[0]
        return [
            Candidate(LandUse.model_validate({"gbt21010": industrial}), industrial),
            Candidate(LandUse.model_validate({"gbt21010": "0701"}), "0701"),
        ]
    if kind == "number":
        values = set(_LADDER)
        for c in _compare_constants(pack, name):
            values.update({c, c + _STEP, max(c - _STEP, _STEP)})
        return [Candidate(v, format(v.normalize(), "f")) for v in sorted(values) if _valid(name, v)]
    if kind == "date":
        days: set[date] = set()
        for versions in pack.versions():
            for version in versions:
                for bound in (version.provision.effective_from, version.provision.effective_until):
                    span = period(bound)
                    if span is not None:
                        days.update({span[0] - timedelta(days=1), span[1] + timedelta(days=1)})
        return [Candidate(d, d.isoformat()) for d in sorted(days)]
    return []


def _valid(name: str, value: Decimal) -> bool:
    """Only values the parcel format accepts (a plot ratio stays below 100, an area above 0)."""
    from pydantic import TypeAdapter, ValidationError

    info = field_info(name)
    if info is None or info.annotation is None:
        return True
    try:
        TypeAdapter(info.annotation).validate_python(format(value.normalize(), "f"))
    except ValidationError:
        return False
    return True


def _reads(step: Step) -> set[str]:
    """Every stated fact a condition tree reads, a computed figure standing for its inputs."""
    from landrules.derive import DERIVATIONS

    names: set[str] = set()
    for node in step.walk():
        names.update(n for n, _ in node.facts)
        names.update(node.missing)
    for name in list(names):
        if name in DERIVATIONS:
            names.update(DERIVATIONS[name].inputs)
    return names


def _related(a: set[str], b: set[str]) -> bool:
    return any(x == y or x.startswith(y + ".") or y.startswith(x + ".") for x in a for y in b)


def reviews_after(pv: ProvisionVerdict, changes: tuple[Change, ...]) -> tuple[list[Any], list[Any]]:
    """Reviews triggered now that would (reading none of the changed facts) or may still be."""
    touched: set[str] = set()
    for change in changes:
        touched |= _reads(change.step)
    still = [f.review for f in pv.triggered if not _related(_reads(f.step), touched)]
    maybe = [f.review for f in pv.triggered if _related(_reads(f.step), touched)]
    return still, maybe


def outcomes_with(
    pack: RulePack,
    facts: dict[str, Any],
    application_date: date | None,
    only: Collection[str] | None = None,
) -> dict[str, Outcome]:
    """Each provision's outcome on these flattened facts (as `check_parcel` would judge them);
    `only` limits the work to the provisions named."""
    ctx = Context(facts, pack.params)
    day = facts.get("application_date", application_date)
    on = AsOf.pick(pack.as_of, day if isinstance(day, date) else None)
    return {
        versions[0].provision.id: evaluate_versions(versions, ctx, on).outcome
        for versions in pack.versions()
        if only is None or versions[0].provision.id in only
    }


def missing_facts(verdict: Verdict) -> list[str]:
    """Every fact an undetermined provision names as missing, once, in schema order."""
    from landrules.facts import fact_names

    named: set[str] = set()
    for pv in verdict.provisions:
        if pv.outcome is Outcome.UNDETERMINED:
            named.update(pv.missing)
    order = {n: i for i, n in enumerate(fact_names())}
    return sorted(named, key=lambda n: (order.get(n, len(order)), n))


def rank_missing(verdict: Verdict) -> list[FactRank]:
    """The missing facts, the one whose supply settles the most provisions first."""
    pack = verdict.pack
    base = flatten(verdict.parcel)
    open_ = [pv.provision.id for pv in verdict.provisions if pv.outcome is Outcome.UNDETERMINED]
    ranks: list[FactRank] = []
    for name in missing_facts(verdict):
        settles: list[tuple[str, tuple[str, ...]]] = []
        for cand in candidates(pack, name):
            facts = {**base, name: cand.value}
            outcomes = outcomes_with(pack, facts, verdict.application_date, open_)
            done = tuple(p for p in open_ if outcomes[p] is not Outcome.UNDETERMINED)
            settles.append((cand.text, done))
        counts = [len(d) for _, d in settles] or [0]
        ranks.append(
            FactRank(name, min(counts), max(counts), sum(counts) / len(counts), tuple(settles))
        )
    order = {r.fact: i for i, r in enumerate(ranks)}
    return sorted(ranks, key=lambda r: (-r.worst, -r.best, -r.mean, order[r.fact]))


def fact_words(name: str, lang: Lang) -> str:
    """A fact in plain words: its Chinese term, with the dotted name in English. A fact three
    levels deep names its parent too (项目实施前 / 项目实施后 tell two floor areas apart)."""
    title = fact_title(name)
    parts = name.split(".")
    if len(parts) >= 3 and title:
        parent = fact_title(".".join(parts[:-1]))
        title = f"{parent} · {title}" if parent else title
    if lang == "zh":
        return f"{title}（{name}）" if title else name
    return f"{name} ({title})" if title else name


def condition_for(verdict: Verdict, name: str) -> Any:
    """The first condition still waiting on `name`: its label and quote explain the question."""
    for pv in verdict.provisions:
        for step in pv.root.walk():
            if not step.children and name in step.missing:
                return step.condition
    return None


# ---------------------------------------------------------------------------------------------
# Money: an illustration only


@dataclass(frozen=True, slots=True)
class Illustration:
    """What the premium for the area concerned would be if it were charged ≈ area × price ×
    coefficient (the text sets no formula). Computed exactly; rounded once, to show."""

    provision: str
    area_m2: Fraction
    price: Decimal
    coefficient: Decimal | None
    amount: Fraction
    source: Any
    coefficient_source: Any
    verb: str  # the provision's own words: 不再征收 (P1) or 不再增收 (P2)

    def text(self, lang: Lang) -> str:
        src = self.source
        kind = t(f"money.source.{src.kind}", lang)
        line = t(
            "money.amount",
            lang,
            amount=_money(self.amount),
            area=_money(self.area_m2),
            price=_money(self.price),
            coefficient=format(self.coefficient, "f") if self.coefficient is not None else "1",
            kind=kind,
            document=src.document,
            date=src.date.isoformat(),
            verb=self.verb,
        )
        if self.coefficient_source is not None:
            line += " " + t(
                "money.coefficient_source", lang, document=self.coefficient_source.document
            )
        return f"{line} {t('money.caveat', lang)}"

    def data(self) -> dict[str, Any]:
        src = self.source
        return {
            "area_m2": exact_text(self.area_m2),
            "floor_price_yuan_per_m2": format(self.price, "f"),
            "coefficient": format(self.coefficient, "f") if self.coefficient is not None else None,
            "amount_yuan": format(round_half_up(self.amount, 2), "f"),
            "verb": self.verb,
            "price_source": {
                "kind": src.kind,
                "document": src.document,
                "date": src.date.isoformat(),
            },
            "coefficient_source": self.coefficient_source.model_dump(mode="json")
            if self.coefficient_source is not None
            else None,
            "illustration": True,
            "caveat": {"zh": t("money.caveat", "zh"), "en": t("money.caveat", "en")},
        }


def _money(value: Decimal | Fraction) -> str:
    return f"{round_half_up(value, 2):,}"


_VERBS = ("不再增收", "不再征收")


def _verb(pv: ProvisionVerdict) -> str:
    """The provision's own verb, from its quote (P1 不再征收, P2 不再增收)."""
    quote = pv.provision.outcome.quote or ""
    return next((v for v in _VERBS if v in quote), quote)


def illustration(verdict: Verdict, pv: ProvisionVerdict) -> Illustration | None:
    """Only for a waiver that applies with no review triggered or left unchecked, on a parcel
    giving a floor-area price and its source. Exact (Fraction), so no figure in the accepted
    ranges can overflow a decimal context."""
    price = verdict.parcel.land_price
    if (
        price is None
        or price.floor_price_yuan_per_m2 is None
        or price.source is None
        or not pv.amount_allowed
        or pv.provision.outcome.kind != "waiver"
        or pv.covered is None
        or not isinstance(pv.covered.value, (Decimal, Fraction))
    ):
        return None
    coefficient = price.coefficient
    if coefficient is not None and price.coefficient_source is None:
        coefficient = None  # a coefficient without its source is not used
    area = exact(pv.covered.value)
    amount = area * exact(price.floor_price_yuan_per_m2) * exact(coefficient or Decimal(1))
    return Illustration(
        pv.provision.id,
        area,
        price.floor_price_yuan_per_m2,
        coefficient,
        amount,
        price.source,
        price.coefficient_source if coefficient is not None else None,
        _verb(pv),
    )


# ---------------------------------------------------------------------------------------------
# Plain data for JSON


def explanation_data(verdict: Verdict, pv: ProvisionVerdict, ranks: list[FactRank]) -> Any:
    """The `explain` block of one provision in JSON verdicts (both languages)."""
    data: dict[str, Any] = {}
    if pv.outcome is Outcome.DOES_NOT_APPLY:
        data["changes"] = [
            [
                {
                    "condition": c.id,
                    "want": c.want.value,
                    "now": c.step.result.value,
                    "applicant_can_change": c.changeable,
                    "action": {"zh": c.text("zh"), "en": c.text("en")},
                }
                for c in cs
            ]
            for cs in change_sets(pv)
        ]
        data["reviews_after_changes"] = [
            {
                "still": [r.id for r in reviews_after(pv, cs)[0]],
                "maybe": [r.id for r in reviews_after(pv, cs)[1]],
            }
            for cs in change_sets(pv)
        ]
    if pv.outcome is Outcome.UNDETERMINED:
        data["needed"] = [
            {
                "fact": r.fact,
                "settles_at_least": r.worst,
                "settles_at_most": r.best,
                "settles_on_average": round(r.mean, 3),
            }
            for r in ranks
            if r.fact in pv.missing
        ]
    money = illustration(verdict, pv)
    if money is not None:
        data["money"] = money.data()
    return data

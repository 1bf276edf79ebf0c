"""Rule-pack files: the provisions, their conditions and the law's words each one encodes.

Conditions are data drawn from a closed set of kinds; the engine interprets them and nothing in
a rule file is ever executed.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

from landrules.i18n import t
from landrules.model.types import Decimal_, IsoDate, PlainInt, Text
from landrules.model.words import shaped

Id = Annotated[str, shaped(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", "shape.id")]
FactName = Annotated[str, shaped(r"^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*$", "shape.fact_name")]


def _empty_list() -> list[Any]:
    """`default_factory=list`, but pydantic inspects a factory's signature, and a builtin's is
    parsed from its text with tokenize's regex (~3 ms, compiled on first use, on every run)."""
    return []


def _empty_dict() -> dict[str, Any]:
    """`default_factory=dict` (see `_empty_list`)."""
    return {}


class RuleData(BaseModel):
    """Validators are built on first use (`defer_build`): a pack validates `PackMeta` and
    `Provision` only, and the recursive conditions resolve `Condition` then, with no rebuild."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Label(RuleData):
    """A label in both languages; the Chinese term is the one officials use."""

    zh: Text
    en: Text


class Citation(RuleData):
    document: Text = Field(
        description="Document number of the text quoted, e.g. 慈经信建〔2019〕13号."
    )
    clause: Text = Field(description="Clause of that document, e.g. 一(三).")
    describes: Text | None = Field(
        None, description="The document the quoted text describes (not quoted itself)."
    )


class _Leaf(RuleData):
    id: Id
    label: Label
    quote: str | None = Field(
        None, description="The verbatim words of the source this condition encodes."
    )
    action: Label | None = Field(None, description="What an applicant would do to meet it.")
    applicant_can_change: bool = Field(
        True,
        description="False for a fact the applicant cannot change (e.g. the land being newly "
        "supplied, the current or planned use): explanations say so instead of advising it.",
    )


class Equals(_Leaf):
    kind: Literal["equals"]
    fact: FactName
    value: str


class In(_Leaf):
    kind: Literal["in"]
    fact: FactName
    values: list[str] = Field(min_length=1)


class IncludesAny(_Leaf):
    kind: Literal["includes_any"]
    fact: FactName
    values: list[str] = Field(min_length=1)


UNITS = ("m²", "亩", "ha", "m", "ratio")
"""Units a compared constant may state; it must be the unit of the fact it is compared with."""


class Compare(_Leaf):
    kind: Literal["compare"]
    fact: FactName
    op: Literal["gt", "ge", "lt", "le"]
    value: Decimal_ | None = None
    unit: Literal["m²", "亩", "ha", "m", "ratio"] | None = Field(
        None, description="Unit of `value`; it must be the fact's own unit (m² is never 亩)."
    )
    than: FactName | None = Field(None, description="Compare with another fact instead of a value.")

    @model_validator(mode="after")
    def _one_right_side(self) -> Compare:
        if (self.value is None) == (self.than is None):
            raise ValueError(t("rules.value_or_than"))
        if self.unit is not None and self.value is None:
            raise ValueError(t("rules.unit_with_than"))
        return self


class Given(_Leaf):
    kind: Literal["given"]
    fact: FactName


class _Group(RuleData):
    id: Id
    label: Label
    quote: str | None = None


class All(_Group):
    kind: Literal["all"]
    conditions: list[Condition] = Field(min_length=1)


class Any_(_Group):
    kind: Literal["any"]
    conditions: list[Condition] = Field(min_length=1)


class Not(_Group):
    kind: Literal["not"]
    condition: Condition


Condition = Annotated[
    Union[All, Any_, Not, Equals, In, IncludesAny, Compare, Given],  # noqa: UP007
    Field(discriminator="kind"),
]
CONDITION_KINDS = ("all", "any", "not", "equals", "in", "includes_any", "compare", "given")


class Outcome(RuleData):
    kind: Literal["waiver", "permission"]
    label: Label
    quote: str
    covers: FactName | None = Field(
        None, description="The derived quantity the outcome covers, e.g. the waived floor area."
    )


class Review(RuleData):
    """A needs-review trigger: something an official would weigh that the text does not settle."""

    id: Id
    label: Label
    explanation: Label
    when: Condition


class Advisory(RuleData):
    """A note shown with every verdict of the provision; it never decides anything."""

    id: Id
    text: Label


class DateBound(RuleData):
    """One end of a provision's time in force, with where the date comes from.

    `precision: year` means only the year is known (the date is then the year's first day for
    `effective_from`); a day inside that year is neither certainly in nor out of force.
    """

    date: IsoDate | None = Field(
        None, description="YYYY-MM-DD; left out for an open end (still in force, or not known)."
    )
    precision: Literal["day", "month", "year"] = Field(
        "day", description="How much of the date is known."
    )
    verified: bool = Field(
        description="true only when `note` cites the source the date was checked against."
    )
    note: Label = Field(description="The source of the date, or why it is not verified.")

    @model_validator(mode="after")
    def _period_start(self) -> DateBound:
        day = self.date
        if day is not None and (
            (self.precision == "year" and (day.month, day.day) != (1, 1))
            or (self.precision == "month" and day.day != 1)
        ):
            raise ValueError(t(f"rules.first_day_{self.precision}"))
        return self


class StartBound(DateBound):
    date: IsoDate = Field(description="YYYY-MM-DD: the first day in force, or of its period.")


class AppliedPer(RuleData):
    """The last evidence that the described document is applied (not that it is in force): a
    verdict judged after it says so on its outcome's line, without changing the outcome."""

    document: Text = Field(description="The document that shows it applied, e.g. a reply.")
    date: IsoDate = Field(description="Its date, or the first day of its year or month.")
    precision: Literal["day", "month", "year"] = Field("day", description="How much is known.")
    note: Label = Field(description="What the evidence says, and what is not known.")


class Provision(RuleData):
    id: Id
    title: Label
    citation: Citation
    effective_from: StartBound = Field(description="First day in force (inclusive).")
    effective_until: DateBound = Field(
        description="Last day in force (inclusive); no `date` means open-ended."
    )
    applied_per: AppliedPer | None = Field(
        None, description="The last evidence that it is applied, where its end is not known."
    )
    outcome: Outcome
    conditions: Condition
    quantities: list[FactName] = Field(default_factory=_empty_list)
    reviews: list[Review] = Field(default_factory=_empty_list)
    advisories: list[Advisory] = Field(default_factory=_empty_list)


class LineSpan(RuleData):
    first: Annotated[PlainInt, Field(ge=1)]
    last: Annotated[PlainInt, Field(ge=1)]


class PackMeta(RuleData):
    """`pack.yaml`: what the pack is, where its text comes from, and what it does not claim."""

    id: Id
    version: Text
    title: Label
    source: Text = Field(description="File holding the verbatim source text, beside pack.yaml.")
    source_clause_lines: LineSpan = Field(
        description="Lines of the source file holding the cited clause; quotes must be in them."
    )
    citation: Citation
    notes: list[Label] = Field(default_factory=_empty_list)
    provisions: list[Text] = Field(min_length=1, description="Provision files, in order.")
    parameters: dict[Id, list[str]] = Field(default_factory=_empty_dict)

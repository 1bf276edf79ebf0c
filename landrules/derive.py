"""Derived quantities: what the engine computes from stated facts, labelled as its own reading.

The source text sets no formula; plot ratio here is counted floor area ÷ land area, and the other
figures follow from the provisions' words as explained in each label. Every function returns a
value or an `Unknown` naming the facts it still needs, never a default.

Every figure is an exact `Fraction` computed from the numbers as written (2 亩 is 4000/3 m², not
1333.33): nothing is rounded until `display`, which rounds once, half up (`round_half_up`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from landrules.logic import Ambiguity, Unknown, merge_unique
from landrules.model.parcel import Building, LandUse
from landrules.model.types import exact, round_half_up

Facts = Mapping[str, Any]
Params = Mapping[str, list[str]]

_HIGH_STOREY_M = Decimal(8)
_ZERO = Fraction(0)


@dataclass(frozen=True, slots=True)
class Span:
    """A quantity known only to lie between two bounds, because the text admits several readings."""

    low: Fraction
    high: Fraction
    ambiguity: Ambiguity

    def __str__(self) -> str:
        return f"{self.low} … {self.high}"


@dataclass(frozen=True, slots=True)
class Derivation:
    name: str
    zh: str
    en: str
    unit: str
    inputs: tuple[str, ...]
    params: tuple[str, ...]
    compute: Callable[[Facts, Params], Any]
    decides: bool = True  # False: informative only, never used by a condition


CODES_DISAGREE = Ambiguity(
    "land-use-codes-disagree",
    "同一用途的各分类代码对是否属于工业用地说法不一",
    "the codes given for one land use disagree on whether it is industrial",
)
MIXED_CLASS = Ambiguity(
    "land-use-code-too-coarse",
    "所给代码为包含工业及其他用途的大类（如 06 工矿仓储用地），无法判断是否为工业用地",
    "the code is a first-level class holding industrial and other uses (e.g. 06): too coarse",
)
UNRECOGNISED_SUBCLASS = Ambiguity(
    "unrecognised-industrial-subclass",
    "规划用地分类为未列明的工业子类",
    "the planning class is an industrial sub-class the rule pack does not list",
)
INDICATOR_RANGE = Ambiguity(
    "indicator-is-a-range",
    "宗地只给出容积率区间，原文未说明“容积率控制指标”取区间中的哪个数",
    "the parcel gives only a plot-ratio range; the text does not say which number is the "
    "“容积率控制指标” (plot-ratio control indicator)",
)

MAXIMUM_ONLY = Ambiguity(
    "indicator-is-a-maximum",
    "宗地只给出容积率上限（如 ≤2.0），原文未说明此时“容积率控制指标”是多少",
    "the parcel gives only a maximum plot ratio (such as ≤2.0); the text does not say what the "
    "“容积率控制指标” (plot-ratio control indicator) is then",
)

CHANGE_TO_M0 = Ambiguity(
    "change-to-m0-possible",
    "项目实施后为新型产业用地（M0），而现状用途未注明为M0：可能改为M0",
    "the proposed use is new-type industrial land (M0) and the current use is not stated to be "
    "M0: the project may change the land to M0",
)

_YDYH_SUBCLASS = {"100101": "M1", "100102": "M2", "100103": "M3"}


def _classify(use: LandUse, params: Params) -> str | Ambiguity | None:
    """'industrial' / 'non_industrial' from the codes; the free text is shown, never parsed."""
    votes: list[str | Ambiguity] = []
    if use.gbt21010 is not None:
        votes.append(_vote(use.gbt21010, params, "industrial_gbt21010", "coarse_gbt21010"))
    if use.ydyh is not None:
        votes.append(_vote(use.ydyh, params, "industrial_ydyh", "coarse_ydyh"))
    if use.planning_class is not None:
        code = use.planning_class
        if code in params.get("industrial_planning_classes", ()):
            votes.append("industrial")
        elif code.startswith("M"):
            votes.append(UNRECOGNISED_SUBCLASS)
        else:
            votes.append("non_industrial")
    if not votes:
        return None
    for vote in votes:
        if isinstance(vote, Ambiguity):
            return vote
    return votes[0] if len(set(votes)) == 1 else CODES_DISAGREE


def _vote(code: str, params: Params, industrial: str, coarse: str) -> str | Ambiguity:
    if code in params.get(industrial, ()):
        return "industrial"
    if code in params.get(coarse, ()):
        return MIXED_CLASS
    return "non_industrial"


def _use_class(which: str) -> Callable[[Facts, Params], Any]:
    key = f"land_use.{which}"

    def compute(facts: Facts, params: Params) -> Any:
        use = facts.get(key)
        if use is None:
            return Unknown(missing=(key,))
        found = _classify(use, params)
        if found is None:
            return Unknown(missing=(key,))
        if isinstance(found, Ambiguity):
            return Unknown(ambiguities=(found,))
        return found

    return compute


def _subclass(use: LandUse | None) -> str | None:
    if use is None:
        return None
    if use.planning_class in ("M0", "M1", "M2", "M3"):
        return use.planning_class
    return _YDYH_SUBCLASS.get(use.ydyh or "")


def _subclass_changed(facts: Facts, params: Params) -> Any:
    """A change between M0–M3; a use that leaves industry is not a sub-class change.

    The question is raised by what is given, not only by two stated sub-classes: a proposed M0
    (or a current M0) facing a side not stated to be M0 may be a change to (or from) new-type
    industrial land, the change the pack says is unsettled, so it is ambiguous (a review
    triggered), never "not checked". Only when nothing given points at a change (say M2 proposed,
    current 0601 with no sub-class) is the missing planning class named.
    """
    uses = {k: facts.get(k) for k in ("land_use.current", "land_use.proposed")}
    classes = {k: _classify(u, params) if u is not None else None for k, u in uses.items()}
    if "non_industrial" in classes.values():
        return False
    subclasses = {k: _subclass(u) for k, u in uses.items()}
    current, proposed = subclasses["land_use.current"], subclasses["land_use.proposed"]
    if current is not None and proposed is not None:
        return current != proposed
    if "M0" in (current, proposed) and None not in uses.values():
        return Unknown(ambiguities=(CHANGE_TO_M0,))
    missing = tuple(
        f"{k}.planning_class" if uses[k] is not None else k
        for k, sub in subclasses.items()
        if sub is None
    )
    return Unknown(missing=missing)


def land_area(facts: Facts) -> Fraction | None:
    """The land area in m², exactly as written: from `land_area` (亩, 公顷) when it is stated,
    never from its rounded m² twin."""
    stated = facts.get("parcel.land_area")
    if stated is not None:
        return stated.exact_m2  # type: ignore[no-any-return]
    in_m2 = facts.get("parcel.land_area_m2")
    return exact(in_m2) if in_m2 is not None else None


def _areas(facts: Facts, stage: str) -> dict[str, Fraction | None]:
    """Counted floor area before or after the project, by use ('production', 'non_production')."""
    buildings: list[Building] | None = facts.get("buildings")
    if buildings is not None:
        keep = ("existing", "removed") if stage == "before" else ("existing", "added")
        sums: dict[str, Fraction | None] = {"production": _ZERO, "non_production": _ZERO}
        for building in buildings:
            for floor in building.floors:
                if floor.change in keep:
                    sums[building.use] = (sums[building.use] or _ZERO) + exact(floor.area_m2)
        return sums
    found = {
        use: facts.get(f"floor_area.{stage}.{use}_m2") for use in ("production", "non_production")
    }
    return {use: exact(v) if v is not None else None for use, v in found.items()}


def _missing_areas(areas: dict[str, Fraction | None], stage: str, *uses: str) -> tuple[str, ...]:
    return tuple(f"floor_area.{stage}.{use}_m2" for use in uses if areas[use] is None)


def _floor_area(stage: str) -> Callable[[Facts, Params], Any]:
    def compute(facts: Facts, _params: Params) -> Any:
        areas = _areas(facts, stage)
        production, non_production = areas["production"], areas["non_production"]
        if production is None or non_production is None:
            return Unknown(missing=_missing_areas(areas, stage, "production", "non_production"))
        return production + non_production

    return compute


def _added(use: str) -> Callable[[Facts, Params], Any]:
    def compute(facts: Facts, _params: Params) -> Any:
        before_areas, after_areas = _areas(facts, "before"), _areas(facts, "after")
        before, after = before_areas[use], after_areas[use]
        if before is None or after is None:
            return Unknown(
                missing=_missing_areas(before_areas, "before", use)
                + _missing_areas(after_areas, "after", use)
            )
        return after - before

    return compute


def _plot_ratio(stage: str) -> Callable[[Facts, Params], Any]:
    area_of = _floor_area(stage)

    def compute(facts: Facts, params: Params) -> Any:
        area = area_of(facts, params)
        land = land_area(facts)
        if isinstance(area, Unknown) or land is None:
            missing = merge_unique(
                () if land is not None else ("parcel.land_area_m2",),
                area.missing if isinstance(area, Unknown) else (),
            )
            return Unknown(missing=missing)
        return area / land

    return compute


def _land_index_plot_ratio(stage: str) -> Callable[[Facts, Params], Any]:
    """Storeys higher than 8 m count twice (land-index method); needs every storey height."""
    keep = ("existing", "removed") if stage == "before" else ("existing", "added")

    def compute(facts: Facts, _params: Params) -> Any:
        buildings: list[Building] | None = facts.get("buildings")
        land = land_area(facts)
        if buildings is None or land is None:
            return Unknown(
                missing=("buildings",) if buildings is None else ("parcel.land_area_m2",)
            )
        total = _ZERO
        for building in buildings:
            for floor in building.floors:
                if floor.change not in keep:
                    continue
                if floor.storey_height_m is None:
                    return Unknown(missing=("buildings.floors.storey_height_m",))
                total += exact(floor.area_m2) * (2 if floor.storey_height_m > _HIGH_STOREY_M else 1)
        return total / land

    return compute


def _raise_added(facts: Facts, params: Params) -> Any:
    """The rise in counted floor area: after − before (Δ plot ratio × land area); may be < 0."""
    before = _floor_area("before")(facts, params)
    after = _floor_area("after")(facts, params)
    if isinstance(before, Unknown) or isinstance(after, Unknown):
        return Unknown(
            missing=merge_unique(
                before.missing if isinstance(before, Unknown) else (),
                after.missing if isinstance(after, Unknown) else (),
            )
        )
    return after - before


def _raise_concerned(facts: Facts, params: Params) -> Any:
    """The area P1's waiver concerns: the raise of the plot ratio, and of it only what is
    production floor area: the smaller of the rise in counted floor area and the production
    floor area added, never below 0. Either bound alone could overstate it (offices demolished
    while a factory is extended; offices added beside it)."""
    rise = _raise_added(facts, params)
    production = _added("production")(facts, params)
    if isinstance(rise, Unknown) or isinstance(production, Unknown):
        return Unknown(
            missing=merge_unique(
                rise.missing if isinstance(rise, Unknown) else (),
                production.missing if isinstance(production, Unknown) else (),
            )
        )
    return max(_ZERO, min(rise, production))


@dataclass(frozen=True, slots=True)
class _NewLand:
    """P2's figures, exact, from whichever field states them (indicator, range, requirement)."""

    approved: Fraction | None
    indicator: Fraction | None  # stated, a bare requirement, or a requirement's minimum alone
    low: Fraction | None  # a range's minimum (the range field, or a requirement's)
    high: Fraction | None  # the maximum (the range field, or a requirement's)
    high_strict: bool  # the maximum itself is excluded (`<2.0`)
    requirement: Any  # the requirement as written, if any


def _exact(value: Any) -> Fraction | None:
    return exact(value) if value is not None else None


def _new_land(facts: Facts) -> _NewLand:
    """The plot-ratio figures however the parcel states them. The parcel model has already
    refused a requirement that disagrees with the indicator or range, so here they agree.

    A minimum alone (`≥1.2`) is read as the control indicator the premium was paid against
    (P2.advisory.minimum-is-indicator); a range goes as `plot_ratio_range` goes; a maximum alone
    leaves the indicator open (P2.review.maximum-only)."""
    req = facts.get("new_land.plot_ratio_requirement")
    indicator = facts.get("new_land.plot_ratio_indicator")
    low = facts.get("new_land.plot_ratio_range.min")
    high = facts.get("new_land.plot_ratio_range.max")
    high_strict = False
    if req is not None:
        if indicator is None and req.form == "indicator":
            indicator = req.value
        elif indicator is None and req.form == "minimum":
            indicator = req.min.value
        if req.form in ("range", "maximum") and req.max is not None:
            low = req.min.value if req.min is not None else low
            high, high_strict = req.max.value, req.max.strict
    return _NewLand(
        _exact(facts.get("new_land.approved_factory_floor_area_m2")),
        _exact(indicator),
        _exact(low),
        _exact(high),
        high_strict,
        req,
    )


def _above_indicator(facts: Facts, _params: Params) -> Any:
    """Approved factory floor area minus what the indicator allows on this land, floored at 0.

    With a range, every indicator in it is a reading (a Span); with a maximum alone, every
    indicator from 0 up to it is one, so the area lies between approved − maximum × land and
    the whole approved area."""
    figures = _new_land(facts)
    approved, indicator = figures.approved, figures.indicator
    low_ratio, high_ratio = figures.low, figures.high
    land = land_area(facts)
    missing = tuple(
        k
        for k, v in (
            ("new_land.approved_factory_floor_area_m2", approved),
            ("parcel.land_area_m2", land),
        )
        if v is None
    )
    maximum_only = _states_maximum_only(figures)
    if indicator is None and not maximum_only and (low_ratio is None or high_ratio is None):
        missing += ("new_land.plot_ratio_indicator",)
    if missing or approved is None or land is None:
        return Unknown(missing=missing)
    if indicator is not None:
        return max(_ZERO, approved - indicator * land)
    if high_ratio is None:
        return Unknown(missing=("new_land.plot_ratio_indicator",))
    low = max(_ZERO, approved - high_ratio * land)
    if low_ratio is None:  # a requirement written as a maximum alone
        return Span(low, approved, MAXIMUM_ONLY)
    high = max(_ZERO, approved - low_ratio * land)
    return low if low == high else Span(low, high, INDICATOR_RANGE)


def _states_maximum_only(figures: _NewLand) -> bool:
    """A requirement written as a maximum alone (`≤2.0`) and no indicator. A range field with
    only `max` is not this: its `min` is missing, not stated to be absent."""
    req = figures.requirement
    return req is not None and req.form == "maximum" and figures.indicator is None


def _maximum_only(facts: Facts, _params: Params) -> Any:
    """Whether the parcel's requirement states only a maximum, and nothing sets the indicator."""
    figures = _new_land(facts)
    if _states_maximum_only(figures):
        return True
    if figures.indicator is not None or figures.requirement is not None or figures.low is not None:
        return False
    return Unknown(missing=("new_land.plot_ratio_requirement",))


def _above_maximum(facts: Facts, params: Params) -> Any:
    """Whether the approved factory floor area alone gives a plot ratio above the stated
    maximum; a strict maximum (`<2.0`) is exceeded by reaching it. A requirement written as a
    minimum alone states no maximum, so nothing is above it."""
    figures = _new_land(facts)
    ratio = _approved_plot_ratio(facts, params)
    if figures.high is None:
        req = figures.requirement
        if req is not None and req.form == "minimum":
            return False
        return Unknown(
            missing=merge_unique(
                ratio.missing if isinstance(ratio, Unknown) else (),
                ("new_land.plot_ratio_range.max",),
            )
        )
    if isinstance(ratio, Unknown):
        return ratio
    return ratio > figures.high or (figures.high_strict and ratio == figures.high)


def _approved_plot_ratio(facts: Facts, _params: Params) -> Any:
    """The plot ratio the approved factory floor area alone gives the land."""
    approved = _exact(facts.get("new_land.approved_factory_floor_area_m2"))
    land = land_area(facts)
    if approved is None or land is None:
        return Unknown(
            missing=tuple(
                k
                for k, v in (
                    ("new_land.approved_factory_floor_area_m2", approved),
                    ("parcel.land_area_m2", land),
                )
                if v is None
            )
        )
    return approved / land


_USE_PARAMS = (
    "industrial_gbt21010",
    "coarse_gbt21010",
    "industrial_ydyh",
    "coarse_ydyh",
    "industrial_planning_classes",
)

DERIVATIONS: dict[str, Derivation] = {
    d.name: d
    for d in (
        Derivation(
            "current_use_class",
            "现状用途类别",
            "class of the current land use",
            "",
            ("land_use.current",),
            _USE_PARAMS,
            _use_class("current"),
        ),
        Derivation(
            "proposed_use_class",
            "项目实施后用途类别",
            "class of the land use after the project",
            "",
            ("land_use.proposed",),
            _USE_PARAMS,
            _use_class("proposed"),
        ),
        Derivation(
            "planned_use_class",
            "规划用途类别",
            "class of the planned land use",
            "",
            ("land_use.planned",),
            _USE_PARAMS,
            _use_class("planned"),
        ),
        Derivation(
            "industrial_subclass_changed",
            "工业用地子类是否改变",
            "industrial sub-class changes (M1/M2/M3/M0)",
            "",
            ("land_use.current", "land_use.proposed"),
            _USE_PARAMS,
            _subclass_changed,
        ),
        Derivation(
            "floor_area_before_m2",
            "项目实施前计容建筑面积",
            "counted floor area before",
            "m²",
            ("floor_area.before", "buildings"),
            (),
            _floor_area("before"),
        ),
        Derivation(
            "floor_area_after_m2",
            "项目实施后计容建筑面积",
            "counted floor area after",
            "m²",
            ("floor_area.after", "buildings"),
            (),
            _floor_area("after"),
        ),
        Derivation(
            "production_floor_area_added_m2",
            "新增生产性用房面积",
            "production floor area added",
            "m²",
            ("floor_area", "buildings"),
            (),
            _added("production"),
        ),
        Derivation(
            "non_production_floor_area_added_m2",
            "新增非生产性用房面积",
            "non-production floor area added",
            "m²",
            ("floor_area", "buildings"),
            (),
            _added("non_production"),
        ),
        Derivation(
            "counted_floor_area_added_m2",
            "计容建筑面积增加量",
            "rise in counted floor area (after − before)",
            "m²",
            ("floor_area", "buildings"),
            (),
            _raise_added,
        ),
        Derivation(
            "floor_area_raise_concerned_m2",
            "提高容积率所涉面积（计容建筑面积增加量与新增生产性用房面积的较小者，不小于0）",
            "area the raise concerns (the smaller of the rise in counted floor area and the "
            "production floor area added, not below 0)",
            "m²",
            ("floor_area", "buildings"),
            (),
            _raise_concerned,
        ),
        Derivation(
            "plot_ratio_before",
            "项目实施前容积率",
            "plot ratio before",
            "",
            ("parcel.land_area", "parcel.land_area_m2", "floor_area.before", "buildings"),
            (),
            _plot_ratio("before"),
        ),
        Derivation(
            "plot_ratio_after",
            "项目实施后容积率",
            "plot ratio after",
            "",
            ("parcel.land_area", "parcel.land_area_m2", "floor_area.after", "buildings"),
            (),
            _plot_ratio("after"),
        ),
        Derivation(
            "plot_ratio_before_land_index",
            "项目实施前容积率（层高超过8米按两倍计）",
            "plot ratio before, storeys over 8 m counted twice",
            "",
            ("parcel.land_area", "parcel.land_area_m2", "buildings"),
            (),
            _land_index_plot_ratio("before"),
            decides=False,
        ),
        Derivation(
            "plot_ratio_after_land_index",
            "项目实施后容积率（层高超过8米按两倍计）",
            "plot ratio after, storeys over 8 m counted twice",
            "",
            ("parcel.land_area", "parcel.land_area_m2", "buildings"),
            (),
            _land_index_plot_ratio("after"),
            decides=False,
        ),
        Derivation(
            "factory_floor_area_above_indicator_m2",
            "厂房面积高于容积率控制指标的部分",
            "factory floor area above the plot-ratio control indicator",
            "m²",
            (
                "new_land.approved_factory_floor_area_m2",
                "parcel.land_area",
                "parcel.land_area_m2",
                "new_land.plot_ratio_indicator",
                "new_land.plot_ratio_range",
                "new_land.plot_ratio_requirement",
            ),
            (),
            _above_indicator,
        ),
        Derivation(
            "plot_ratio_maximum_only",
            "只给出容积率上限",
            "only a maximum plot ratio is given",
            "",
            (
                "new_land.plot_ratio_indicator",
                "new_land.plot_ratio_range",
                "new_land.plot_ratio_requirement",
            ),
            (),
            _maximum_only,
        ),
        Derivation(
            "approved_factory_plot_ratio_above_maximum",
            "经批准厂房面积对应的容积率超过容积率上限",
            "the plot ratio of the approved factory floor area is above the stated maximum",
            "",
            (
                "new_land.approved_factory_floor_area_m2",
                "parcel.land_area",
                "parcel.land_area_m2",
                "new_land.plot_ratio_range",
                "new_land.plot_ratio_requirement",
            ),
            (),
            _above_maximum,
        ),
        Derivation(
            "approved_factory_plot_ratio",
            "经批准厂房面积对应的容积率",
            "plot ratio of the approved factory floor area",
            "",
            (
                "new_land.approved_factory_floor_area_m2",
                "parcel.land_area",
                "parcel.land_area_m2",
            ),
            (),
            _approved_plot_ratio,
        ),
    )
}


def display(value: Any, name: str = "") -> str:
    """How a fact or quantity is shown to people: ratios to 2 places, areas to 0.01 m²."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (Decimal, Fraction)):
        if "plot_ratio" in name or name.endswith(("indicator", ".min", ".max")):
            return str(round_half_up(value, 2))
        if name.endswith("_m2"):
            return f"{round_half_up(value, 2)} m²"
        return str(value) if isinstance(value, Decimal) else str(round_half_up(value, 2))
    if isinstance(value, Span):
        return f"{display(value.low, name)} … {display(value.high, name)}"
    if isinstance(value, LandUse):
        parts = [
            f"{label} {code}"
            for label, code in (
                ("GB/T 21010", value.gbt21010),
                ("GB 50137", value.planning_class),
                ("用地用海", value.ydyh),
            )
            if code is not None
        ]
        if value.text is not None:
            parts.append(value.text)
        return ", ".join(parts)
    if isinstance(value, list):
        return ", ".join(display(v) for v in value)
    return str(value)

"""The parcel record: every fact the three provisions can ask about, each optional.

A fact left out is *unknown*, never false or zero: the evaluator names it as missing instead of
guessing. Enumerated values are English words; the Chinese term printed on the documents is
accepted as a synonym (both are listed in docs/parcel-format.md).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    ValidationInfo,
    field_validator,
    model_validator,
)

from landrules.i18n import t
from landrules.model.requirement import Percentage, PlotRatioRequirement, PlotRatioRequirementText
from landrules.model.types import (
    AreaM2,
    AreaOrZeroM2,
    Coefficient,
    IsoDate,
    LandArea,
    LandAreaM2,
    LengthM,
    PriceYuanPerM2,
    Ratio,
    StatedArea,
    Text,
    YesNo,
)
from landrules.model.words import read_word, shaped


def _synonyms(table: str) -> BeforeValidator:
    """Accept the Chinese words for an enumerated value as well as the English word, from the
    one shared table (`landrules.model.words`); refuse any other word naming them all."""

    def accept(value: Any) -> Any:
        return read_word(table, value)

    return BeforeValidator(accept)


LandSupply = Annotated[Literal["existing", "newly_supplied"], _synonyms("land_supply")]
LandTenure = Annotated[Literal["granted", "allocated", "other"], _synonyms("land_tenure")]
ProjectKind = Annotated[Literal["technical_renovation", "other"], _synonyms("project_kind")]
Work = Annotated[
    Literal[
        "expand_production_buildings",
        "new_multistorey_factory",
        "extend_multistorey_factory",
        "rebuild_multistorey_factory",
        "in_situ_rebuild_or_extension",
        "other_buildings",
    ],
    _synonyms("work"),
]
ApprovalStatus = Annotated[Literal["given", "refused", "not_stated"], _synonyms("approval_status")]
BuildingUse = Annotated[Literal["production", "non_production"], _synonyms("building_use")]
FloorChange = Annotated[Literal["existing", "added", "removed"], _synonyms("floor_change")]

# Codes must have the shape of a real code of their system, so that a mangled code (`601` for
# `0601`) is an input error rather than silently "not industrial".
GbT21010Code = Annotated[str, shaped(r"^(?:0[1-9]|1[0-2])(?:[0-9]{1,2})?$", "shape.gbt21010")]
"""GB/T 21010: first-level 01–12, then 2 digits (2017) or 1 digit (2007 legacy, e.g. 061)."""
PlanningClass = Annotated[str, shaped(r"^[RABMWSUGHE][0-9]{0,2}[a-z]?$", "shape.planning_class")]
"""GB 50137 major classes R A B M W S U G H E, optional sub-class digits (M1, U12), local M0."""
YdyhCode = Annotated[
    str, shaped(r"^(?:0[1-9]|1[0-9]|2[0-4])(?:[0-9]{2}(?:[0-9]{2})?)?$", "shape.ydyh")
]
"""国土空间用地用海分类: first-level 01–24, then 2 and 2 digits (1001, 100101)."""


class Record(BaseModel):
    """Unknown keys are errors: a misspelled fact must never be read as a missing one.

    Validators are built on first use (`defer_build`): a run validates whole parcels only, so
    building one for each of the nested records at import was wasted start-up time.
    """

    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=False, defer_build=True
    )


class ParcelIdentity(Record):
    code: Text | None = Field(
        None, title="宗地代码 / 宗地号", description="Parcel code, kept as text."
    )
    name: Text | None = Field(None, title="名称", description="A name for the parcel or project.")
    location: Text | None = Field(None, title="坐落", description="Location as on the certificate.")
    holder: Text | None = Field(None, title="权利人", description="Land-use right holder.")
    land_area_m2: LandAreaM2 | None = Field(
        None, title="用地面积（平方米）", description="Site area in m²."
    )
    land_area: LandArea | None = Field(
        None,
        title="用地面积（注明单位）",
        description="Site area with its unit, e.g. 30亩 or 2公顷, instead of land_area_m2; "
        "computed with its exact conversion (2亩 = 4000/3 m²), shown rounded to 0.01 m².",
    )
    land_supply: LandSupply | None = Field(
        None,
        title="现有工业用地 / 新增工业用地",
        description="Whether this is existing industrial land or newly supplied industrial land.",
    )
    land_tenure: LandTenure | None = Field(
        None,
        title="土地取得方式（出让 / 划拨）",
        description="How the land-use right was obtained.",
    )

    @field_validator("land_area")
    @classmethod
    def _stated_once(cls, value: StatedArea | None, info: ValidationInfo) -> StatedArea | None:
        if value is not None and info.data.get("land_area_m2") is not None:
            raise ValueError(t("parcel.land_area_twice"))
        return value

    @model_validator(mode="wrap")
    @classmethod
    def _land_area_in_m2(
        cls, data: Any, handler: ModelWrapValidatorHandler[ParcelIdentity]
    ) -> ParcelIdentity:
        """A land area stated in 亩 or 公顷 is the land area in m², keeping what was written."""
        identity = handler(data)
        if identity.land_area is not None and identity.land_area_m2 is None:
            return identity.model_copy(update={"land_area_m2": identity.land_area.square_metres})
        return identity


class LandUse(Record):
    """One land-use description; codes are text (`0601` is a code, never the number 385)."""

    text: Text | None = Field(
        None, title="用途（文字）", description="Use as written, e.g. 工业用地."
    )
    gbt21010: GbT21010Code | None = Field(
        None,
        title="GB/T 21010 土地利用现状分类代码",
        description="e.g. 0601 (工业用地); legacy 061.",
    )
    planning_class: PlanningClass | None = Field(
        None,
        title="GB 50137 用地分类（含地方 M0）",
        description="e.g. M, M1, M2, M3, local M0, R2, B1.",
    )
    ydyh: YdyhCode | None = Field(
        None, title="国土空间用地用海分类代码", description="e.g. 1001, 100102."
    )


class LandUses(Record):
    current: LandUse | None = Field(None, title="现状用途", description="Use now (registered).")
    proposed: LandUse | None = Field(
        None, title="项目实施后用途", description="Use after the project."
    )
    planned: LandUse | None = Field(
        None, title="规划用途", description="Use in the current statutory (detailed) plan."
    )


class NearTermPlan(Record):
    redevelopment_scheduled: YesNo | None = Field(
        None,
        title="近期建设规划是否安排改造",
        description="Whether the near-term construction plan schedules its redevelopment.",
    )
    plan: Text | None = Field(None, title="近期建设规划名称 / 期限", description="Which plan.")


class Project(Record):
    kind: ProjectKind | None = Field(None, title="项目类型", description="e.g. 技术改造项目.")
    works: list[Work] | None = Field(
        None, min_length=1, title="建设内容", description="What is built; one or more."
    )
    description: Text | None = Field(None, title="项目说明")


class FloorAreaSplit(Record):
    production_m2: AreaOrZeroM2 | None = Field(
        None, title="生产性用房（厂房）计容建筑面积", description="Production / factory floor area."
    )
    non_production_m2: AreaOrZeroM2 | None = Field(
        None, title="非生产性用房计容建筑面积", description="Offices, dormitories, canteens, …"
    )


class FloorArea(Record):
    before: FloorAreaSplit | None = Field(None, title="项目实施前")
    after: FloorAreaSplit | None = Field(None, title="项目实施后")


class Floor(Record):
    area_m2: AreaM2 = Field(
        title="本层计容建筑面积", description="Counted floor area of this storey."
    )
    storey_height_m: LengthM | None = Field(None, title="层高（米）")
    change: FloorChange = Field(
        title="变化", description="existing (before and after), added, or removed by the project."
    )
    level: Text | None = Field(None, title="楼层")


class Building(Record):
    name: Text | None = Field(None, title="建筑名称 / 幢号")
    use: BuildingUse = Field(title="用途（生产性 / 非生产性）")
    floors: list[Floor] = Field(min_length=1, title="各层")


class Approval(Record):
    status: ApprovalStatus = Field(title="状态", description="given, refused or not_stated.")
    document: Text | None = Field(None, title="文号", description="Document number, if any.")
    date: IsoDate | None = Field(None, title="日期")


class OtherApproval(Approval):
    name: Text = Field(title="名称", description="e.g. 安全评价, 节能审查.")


class Approvals(Record):
    urban_rural_planning: Approval | None = Field(
        None, title="符合城乡规划", description="Planning compliance (e.g. 建设工程规划许可证)."
    )
    environmental: Approval | None = Field(
        None, title="符合环保要求", description="Environmental compliance (环评批复 / 备案)."
    )
    relevant_rules: Approval | None = Field(
        None, title="符合有关规定", description="Compliance with the relevant rules (P3)."
    )
    factory_floor_area: Approval | None = Field(
        None, title="厂房面积经批准", description="Approval of the factory floor area (P2)."
    )
    other: list[OtherApproval] | None = Field(None, title="其他审批")


class PlotRatioRange(Record):
    min: Ratio | None = Field(None, title="容积率下限")
    max: Ratio | None = Field(None, title="容积率上限")

    @model_validator(mode="after")
    def _ordered(self) -> PlotRatioRange:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(t("parcel.range_inverted", min=self.min, max=self.max))
        return self


class NewLand(Record):
    plot_ratio_indicator: Ratio | None = Field(
        None, title="容积率控制指标", description="The single control indicator, where known."
    )
    plot_ratio_range: PlotRatioRange | None = Field(
        None, title="规划条件容积率区间", description="Range in the planning conditions."
    )
    plot_ratio_requirement: PlotRatioRequirementText | None = Field(
        None,
        title="容积率（出让公告、规划条件原文）",
        description="The plot-ratio requirement as the announcement or planning conditions write "
        "it: 1.2, ≥1.2, ≤2.0, 1.2-2.0, 1.0≤FAR≤2.0, 不低于1.2 (docs/parcel-format.md).",
    )
    approved_factory_floor_area_m2: AreaM2 | None = Field(
        None, title="经批准建设厂房面积", description="Approved factory floor area, m²."
    )
    building_density: Percentage | None = Field(
        None,
        title="建筑密度",
        description="As written, e.g. ≤55%; carried to the outputs, never used in a verdict.",
    )
    green_ratio: Percentage | None = Field(
        None,
        title="绿地率",
        description="As written, e.g. ≤20%; carried to the outputs, never used in a verdict.",
    )

    @field_validator("plot_ratio_requirement")
    @classmethod
    def _requirement_agrees(
        cls, req: PlotRatioRequirement | None, info: ValidationInfo
    ) -> PlotRatioRequirement | None:
        """The requirement and the indicator or range say the same thing twice, or it is an error.

        A requirement and a field it duplicates may both be given when they agree (a clerk often
        fills both); when they disagree neither is read, since either may be the typo. The error
        is the requirement's, so it points at its line or register cell.
        """
        if req is None:
            return req
        indicator = info.data.get("plot_ratio_indicator")
        span: PlotRatioRange | None = info.data.get("plot_ratio_range")
        if indicator is not None and not _indicator_fits(req, indicator):
            raise ValueError(
                t("parcel.requirement_vs_indicator", req=req.text, indicator=indicator)
            )
        if span is not None and req.form != "indicator":
            low = req.min.value if req.min is not None else None
            high = req.max.value if req.max is not None else None
            if (low, high) != (span.min, span.max):
                raise ValueError(
                    t(
                        "parcel.requirement_vs_range",
                        req=req.text,
                        min=span.min if span.min is not None else "—",
                        max=span.max if span.max is not None else "—",
                    )
                )
        return req


def _indicator_fits(req: PlotRatioRequirement, indicator: Any) -> bool:
    """A bare number or a minimum alone is read as the indicator, so it must be that number; a
    range or a maximum leaves the indicator open, so it must only lie within the bounds."""
    if req.form == "indicator":
        return bool(req.value == indicator)
    if req.form == "minimum" and req.min is not None:
        return bool(req.min.value == indicator)
    if req.min is not None and (
        indicator < req.min.value or (req.min.strict and indicator == req.min.value)
    ):
        return False
    return not (
        req.max is not None
        and (indicator > req.max.value or (req.max.strict and indicator == req.max.value))
    )


PriceSourceKind = Annotated[Literal["appraisal", "benchmark"], _synonyms("price_source")]


class PriceSource(Record):
    """Where a price or coefficient comes from: an illustration must name its source."""

    kind: PriceSourceKind = Field(
        title="来源（评估 / 公布的基准地价）", description="appraisal or benchmark."
    )
    document: Text = Field(title="文号", description="Document number of the appraisal or table.")
    date: IsoDate = Field(title="日期", description="Date of the appraisal or publication.")


class CoefficientSource(Record):
    document: Text = Field(title="文号", description="Document setting the coefficient.")
    date: IsoDate | None = Field(None, title="日期")


class LandPrice(Record):
    """Only for an illustrative amount: the text sets no price or formula (never a default)."""

    floor_price_yuan_per_m2: PriceYuanPerM2 | None = Field(
        None, title="楼面地价（元/平方米）", description="Floor-area land price, yuan per m²."
    )
    source: PriceSource | None = Field(None, title="楼面地价来源")
    coefficient: Coefficient | None = Field(
        None, title="地价款系数", description="A premium coefficient, where one applies."
    )
    coefficient_source: CoefficientSource | None = Field(None, title="系数来源")


class Parcel(Record):
    """A parcel record as written in a parcel YAML file (schema_version 1)."""

    schema_version: Literal["1"] = Field(title="格式版本")
    parcel: ParcelIdentity | None = Field(None, title="宗地")
    land_use: LandUses | None = Field(None, title="用途")
    near_term_plan: NearTermPlan | None = Field(None, title="近期建设规划")
    project: Project | None = Field(None, title="项目")
    floor_area: FloorArea | None = Field(None, title="计容建筑面积")
    buildings: list[Building] | None = Field(None, min_length=1, title="建筑（逐幢）")
    approvals: Approvals | None = Field(None, title="审批与合规")
    new_land: NewLand | None = Field(None, title="新增工业用地指标")
    application_date: IsoDate | None = Field(None, title="申请日期")
    land_price: LandPrice | None = Field(
        None, title="楼面地价（仅用于示意金额）", description="Only for the illustrative amount."
    )

    @model_validator(mode="after")
    def _one_way_to_give_floor_area(self) -> Parcel:
        if self.floor_area is not None and self.buildings is not None:
            raise ValueError(t("parcel.floor_area_twice"))
        return self

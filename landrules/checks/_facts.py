"""What kind of value each fact holds, read off the parcel model and the derivation table.

Checks use this to tell a number from a code, an area in m² from a ratio, and to know the values
an enumerated fact can take. Derived quantities are listed by hand (their values are computed,
not declared), and a test keeps the table in step with `landrules.derive.DERIVATIONS`.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any, Literal

import annotated_types
from pydantic import BaseModel

from landrules.facts import fact_names
from landrules.i18n import t
from landrules.model.parcel import Approval, LandUse, Parcel

Kind = Literal["number", "enum", "bool", "text", "date", "list", "record"]


@dataclass(frozen=True, slots=True)
class FactType:
    kind: Kind
    unit: str = ""  # numbers: m², m or ratio
    values: tuple[str, ...] = ()  # enum, bool, and the items of a list
    low: Decimal | None = None  # numbers: the smallest value the fact can take ...
    low_open: bool = False  # ... excluded (gt) or included (ge)

    def describe(self) -> str:
        if self.kind == "number":
            return t("fact.number", unit=self.unit) if self.unit != "ratio" else t("fact.ratio")
        if self.kind in ("enum", "bool"):
            return t("fact.one_of", values=", ".join(self.values))
        if self.kind == "list":
            return t("fact.list_of", values=", ".join(self.values))
        return t(f"fact.{self.kind}")


_CLASS = FactType("enum", values=("industrial", "non_industrial"))
_BOOL = FactType("bool", values=("true", "false"))
_AREA_ANY_SIGN = FactType("number", "m²")
_AREA = FactType("number", "m²", low=Decimal(0))
_RATIO = FactType("number", "ratio", low=Decimal(0))

DERIVED: dict[str, FactType] = {
    "current_use_class": _CLASS,
    "proposed_use_class": _CLASS,
    "planned_use_class": _CLASS,
    "industrial_subclass_changed": _BOOL,
    "floor_area_before_m2": _AREA,
    "floor_area_after_m2": _AREA,
    "production_floor_area_added_m2": _AREA_ANY_SIGN,
    "non_production_floor_area_added_m2": _AREA_ANY_SIGN,
    "plot_ratio_before": _RATIO,
    "plot_ratio_after": _RATIO,
    "plot_ratio_before_land_index": _RATIO,
    "plot_ratio_after_land_index": _RATIO,
    "factory_floor_area_above_indicator_m2": _AREA,
    "counted_floor_area_added_m2": _AREA_ANY_SIGN,
    "floor_area_raise_concerned_m2": _AREA,
    "approved_factory_plot_ratio": _RATIO,
    "plot_ratio_maximum_only": _BOOL,
    "approved_factory_plot_ratio_above_maximum": _BOOL,
}


def _unit(name: str) -> str:
    if name.endswith("_m2"):
        return "m²"
    if name.endswith("_m"):
        return "m"
    return "ratio"


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """The bare type of an annotation and the constraints (gt/ge) found on the way."""
    constraints: list[Any] = []
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation, *extra = typing.get_args(annotation)
            for item in extra:
                constraints.extend(getattr(item, "metadata", [item]))
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = options[0]
        else:
            return annotation, constraints


def _type_of(annotation: Any) -> FactType:
    bare, constraints = _unwrap(annotation)
    origin = typing.get_origin(bare)
    if origin is Literal:
        return FactType("enum", values=tuple(str(v) for v in typing.get_args(bare)))
    if origin is list:
        item_bare, _ = _unwrap(typing.get_args(bare)[0])
        if isinstance(item_bare, type) and issubclass(item_bare, BaseModel):
            return FactType("list")
        return FactType("list", values=_type_of(item_bare).values)
    if isinstance(bare, type) and issubclass(bare, Approval):
        return FactType("enum", values=("given", "refused"))  # not_stated is left out: unknown
    if isinstance(bare, type) and issubclass(bare, BaseModel):
        return FactType("record")
    if bare is bool:
        return _BOOL
    if bare is date:
        return FactType("date")
    if bare is Decimal:
        low, low_open = None, False
        for c in constraints:
            if isinstance(c, annotated_types.Gt):
                low, low_open = Decimal(str(c.gt)), True
            elif isinstance(c, annotated_types.Ge):
                low, low_open = Decimal(str(c.ge)), False
        return FactType("number", "", low=low, low_open=low_open)
    return FactType("text")


def _field(name: str) -> Any:
    model: Any = Parcel
    annotation: Any = None
    for part in name.split("."):
        annotation = model.model_fields[part].annotation
        bare, _ = _unwrap(annotation)
        model = bare if isinstance(bare, type) and issubclass(bare, BaseModel) else None
    return annotation


@cache
def fact_types() -> dict[str, FactType]:
    """Every fact and derived quantity a condition may name, with the kind of value it holds."""
    table: dict[str, FactType] = {}
    for name in fact_names():
        found = _type_of(_field(name))
        if found.kind == "number":
            found = FactType("number", _unit(name), low=found.low, low_open=found.low_open)
        if _unwrap(_field(name))[0] is LandUse:
            found = FactType("record")
        table[name] = found
    table.update(DERIVED)
    return table

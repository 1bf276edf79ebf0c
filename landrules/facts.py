"""The fact namespace: a parcel record flattened to dotted names, plus derived quantities.

Rule conditions and register columns name facts by these dotted paths. A fact that is absent
from the dict is unknown; nothing here ever fills in a default.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from landrules.model.parcel import Approval, LandUse, Parcel

# Sub-records that are one fact as a whole: a land-use description is judged from all its codes,
# and an approval is its status (its document number is evidence shown beside it).
_WHOLE = (LandUse,)


def flatten(parcel: Parcel) -> dict[str, Any]:
    """Every stated leaf fact of the parcel under its dotted name; unstated facts are absent."""
    facts: dict[str, Any] = {}
    _walk(parcel, "", facts)
    del facts["schema_version"]
    return facts


def _walk(record: BaseModel, prefix: str, out: dict[str, Any]) -> None:
    # a validated record's __dict__ holds its fields in schema order (a quarter faster than
    # getattr over model_fields)
    for name, value in record.__dict__.items():
        if value is None:
            continue
        key = f"{prefix}{name}"
        if isinstance(value, Approval):
            if value.status != "not_stated":
                out[key] = value.status
                if value.document is not None:
                    out[f"{key}.document"] = value.document
        elif isinstance(value, _WHOLE):
            if any(v is not None for v in value.__dict__.values()):
                out[key] = value
        elif isinstance(value, BaseModel):
            _walk(value, f"{key}.", out)
        else:
            out[key] = value


def fact_names(model: type[BaseModel] = Parcel, prefix: str = "") -> Iterator[str]:
    """Every fact name a parcel record can state, in schema order."""
    from landrules.schema_walk import models_in

    for name, info in model.model_fields.items():
        key = f"{prefix}{name}"
        if name == "schema_version":
            continue
        sub = next(iter(models_in(info.annotation)), None)
        if sub is None or "list[" in str(info.annotation) or issubclass(sub, (*_WHOLE, Approval)):
            yield key
        else:
            yield from fact_names(sub, f"{key}.")


def fact_title(name: str) -> str:
    """The Chinese term for a fact, from the parcel model's field titles ('' if none)."""
    from typing import get_args

    model: type[BaseModel] | None = Parcel
    title = ""
    for part in name.split("."):
        if model is None or part not in model.model_fields:
            return title
        info = model.model_fields[part]
        title = info.title or ""
        subs = [a for a in (*get_args(info.annotation), info.annotation) if isinstance(a, type)]
        model = next((a for a in subs if issubclass(a, BaseModel)), None)
    return title

"""Which field names a pydantic model allows at a location: the source of did-you-mean hints."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel


def models_in(annotation: Any) -> list[type[BaseModel]]:
    """The models an annotation can hold, through Optional, list, Union and Annotated."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return models_in(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, list, tuple, dict):
        found: list[type[BaseModel]] = []
        for arg in typing.get_args(annotation):
            found.extend(m for m in models_in(arg) if m not in found)
        return found
    return []


def fields_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    """Field names allowed in the mapping at `loc` (list indexes and unknown steps are skipped)."""
    current = [model]
    for step in loc:
        if isinstance(step, int):
            continue
        following: list[type[BaseModel]] = []
        for candidate in current:
            info = candidate.model_fields.get(step)
            if info is not None:
                following.extend(m for m in models_in(info.annotation) if m not in following)
        if following:
            current = following
    names: list[str] = []
    for candidate in current:
        names.extend(n for n in candidate.model_fields if n not in names)
    return names

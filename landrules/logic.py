"""Three-valued (Kleene) truth with the reasons a value is unknown.

An unknown carries *why*: facts that are missing (supply them and it settles) and ambiguities
(the facts are there but the text can be read more than one way). The verdict turns the first into
"undetermined" and the second into "needs review".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Tri(str, Enum):
    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"

    @property
    def mark(self) -> str:
        return _MARKS[self]


_MARKS = {Tri.TRUE: "✓", Tri.FALSE: "✗", Tri.UNKNOWN: "?"}


@dataclass(frozen=True, slots=True)
class Ambiguity:
    """A reading the text leaves open for these facts; `id` is stable, the texts are for people."""

    id: str
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class Unknown:
    """A value that cannot be settled: the facts it still needs, or the ambiguities in the way."""

    missing: tuple[str, ...] = ()
    ambiguities: tuple[Ambiguity, ...] = ()


def merge_unique(*groups: tuple) -> tuple:
    """Concatenate keeping first occurrences: order of first mention is the documented order."""
    seen: dict = {}
    for group in groups:
        for item in group:
            seen.setdefault(item, None)
    return tuple(seen)

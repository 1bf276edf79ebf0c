"""The versions of each provision, ordered by date, for the overlap and gap checks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from itertools import pairwise

from landrules import yamlio
from landrules.evaluate import possible_span
from landrules.model.rules import Provision
from landrules.rulepack import PackSource

Version = tuple[Provision, yamlio.Document, date, date]


def consecutive(pack: PackSource) -> Iterator[tuple[Version, Version]]:
    """Each pair of versions of one provision id that follow each other in time."""
    groups: dict[str, list[Version]] = {}
    for _file, provision, doc in pack.provisions():
        start, end = possible_span(provision)
        groups.setdefault(provision.id, []).append((provision, doc, start, end))
    for versions in groups.values():
        versions.sort(key=lambda v: (v[2], v[3]))
        yield from pairwise(versions)

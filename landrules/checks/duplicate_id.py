"""duplicate-id: an id names one thing; only versions of one provision may share ids.

Ids are what tests, `decided_by`, coverage and verdicts refer to, so each must mean one thing.
Inside a file every provision, condition, review and advisory id is unique. Several files may
carry versions of the same provision (same provision id, different `effective_from`), and those
versions may reuse their condition ids; any other reuse across files is refused. A file listed
twice in pack.yaml is refused too.

FAIL (two conditions called P1.planning-compliant in one file)::

    - id: P1.planning-compliant
      ...
    - id: P1.planning-compliant

PASS::

    - id: P1.planning-compliant
      ...
    - id: P1.environmental-compliant
"""

from __future__ import annotations

from collections.abc import Iterator

from landrules.checks._base import finding
from landrules.i18n import t
from landrules.problems import Problem
from landrules.rulepack import Loc, PackSource, condition_trees, iter_conditions

ID = "duplicate-id"
SEVERITY = "error"


def check(pack: PackSource) -> Iterator[Problem]:
    if pack.meta is not None and pack.meta_doc is not None:
        listed: dict[str, int] = {}
        for i, name in enumerate(pack.meta.provisions):
            if name in listed:
                message = t("check.listed_twice", name=name, item=listed[name] + 1)
                yield finding(pack.meta_doc, ("provisions", i), ID, SEVERITY, message)
            listed.setdefault(name, i)
    owner: dict[str, tuple[str, str]] = {}  # id -> (provision id, file) where first seen
    for file, provision, doc in pack.provisions():
        if file.name in {f.name for f in pack.files[: pack.files.index(file)]}:
            continue
        ids: list[tuple[str, Loc]] = [(provision.id, ())]
        for tree, tree_loc, _from_text in condition_trees(provision):
            ids.extend((node.id, loc) for node, loc in iter_conditions(tree, tree_loc))
        ids.extend((r.id, ("reviews", i)) for i, r in enumerate(provision.reviews))
        ids.extend((a.id, ("advisories", i)) for i, a in enumerate(provision.advisories))
        here: set[str] = set()
        for ident, loc in ids:
            if ident in here:
                message = t("check.id_twice", id=repr(ident))
                yield finding(doc, (*loc, "id"), ID, SEVERITY, message)
                continue
            here.add(ident)
            first = owner.setdefault(ident, (provision.id, file.path))
            if first[0] != provision.id:
                message = t("check.id_used", id=repr(ident), provision=first[0], path=first[1])
                hint = t("check.hint.id_shared")
                yield finding(doc, (*loc, "id"), ID, SEVERITY, message, hint)

"""What every check shares: locating a finding in a pack file, and walking condition trees."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from landrules import yamlio
from landrules.problems import Problem
from landrules.rulepack import Loc, PackSource, condition_trees, iter_conditions

GROUP_KINDS = ("all", "any", "not")


def finding(
    doc: yamlio.Document,
    loc: Loc,
    code: str,
    severity: str,
    message: str,
    hint: str = "",
    *,
    key: bool = False,
) -> Problem:
    """A problem at the node `loc` of `doc` (or at its key), with the dotted field it names."""
    line, col = yamlio.locate(doc, loc, key=key)
    return Problem(doc.path, line, col, code, message, ".".join(map(str, loc)), hint, severity)


def conditions(pack: PackSource) -> Iterator[tuple[yamlio.Document, Any, Loc, bool, str]]:
    """Every condition of every valid provision: (document, node, loc, from the text, provision)."""
    for _file, provision, doc in pack.provisions():
        for tree, tree_loc, from_text in condition_trees(provision):
            for node, loc in iter_conditions(tree, tree_loc):
                yield doc, node, loc, from_text, provision.id


def is_leaf(node: Any) -> bool:
    return node.kind not in GROUP_KINDS

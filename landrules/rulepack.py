"""Loading a rule pack: read every file once, check its integrity, compile its provisions.

A pack that fails here is refused whole: a verdict from a rule whose quote is not in the source,
or whose condition names a fact no parcel can state, cannot be trusted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from landrules import yamlio
from landrules.derive import DERIVATIONS
from landrules.evaluate import CompiledProvision
from landrules.facts import fact_names
from landrules.model.rules import PackMeta, Provision
from landrules.problems import InputError, Problem, RulePackError

PACK_FILE = "pack.yaml"
SHIPPED_PACK_ID = "cixi-jingxinjian-2019-13"


@dataclass(slots=True)
class RulePack:
    meta: PackMeta
    directory: Path
    source_text: str
    clause_text: str
    provisions: list[CompiledProvision]
    sha256: str

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def params(self) -> dict[str, list[str]]:
        return self.meta.parameters


def default_pack_dir() -> Path:
    """The shipped pack: inside the installed package, or `rules/` in a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "packs" / SHIPPED_PACK_ID, here.parent / "rules" / SHIPPED_PACK_ID):
        if (candidate / PACK_FILE).is_file():
            return candidate
    raise RulePackError([Problem(str(here), 0, 0, "no-pack", "the shipped rule pack is missing")])


def resolve_pack_dir(path: Path | None) -> Path:
    """A pack folder, or a folder holding exactly one pack folder (so `--rules rules/` works)."""
    if path is None:
        return default_pack_dir()
    if (path / PACK_FILE).is_file():
        return path
    packs = sorted(p.parent for p in path.glob(f"*/{PACK_FILE}")) if path.is_dir() else []
    if len(packs) == 1:
        return packs[0]
    found = ", ".join(str(p) for p in packs) or "none"
    raise RulePackError(
        [
            Problem(
                str(path),
                0,
                0,
                "no-pack",
                f"not a rule pack folder (packs found below it: {found})",
                hint=f"point --rules at a folder that holds {PACK_FILE}",
            )
        ]
    )


def _validate(model: type[BaseModel], doc: yamlio.Document) -> Any:
    try:
        return model.model_validate(doc.data)
    except ValidationError as err:
        problems = yamlio.validation_problems(doc, err, known_fields=known_fields(model))
        raise RulePackError(problems) from None


def known_fields(model: type[BaseModel]) -> Any:
    """For did-you-mean hints: the field names allowed at a location inside `model`."""
    from landrules.schema_walk import fields_at

    return lambda loc: fields_at(model, loc)


def load_pack(directory: Path | None = None) -> RulePack:
    directory = resolve_pack_dir(directory)
    digest = hashlib.sha256()
    meta_doc = yamlio.load(directory / PACK_FILE)
    digest.update(meta_doc.text.encode())
    meta: PackMeta = _validate(PackMeta, meta_doc)
    source_path = directory / meta.source
    try:
        source_text = source_path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        line, col = yamlio.locate(meta_doc, ("source",))
        raise RulePackError(
            [Problem(str(meta_doc.path), line, col, "source", f"cannot read {source_path}: {err}")]
        ) from None
    digest.update(source_text.encode())
    lines = source_text.splitlines()
    span = meta.source_clause_lines
    clause_text = "\n".join(lines[span.first - 1 : span.last])
    problems: list[Problem] = []
    provisions: list[CompiledProvision] = []
    seen_ids: dict[str, str] = {}
    for name in meta.provisions:
        try:
            doc = yamlio.load(directory / name)
            digest.update(doc.text.encode())
            provision: Provision = _validate(Provision, doc)
        except InputError as err:
            problems.extend(err.problems)
            continue
        problems.extend(_integrity(provision, doc, clause_text, seen_ids))
        provisions.append(CompiledProvision.build(provision))
    if problems:
        raise RulePackError(problems)
    return RulePack(meta, directory, source_text, clause_text, provisions, digest.hexdigest())


_KNOWN_FACTS = frozenset(fact_names()) | frozenset(DERIVATIONS)


def iter_conditions(node: Any, loc: tuple[str | int, ...]) -> Any:
    """Every condition below `node` with its location in the provision file."""
    yield node, loc
    if node.kind in ("all", "any"):
        for i, child in enumerate(node.conditions):
            yield from iter_conditions(child, (*loc, "conditions", i))
    elif node.kind == "not":
        yield from iter_conditions(node.condition, (*loc, "condition"))


def _integrity(
    provision: Provision, doc: yamlio.Document, clause_text: str, seen_ids: dict[str, str]
) -> list[Problem]:
    """The checks without which no verdict is safe: verbatim quotes, known facts, unique ids."""
    problems: list[Problem] = []

    def problem(loc: tuple[str | int, ...], code: str, message: str, hint: str = "") -> None:
        line, col = yamlio.locate(doc, loc)
        field = ".".join(str(p) for p in loc)
        problems.append(Problem(doc.path, line, col, code, message, field, hint))

    def check_id(ident: str, loc: tuple[str | int, ...]) -> None:
        if ident in seen_ids:
            problem(
                (*loc, "id"), "duplicate-id", f"id {ident!r} is already used in {seen_ids[ident]}"
            )
        seen_ids[ident] = doc.path

    check_id(provision.id, ())
    quoted: list[tuple[str, tuple[str | int, ...]]] = [
        (provision.outcome.quote, ("outcome", "quote"))
    ]
    trees: list[tuple[Any, tuple[str | int, ...], bool]] = [
        (provision.conditions, ("conditions",), True)
    ] + [(review.when, ("reviews", i, "when"), False) for i, review in enumerate(provision.reviews)]
    for i, review in enumerate(provision.reviews):
        check_id(review.id, ("reviews", i))
    for i, advisory in enumerate(provision.advisories):
        check_id(advisory.id, ("advisories", i))
    for name_index, name in enumerate(provision.quantities):
        if name not in _KNOWN_FACTS:
            problem(
                ("quantities", name_index), "unknown-fact", f"no fact or quantity named {name!r}"
            )
    for tree, tree_loc, from_text in trees:
        for node, node_loc in iter_conditions(tree, tree_loc):
            check_id(node.id, node_loc)
            if node.kind not in ("all", "any", "not"):
                for key in ("fact", "than"):
                    named: str | None = getattr(node, key, None)
                    if named is not None and named not in _KNOWN_FACTS:
                        problem(
                            (*node_loc, key),
                            "unknown-fact",
                            f"no fact named {named!r}",
                            "see docs/parcel-format.md for the fact names",
                        )
                if from_text and not node.quote:
                    problem(
                        node_loc,
                        "no-quote",
                        "a condition of the text must quote the words it encodes",
                    )
            if node.quote is not None:
                quoted.append((node.quote, (*node_loc, "quote")))
    for quote, loc in quoted:
        if not quote or quote not in clause_text:
            problem(
                loc,
                "quote-not-in-source",
                f"quote {quote!r} is not a verbatim part of the cited clause",
                "copy the words exactly from the source text",
            )
    return problems

"""Rule packs: read every file leniently (for `validate`), or load one for use (for `check`).

`read_pack` never stops at the first mistake: it returns every document with its locations, the
models that validated, and the problems found while reading, so that `landrules validate` can
report all of them. `load_pack` reads, runs every check in `landrules.checks`, and refuses the
pack on any error-severity finding: a verdict from a rule whose quote is not in the source, or
whose condition names a fact no parcel can state, cannot be trusted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from landrules import yamlio
from landrules.evaluate import CompiledProvision
from landrules.i18n import t
from landrules.model.rules import PackMeta, Provision
from landrules.problems import InputError, Problem, RulePackError

PACK_FILE = "pack.yaml"
SHIPPED_PACK_ID = "cixi-jingxinjian-2019-13"

Loc = tuple[str | int, ...]


@dataclass(slots=True)
class RulePack:
    meta: PackMeta
    directory: Path
    source_text: str
    clause_text: str
    provisions: list[CompiledProvision]  # every version of every provision, in file order
    sha256: str
    as_of: date | None = None  # judge on this date when a call gives none (`check --as-of`)

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def params(self) -> dict[str, list[str]]:
        return self.meta.parameters

    def versions(self) -> list[list[CompiledProvision]]:
        """The provisions grouped by id (first-listed first), each group's versions by date."""
        groups: dict[str, list[CompiledProvision]] = {}
        for compiled in self.provisions:
            groups.setdefault(compiled.provision.id, []).append(compiled)
        return [
            sorted(group, key=lambda c: c.provision.effective_from.date)
            for group in groups.values()
        ]


@dataclass(slots=True)
class ProvisionFile:
    """One provision file as read: its document (None if unreadable) and model (None if invalid)."""

    name: str
    path: str
    doc: yamlio.Document | None
    provision: Provision | None


@dataclass(slots=True)
class PackSource:
    """Everything in a pack folder, read leniently; the input of every `validate` check."""

    directory: Path
    meta_path: str
    meta_doc: yamlio.Document | None
    meta: PackMeta | None
    source_text: str
    clause_text: str
    files: list[ProvisionFile] = field(default_factory=list)
    read_problems: list[Problem] = field(default_factory=list)
    sha256: str = ""

    def provisions(self) -> Iterator[tuple[ProvisionFile, Provision, yamlio.Document]]:
        """The files whose provision validated, with its model and document."""
        for f in self.files:
            if f.provision is not None and f.doc is not None:
                yield f, f.provision, f.doc


def default_pack_dir() -> Path:
    """The shipped pack: inside the installed package, or `rules/` in a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "packs" / SHIPPED_PACK_ID, here.parent / "rules" / SHIPPED_PACK_ID):
        if (candidate / PACK_FILE).is_file():
            return candidate
    raise RulePackError([Problem(str(here), 0, 0, "no-pack", t("rules.shipped_missing"))])


def find_packs(path: Path) -> list[Path]:
    """Pack folders at or below `path` (a pack folder is one holding pack.yaml), sorted."""
    if (path / PACK_FILE).is_file():
        return [path]
    if not path.is_dir():
        return []
    return sorted(p.parent for p in path.rglob(PACK_FILE) if "tests" not in p.parent.parts[-1:])


def packs_here(folder: Path) -> list[Path]:
    """The packs a rule-pack repository keeps in `folder`: the folder itself if it is a pack,
    else the packs one level down or in rules/ (never deeper: not inside a virtualenv)."""
    if (folder / PACK_FILE).is_file():
        return [folder]
    found = [p.parent for p in folder.glob(f"*/{PACK_FILE}")]
    found += [p.parent for p in folder.glob(f"rules/*/{PACK_FILE}")]
    return sorted(set(found))


def resolve_pack_dir(path: Path | None) -> Path:
    """A pack folder, or a folder holding exactly one pack folder (so `--rules rules/` works)."""
    if path is None:
        return default_pack_dir()
    if (path / PACK_FILE).is_file():
        return path
    packs = sorted(p.parent for p in path.glob(f"*/{PACK_FILE}")) if path.is_dir() else []
    if len(packs) == 1:
        return packs[0]
    found = ", ".join(str(p) for p in packs) or t("tests.none")
    raise RulePackError(
        [
            Problem(
                str(path),
                0,
                0,
                "no-pack",
                t("rules.not_a_pack", found=found),
                hint=t("rules.hint.not_a_pack", file=PACK_FILE),
            )
        ]
    )


def known_fields(model: type[BaseModel]) -> Any:
    """For did-you-mean hints: the field names allowed at a location inside `model`."""
    from landrules.schema_walk import fields_at

    return lambda loc: fields_at(model, loc)


_UNKNOWN_KIND = ("union_tag_invalid", "union_tag_not_found")


def _validate(model: type[BaseModel], doc: yamlio.Document) -> tuple[Any, list[Problem]]:
    """The model, or None and the schema problems; an unknown condition kind gets its own code."""
    try:
        return model.model_validate(doc.data), []
    except ValidationError as err:
        problems = yamlio.validation_problems(doc, err, known_fields=known_fields(model))
    return None, [_kind_problem(doc, p) if p.code in _UNKNOWN_KIND else p for p in problems]


def _kind_problem(doc: yamlio.Document, problem: Problem) -> Problem:
    from landrules.model.rules import CONDITION_KINDS

    loc: Loc = tuple(int(p) if p.isdigit() else p for p in problem.field.split(".") if p)
    loc = loc[:-1] if loc[-1:] == ("kind",) else loc
    node: Any = doc.data
    for part in loc:
        node = node[part] if isinstance(node, (dict, list)) else None  # type: ignore[index]
    kind = node.get("kind") if isinstance(node, dict) else None
    kinds = ", ".join(CONDITION_KINDS)
    if kind is None:
        line, col = yamlio.locate(doc, loc)
        message = t("rules.needs_kind", kinds=kinds)
    else:
        line, col = yamlio.locate(doc, (*loc, "kind"))
        message = t("rules.unknown_kind", kind=repr(kind), kinds=kinds)
    import difflib

    close = difflib.get_close_matches(str(kind), CONDITION_KINDS, n=1) if kind else []
    hint = t("hint.did_you_mean", name=close[0]) if close else ""
    return Problem(doc.path, line, col, "unknown-kind", message, problem.field, hint)


def _read_doc(path: Path, problems: list[Problem]) -> yamlio.Document | None:
    try:
        return yamlio.load(path)
    except InputError as err:
        problems.extend(err.problems)
        return None


def read_pack(directory: Path | None = None) -> PackSource:
    """Read a pack folder without stopping at mistakes (raises only if it is not a pack)."""
    directory = resolve_pack_dir(directory)
    digest = hashlib.sha256()
    problems: list[Problem] = []
    meta_path = directory / PACK_FILE
    meta_doc = _read_doc(meta_path, problems)
    meta: PackMeta | None = None
    if meta_doc is not None:
        digest.update(meta_doc.text.encode())
        meta, found = _validate(PackMeta, meta_doc)
        problems.extend(found)
    pack = PackSource(directory, str(meta_path), meta_doc, meta, "", "", [], problems)
    if meta is None or meta_doc is None:
        return pack
    source_path = directory / meta.source
    try:
        raw = source_path.read_bytes()
    except OSError as err:
        line, col = yamlio.locate(meta_doc, ("source",))
        reason = err.strerror or str(err)
        message = t("rules.unreadable_source", path=source_path, error=reason)
        problems.append(Problem(meta_doc.path, line, col, "source", message))
    else:
        try:  # not UTF-8 (a GB18030 copy of the document): each bad line, located, in words
            pack.source_text = yamlio.decode_utf8(raw, str(source_path))
        except InputError as err:
            problems.extend(err.problems)
    digest.update(pack.source_text.encode())
    lines = pack.source_text.splitlines()
    span = meta.source_clause_lines
    pack.clause_text = "\n".join(lines[span.first - 1 : span.last])
    for name in meta.provisions:
        path = directory / name
        doc = _read_doc(path, problems)
        provision: Provision | None = None
        if doc is not None:
            digest.update(doc.text.encode())
            provision, found = _validate(Provision, doc)
            problems.extend(found)
        pack.files.append(ProvisionFile(name, str(path), doc, provision))
    pack.sha256 = digest.hexdigest()
    return pack


def load_pack(directory: Path | None = None) -> RulePack:
    """Read, check and compile a pack; any error-severity finding refuses it whole."""
    from landrules.checks import run_checks

    source = read_pack(directory)
    errors = [p for p in run_checks(source) if p.severity == "error"]
    if errors or source.meta is None:
        raise RulePackError(errors or source.read_problems)
    provisions = [CompiledProvision.build(p, f.path) for f, p, _doc in source.provisions()]
    return RulePack(
        source.meta,
        source.directory,
        source.source_text,
        source.clause_text,
        provisions,
        source.sha256,
    )


def iter_conditions(node: Any, loc: Loc) -> Iterator[tuple[Any, Loc]]:
    """Every condition below `node` with its location in the provision file."""
    yield node, loc
    if node.kind in ("all", "any"):
        for i, child in enumerate(node.conditions):
            yield from iter_conditions(child, (*loc, "conditions", i))
    elif node.kind == "not":
        yield from iter_conditions(node.condition, (*loc, "condition"))


def condition_trees(provision: Provision) -> Iterator[tuple[Any, Loc, bool]]:
    """The provision's condition tree (from the text) and each review's `when` (not from it)."""
    yield provision.conditions, ("conditions",), True
    for i, review in enumerate(provision.reviews):
        yield review.when, ("reviews", i, "when"), False

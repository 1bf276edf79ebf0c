"""`landrules new`: a parcel-file template with every field, commented in the reader's language.

Built from the parcel model itself, so a field added to the model is in the template at once.
Every field is left empty (unknown); each comment names the fact as outputs name it, its term,
its unit and its allowed values. A sub-record with required parts (a price source) is shown as
commented lines, since an empty one would not load.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from landrules.explain import _is_model, _types, fact_kind, literal_values
from landrules.i18n import Lang, t


def unit_of(name: str, lang: Lang) -> str:
    """The unit a number is written in, from the field's name (the model's own convention)."""
    if name.endswith("yuan_per_m2"):
        return "元/平方米" if lang == "zh" else "yuan/m²"
    if name.endswith("_m2"):
        return "平方米" if lang == "zh" else "m²"
    if name.endswith("_m"):
        return "米" if lang == "zh" else "m"
    if "plot_ratio" in name:
        return "容积率" if lang == "zh" else "plot ratio (容积率)"
    return "—"


def schema_reference(path: Path, cwd: Path | None = None) -> tuple[str, bool]:
    """Where the parcel file at `path` finds parcel.schema.json, and whether it is there now.

    The nearest `schemas/parcel.schema.json` in the file's folder or a folder above it (a
    project that ran `landrules schema`, or this repository), as a path relative to the file,
    so the reference still holds when the project is moved or cloned; else
    `schemas/parcel.schema.json` in the current folder, where `landrules schema` writes it
    (relative too, or a `file://` URI for a file outside the current folder).
    """
    folder = path.resolve().parent
    for candidate in (folder, *folder.parents):
        found = candidate / "schemas" / "parcel.schema.json"
        if found.is_file():
            return os.path.relpath(found, folder).replace(os.sep, "/"), True
    here = (cwd or Path.cwd()).resolve()
    default = here / "schemas" / "parcel.schema.json"
    if not folder.is_relative_to(here):  # a file outside this folder: an absolute file URI
        return default.as_uri(), default.is_file()
    return os.path.relpath(default, folder).replace(os.sep, "/"), default.is_file()


def _words(fact: str, lang: Lang) -> list[str]:
    """The allowed values of an enumerated fact as the reader writes them: the Chinese words
    of the one table of words in Chinese (`landrules.model.words`), else the English values."""
    from landrules.model.words import shown_word

    values = literal_values(fact)
    return [shown_word(v, values, lang) for v in values]


def _word(fact: str, value: str, lang: Lang) -> str:
    from landrules.model.words import shown_word

    return shown_word(value, literal_values(fact), lang)


def _hint(fact: str, lang: Lang) -> str:
    kind = fact_kind(fact)
    if kind in ("enum", "list"):
        words = _words(fact, lang)
        allowed = t("new.allowed", lang, values=", ".join(words))
        if kind == "enum":
            return allowed
        return t("new.list", lang, example=f"[{words[0]}]") + "; " + allowed
    if kind == "approval":
        statuses = " | ".join(_words("approvals.environmental.status", lang))
        return t("new.approval", lang, values=statuses)
    if kind == "land_use":
        return t("new.land_use", lang)
    if kind == "yes_no":
        return t("new.yes_no", lang)
    if kind == "number":
        return t("new.number", lang, unit=unit_of(fact, lang))
    if kind == "date":
        return t("new.date", lang)
    if fact == "buildings":
        use = _word("buildings.use", "production", lang)
        change = _word("buildings.floors.change", "added", lang)
        return t(
            "new.list",
            lang,
            example=f'[{{use: {use}, floors: [{{area_m2: "1200", storey_height_m: "4.5", '
            f"change: {change}}}]}}]",
        )
    if fact == "approvals.other":
        given = _word("approvals.other.status", "given", lang)
        return t("new.list", lang, example=f"[{{name: 安全评价, status: {given}, document: …}}]")
    return t("new.text", lang)


def _comment(fact: str, info: Any, lang: Lang) -> str:
    title = info.title or ""
    description = info.description or ""
    words = title if lang == "zh" else f"{description} ({title})" if description else title
    return f"{fact} — {words}; {_hint(fact, lang)}"


def _required_inside(model: type[BaseModel]) -> bool:
    return any(f.is_required() for f in model.model_fields.values())


def _lines(model: type[BaseModel], prefix: str, depth: int, lang: Lang, out: list[str]) -> None:
    from landrules.model.parcel import Approval, LandUse

    pad = "  " * depth
    for name, info in model.model_fields.items():
        if name == "schema_version":
            out.append(f'{pad}schema_version: "1"')
            continue
        fact = f"{prefix}{name}"
        sub = next((k for k in _types(info.annotation) if _is_model(k)), None)
        whole = sub is None or sub in (Approval, LandUse) or fact_kind(fact) == "list"
        whole = whole or "list[" in str(info.annotation)
        if whole:
            out.append(f"{pad}{name}:  # {_comment(fact, info, lang)}")
        elif sub is not None and _required_inside(sub):
            out.append(f"{pad}{name}:  # {info.title or ''}")
            for child, child_info in sub.model_fields.items():
                comment = _comment(f"{fact}.{child}", child_info, lang)
                out.append(f"{pad}#   {child}:  # {comment}")
        else:
            out.append(f"{pad}{name}:  # {info.title or ''}")
            assert sub is not None
            _lines(sub, f"{fact}.", depth + 1, lang, out)


SCHEMA_LINE = "# yaml-language-server: $schema={schema}"
"""The first line editors read (the YAML language server of VS Code and others) to complete
and check the file against schemas/parcel.schema.json."""


def parcel_template(lang: Lang, schema: str | None = None) -> str:
    """The template text: loads as an empty parcel (every fact unknown) once saved. `schema`,
    when given, is the location of parcel.schema.json for the editor's first line."""
    from landrules.model.parcel import Parcel

    out = [SCHEMA_LINE.format(schema=schema)] if schema else []
    out.append(f"# {t('new.header', lang)}")
    _lines(Parcel, "", 0, lang, out)
    return "\n".join(out) + "\n"

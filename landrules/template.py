"""`landrules new`: a parcel-file template with every field, commented in the reader's language.

Built from the parcel model itself, so a field added to the model is in the template at once.
Every field is left empty (unknown); each comment names the fact as outputs name it, its term,
its unit and its allowed values. A sub-record with required parts (a price source) is shown as
commented lines, since an empty one would not load.
"""

from __future__ import annotations

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


def _hint(fact: str, lang: Lang) -> str:
    kind = fact_kind(fact)
    if kind in ("enum", "list"):
        allowed = t("new.allowed", lang, values=", ".join(literal_values(fact)))
        if kind == "enum":
            return allowed
        return t("new.list", lang, example=f"[{literal_values(fact)[0]}]") + "; " + allowed
    if kind == "approval":
        return t("new.approval", lang)
    if kind == "land_use":
        return t("new.land_use", lang)
    if kind == "yes_no":
        return t("new.yes_no", lang)
    if kind == "number":
        return t("new.number", lang, unit=unit_of(fact, lang))
    if kind == "date":
        return t("new.date", lang)
    if fact == "buildings":
        return t(
            "new.list",
            lang,
            example='[{use: production, floors: [{area_m2: "1200", storey_height_m: "4.5", '
            "change: added}]}]",
        )
    if fact == "approvals.other":
        return t("new.list", lang, example="[{name: 安全评价, status: given, document: …}]")
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


def parcel_template(lang: Lang) -> str:
    """The template text: loads as an empty parcel (every fact unknown) once saved."""
    from landrules.model.parcel import Parcel

    out = [f"# {t('new.header', lang)}"]
    _lines(Parcel, "", 0, lang, out)
    return "\n".join(out) + "\n"

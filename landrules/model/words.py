"""The one table of words for enumerated values: what may be written, and what is shown.

Parcel files, registers, `ask` and `new` all read these spellings through the parcel model, so a
word a register accepts (`存量`, `是`) is accepted in YAML and in `ask` too, and a refused value
lists the same spellings everywhere. The first Chinese spelling of a value is the word shown in
Chinese output (`newly_supplied` → 新增工业用地); the English word is the stored value.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Sequence
from typing import Any

from pydantic_core import PydanticCustomError

from landrules.i18n import Lang, current_lang, t

WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "land_supply": {
        "existing": ("现有工业用地", "现有", "存量工业用地", "存量"),
        "newly_supplied": ("新增工业用地", "新增"),
    },
    "land_tenure": {"granted": ("出让",), "allocated": ("划拨",), "other": ("其他",)},
    "project_kind": {
        "technical_renovation": ("技术改造项目", "技术改造", "技改"),
        "other": ("其他",),
    },
    "work": {
        "expand_production_buildings": ("扩大生产性用房",),
        "new_multistorey_factory": ("新建多层厂房",),
        "extend_multistorey_factory": ("扩建多层厂房",),
        "rebuild_multistorey_factory": ("翻建多层厂房",),
        "in_situ_rebuild_or_extension": ("原地改扩建",),
        "other_buildings": ("其他建筑",),
    },
    "approval_status": {
        "given": ("已取得", "符合", "是"),
        "refused": ("未通过", "不符合", "否"),
        "not_stated": ("未说明",),
    },
    "building_use": {
        "production": ("生产性用房", "生产性"),
        "non_production": ("非生产性用房", "非生产性"),
    },
    "floor_change": {"existing": ("现有",), "added": ("新增",), "removed": ("拆除",)},
    "price_source": {"appraisal": ("评估", "地价评估"), "benchmark": ("基准地价",)},
}
"""Table name → stored English value → its Chinese spellings, the shown word first."""

YES_NO: dict[bool, tuple[str, ...]] = {True: ("是", "yes", "true"), False: ("否", "no", "false")}
"""A yes/no fact: its spellings, the shown Chinese word first (read case-blind)."""


def table_for(values: Sequence[str]) -> dict[str, tuple[str, ...]] | None:
    """The table whose stored values are exactly `values` (an enumerated field's Literal)."""
    wanted = set(values)
    return next((table for table in WORDS.values() if set(table) == wanted), None)


def shown_word(value: str, values: Sequence[str], lang: Lang | None = None) -> str:
    """A stored value as the reader reads it: the Chinese word in Chinese, else the value."""
    table = table_for(values)
    if (lang or current_lang()) != "zh" or table is None or value not in table:
        return value
    return table[value][0]


def accepted(table: dict[str, tuple[str, ...]], lang: Lang | None = None) -> list[str]:
    """Every accepted spelling, for a message: in Chinese only the Chinese words (the English
    ones are accepted too, and named in English output)."""
    if (lang or current_lang()) == "zh":
        return [word for words in table.values() for word in words]
    return [word for value, words in table.items() for word in (value, *words)]


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


def _closest(text: str, table: dict[str, tuple[str, ...]], lang: Lang) -> str:
    """The shown spelling of the value closest to `text` (English or Chinese), or ''."""
    spelled = {_fold(s): value for value, words in table.items() for s in (value, *words)}
    match = difflib.get_close_matches(_fold(text), list(spelled), n=1, cutoff=0.6)
    if not match:
        return ""
    value = spelled[match[0]]
    return table[value][0] if lang == "zh" else value


def _quoted(items: list[str]) -> str:
    """pydantic's `'a', 'b' or 'c'`, which the error messages re-word per language."""
    quoted = [f"'{i}'" for i in items]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def read_word(table_name: str, value: Any) -> Any:
    """A written word as its stored value; an unknown word is refused naming every spelling."""
    table = WORDS[table_name]
    if not isinstance(value, str) or value in table:
        return value
    for stored, words in table.items():
        if value in words:
            return stored
    lang = current_lang()
    closest = _closest(value, table, lang)
    hint = t("hint.did_you_mean", lang, name=closest) if closest else ""
    expected = _quoted(accepted(table, lang))
    raise PydanticCustomError(
        "literal_error", "Input should be {expected}", {"expected": expected, "hint": hint}
    )


SHAPES: dict[str, str] = {}
"""Pattern → the catalogue key of its sentence and example: no pattern is ever shown to a user
(`shape.gbt21010`: two digits 01–12, then …, e.g. 0601)."""


def shaped(pattern: str, key: str) -> Any:
    """`Field(pattern=…)` with the sentence that describes the pattern to a clerk."""
    from pydantic import Field

    SHAPES[pattern] = key
    return Field(pattern=pattern)


def shape_message(pattern: str, lang: Lang | None = None) -> str:
    """What a value refused by `pattern` should look like, as a sentence with an example."""
    return t(SHAPES.get(pattern, "pyd.string_pattern_mismatch"), lang)

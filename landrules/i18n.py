"""Every user-facing sentence in Chinese and English, from catalogues in data files.

Messages are looked up by a stable key (`verdict.applies`); placeholders use `{name}`. The two
catalogues must hold the same keys with the same placeholders (a test enforces it), so no string
can exist in one language only. The law's quotes are never translated: they are data.
"""

from __future__ import annotations

import os
import string
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources
from typing import Any, Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")


def resolve_lang(option: str | None = None) -> Lang:
    """`--lang` if given, else the locale (LC_ALL, LC_MESSAGES, LANG; zh_* is Chinese), else
    the system's language where those variables are absent: on Windows, where they are rarely
    set, the user's display language; elsewhere LANGUAGE or the locale Python started with."""
    if option in LANGS:
        return option  # type: ignore[return-value]
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    if sys.platform != "win32":
        return posix_system_lang() or "en"
    return windows_ui_lang() or "en"


_LANG_CHINESE = 0x04
"""The primary language of every Chinese LANGID (zh-CN 0x0804, zh-TW 0x0404, zh-HK 0x0C04, ...)."""


def windows_ui_lang() -> Lang | None:
    """The Windows user's UI language (GetUserDefaultUILanguage): zh for a Chinese LANGID, else
    en; None off Windows or when it cannot be read."""
    if sys.platform != "win32":
        return None
    try:
        import ctypes

        langid = int(ctypes.windll.kernel32.GetUserDefaultUILanguage())  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError, TypeError):
        return None
    return "zh" if langid & 0x3FF == _LANG_CHINESE else "en"


def posix_system_lang() -> Lang | None:
    """Elsewhere than Windows, without LC_ALL/LC_MESSAGES/LANG: GNU's LANGUAGE list (`zh_CN:en`),
    else the locale Python took from the system at start-up (`locale.getlocale`, LC_CTYPE, which
    a macOS or desktop session sets without LANG). None when it names no language (C, POSIX)."""
    import locale

    first = os.environ.get("LANGUAGE", "").split(":")[0]
    if not first:
        try:
            first = locale.getlocale(locale.LC_CTYPE)[0] or ""
        except ValueError:  # a locale name Python cannot parse
            return None
    if not first or first.upper() in ("C", "POSIX") or first.startswith("C."):
        return None
    return "zh" if first.lower().startswith("zh") else "en"


def read_catalogue(package: str, lang: Lang) -> dict[str, str]:
    """The message catalogue `lang`.yaml shipped in `package` (key → text), read with the
    project's own YAML loader; anything but strings is a packaging error."""
    from landrules import yamlio

    where = f"{package.replace('.', '/')}/{lang}.yaml"
    text = resources.files(package).joinpath(f"{lang}.yaml").read_text("utf-8")
    data = yamlio.load_text(text, where).data
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ValueError(f"{where} must map keys to strings")
    return data


@cache
def catalogue(lang: Lang) -> dict[str, str]:
    return read_catalogue("landrules.messages", lang)


_ENV = "LANDRULES_LANG"
_current: Lang | None = None


def current_lang() -> Lang:
    """The language of the running command (set by `use_lang`), else the locale's.

    Messages built deep in the loader or a worker process read it, so the CLI need not thread
    `lang` through every call; spawned workers read it from the environment.
    """
    return _current or resolve_lang(os.environ.get(_ENV))


@contextmanager
def use_lang(lang: Lang) -> Iterator[Lang]:
    """Speak `lang` for the duration of one command; the previous language is restored after."""
    global _current
    previous, previous_env = _current, os.environ.get(_ENV)
    _current = lang
    os.environ[_ENV] = lang
    try:
        yield lang
    finally:
        _current = previous
        if previous_env is None:
            os.environ.pop(_ENV, None)
        else:
            os.environ[_ENV] = previous_env


def t(key: str, lang: Lang | None = None, /, **values: Any) -> str:
    """The message `key` in `lang` (default: the current language), with its placeholders filled."""
    table = _cell_catalogue if _cells else catalogue
    return table(lang or current_lang())[key].format(**values)


_cells = False


@cache
def _cell_catalogue(lang: Lang) -> dict[str, str]:
    """The catalogue with each `cell.KEY` standing in for KEY (see `cell_words`)."""
    table = catalogue(lang)
    return {**table, **{k[5:]: v for k, v in table.items() if k.startswith("cell.")}}


@contextmanager
def cell_words() -> Iterator[None]:
    """Speak to a clerk filling in a register: where a message has a `cell.` variant, say what
    to type in the cell (`type the code as text: 0601`), not how to write a YAML file (`quote
    codes`, `write land_area_m2: …`). Register rows are validated inside this."""
    global _cells
    previous, _cells = _cells, True
    try:
        yield
    finally:
        _cells = previous


def pick(label: Any, lang: Lang | None = None) -> str:
    """The `zh` or `en` text of a bilingual label (rule-pack labels, ambiguities, derivations)."""
    return str(getattr(label, lang or current_lang()))


def placeholders(message: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}

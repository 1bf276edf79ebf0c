"""The service's messages in Chinese and English, kept beside it (same keys in both, tested)."""

from __future__ import annotations

from functools import cache
from typing import Any

from landrules.i18n import Lang, read_catalogue


@cache
def catalogue(lang: Lang) -> dict[str, str]:
    return read_catalogue("landrules.serve.messages", lang)


def w(key: str, lang: Lang, /, **values: Any) -> str:
    """The service message `key` in `lang`, placeholders filled (the language is always given:
    requests in both languages are answered by one process)."""
    return catalogue(lang)[key].format(**values)

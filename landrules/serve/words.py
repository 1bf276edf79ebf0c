"""The service's messages in Chinese and English, kept beside it (same keys in both, tested)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from landrules.i18n import Lang


@cache
def catalogue(lang: Lang) -> dict[str, str]:
    from landrules import yamlio

    text = resources.files("landrules.serve.messages").joinpath(f"{lang}.yaml").read_text("utf-8")
    data = yamlio.load_text(text, f"landrules/serve/messages/{lang}.yaml").data
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ValueError(f"landrules/serve/messages/{lang}.yaml must map keys to strings")
    return data


def w(key: str, lang: Lang, /, **values: Any) -> str:
    """The service message `key` in `lang`, placeholders filled (the language is always given:
    requests in both languages are answered by one process)."""
    return catalogue(lang)[key].format(**values)

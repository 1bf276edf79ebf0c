"""On Windows the UI language comes from the user's display language when no variable names one.

Chinese Windows sets no LANG: without this, every desktop there got English. The Windows call is
faked here (the platform and `ctypes.windll`), as it cannot run on this machine.
"""

from __future__ import annotations

import ctypes
import sys
from types import SimpleNamespace

import pytest

from landrules import i18n

ENGLISH_US, CHINESE_PRC, CHINESE_TAIWAN, CHINESE_HONG_KONG, JAPANESE = (
    0x0409,
    0x0804,
    0x0404,
    0x0C04,
    0x0411,
)


def _windows(monkeypatch: pytest.MonkeyPatch, langid: int | Exception) -> list[int]:
    """Pretend to be Windows whose user display language is `langid`; counts the calls."""
    calls: list[int] = []

    def get_user_default_ui_language() -> int:
        calls.append(1)
        if isinstance(langid, Exception):
            raise langid
        return langid

    kernel32 = SimpleNamespace(GetUserDefaultUILanguage=get_user_default_ui_language)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(ctypes, "windll", SimpleNamespace(kernel32=kernel32), raising=False)
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANDRULES_LANG"):
        monkeypatch.delenv(name, raising=False)
    return calls


@pytest.mark.parametrize(
    ("langid", "lang"),
    [
        (CHINESE_PRC, "zh"),
        (CHINESE_TAIWAN, "zh"),
        (CHINESE_HONG_KONG, "zh"),
        (ENGLISH_US, "en"),
        (JAPANESE, "en"),
    ],
)
def test_chinese_windows_speaks_chinese_without_any_variable(
    monkeypatch: pytest.MonkeyPatch, langid: int, lang: str
) -> None:
    calls = _windows(monkeypatch, langid)
    assert i18n.resolve_lang(None) == lang
    assert i18n.current_lang() == lang
    assert calls


def test_a_variable_or_the_option_still_wins_on_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _windows(monkeypatch, CHINESE_PRC)
    assert i18n.resolve_lang("en") == "en"
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert i18n.resolve_lang(None) == "en"
    monkeypatch.setenv("LANDRULES_LANG", "en")
    assert i18n.current_lang() == "en"
    assert not calls


def test_an_unreadable_setting_is_english(monkeypatch: pytest.MonkeyPatch) -> None:
    _windows(monkeypatch, OSError("no kernel32"))
    assert i18n.resolve_lang(None) == "en"


def test_elsewhere_the_windows_setting_is_never_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _windows(monkeypatch, CHINESE_PRC)
    monkeypatch.setattr(sys, "platform", "linux")
    assert i18n.resolve_lang(None) == "en"
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert i18n.resolve_lang(None) == "zh"
    assert not calls


def test_the_help_of_chinese_windows_is_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    from landrules.cli_lang import help_text

    _windows(monkeypatch, CHINESE_PRC)
    assert help_text("help.check") == i18n.t("help.check", "zh")

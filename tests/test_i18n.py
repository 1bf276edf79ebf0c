"""No message exists in one language only, and the locale picks the language unless told."""

from __future__ import annotations

import pytest

from landrules.i18n import catalogue, placeholders, resolve_lang, t


def test_both_catalogues_hold_the_same_keys_and_placeholders() -> None:
    zh, en = catalogue("zh"), catalogue("en")
    assert sorted(zh) == sorted(en), set(zh) ^ set(en)
    for key in en:
        assert placeholders(zh[key]) == placeholders(en[key]), key
        assert zh[key].strip() and en[key].strip(), key


@pytest.mark.parametrize(
    ("option", "env", "lang"),
    [
        ("en", {"LANG": "zh_CN.UTF-8"}, "en"),
        ("zh", {}, "zh"),
        (None, {"LANG": "zh_CN.UTF-8"}, "zh"),
        (None, {"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        (None, {}, "en"),
    ],
)
def test_the_language_comes_from_the_option_then_the_locale(
    monkeypatch: pytest.MonkeyPatch, option: str | None, env: dict[str, str], lang: str
) -> None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert resolve_lang(option) == lang


def test_a_message_is_filled_in_either_language() -> None:
    assert t("outcome.needs_review", "zh") == "需审核"
    assert t("outcome.needs_review", "en") == "needs review"

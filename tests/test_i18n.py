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


def test_every_message_the_code_asks_for_exists() -> None:
    """Each literal `t("key")` in the package, and each family of computed keys, is in both
    catalogues: a missing key would be a crash in one language, or in both."""
    import re
    from pathlib import Path

    from landrules import yamlio
    from landrules.batch import OUTCOMES
    from landrules.model.rules import Outcome

    package = Path(__file__).resolve().parents[1] / "landrules"
    literal = re.compile(r"""\bt\(\s*["']([a-z_][a-z0-9_.\-]*)["']""")
    asked = {k for p in package.rglob("*.py") for k in literal.findall(p.read_text("utf-8"))}
    asked |= {f"outcome.{o}" for o in OUTCOMES} | {"severity.error", "severity.warning"}
    asked |= {f"yaml.hint.{code}" for code in yamlio._HINT_CODES}
    asked |= {f"kind.{k}" for k in Outcome.model_fields["kind"].annotation.__args__}
    asked |= {f"rules.first_day_{p}" for p in ("year", "month", "day")}
    asked |= {f"fact.{k}" for k in ("text", "date", "record")}
    asked |= {f"check.hint.kind_{k}" for k in ("number", "record", "list")}
    for kind in yamlio._PYDANTIC_TYPES:
        if kind in ("too_short", "too_long", "string_too_short", "string_too_long"):
            asked |= {f"pyd.{kind}.one", f"pyd.{kind}.many"}
        else:
            asked.add(f"pyd.{kind}")
    for lang in ("zh", "en"):
        missing = sorted(k for k in asked if k not in catalogue(lang))  # type: ignore[arg-type]
        assert missing == [], (lang, missing)

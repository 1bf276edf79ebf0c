"""Without LC_ALL, LC_MESSAGES or LANG, the system's language is used (issue 14 point 6):
elsewhere than Windows, GNU's LANGUAGE list or the locale Python started with."""

from __future__ import annotations

import locale
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from landrules import i18n

LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE", "LANDRULES_LANG")


@pytest.fixture
def no_locale_variables(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in LOCALE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    return monkeypatch


@pytest.mark.parametrize(
    ("system", "lang"),
    [(("zh_CN", "UTF-8"), "zh"), (("zh_TW", "UTF-8"), "zh"), (("de_DE", "UTF-8"), "en")],
)
def test_the_system_locale_chooses_the_language_when_no_variable_does(
    no_locale_variables: pytest.MonkeyPatch, system: tuple[str, str], lang: str
) -> None:
    no_locale_variables.setattr(locale, "getlocale", lambda category=0: system)
    assert i18n.resolve_lang(None) == lang


def test_a_c_locale_names_no_language(no_locale_variables: pytest.MonkeyPatch) -> None:
    no_locale_variables.setattr(locale, "getlocale", lambda category=0: (None, None))
    assert i18n.resolve_lang(None) == "en"
    no_locale_variables.setattr(locale, "getlocale", lambda category=0: ("C", "UTF-8"))
    assert i18n.resolve_lang(None) == "en"


def test_lang_still_wins_over_the_system(no_locale_variables: pytest.MonkeyPatch) -> None:
    no_locale_variables.setattr(locale, "getlocale", lambda category=0: ("zh_CN", "UTF-8"))
    no_locale_variables.setenv("LANG", "en_US.UTF-8")
    assert i18n.resolve_lang(None) == "en"


def test_a_desktop_that_sets_only_language_gets_chinese_verdicts(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in LOCALE_VARIABLES}
    env |= {"LANGUAGE": "zh_CN:en", "HOME": str(tmp_path), "COLUMNS": "100"}
    done = subprocess.run(
        [sys.executable, "-m", "landrules", "check", "examples/p2-applies.yaml"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "P1 不适用" in done.stdout, done.stdout

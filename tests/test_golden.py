"""The CLI output for a few examples is compared, byte for byte, with committed golden files.

A rule or wording change shows up here as a diff (the JSON also carries the rule pack's sha256).
"""

from __future__ import annotations

import difflib
import importlib.util
from pathlib import Path
from typing import Any

import pytest

_SCRIPT = Path(__file__).resolve().parent / "golden" / "regenerate.py"
_spec = importlib.util.spec_from_file_location("golden_regenerate", _SCRIPT)
assert _spec is not None and _spec.loader is not None
regenerate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(regenerate)

HINT = "run python tests/golden/regenerate.py if the change is intended"
CASES = [(stem, suffix) for stem in regenerate.GOLDEN for suffix in regenerate.FORMATS]


def _read_exact(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as f:
        return f.read()


@pytest.mark.parametrize(("stem", "suffix"), CASES, ids=[f"{s}.{x}" for s, x in CASES])
def test_output_matches_the_golden_file(stem: str, suffix: str, run_cli) -> None:
    path = regenerate.golden_path(stem, suffix)
    _assert_matches(
        path, f"tests/golden/{path.name}", run_cli(regenerate.golden_args(stem, suffix))
    )


def _assert_matches(path: Path, shown: str, result: Any) -> None:
    """The CLI run succeeded and printed exactly the committed golden file, else show a diff."""
    assert path.exists(), f"{shown} is missing: {HINT}"
    assert result.exit_code == 0, result.describe()
    golden = _read_exact(path)
    if result.stdout != golden:
        diff = "".join(
            difflib.unified_diff(
                golden.splitlines(keepends=True),
                result.stdout.splitlines(keepends=True),
                shown,
                "landrules output",
            )
        )
        pytest.fail(f"output differs from {shown}; {HINT}\n{diff[:6000]}")


def test_every_golden_file_is_regenerated() -> None:
    """No stale golden file: each one in the folder is written by regenerate.py."""
    made = {regenerate.golden_path(stem, suffix).name for stem, suffix in CASES}
    present = {p.name for p in _SCRIPT.parent.iterdir() if p.suffix in (".txt", ".json")}
    assert present == made, f"stale: {sorted(present - made)}, missing: {sorted(made - present)}"


LANG_CASES = [(lang, stem) for lang in regenerate.LANGS for stem in regenerate.EXAMPLES]


@pytest.mark.parametrize(("lang", "stem"), LANG_CASES, ids=[f"{g}/{s}" for g, s in LANG_CASES])
def test_each_example_in_each_language_matches_its_golden_file(
    lang: str, stem: str, run_cli
) -> None:
    """`--lang` is pinned, so the machine's locale never matters (conftest also unsets it)."""
    path = regenerate.lang_path(lang, stem)
    shown = f"tests/golden/{lang}/{path.name}"
    _assert_matches(path, shown, run_cli(regenerate.lang_args(lang, stem)))


def test_every_language_golden_file_is_regenerated() -> None:
    for lang in regenerate.LANGS:
        present = {p.stem for p in (_SCRIPT.parent / lang).glob("*.txt")}
        assert present == set(regenerate.EXAMPLES), (lang, present ^ set(regenerate.EXAMPLES))


def test_the_locale_picks_the_language_when_lang_is_not_given(run_cli, monkeypatch) -> None:
    """Without --lang, LANG=zh_CN gives the Chinese golden output (the default is the locale)."""
    from conftest import CLI_ENV, ROOT
    from typer.testing import CliRunner

    from landrules.cli import app

    stem = regenerate.EXAMPLES[0]
    monkeypatch.chdir(ROOT)
    env = {**CLI_ENV, "LANG": "zh_CN.UTF-8"}
    result = CliRunner().invoke(app, ["check", f"examples/{stem}.yaml"], env=env)
    assert result.stdout == _read_exact(regenerate.lang_path("zh", stem))


@pytest.mark.parametrize("name", list(regenerate.BATCH))
def test_batch_records_match_the_golden_file(name: str, run_cli) -> None:
    path = regenerate.HERE / name
    _assert_matches(path, f"tests/golden/{name}", run_cli(list(regenerate.BATCH[name])))

"""The progress bar appears only for a person at a terminal, never in pipes or CI logs."""

from __future__ import annotations

import io
import sys

import pytest

from landrules.report import progress


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("tty", "env", "shown"),
    [
        (True, {}, True),
        (False, {}, False),
        (True, {"CI": "true"}, False),
        (True, {"NO_COLOR": "1"}, False),
        (True, {"TERM": "dumb"}, False),
    ],
)
def test_progress_is_wanted_only_on_an_interactive_terminal(
    monkeypatch: pytest.MonkeyPatch, tty: bool, env: dict[str, str], shown: bool
) -> None:
    for name in ("CI", "NO_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "stderr", _Tty() if tty else io.StringIO())
    assert progress.wanted() is shown


def test_progress_passes_every_result_through_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert list(progress.progress(iter(range(5)))) == [0, 1, 2, 3, 4]

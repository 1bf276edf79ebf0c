"""Test helpers: run the CLI in-process with a fixed terminal; show both streams on failure."""

from __future__ import annotations

import locale
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from landrules.cli import app

# The machine's locale must not choose the language of any test: library calls and spawned
# `landrules` processes would otherwise speak Chinese on a zh_* machine. Tests that want a
# language pass --lang (or set these variables themselves).
for _name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANDRULES_LANG", "LANGUAGE", "LC_CTYPE"):
    os.environ.pop(_name, None)
if (locale.getlocale(locale.LC_CTYPE)[0] or "").lower().startswith("zh"):  # the system's language
    locale.setlocale(locale.LC_CTYPE, "C.UTF-8")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHIPPED_PACK = ROOT / "rules" / "cixi-jingxinjian-2019-13"
PACK_VERSION = re.search(
    r'^version: "([^"]+)"', (SHIPPED_PACK / "pack.yaml").read_text("utf-8"), re.MULTILINE
).group(1)  # type: ignore[union-attr]
"""The shipped pack's version, as every "rule pack … VERSION" line shows it."""

# rich reads the terminal from the environment: fix the width, drop colour, and unset the variables
# that would force a terminal on (None removes a variable for the duration of the call).
CLI_ENV: dict[str, str | None] = {
    "COLUMNS": "100",
    "NO_COLOR": "1",
    "TERM": "dumb",
    "FORCE_COLOR": None,
    "TTY_COMPATIBLE": None,
    "TTY_INTERACTIVE": None,
    # the language comes from --lang or the locale: tests never inherit the machine's locale
    "LANG": None,
    "LC_ALL": None,
    "LC_MESSAGES": None,
    "LANDRULES_LANG": None,
    "LANGUAGE": None,
    "LC_CTYPE": None,
}


@dataclass(frozen=True)
class CliResult:
    args: tuple[str, ...]
    cwd: Path
    exit_code: int
    stdout: str
    stderr: str

    def describe(self) -> str:
        """Everything needed to understand a failed assertion about this run."""
        return (
            f"\n$ (cd {self.cwd} && landrules {' '.join(self.args)})  -> exit {self.exit_code}"
            f"\n--- stdout ---\n{self.stdout}--- stderr ---\n{self.stderr}--- end ---"
        )


def invoke_cli(args: Sequence[str], cwd: Path = ROOT) -> CliResult:
    """Run `landrules ARGS` in-process from `cwd` (paths in the output are as given in ARGS)."""
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(app, list(args), env=CLI_ENV, catch_exceptions=False)
    finally:
        os.chdir(previous)
    return CliResult(tuple(args), cwd, result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def run_cli() -> Callable[..., CliResult]:
    """`run_cli(args, cwd=ROOT)`; assert with `result.describe()` as the message."""
    return invoke_cli

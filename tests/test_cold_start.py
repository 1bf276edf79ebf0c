"""Cold start of `landrules check one.yaml`: what a single-file check must not import.

Timings are measured by `benchmarks/run.py` (section f), never asserted; these tests only keep
modules a single file does not need off its path, and keep the copies made for that in step.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import typer
import typer.main

from landrules import cli, cli_explain, cli_rules, cli_serve

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "p1-applies-renovation.yaml"

_SHOW_MODULES = """
import atexit, runpy, sys
atexit.register(lambda: sys.stderr.write("MODULES " + " ".join(sorted(sys.modules)) + "\\n"))
sys.argv = ["landrules", *sys.argv[1:]]
runpy.run_module("landrules", run_name="__main__")
"""


def _modules_after(*args: str) -> set[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-c", _SHOW_MODULES, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (line,) = [x for x in done.stderr.splitlines() if x.startswith("MODULES ")]
    return set(line.split()[1:])


def test_checking_one_file_imports_no_batch_or_register_machinery() -> None:
    modules = _modules_after("check", str(EXAMPLE))
    unwanted = {"landrules.batch", "landrules.registers", "multiprocessing", "openpyxl"}
    assert not modules & unwanted


def test_checking_one_file_leaves_the_other_commands_unloaded() -> None:
    modules = _modules_after("check", str(EXAMPLE))
    assert not modules & {"landrules.cli_rules", "landrules.cli_explain"}


def test_the_commands_added_on_demand_are_the_ones_registered_after_check() -> None:
    later = typer.Typer()
    cli_rules.register(later)
    cli_explain.register(later)
    cli_serve.register(later)
    assert tuple(typer.main.get_group(later).commands) == cli.LATER


def test_every_command_is_listed_and_found_in_order() -> None:
    group = typer.main.get_group(cli.app)
    ctx = typer.Context(group)
    assert group.list_commands(ctx) == ["check", *cli.LATER]
    assert all(group.get_command(ctx, name) is not None for name in cli.LATER)


def test_printing_one_tree_to_a_file_leaves_rich_s_console_unloaded() -> None:
    modules = _modules_after("check", str(EXAMPLE))
    assert not modules & {"rich.console", "rich.tree", "rich.text"}


def test_the_version_is_answered_before_typer_or_typing_are_imported() -> None:
    """Beyond what the interpreter's own start-up (site, .pth files) has already imported."""
    started = subprocess.run(
        [sys.executable, "-c", "import sys; print(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    added = _modules_after("--version") - set(started)
    assert not added & {"typer", "click", "pydantic", "typing", "landrules.cli"}

"""`--help` of every command: a flag shows as a flag, never with a value type such as `<bool>`."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import typer
import typer.main
from conftest import CliResult

from landrules import cli

COMMANDS = ["check", *cli.LATER]


def _flags(name: str) -> list[str]:
    """The long option names of every boolean flag of a command (`--help` included)."""
    group = typer.main.get_group(cli.app)
    command = group if not name else group.get_command(typer.Context(group), name)
    assert command is not None
    params = command.get_params(typer.Context(command))
    return [
        next(o for o in p.opts if o.startswith("--"))
        for p in params
        if p.param_type_name == "option" and p.is_flag and not p.count
    ]


@pytest.mark.parametrize("name", ["", *COMMANDS])
def test_every_flag_of_every_command_shows_no_value_type(
    name: str, run_cli: Callable[..., CliResult]
) -> None:
    flags = _flags(name)
    assert "--help" in flags
    result = run_cli([name, "--help"] if name else ["--help"])
    assert result.exit_code == 0, result.describe()
    assert "<bool>" not in result.stdout, result.describe()
    for flag in flags:
        (line,) = [x for x in result.stdout.splitlines() if x.lstrip("│ ").startswith(flag)]
        after = line.split(flag, 1)[1]
        assert not after.lstrip().startswith("<"), (flag, line)

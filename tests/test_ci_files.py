"""The pre-commit hooks and the documented workflow run commands that exist and pass here."""

from __future__ import annotations

import re
from collections.abc import Callable

from conftest import ROOT, CliResult

from landrules import yamlio


def test_the_pre_commit_hooks_run_validate_and_test_and_both_pass_on_this_repository(
    run_cli: Callable[..., CliResult],
) -> None:
    hooks = yamlio.load(ROOT / ".pre-commit-hooks.yaml").data
    assert isinstance(hooks, list)
    assert [h["id"] for h in hooks] == ["landrules-validate", "landrules-test"]
    for hook in hooks:
        assert hook["entry"].startswith("landrules ") and hook["pass_filenames"] == "false"
        args = [*hook["entry"].split()[1:], *hook["args"]]
        result = run_cli(args)
        assert result.exit_code == 0, result.describe()


def test_the_documented_workflow_commands_pass_on_this_repository(
    run_cli: Callable[..., CliResult],
) -> None:
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    commands = re.findall(r"^\s+- run: (landrules [^\n]+)$", text, flags=re.M)
    assert len(commands) == 2, commands
    for command in commands:
        result = run_cli(command.split()[1:])
        assert result.exit_code == 0, result.describe()

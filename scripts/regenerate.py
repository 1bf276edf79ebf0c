"""Regenerate everything that is generated from the code, in one go:

    python scripts/regenerate.py

- schemas/*.schema.json             (`landrules schema`)
- docs/rules/*.md                   (`landrules docs rules/ --output docs/rules`)
- tests/golden/*                    (tests/golden/regenerate.py)
- README.md transcripts             (the ```text block and every ```console block)

Tests fail when any of these is stale; review the diff before committing, since a change here is
a change in what users see.
"""

from __future__ import annotations

import re
import runpy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, ROOT / "tests"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from conftest import invoke_cli  # noqa: E402  (the paths above must come first)

README = ROOT / "README.md"
README_TRANSCRIPT = ["check", "examples/p1-applies-renovation.yaml"]


def _run(args: list[str]) -> str:
    result = invoke_cli(args)
    if result.exit_code not in (0, 1):
        raise SystemExit(f"landrules exited {result.exit_code}:{result.describe()}")
    return result.stdout


def readme() -> None:
    """The README's verdict transcript and its `$ landrules ...` console blocks, re-run."""
    text = README.read_text(encoding="utf-8")
    text = re.sub(
        r"```text\n.*?```",
        lambda _match: "```text\n" + _run(README_TRANSCRIPT) + "```",
        text,
        count=1,
        flags=re.S,
    )

    def console(match: re.Match[str]) -> str:
        command = match.group(1)
        args = command.removeprefix("$ landrules ").split()
        return f"```console\n{command}\n{_run(args)}```"

    text = re.sub(r"```console\n(\$ landrules [^\n]*)\n.*?```", console, text, flags=re.S)
    with README.open("w", encoding="utf-8", newline="") as f:
        f.write(text)
    sys.stdout.write("wrote README.md transcripts\n")


def main() -> None:
    for args in (["schema", "--output", "schemas"], ["docs", "rules/", "--output", "docs/rules"]):
        result = invoke_cli(args)
        if result.exit_code != 0:
            raise SystemExit(f"landrules {' '.join(args)} failed:{result.describe()}")
        sys.stdout.write(result.stdout)
    runpy.run_path(str(ROOT / "tests" / "golden" / "regenerate.py"), run_name="__main__")
    readme()


if __name__ == "__main__":
    main()

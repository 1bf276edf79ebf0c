"""The console script: `landrules --version` is answered here, before the CLI is imported.

Importing `landrules.cli` pulls in typer (and with it click and pydantic), ~50 ms; the version
needs none of it.
"""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        from landrules import __version__

        sys.stdout.write(f"landrules {__version__}\n")
        return
    from landrules.cli import main as cli_main

    cli_main()

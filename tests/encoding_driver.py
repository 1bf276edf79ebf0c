"""Run many `landrules` command lines in one process, for tests/test_encodings.py.

A process per command line under every encoding would cost ~0.3 s each; this runs the console
script's own `main` for each line in turn, on the process's real stdout and stderr (a pipe in the
encoding PYTHONIOENCODING gave it), and separates the runs with ASCII markers. Usage:
`python encoding_driver.py RUNS.json CODES.json` (RUNS: a list of argument lists).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

MARK = "\n@@landrules-run {}@@\n"


def main() -> None:
    runs = json.loads(Path(sys.argv[1]).read_text("utf-8"))
    codes_file = Path(sys.argv[2])
    codes: list[int | str] = []
    from landrules.cli import main as cli_main

    for n, args in enumerate(runs):
        for stream in (sys.stdout, sys.stderr):
            stream.write(MARK.format(n))
            stream.flush()
        sys.argv = ["landrules", *args]
        try:
            cli_main()
            code: int | str = 0
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else str(exit.code)
        codes.append(code)
        sys.stdout.flush()
        sys.stderr.flush()
    codes_file.write_text(json.dumps(codes), "utf-8")


if __name__ == "__main__":
    main()

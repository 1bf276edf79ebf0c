"""Rewrite the golden CLI outputs in tests/golden/. Run by hand, never by the tests:

    python tests/golden/regenerate.py

Each golden file is the exact stdout of `landrules check examples/<stem>.yaml` (text, .txt) or
`... --format json` (.json), run from the project root with the terminal fixed by tests/conftest.py.
Review the diff before committing: a change here is a change in what users see.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Run as a script from a checkout: the project (for landrules) and tests/ (for conftest).
for _folder in (HERE.parents[1], HERE.parent):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

from conftest import ROOT, invoke_cli  # noqa: E402  (the paths above must come first)

GOLDEN = (
    "p1-applies-renovation",
    "p1-undetermined-environmental-missing",
    "p2-needs-review-range",
    "p3-applies",
)
FORMATS: dict[str, tuple[str, ...]] = {"txt": (), "json": ("--format", "json")}


def golden_path(stem: str, suffix: str) -> Path:
    return HERE / f"{stem}.{suffix}"


def golden_args(stem: str, suffix: str) -> list[str]:
    return ["check", f"examples/{stem}.yaml", *FORMATS[suffix]]


def render(stem: str, suffix: str) -> str:
    """The CLI output a golden file must hold; fails if the command does not exit 0."""
    result = invoke_cli(golden_args(stem, suffix))
    if result.exit_code != 0:
        raise SystemExit(f"landrules exited {result.exit_code}:{result.describe()}")
    return result.stdout


def main() -> None:
    for stem in GOLDEN:
        for suffix in FORMATS:
            target = golden_path(stem, suffix)
            output = render(stem, suffix)
            before = target.read_text(encoding="utf-8") if target.exists() else None
            with target.open("w", encoding="utf-8", newline="") as f:
                f.write(output)
            state = "new" if before is None else "unchanged" if before == output else "changed"
            print(f"wrote {target.relative_to(ROOT)} ({len(output.encode())} bytes, {state})")


if __name__ == "__main__":
    main()

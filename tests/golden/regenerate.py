"""Rewrite the golden CLI outputs in tests/golden/. Run by hand, never by the tests:

    python tests/golden/regenerate.py

Each golden file is the exact stdout of `landrules check examples/<stem>.yaml` (text, .txt) or
`... --format json` (.json), run from the project root with the terminal fixed by tests/conftest.py
(no locale: English). tests/golden/<lang>/<stem>.txt is `... --lang <lang>`, for every example;
tests/golden/examples.jsonl is `landrules check examples --format jsonl` (the brief batch records).
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


LANGS = ("zh", "en")
EXAMPLES = tuple(sorted(p.stem for p in (ROOT / "examples").glob("*.yaml")))
"""Every example, in both languages: the text output a reader of either language sees."""


BATCH: dict[str, tuple[str, ...]] = {
    "examples.jsonl": ("check", "examples", "--format", "jsonl"),
}
"""A batch's brief records (JSON Lines): every example, one line each."""


def lang_path(lang: str, stem: str) -> Path:
    return HERE / lang / f"{stem}.txt"


def lang_args(lang: str, stem: str) -> list[str]:
    return ["check", f"examples/{stem}.yaml", "--lang", lang]


def golden_path(stem: str, suffix: str) -> Path:
    return HERE / f"{stem}.{suffix}"


def golden_args(stem: str, suffix: str) -> list[str]:
    return ["check", f"examples/{stem}.yaml", *FORMATS[suffix]]


def render(stem: str, suffix: str) -> str:
    """The CLI output a golden file must hold; fails if the command does not exit 0."""
    return run(golden_args(stem, suffix))


def run(args: list[str]) -> str:
    result = invoke_cli(args)
    if result.exit_code != 0:
        raise SystemExit(f"landrules exited {result.exit_code}:{result.describe()}")
    return result.stdout


def write(target: Path, output: str) -> None:
    before = target.read_text(encoding="utf-8") if target.exists() else None
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="") as f:
        f.write(output)
    state = "new" if before is None else "unchanged" if before == output else "changed"
    print(f"wrote {target.relative_to(ROOT)} ({len(output.encode())} bytes, {state})")


def main() -> None:
    for stem in GOLDEN:
        for suffix in FORMATS:
            write(golden_path(stem, suffix), render(stem, suffix))
    for name, args in BATCH.items():
        write(HERE / name, run(list(args)))
    for lang in LANGS:
        for old in (HERE / lang).glob("*.txt"):
            if old.stem not in EXAMPLES:
                old.unlink()
        for stem in EXAMPLES:
            write(lang_path(lang, stem), run(lang_args(lang, stem)))


if __name__ == "__main__":
    main()

"""The CLI output for a few examples is compared, byte for byte, with committed golden files.

A rule or wording change shows up here as a diff (the JSON also carries the rule pack's sha256).
"""

from __future__ import annotations

import difflib
import importlib.util
from pathlib import Path

import pytest

_SCRIPT = Path(__file__).resolve().parent / "golden" / "regenerate.py"
_spec = importlib.util.spec_from_file_location("golden_regenerate", _SCRIPT)
assert _spec is not None and _spec.loader is not None
regenerate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(regenerate)

HINT = "run python tests/golden/regenerate.py if the change is intended"
CASES = [(stem, suffix) for stem in regenerate.GOLDEN for suffix in regenerate.FORMATS]


def _read_exact(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as f:
        return f.read()


@pytest.mark.parametrize(("stem", "suffix"), CASES, ids=[f"{s}.{x}" for s, x in CASES])
def test_output_matches_the_golden_file(stem: str, suffix: str, run_cli) -> None:
    path = regenerate.golden_path(stem, suffix)
    assert path.exists(), f"{path.name} is missing: {HINT}"
    result = run_cli(regenerate.golden_args(stem, suffix))
    assert result.exit_code == 0, result.describe()
    golden = _read_exact(path)
    if result.stdout != golden:
        diff = "".join(
            difflib.unified_diff(
                golden.splitlines(keepends=True),
                result.stdout.splitlines(keepends=True),
                f"tests/golden/{path.name}",
                "landrules output",
            )
        )
        pytest.fail(f"output differs from tests/golden/{path.name}; {HINT}\n{diff[:6000]}")


def test_every_golden_file_is_regenerated() -> None:
    """No stale golden file: each one in the folder is written by regenerate.py."""
    made = {regenerate.golden_path(stem, suffix).name for stem, suffix in CASES}
    present = {p.name for p in _SCRIPT.parent.iterdir() if p.suffix in (".txt", ".json")}
    assert present == made, f"stale: {sorted(present - made)}, missing: {sorted(made - present)}"

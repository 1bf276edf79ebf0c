"""docs/hardening.md states no limit the code does not enforce, with the number the code uses.

The limits table names, for each row, the constant that holds the limit, the error code that
reports it and the flag that raises it; this test resolves each and compares them with the page.
"""

from __future__ import annotations

import dataclasses
import importlib
import re
from typing import Any

import pytest
import typer.main
from conftest import ROOT

from landrules.cli import app

DOC = ROOT / "docs" / "hardening.md"
COLUMNS = ["Limit", "Applies to", "Value", "Constant", "Error code", "Raise with", "Message"]


def _cells(line: str) -> list[str]:
    """A table row's cells; `|` inside backticks does not split (none are expected)."""
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def limit_rows(text: str) -> list[dict[str, str]]:
    """The rows of the table whose header is COLUMNS (the limits table of §2)."""
    lines = text.splitlines()
    for n, line in enumerate(lines):
        if line.startswith("|") and _cells(line) == COLUMNS:
            rows = []
            for row in lines[n + 2 :]:
                if not row.startswith("|"):
                    break
                cells = _cells(row)
                assert len(cells) == len(COLUMNS), f"a limits row has {len(cells)} cells: {row}"
                rows.append(dict(zip(COLUMNS, cells, strict=True)))
            return rows
    raise AssertionError(f"no table with the columns {COLUMNS} in {DOC}")


ROWS = limit_rows(DOC.read_text(encoding="utf-8"))


def resolve(dotted: str) -> Any:
    """`pkg.module.NAME`, `pkg.module.Class.attr`, or a dataclass field's default."""
    parts = dotted.split(".")
    for split in range(len(parts) - 1, 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:split]))
        except ModuleNotFoundError:
            continue
        for name in parts[split:]:
            if dataclasses.is_dataclass(obj) and isinstance(obj, type):
                defaults = {f.name: f.default for f in dataclasses.fields(obj)}
                if name in defaults:
                    obj = defaults[name]
                    continue
            obj = getattr(obj, name)
        return obj
    raise AssertionError(f"cannot import any module of {dotted}")


def _backticked(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def _options() -> dict[str, list[Any]]:
    """Every option of every command, by flag: the click parameters that define it."""
    group: Any = typer.main.get_command(app)
    found: dict[str, list[Any]] = {}
    ctx = group.make_context("landrules", ["--help"], resilient_parsing=True)
    for name in group.list_commands(ctx):
        for param in group.get_command(ctx, name).params:
            for flag in param.opts:
                found.setdefault(flag, []).append(param)
    return found


SOURCE = "\n".join(
    p.read_text(encoding="utf-8") for p in sorted((ROOT / "landrules").rglob("*.py"))
) + "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "landrules").rglob("*.yaml")))


def test_the_limits_table_is_there_and_has_rows() -> None:
    assert len(ROWS) >= 6


@pytest.mark.parametrize("row", ROWS, ids=[r["Limit"] for r in ROWS])
def test_each_documented_limit_is_the_number_the_code_enforces(row: dict[str, str]) -> None:
    number = re.match(r"(\d[\d,]*)", row["Value"])
    assert number, f"{row['Limit']}: the Value cell must start with the number: {row['Value']!r}"
    value = int(number.group(1).replace(",", ""))
    (constant,) = _backticked(row["Constant"])
    assert resolve(constant) == value, f"{row['Limit']}: {constant} is not {value}"


@pytest.mark.parametrize("row", ROWS, ids=[r["Limit"] for r in ROWS])
def test_each_documented_limit_has_its_error_code_in_the_code(row: dict[str, str]) -> None:
    codes = _backticked(row["Error code"])
    assert codes, f"{row['Limit']}: no error code"
    for code in codes:
        assert f'"{code}"' in SOURCE or f"'{code}'" in SOURCE, f"{code} is not in landrules/"


@pytest.mark.parametrize("row", ROWS, ids=[r["Limit"] for r in ROWS])
def test_each_documented_flag_exists_with_the_documented_default(row: dict[str, str]) -> None:
    flags = _backticked(row["Raise with"])
    if not flags:
        assert row["Raise with"] == "—", f"{row['Limit']}: write a `--flag` or —"
        return
    value = int(re.match(r"(\d[\d,]*)", row["Value"]).group(1).replace(",", ""))  # type: ignore[union-attr]
    options = _options()
    for flag in flags:
        assert flag in options, f"{row['Limit']}: no command has {flag}"
        defaults = {param.default for param in options[flag]}
        assert defaults == {value}, f"{flag} defaults to {defaults}, the page says {value}"


def test_the_flags_table_of_yamlio_matches_the_page() -> None:
    """LIMIT_FLAGS (used in hints) names the same flag for each code as the table."""
    from landrules.yamlio import LIMIT_FLAGS

    documented: dict[str, set[str]] = {}
    for row in ROWS:
        for code in _backticked(row["Error code"]):
            documented.setdefault(code, set()).update(_backticked(row["Raise with"]))
    for code, flag in LIMIT_FLAGS.items():
        assert flag in documented.get(code, set()), f"{code}: hints say {flag}, the page does not"


def test_every_test_and_script_the_page_cites_exists() -> None:
    """The proof of a guarantee is a file someone can run: each one cited must be there."""
    text = DOC.read_text(encoding="utf-8")
    cited = set(re.findall(r"`((?:tests|benchmarks)/[\w/.-]+)`", text))
    assert cited, "the page cites no test"
    for path in sorted(cited):
        assert (ROOT / path).exists(), f"docs/hardening.md cites {path}, which does not exist"

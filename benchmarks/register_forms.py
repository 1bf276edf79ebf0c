"""Registers as offices save them, read at the rate of a clean CSV (issue 13, must-show 3).

One seeded register (benchmarks/register_memory.py's rows: the flat examples with fresh codes,
scaled areas and about 1% bad rows) is written three ways, and each is checked in its own process
by `python -m landrules check REG --format jsonl --jobs 1` (stdout discarded):

- `csv`: the clean CSV, the floor of this run;
- `excel-csv`: the same rows as Excel saves them on a Chinese desktop — areas of 1,000 and more
  with thousands separators (`13,333.30`), dates as `2024/6/3`, a title row above the header and a
  合计 row below, so every Excel-format notice and skip is on the path;
- `xlsx`: the same rows in a workbook written by openpyxl (numbers and dates typed).

Printed: seconds, µs per row, peak RSS of the checking process, and the ratio to the clean CSV
of the same size in the same run; with `--baseline REV` each file is also checked by that git
revision (a temporary worktree) and the ratio new/old is printed — "no worse than today" is a
ratio ≤ 1.05. Memory is flat when the peak at the larger size is within 10% of the smaller one.

    python benchmarks/register_forms.py                          # 100,000 and 1,000,000 rows
    python benchmarks/register_forms.py --rows 20000,100000 --baseline 9d4944e
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from register_memory import Run, measure, rows, say  # noqa: E402
from register_memory import write_csv as write_plain  # noqa: E402

AREA_HEADERS = ("面积",)
DATE_HEADERS = ("日期",)


def _excel_cell(header: str, value: Any) -> str:
    """A cell as Excel shows it: `#,##0.00` for a large area, the zh-CN short date."""
    text = str(value)
    if not text:
        return text
    if any(k in header for k in AREA_HEADERS) and "亩" not in header:
        try:
            number = Decimal(text)
        except ArithmeticError:
            return text
        if abs(number) >= 1000 and number == number.quantize(Decimal("0.01")):
            return f"{number:,.2f}"
    if any(k in header for k in DATE_HEADERS) and len(text) == 10 and text[4] == "-":
        year, month, day = text.split("-")
        if year.isdigit() and month.isdigit() and day.isdigit():
            return f"{int(year)}/{int(month)}/{int(day)}"
    return text


def write_excel_csv(path: Path, n: int) -> None:
    header, body = rows(n)
    width = len(header)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(["某某镇工业用地台账", *[""] * (width - 1)])
        writer.writerow(header)
        writer.writerows(_shown(header, body))
        writer.writerow(["合计", *[""] * (width - 1)])


def _shown(header: list[str], body: Iterator[list[Any]]) -> Iterator[list[str]]:
    for row in body:
        yield [_excel_cell(h, c) for h, c in zip(header, row, strict=True)]


def write_xlsx(path: Path, n: int) -> None:
    from register_memory import write_xlsx as write

    write(path, n)


FORMS = {"csv": (".csv", write_plain), "excel-csv": (".csv", write_excel_csv)}
FORMS["xlsx"] = (".xlsx", write_xlsx)


def baseline_checkout(rev: str, where: Path) -> Path:
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(where), rev], check=True
    )
    return where


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="100000,1000000", help="register sizes")
    parser.add_argument("--forms", default="csv,excel-csv,xlsx")
    parser.add_argument("--xlsx-max", type=int, default=100_000, help="largest workbook")
    parser.add_argument("--baseline", help="a git revision to compare with (e.g. 9d4944e)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.rows.split(",")]
    forms = args.forms.split(",")
    say("| form | rows | s | µs/row | peak MB | vs clean CSV | vs baseline |")
    say("|---|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        old = baseline_checkout(args.baseline, Path(tmp) / "old") if args.baseline else None
        try:
            peaks: dict[str, list[float]] = {}
            for n in sizes:
                floor: Run | None = None
                for form in forms:
                    if form == "xlsx" and n > args.xlsx_max:
                        continue
                    suffix, write = FORMS[form]
                    path = Path(tmp) / f"{form}-{n}{suffix}"
                    write(path, n)
                    run = measure(path, "jsonl", n)
                    floor = floor or run
                    versus = f"{run.seconds / floor.seconds:.2f}×"
                    against = "—"
                    if old is not None:
                        before = measure_at(old, path, n)
                        against = f"{run.seconds / before.seconds:.2f}× ({before.seconds:.1f} s)"
                    peaks.setdefault(form, []).append(run.peak_mb)
                    say(
                        f"| {form} | {n:,} | {run.seconds:.1f} | {run.seconds / n * 1e6:.0f} | "
                        f"{run.peak_mb:.0f} | {versus} | {against} |"
                    )
                    path.unlink()
            for form, seen in peaks.items():
                if len(seen) > 1:
                    say(f"{form}: peak RSS largest/smallest size {seen[-1] / seen[0]:.2f}")
        finally:
            if old is not None:
                subprocess.run(
                    ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)],
                    check=False,
                )


def measure_at(checkout: Path, path: Path, n: int) -> Run:
    """`measure`, with another checkout's landrules on the child's path."""
    import register_memory

    saved = register_memory.ROOT
    register_memory.ROOT = checkout  # measure() puts ROOT on the child's PYTHONPATH
    try:
        return measure(path, "jsonl", n)
    finally:
        register_memory.ROOT = saved


if __name__ == "__main__":
    main()

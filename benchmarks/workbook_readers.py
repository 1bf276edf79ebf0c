"""calamine against openpyxl's streaming mode on one register .xlsx (issue 13, point 3).

Writes a register of N rows with openpyxl (benchmarks/register_memory.py's seeded rows: Chinese
headers, the land area in 亩, ~1% bad rows) and reads it whole through `iter_register`, each
reader in its own process so its peak RSS is its own (`os.wait4`):

* floor: Python's csv module reading the same rows saved as CSV (nothing parsed, nothing built);
* calamine: forced with `max_sheet_whole` unbounded (by default it reads sheet parts up to
  32 MiB inflated, about 15,000 rows of this register);
* openpyxl: forced with `max_sheet_whole=0` (what a larger sheet gets, and what 0.1 used);
* the default route for this size.

    python benchmarks/workbook_readers.py              # 100,000 rows
    python benchmarks/workbook_readers.py --rows 20000

Measured (2 shared cores, python 3.11, 100,000 rows × 47 columns, a 222 MB sheet part written
by openpyxl; the machine was loaded, so seconds vary by ±50% between runs): raw reads, calamine
3.7 s and 332 MB, openpyxl 77 s and 33 MB; whole `iter_register`, calamine 18.5 s and 358 MB,
openpyxl 93–146 s and 73 MB; floor (csv.reader, same rows) 1.0 s and 41 MB.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from register_memory import rows, write_xlsx  # noqa: E402

CHILD = """
import sys
from pathlib import Path
from landrules.inputs import RegisterLimits
from landrules.registers import iter_register
path, whole = Path(sys.argv[1]), int(sys.argv[2])
limits = RegisterLimits() if whole < 0 else RegisterLimits(max_sheet_whole=whole)
n = sum(1 for _ in iter_register(path, notices=lambda p: None, limits=limits))
print(n)
"""
FLOOR = """
import csv, sys
with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
    sys.stdout.write(str(sum(1 for _ in csv.reader(f))))
"""


def child(code: str, *args: str) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MB, stdout) of one child process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryFile("w+") as out:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=out, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"child failed: {args}")
        out.seek(0)
        return wall, usage.ru_maxrss / 1024, out.read().strip()


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "register.xlsx"
        write_xlsx(book, args.rows)
        plain = Path(tmp) / "register.csv"
        header, body = rows(args.rows)
        with plain.open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(header)
            writer.writerows(body)
        floor, floor_mb, _ = child(FLOOR, str(plain))
        runs = {
            "calamine (max_sheet_whole unbounded)": child(CHILD, str(book), str(1 << 40)),
            "openpyxl streaming (max_sheet_whole=0)": child(CHILD, str(book), "0"),
            "default route": child(CHILD, str(book), "-1"),
        }
    say(f"{args.rows:,} rows; floor: csv.reader on the same rows {floor:.2f} s, {floor_mb:.0f} MB")
    say("| reader | items | s | s per 100k rows | peak RSS MB | × floor |")
    say("|---|---:|---:|---:|---:|---:|")
    for name, (wall, mb, items) in runs.items():
        per = wall * 100_000 / args.rows
        say(f"| {name} | {items} | {wall:.1f} | {per:.1f} | {mb:.0f} | {wall / floor:.1f}× |")
    (c, c_mb, _), (o, o_mb, _), _ = runs.values()
    say(f"\ncalamine / openpyxl: time {c / o:.2f}×, peak memory {c_mb / o_mb:.1f}×")


if __name__ == "__main__":
    main()

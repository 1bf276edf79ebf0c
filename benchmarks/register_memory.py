"""Peak memory of `landrules check` on generated registers of 10,000 and 100,000 rows.

Issue 3, must-show 4: memory must not grow with the row count. Each register is checked by
`python -m landrules check REG --format jsonl --jobs 1` in its own process, and that process's
peak resident set size is read from `os.wait4` (the rusage of that one child; a process-wide
`RUSAGE_CHILDREN` would keep the largest peak of all runs so far). The report goes to stdout,
which is discarded: `--output /dev/null` must not be used, because `--output` writes a temporary
file beside its target and renames it over the target.

    python benchmarks/register_memory.py                       # CSV, 10k and 100k rows
    python benchmarks/register_memory.py --inputs csv,geojson,xlsx --format csv

The registers are seeded and realistic: the flat examples (every outcome of every provision)
with fresh parcel codes and scaled areas, Chinese headers, the land area in 亩, and about 1% bad
rows (a negative area, a code that lost its leading zero, a unit in a number cell, a bad date).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from landrules import yamlio  # noqa: E402
from landrules.registers import REGISTER_FIELDS, load_mapping, record_as_row  # noqa: E402

SIZES = (10_000, 100_000)
SEED = 20240506
AREA = "parcel.land_area_m2"


def templates() -> list[dict[str, Any]]:
    """The flat examples (floor_area totals) as field path → value."""
    out = []
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        data = yamlio.load(path).data
        assert isinstance(data, dict)
        row = record_as_row(data)
        if row is not None:
            out.append(row)
    return out


def headers(fields: list[str]) -> list[str]:
    """The first default Chinese header per field; the land area in 亩."""
    chinese: dict[str, str] = {}
    for header, target in load_mapping().columns.items():
        if target is not None and target.unit is None:
            chinese.setdefault(target.field.path, header)
    return [f"{chinese[f]}（亩）" if f == AREA else chinese.get(f, f) for f in fields]


def rows(n: int, seed: int = SEED) -> tuple[list[str], Iterator[list[Any]]]:
    """A header and `n` rows; areas scaled by one factor per row keep each template's outcome."""
    base = templates()
    fields = [f for f in REGISTER_FIELDS if any(f in t for t in base)]
    rng = random.Random(seed)

    def generate() -> Iterator[list[Any]]:
        for i in range(n):
            record = dict(rng.choice(base))
            record["parcel.code"] = f"330282{rng.randint(1, 999):03d}{i:06d}GB{i % 100000:05d}"
            factor = Decimal(rng.choice(["0.5", "0.75", "1", "1.25", "1.5", "2", "3"]))
            for field in fields:
                if field.endswith("_m2") and field in record:
                    record[field] = format(Decimal(record[field]) * factor, "f")
            row = [_cell(f, record.get(f)) for f in fields]
            if rng.random() < 0.01:  # a bad row, as registers have
                _spoil(row, fields, rng)
            yield row

    return headers(fields), generate()


def _cell(field: str, value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list):
        return "、".join(value)
    if field == AREA:
        return format((Decimal(value) * Decimal("0.0015")).normalize(), "f")  # m² → 亩, exact
    return value


def _spoil(row: list[Any], fields: list[str], rng: random.Random) -> None:
    kind = rng.randrange(4)
    if kind == 0:
        row[fields.index(AREA)] = "-5"
    elif kind == 1:
        row[fields.index("land_use.current.gbt21010")] = "601"
    elif kind == 2:
        row[fields.index("floor_area.after.production_m2")] = "31000㎡"
    else:
        row[fields.index("application_date")] = "2024/05/06"


def write_csv(path: Path, n: int) -> None:
    header, body = rows(n)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(body)


def write_geojson(path: Path, n: int) -> None:
    header, body = rows(n)
    with path.open("w", encoding="utf-8") as f:
        f.write('{"type": "FeatureCollection", "features": [\n')
        for i, row in enumerate(body):
            x, y = 121.2 + (i % 1000) * 0.001, 30.1 + (i // 1000) * 0.001
            ring = [[x, y], [x + 0.0008, y], [x + 0.0008, y + 0.0008], [x, y + 0.0008], [x, y]]
            props = {h: v for h, v in zip(header, row, strict=True) if v != ""}
            feature = {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": props,
            }
            f.write(("" if i == 0 else ",\n") + json.dumps(feature, ensure_ascii=False))
        f.write("\n]}\n")


def write_xlsx(path: Path, n: int) -> None:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    header, body = rows(n)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("台账")
    sheet.append(header)
    for row in body:
        sheet.append(row)
    book.save(path)


WRITERS = {"csv": write_csv, "geojson": write_geojson, "xlsx": write_xlsx}


@dataclass
class Run:
    rows: int
    size_mb: float
    peak_mb: float
    seconds: float
    exit_code: int
    errors: int


def measure(register: Path, fmt: str, rows_: int) -> Run:
    """Check the register in a child process; its own peak RSS via wait4."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    command = [
        sys.executable,
        "-m",
        "landrules",
        "check",
        str(register),
        "--format",
        fmt,
        "--jobs",
        "1",
    ]
    with tempfile.TemporaryFile("w+", encoding="utf-8") as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        errors = sum(1 for line in err if ": error[" in line)
    return Run(
        rows_,
        register.stat().st_size / 2**20,
        usage.ru_maxrss / 1024,
        seconds,
        child.returncode,
        errors,
    )


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", default="csv", help="csv, geojson, xlsx (comma-separated)")
    parser.add_argument("--format", default="jsonl", help="the output format (jsonl, csv, …)")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    say(f"python {sys.version.split()[0]}, output --format {args.format}, --jobs 1")
    say("| input | rows | file MB | peak RSS MB | seconds | rows/s | input errors | exit |")
    say("|---|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        for kind in args.inputs.split(","):
            runs = []
            for n in sizes:
                register = Path(folder) / f"register-{n}.{kind}"
                WRITERS[kind](register, n)
                run = measure(register, args.format, n)
                register.unlink()
                runs.append(run)
                say(
                    f"| {kind} | {run.rows:,} | {run.size_mb:.1f} | {run.peak_mb:.1f} | "
                    f"{run.seconds:.1f} | {run.rows / run.seconds:,.0f} | {run.errors:,} | "
                    f"{run.exit_code} |"
                )
            say(
                f"\n{kind}: peak RSS {runs[-1].rows:,} rows / {runs[0].rows:,} rows = "
                f"{runs[-1].peak_mb / runs[0].peak_mb:.3f}\n"
            )


if __name__ == "__main__":
    main()

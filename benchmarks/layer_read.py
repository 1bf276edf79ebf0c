"""Reading a GeoPackage register against the floors of the same run (issue 13 point 6).

Builds a layer of N features from examples/register.csv's rows (and the same rows as a CSV),
then, each in a fresh process for its peak memory, times:
  floor   pyogrio's raw.read of the layer in one call (GDAL alone, everything held)
  gpkg    landrules.registers.iter_register over the layer (batched, Items built)
  csv     the same over the CSV (today's register path)
and prints rows/s, the ratio of each to the floor, and peak RSS. Usage:
    python benchmarks/layer_read.py [--n 100000]
"""

from __future__ import annotations

import argparse
import csv
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def build(folder: Path, n: int) -> tuple[Path, Path]:
    from layer_fixtures import read_csv, write_layer

    header, rows = read_csv(ROOT / "examples" / "register.csv")
    many = [rows[i % len(rows)] for i in range(n)]
    gpkg = write_layer(folder / "宗地.gpkg", header, many, layer="宗地")
    table = folder / "台账.csv"
    with table.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(many)
    return gpkg, table


def _peak_mib() -> float:
    """This process's peak RSS (VmHWM: ru_maxrss would carry the parent's peak across exec)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(kind: str, path: str) -> None:
    """In a child process: time one reading, print `seconds peak_mib`."""
    start = time.perf_counter()
    if kind == "floor":
        from pyogrio import raw

        count = len(raw.read(path, return_fids=True, datetime_as_string=True)[1])
    else:
        from landrules.registers import iter_register

        count = sum(1 for _ in iter_register(Path(path), notices=lambda _: None))
    seconds = time.perf_counter() - start
    peak = _peak_mib()
    print(f"{seconds} {peak} {count}")  # noqa: T201


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--child", nargs=2)
    args = parser.parse_args()
    if args.child:
        measure(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        gpkg, table = build(Path(tmp), args.n)
        runs = {}
        for kind, path in (("floor", gpkg), ("gpkg", gpkg), ("csv", table)):
            out = subprocess.run(
                [sys.executable, __file__, "--child", kind, str(path)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.split()
            runs[kind] = (float(out[0]), float(out[1]), int(out[2]))
    floor = runs["floor"][0]
    for kind, (seconds, peak, count) in runs.items():
        print(  # noqa: T201
            f"{kind:6} {count:>8} rows  {count / seconds:>10,.0f} rows/s  "
            f"{seconds / floor:5.2f}x floor  peak {peak:6.1f} MiB"
        )


if __name__ == "__main__":
    main()

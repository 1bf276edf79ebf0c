"""`--format xlsx` next to `--format csv` on the same registers: time, and peak memory flat.

Issue 13, point 7: the workbook is written in openpyxl's write-only mode, so its peak memory must
not grow with the row count. Each run is `python -m landrules check REG --format F -o OUT
--jobs 1` in its own process; its peak resident set size comes from `os.wait4` (that child
only). The floor is the CSV result of the same register, measured in the same run.

    python benchmarks/xlsx_output.py                    # a CSV register of 10,000 and 100,000 rows
    python benchmarks/xlsx_output.py --inputs xlsx --sizes 10000,100000
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from register_memory import WRITERS, say  # noqa: E402

SIZES = (10_000, 100_000)


def measure(register: Path, fmt: str, out: Path) -> tuple[float, float, int]:
    """(peak RSS MB, seconds, exit code) of one check writing `out`."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    command = [sys.executable, "-m", "landrules", "check", str(register)]
    command += ["--format", fmt, "--output", str(out), "--jobs", "1"]
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    return usage.ru_maxrss / 1024, time.perf_counter() - start, os.waitstatus_to_exitcode(status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", default="csv", help="csv, geojson, xlsx (comma-separated)")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    say(f"python {sys.version.split()[0]}, --jobs 1")
    say("| input | rows | output | peak RSS MB | seconds | rows/s | output MB | exit |")
    say("|---|---:|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        for kind in args.inputs.split(","):
            peaks: dict[str, list[float]] = {"csv": [], "xlsx": []}
            times: dict[str, list[float]] = {"csv": [], "xlsx": []}
            for n in sizes:
                register = Path(folder) / f"register-{n}.{kind}"
                WRITERS[kind](register, n)
                for fmt in ("csv", "xlsx"):
                    out = Path(folder) / f"out.{fmt}"
                    peak, seconds, code = measure(register, fmt, out)
                    peaks[fmt].append(peak)
                    times[fmt].append(seconds)
                    size = out.stat().st_size / 2**20 if out.exists() else 0.0
                    say(
                        f"| {kind} | {n:,} | {fmt} | {peak:.1f} | {seconds:.1f} | "
                        f"{n / seconds:,.0f} | {size:.1f} | {code} |"
                    )
                    out.unlink(missing_ok=True)
                register.unlink()
            say("")
            for fmt in ("csv", "xlsx"):
                growth = peaks[fmt][-1] / peaks[fmt][0]
                say(f"{kind} → {fmt}: peak RSS {sizes[-1]:,} rows / {sizes[0]:,} = {growth:.3f}")
            ratio = times["xlsx"][-1] / times["csv"][-1]
            say(f"{kind}: xlsx / csv time at {sizes[-1]:,} rows = {ratio:.2f} (floor: csv)\n")


if __name__ == "__main__":
    main()

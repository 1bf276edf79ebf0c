"""What hostile parcel files cost `landrules check`: wall time and peak memory of the whole command.

Each input is written to a temporary folder and checked by `python -m landrules check FILE` in a
child process, three times; the table shows the slowest run and the largest peak resident memory
(`os.wait4` rusage of that child, so interpreter start-up and imports are included). The budget
is 1 s and 200 MB per file; the script exits 1 if any input is over it or is not refused with
its own error code.

    python benchmarks/hostile_inputs.py            # prints a markdown table (benchmarks/README.md)
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAD = 'schema_version: "1"\n'
BUDGET_S = 1.0
BUDGET_MB = 200.0
RUNS = 3


def say(text: str = "") -> None:
    sys.stdout.write(f"{text}\n")


def billion_laughs(path: Path) -> None:
    rows = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    rows += [
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def hundred_mb(path: Path) -> None:
    block = "  - use: production\n    floors:\n      - {area_m2: '1000', change: existing}\n"
    with path.open("w", encoding="utf-8") as f:
        f.write(HEAD + "buildings:\n")
        chunk, written = block * 10_000, 0
        while written < 100 * 1000 * 1000:
            f.write(chunk)
            written += len(chunk)


def deep(path: Path) -> None:
    path.write_text("[" * 10_000 + "]" * 10_000 + "\n", encoding="utf-8")


def ten_mb_string(path: Path) -> None:
    path.write_text(HEAD + "parcel:\n  name: " + "x" * 10_000_000 + "\n", encoding="utf-8")


def just_under_the_node_cap(path: Path) -> None:
    """The most refusals a file can ask the schema for under the default limits."""
    path.write_text(HEAD + "project:\n  works:\n" + "  - x\n" * 49_990, encoding="utf-8")


def just_under_the_byte_cap(path: Path) -> None:
    block = "  - use: production\n    floors:\n      - {area_m2: '1000', change: existing}\n"
    count = (10 * 1024 * 1024 - 200) // len(block)
    path.write_text(HEAD + "buildings:\n" + block * count, encoding="utf-8")


def normal(path: Path) -> None:
    path.write_bytes((ROOT / "examples" / "p1-applies-renovation.yaml").read_bytes())


# (label, writer, extra environment, expected error code or "" for a verdict)
CASES: list[tuple[str, Callable[[Path], None], dict[str, str], str]] = [
    ("a normal parcel file (baseline: start-up and imports)", normal, {}, ""),
    ("billion laughs (9 levels of 9 aliases: 387 M strings)", billion_laughs, {}, "anchor"),
    ("100 MB parcel file", hundred_mb, {}, "too-big"),
    ("10,000-deep nesting (libyaml)", deep, {}, "too-deep"),
    ("10,000-deep nesting (pure-Python parser)", deep, {"LANDRULES_YAML_PURE": "1"}, "too-deep"),
    ("10 MB string", ten_mb_string, {}, "too-long"),
    (
        "49,990 refused values (just under --max-nodes)",
        just_under_the_node_cap,
        {},
        "literal_error",
    ),
    ("10 MiB of buildings (just under --max-bytes)", just_under_the_byte_cap, {}, "too-many-nodes"),
]


def measure(path: Path, env: dict[str, str]) -> tuple[float, float, str]:
    """(seconds, peak MB, first stderr line) of one `landrules check` run."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", **env}
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "landrules", "check", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=full_env,
    )
    assert child.stderr is not None
    stderr = child.stderr.read()
    _, _, usage = os.wait4(child.pid, 0)
    child.returncode = 0  # reaped by wait4; keep Popen from waiting again
    seconds = time.perf_counter() - started
    peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    first = stderr.decode("utf-8", "replace").splitlines()[0] if stderr else ""
    return seconds, peak_mb, first


def main() -> int:
    say(f"{platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores; ")
    say(f"worst of {RUNS} runs of `python -m landrules check FILE`\n")
    say("| input | file size | error | time | peak memory |")
    say("|---|---:|---|---:|---:|")
    over = 0
    with tempfile.TemporaryDirectory() as tmp:
        for label, write, env, code in CASES:
            path = Path(tmp) / "input.yaml"
            write(path)
            size = path.stat().st_size
            runs = [measure(path, env) for _ in range(RUNS)]
            seconds = max(r[0] for r in runs)
            peak = max(r[1] for r in runs)
            first = runs[0][2]
            found = first.split("error[", 1)[1].split("]", 1)[0] if "error[" in first else ""
            ok = found == code and seconds <= BUDGET_S and peak <= BUDGET_MB
            over += not ok
            shown = f"`{found}`" if found else "verdict"
            mark = "" if ok else " **over budget or wrong code**"
            say(f"| {label} | {size:,} B | {shown} | {seconds:.2f} s | {peak:.0f} MB |{mark}")
            path.unlink()
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())

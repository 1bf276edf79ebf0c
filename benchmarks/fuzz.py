"""Long fuzz run of the parcel pipeline: bytes -> decode -> load -> validate -> evaluate -> JSON.

Each input i is made by tests/generators.py `any_input(random.Random(f"{seed}:{i}"))`, so any
input can be remade alone (`--replay i`) and a run is repeated exactly by its seed and count.
An input passes when it gives a verdict, or is refused with problems that each name the file, a
line, a column, a code and a message. Anything else (an escaped exception, an unlocated problem,
a verdict that differs on a second evaluation) is a failure, printed with its index.

    python benchmarks/fuzz.py                       # 100,000 inputs, seed 20190625, 2 processes
    python benchmarks/fuzz.py --count 1000000 --jobs 4 --seed 7
    python benchmarks/fuzz.py --replay 4242         # show input 4242 and what it gives

Results are recorded in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import sys
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import generators  # noqa: E402

FAMILIES = (
    "valid parcel",
    "damaged parcel",
    "damaged YAML text",
    "YAML token soup",
    "damaged example bytes",
    "random bytes",
)
DETERMINISM_EVERY = 10  # every 10th input is evaluated twice and the JSON compared


def say(text: str = "") -> None:
    sys.stdout.write(f"{text}\n")


def make(seed: int, index: int) -> tuple[str, bytes]:
    rng = random.Random(f"{seed}:{index}")
    family = FAMILIES[random.Random(f"{seed}:{index}").randrange(6)]
    return family, generators.any_input(rng)


def check_one(pack: Any, seed: int, index: int) -> tuple[str, str, str]:
    """(family, outcome, failure text): outcome is verdict | refused | failure."""
    family, raw = make(seed, index)
    try:
        found = generators.run_pipeline(pack, raw)
        if isinstance(found, list):
            bad = generators.unlocated(found, "fuzz.yaml")
            if not found or bad:
                return family, "failure", f"unlocated problems: {bad or 'none given'}"
            return family, "refused", ""
        if index % DETERMINISM_EVERY == 0:
            again = generators.run_pipeline(pack, raw)
            if json.dumps(found, ensure_ascii=False) != json.dumps(again, ensure_ascii=False):
                return family, "failure", "the second evaluation differs"
        return family, "verdict", ""
    except Exception:
        return family, "failure", traceback.format_exc(limit=-3)


def work(args: tuple[int, int, int, int]) -> dict[str, Any]:
    """Inputs start, start+step, … below count, in one process."""
    seed, start, step, count = args
    from landrules.api import load_rules

    pack = load_rules()
    tally: Counter[tuple[str, str]] = Counter()
    failures: list[tuple[int, str, str]] = []
    for index in range(start, count, step):
        family, outcome, text = check_one(pack, seed, index)
        tally[(family, outcome)] += 1
        if outcome == "failure" and len(failures) < 20:
            failures.append((index, family, text))
    return {"tally": tally, "failures": failures}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20190625)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--replay", type=int, help="show one input and its result")
    args = parser.parse_args()

    if args.replay is not None:
        from landrules.api import load_rules

        family, raw = make(args.seed, args.replay)
        say(f"input {args.replay} ({family}), {len(raw)} bytes:\n{raw!r}\n")
        found = generators.run_pipeline(load_rules(), raw)
        if isinstance(found, list):
            say("\n".join(p.render() for p in found))
        else:
            say(str([(p["id"], p["outcome"]) for p in found["provisions"]]))
        return 0

    started = time.perf_counter()
    chunks = [(args.seed, j, args.jobs, args.count) for j in range(args.jobs)]
    with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
        parts = pool.map(work, chunks)
    elapsed = time.perf_counter() - started

    tally: Counter[tuple[str, str]] = Counter()
    failures: list[tuple[int, str, str]] = []
    for part in parts:
        tally.update(part["tally"])
        failures.extend(part["failures"])
    total = sum(tally.values())
    say(f"seed {args.seed}: {total} inputs in {elapsed:.0f} s ({args.jobs} processes)\n")
    say("| family | inputs | verdict | refused (located) | failures |")
    say("|---|---:|---:|---:|---:|")
    for family in FAMILIES:
        row = [tally[(family, o)] for o in ("verdict", "refused", "failure")]
        say(f"| {family} | {sum(row)} | {row[0]} | {row[1]} | {row[2]} |")
    n_failed = sum(n for (_, outcome), n in tally.items() if outcome == "failure")
    say(f"\nescaped exceptions or unlocated problems: {n_failed}")
    for index, family, text in sorted(failures)[:20]:
        say(f"\n--- input {index} ({family}); replay with --replay {index}\n{text}")
    return 1 if n_failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Where a batch spends its time: µs per parcel for each stage, measured one item at a time.

    python benchmarks/stages.py                 # 10,000 YAML files and a 20,000-row CSV register
    python benchmarks/stages.py --n 2000 --rows 5000

The inputs are those of run.py (same generators, same seed). Each item goes through the stages a
batch runs, in-process and in order, so that nothing is kept between items (as in a real run; a
stage timed over a list of 10,000 parsed files would time the garbage collector too). Start-up is
not included. The CSafeLoader floor of run.py's (a) is printed beside the folder.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import yaml
from pydantic import ValidationError
from run import register_csv, yaml_folder

from landrules.api import decide_parcel, load_rules, parcel_from_document, read_parcel_document
from landrules.batch import Result, iter_items
from landrules.i18n import use_lang
from landrules.model.parcel import Parcel
from landrules.problems import InputError
from landrules.report.batch import render_line
from landrules.report.data import brief_record


def stages(pack: object, source: Path, fmt: str) -> tuple[dict[str, float], int]:
    """Seconds per stage over every item of `source`, and how many items there were."""
    spent: dict[str, float] = defaultdict(float)
    clock = time.perf_counter
    items = iter_items([source])
    count = 0
    while True:
        start = clock()
        item = next(items, None)
        read = clock()
        if item is None:
            break
        count += 1
        spent["listing files / reading register rows"] += read - start
        if item.problems:
            continue
        try:
            if item.data is None:
                document = read_parcel_document(item.source)
                loaded = clock()
                spent["reading + parsing a file (yamlio.load)"] += loaded - read
                parcel = parcel_from_document(document)
            else:
                loaded = clock()
                parcel = Parcel.model_validate(item.data)
        except (InputError, ValidationError):
            continue
        valid = clock()
        spent["validation"] += valid - loaded
        if fmt == "text":
            decided = decide_parcel(pack, parcel)
            done = clock()
            spent["flatten + derive + decide"] += done - valid
            render_line(Result(item, decided={k: v.value for k, v in decided.items()}))
            spent["rendering the line"] += clock() - done
        else:
            record = brief_record(pack, parcel, item.label)
            done = clock()
            spent["flatten + derive + decide + brief record"] += done - valid
            json.dumps(record, ensure_ascii=False)
            spent["json.dumps"] += clock() - done
    return spent, count


def floor(folder: Path) -> float:
    start = time.perf_counter()
    for path in sorted(folder.glob("*.yaml")):
        try:
            yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        except (yaml.YAMLError, ValueError):
            continue
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="YAML files (default 10,000)")
    parser.add_argument("--rows", type=int, default=20_000, help="register rows (default 20,000)")
    args = parser.parse_args()
    pack = load_rules()
    with tempfile.TemporaryDirectory() as tmp, use_lang("en"):
        folder = Path(tmp) / "parcels"
        folder.mkdir()
        yaml_folder(folder, args.n)
        register = Path(tmp) / "register.csv"
        register_csv(register, args.rows)
        runs = [
            (f"folder of {args.n:,} files, text", folder, "text"),
            (f"folder of {args.n:,} files, JSON Lines", folder, "jsonl"),
            (f"register of {args.rows:,} rows, JSON Lines", register, "jsonl"),
        ]
        for title, source, fmt in runs:
            start = time.perf_counter()
            spent, count = stages(pack, source, fmt)
            total = time.perf_counter() - start
            rows = [f"\n{title} (µs per item)\n", "| stage | µs |", "|---|---:|"]
            rows += [f"| {stage} | {sec / count * 1e6:.0f} |" for stage, sec in spent.items()]
            rows.append(f"| **total** | **{total / count * 1e6:.0f}** |")
            if source.is_dir():
                rows.append(f"| floor: CSafeLoader | {floor(source) / count * 1e6:.0f} |")
            sys.stdout.write("\n".join(rows) + "\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main()

"""Long fuzz run of the register readers: CSV, TSV, XLSX, JSON Lines and GeoJSON (issue 11).

Each input i is a small register made from random parcels (tests/generators.py) and saved as
people save them (UTF-8 with BOM and CRLF, GBK, UTF-16 with tabs, openpyxl workbooks), then
damaged the way files get damaged: stray quotes, lost or extra line ends, blank lines, keys
given twice, numbers in exponent form, cut-off files, flipped bytes. Input i is made by
`random.Random(f"{seed}:{i}")` alone, so any input can be remade (`--replay i`).

Every input must pass two checks:

* nothing escapes: reading the register and evaluating each row raise no exception, and each
  problem names a line, a code and a message;
* nothing is lost: every physical row is accounted for. For CSV and TSV each physical line
  after the header is the first line of exactly one row (a verdict or a located error), a line
  of a cell Excel wrote over several lines, or a line a blank-rows notice names; the header's
  own lines are exactly its cells' line breaks. XLSX: every sheet row as openpyxl counts them.
  JSON Lines: every line. GeoJSON: every feature, or an error saying where the reading stopped.
  A file refused whole (an encoding that cannot be read, no header) accounts for all its rows.

    python benchmarks/register_fuzz.py                  # 100,000 inputs, seed 20190625
    python benchmarks/register_fuzz.py --n 2000 --jobs 1
    python benchmarks/register_fuzz.py --replay 4242    # show input 4242 and what it gives

Results are recorded in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import multiprocessing
import random
import re
import sys
import tempfile
import time
import traceback
import zipfile
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import generators  # noqa: E402

FORMATS = ("csv", "tsv", "xlsx", "jsonl", "geojson")
WEIGHTS = (30, 15, 10, 25, 20)
FILE_REFUSALS = {
    "encoding",
    "empty",
    "unreadable",
    "bad-xlsx",
    "needs-openpyxl",
    "not-a-collection",
}
HEADER_REFUSALS = {"no-fields", "bad-header", "open-quote", "row-too-big", "too-many-cells"}
HEADER_REFUSALS |= {"cell-too-long", "csv", "xlsx-ratio", "xlsx-too-big", "xlsx-part-too-big"}
HEADER_REFUSALS |= {"xlsx-entries", "no-sheet"}
_BREAK = re.compile("\r\n|\r|\n")
_BREAK_BYTES = re.compile(b"\r\n|\r|\n")
REMARKS = ["无", "待核实", "重点项目", "见附件", "含逗号,的备注", "第一行\n第二行", '引号"内"', ""]
ODD = ['"', '"', '"', ",", "\t", "\n", "\r", "\r\n", "\u3000", "\xa0", "\x00", "\u2028", "；", "="]


def say(text: str = "") -> None:
    sys.stdout.write(f"{text}\n")


# --- inputs ------------------------------------------------------------------------------------


def flat_rows(rng: random.Random, n: int) -> tuple[list[str], list[list[Any]]]:
    """A header (field paths or default Chinese headers) and n rows of register cells."""
    from landrules.registers import REGISTER_FIELDS, record_as_row

    records = []
    for _ in range(n):
        data = generators.parcel_data(rng)
        data.pop("buildings", None)
        data.get("approvals", {}).pop("other", None)
        try:
            row = record_as_row(data)
        except (ValueError, AttributeError):
            row = None
        records.append(row or {"parcel.code": f"G{rng.randint(1, 999)}"})
    fields = [f for f in REGISTER_FIELDS if any(f in r for r in records)]
    fields = rng.sample(fields, k=min(len(fields), rng.randint(1, 12)))
    if "parcel.code" not in fields:
        fields.insert(0, "parcel.code")
    header = [_chinese(f) if rng.random() < 0.5 else f for f in fields]
    if rng.random() < 0.6:
        header.append("备注")
    if rng.random() < 0.05:
        header.append("用地面积\n（亩）")  # Alt+Enter in a header cell
    rows = []
    for r in records:
        cells: list[Any] = [
            ";".join(v) if isinstance(v := r.get(f, ""), list) else v for f in fields
        ]
        while len(cells) < len(header):
            roll = rng.random()
            if roll < 0.002:
                cells.append("长" * rng.choice([99_999, 100_001, 140_000]))  # at the cell cap
            elif roll < 0.004:
                cells.extend([""] * rng.choice([49_998, 50_001]))  # at the cells-per-row cap
            else:
                cells.append(rng.choice(REMARKS))
        rows.append(cells)
        if rng.random() < 0.05:
            rows.append([""] * len(header))  # a blank row
    return header, rows


_CHINESE: dict[str, str] = {}


def _chinese(field: str) -> str:
    if not _CHINESE:
        from landrules.registers import load_mapping

        for header, target in load_mapping().columns.items():
            if target is not None and target.unit is None:
                _CHINESE.setdefault(target.field.path, header)
    return _CHINESE.get(field, field)


def damage_text(rng: random.Random, text: str, delimiter: str = ",") -> str:
    """Stray quotes, lost and extra line ends, blank lines, odd characters, cut-off text."""
    for _ in range(rng.choice([0, 1, 1, 2, 3, 5])):
        if not text:
            break
        at = rng.randrange(len(text) + 1)
        kind = rng.random()
        if kind < 0.3:  # a stray quote at the start of a cell, or anywhere
            starts = [m.end() for m in re.finditer(re.escape(delimiter) + "|\n", text)]
            if starts and rng.random() < 0.7:
                at = rng.choice(starts)
            text = text[:at] + '"' + text[at:]
        elif kind < 0.45:
            text = text[:at] + rng.choice(ODD) + text[at:]
        elif kind < 0.55:
            text = text[:at] + text[at + rng.randint(1, 20) :]
        elif kind < 0.65:  # blank, whitespace-only or delimiter-only lines
            blank = rng.choice(["", " ", delimiter * rng.randint(1, 5), "\u3000"])
            text = text[:at] + "\r\n" + blank + "\r\n" + text[at:]
        elif kind < 0.75:  # a line duplicated or lost
            lines = text.split("\n")
            i = rng.randrange(len(lines))
            if rng.random() < 0.5:
                lines.insert(i, lines[i])
            elif len(lines) > 1:
                del lines[i]
            text = "\n".join(lines)
        elif kind < 0.8:
            text = text[:at]  # cut off
        elif kind < 0.9:  # a line end lost: two rows become one
            i = text.find("\n", at)
            if i >= 0:
                text = text[:i].rstrip("\r") + text[i + 1 :]
        else:
            text = text[:at] + generators.token_soup(rng)[:10] + text[at:]
    return text


def damage_json(rng: random.Random, text: str) -> str:
    """Keys twice, flat and nested spellings, numbers as written, then text damage."""
    for _ in range(rng.choice([0, 1, 2])):
        kind = rng.random()
        brace = [m.end() for m in re.finditer(r"\{", text)]
        if not brace:
            break
        at = rng.choice(brace)
        if kind < 0.3:
            key = rng.choice(["parcel.code", "宗地号", "parcel.land_area_m2", "x"])
            text = text[:at] + f'"{key}": "G{rng.randint(0, 9)}", ' + text[at:]
        elif kind < 0.5:
            text = (
                text[:at]
                + '"parcel": {"land_area_m2": "1"}, "parcel.land_area_m2": 2, '
                + text[at:]
            )
        elif kind < 0.8:
            number = rng.choice(
                ["1e4", "-0", "20000.000000000001", "NaN", "Infinity", "1e400", "9" * 5000, "0.1"]
            )
            text = text[:at] + f'"parcel.land_area_m2": {number}, ' + text[at:]
        else:
            text = text[:at] + '"parcel": {"parcel": {}}, ' + text[at:]
    return damage_text(rng, text) if rng.random() < 0.5 else text


def damage_bytes(rng: random.Random, raw: bytes) -> bytes:
    if raw and rng.random() < 0.08:
        return generators.damage_bytes(rng, raw)
    return raw


def make_csv(rng: random.Random, tabs: bool) -> tuple[str, bytes]:
    header, rows = flat_rows(rng, rng.randint(0, 25))
    delimiter = "\t" if tabs else ","
    out = io.StringIO()
    ends = ["\r\n", "\r\n", "\n", "\r"]  # "\r": classic Mac Excel
    writer = csv.writer(out, delimiter=delimiter, lineterminator=rng.choice(ends))
    writer.writerow(header)
    writer.writerows(rows)
    text = damage_text(rng, out.getvalue(), delimiter)
    if tabs:
        codec = rng.choice(["utf-16", "utf-8-sig", "utf-8"])
    else:
        codec = rng.choice(["utf-8-sig", "utf-8-sig", "utf-8", "gbk"])
    raw = text.encode(codec, errors="replace")
    return ".csv", damage_bytes(rng, raw)


def make_xlsx(rng: random.Random) -> tuple[str, bytes]:
    from openpyxl import Workbook

    header, rows = flat_rows(rng, rng.randint(0, 20))
    book = Workbook(write_only=True)
    book.properties.created = book.properties.modified = datetime(2019, 6, 25)  # same bytes
    sheet = book.create_sheet("宗地台账")
    sheet.append(header)
    for row in rows:
        cells: list[Any] = []
        for cell in row[:16_384]:  # Excel's last column
            roll = rng.random()
            if roll < 0.05:
                cells.append(None)
            elif roll < 0.1 and isinstance(cell, str) and cell.replace(".", "", 1).isdigit():
                cells.append(float(cell))  # a number Excel typed
            elif roll < 0.13:
                cells.append(date(2019, rng.randint(1, 12), rng.randint(1, 28)))
            elif roll < 0.2 and isinstance(cell, str):
                cells.append(damage_text(rng, cell))
            else:
                cells.append(cell)
        sheet.append([_xlsx_safe(c) for c in cells])
        if rng.random() < 0.05:
            sheet.append([])
    out = io.BytesIO()
    book.save(out)
    raw = _fixed_dates(out.getvalue())
    return ".xlsx", damage_bytes(rng, raw) if rng.random() < 0.3 else raw


def _fixed_dates(raw: bytes) -> bytes:
    """The workbook with its zip entries dated 2019-06-25, so an input is the same bytes in
    every run (openpyxl dates them now)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as z, zipfile.ZipFile(out, "w") as fixed:
        for info in z.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2019, 6, 25, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            data = z.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps "modified" on save
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2019-06-25T00:00:00Z", data)
            fixed.writestr(entry, data)
    return out.getvalue()


def _xlsx_safe(value: Any) -> Any:
    """openpyxl refuses control characters a worksheet cannot hold; Excel cannot type them."""
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _json_record(rng: random.Random, header: list[str], row: list[Any]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for key, value in zip(header, row, strict=False):
        if value == "" and rng.random() < 0.5:
            continue
        if rng.random() < 0.2 and isinstance(value, str) and value.isdigit() and len(value) < 12:
            record[key] = int(value)  # a number, as GIS layers store areas
        elif "." in key and rng.random() < 0.3:
            parent, leaf = key.split(".", 1)
            node = record.setdefault(parent, {})
            if isinstance(node, dict):  # nested, as the YAML is
                node[leaf] = value
        else:
            record[key] = value
    return record


def make_jsonl(rng: random.Random) -> tuple[str, bytes]:
    header, rows = flat_rows(rng, rng.randint(0, 25))
    lines = [
        json.dumps(_json_record(rng, header, r), ensure_ascii=rng.random() < 0.3) for r in rows
    ]
    text = damage_json(rng, "\n".join(lines) + rng.choice(["\n", "", "\r\n"]))
    return ".jsonl", damage_bytes(
        rng, text.encode(rng.choice(["utf-8", "utf-8", "utf-8-sig", "gbk"]), "replace")
    )


def make_geojson(rng: random.Random) -> tuple[str, bytes]:
    header, rows = flat_rows(rng, rng.randint(0, 20))
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [121.2 + rng.random(), 30.1]},
            "properties": _json_record(rng, header, r),
        }
        for r in rows
    ]
    layer = {"type": "FeatureCollection", "name": "宗地", "features": features}
    text = json.dumps(layer, ensure_ascii=rng.random() < 0.3, indent=rng.choice([None, 1]))
    text = damage_json(rng, text)
    return ".geojson", damage_bytes(rng, text.encode("utf-8"))


def make(seed: int, index: int) -> tuple[str, str, bytes]:
    """(format, suffix, bytes) of input `index`."""
    rng = random.Random(f"{seed}:{index}")
    kind = rng.choices(FORMATS, WEIGHTS)[0]
    if kind in ("csv", "tsv"):
        suffix, raw = make_csv(rng, kind == "tsv")
    elif kind == "xlsx":
        suffix, raw = make_xlsx(rng)
    elif kind == "jsonl":
        suffix, raw = make_jsonl(rng)
    else:
        suffix, raw = make_geojson(rng)
    return kind, suffix, raw


# --- checks ------------------------------------------------------------------------------------


def physical_rows(kind: str, path: Path, raw: bytes) -> int | None:
    """Rows in the file as its own format counts them (None: the file cannot say)."""
    if kind in ("csv", "tsv"):
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            try:
                text = raw.decode("utf-16")
            except UnicodeDecodeError:
                return None
            return len(_BREAK.findall(text)) + (1 if text and not _BREAK.match(text[-1]) else 0)
        n = len(_BREAK_BYTES.findall(raw))
        return n + (1 if raw and raw[-1:] not in (b"\r", b"\n") else 0)
    if kind == "jsonl":
        return raw.count(b"\n") + (1 if raw and not raw.endswith(b"\n") else 0)
    if kind == "xlsx":
        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
            sheet = book.worksheets[0]
            sheet.reset_dimensions()
            n = sum(1 for _ in sheet.iter_rows(values_only=True))
            book.close()
        except Exception:
            return None
        return n
    try:
        layer = json.loads(raw.decode("utf-8-sig"))
        return len(layer["features"])
    except Exception:
        return None


def breaks(values: Any) -> int:
    return sum(len(_BREAK.findall(v)) for v in values if isinstance(v, str))


def account(kind: str, items: list[Any], notices: list[Any], rows: int | None) -> str:
    """'' when every row is accounted for, else what is missing or counted twice."""
    from landrules.registers import SkippedRows

    if len(items) == 1 and items[0].data is None and items[0].raw is None:
        codes = {p.code for p in items[0].problems}
        if codes & FILE_REFUSALS or codes & HEADER_REFUSALS:
            return ""  # the file is refused as a whole, at its header or its first bad byte
    for i, item in enumerate(items):
        terminal = any("the rest of the file is not read" in p.message for p in item.problems)
        terminal = terminal or any(
            p.code == "bad-xlsx" and "past this row" in p.message for p in item.problems
        )
        if terminal and i != len(items) - 1:
            return f"a terminal error at {item.line} is not the last item"
    covered: Counter[int] = Counter()
    for item in items:
        span = 1
        if kind in ("csv", "tsv") and item.raw is not None:
            span += breaks(item.raw.values())
        for line in range(item.line, item.line + span):
            covered[line] += 1
    titles: set[int] = set()
    for notice in notices:
        if isinstance(notice, SkippedRows):
            for line in notice.lines or range(notice.line, notice.last + 1):
                covered[line] += 1
            if notice.code == "title-rows":
                titles.update(notice.lines)
    twice = sorted(line for line, n in covered.items() if n > 1)
    if twice:
        return f"lines counted twice: {twice[:5]}"
    if kind == "geojson":
        lines = sorted(covered)
        if lines != list(range(1, len(lines) + 1)):
            return f"features not consecutive: {lines[:10]}"
        last = items[-1] if items else None
        stopped = last is not None and any("not read" in p.message for p in last.problems)
        if rows is not None and not stopped and len(lines) != rows:
            return f"{len(lines)} features accounted for, the layer has {rows}"
        return ""
    if rows is None:
        return ""
    first = 1 if kind == "jsonl" else min(covered, default=rows + 1)
    if kind in ("csv", "tsv", "xlsx") and covered:
        # title rows above the header are named; the header follows the last of them
        body = [line for line in covered if line not in titles]
        top = max(titles, default=0)
        first = min(body, default=rows + 1)
        header_lines = first - 1 - top
        expect = 1
        if kind in ("csv", "tsv"):
            keyed = next((i for i in items if i.raw is not None), None)
            # with no row keeping its cells, the header cannot be measured
            expect = header_lines if keyed is None else 1 + breaks(keyed.raw.keys())
        if header_lines != expect:
            return f"the header took {header_lines} lines, its cells hold {expect}"
    last_item = items[-1] if items else None
    stopped_at = None
    if last_item is not None and any(
        p.code == "bad-xlsx" and "past this row" in p.message for p in last_item.problems
    ):
        stopped_at = last_item.line
    end = rows if stopped_at is None else stopped_at
    missing = [line for line in range(first, end + 1) if line not in covered]
    if missing:
        return f"{len(missing)} lines unaccounted for: {missing[:8]}"
    return ""


def check_one(pack: Any, folder: Path, seed: int, index: int) -> tuple[str, str, str]:
    """(format, outcome, failure text): outcome is read | refused | failure."""
    from landrules.batch import evaluate_item
    from landrules.registers import iter_register

    kind, suffix, raw = make(seed, index)
    path = folder / f"input-{index}{suffix}"
    path.write_bytes(raw)
    try:
        notices: list[Any] = []
        items = list(iter_register(path, notices=notices.append))
        for item in items:
            problems = list(item.problems)
            if item.data is not None and not item.problems:
                problems = evaluate_item(pack, item, record="outcomes").problems
            bad = [p for p in problems if not p.code or not p.message or p.line < 0]
            if bad:
                return kind, "failure", f"unlocated problems: {bad}"
        lost = account(kind, items, notices, physical_rows(kind, path, raw))
        if lost:
            return kind, "failure", lost
        refused = any(i.problems for i in items)
        return kind, "refused" if refused else "read", ""
    except Exception:
        return kind, "failure", traceback.format_exc(limit=-4)
    finally:
        path.unlink()


def work(args: tuple[int, int, int, int]) -> dict[str, Any]:
    """Inputs start, start+step, … below count, in one process."""
    seed, start, step, count = args
    from landrules.api import load_rules

    pack = load_rules()
    tally: Counter[tuple[str, str]] = Counter()
    failures: list[tuple[int, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="register-fuzz-") as tmp:
        for index in range(start, count, step):
            kind, outcome, text = check_one(pack, Path(tmp), seed, index)
            tally[(kind, outcome)] += 1
            if outcome == "failure" and len(failures) < 20:
                failures.append((index, kind, text))
    return {"tally": tally, "failures": failures}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="inputs (default 100,000)")
    parser.add_argument("--seed", type=int, default=20190625)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--replay", type=int, help="show one input and what it gives")
    args = parser.parse_args(argv)

    if args.replay is not None:
        from landrules.registers import iter_register

        kind, suffix, raw = make(args.seed, args.replay)
        say(f"input {args.replay} ({kind}), {len(raw)} bytes:\n{raw[:3000]!r}\n")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"replay{suffix}"
            path.write_bytes(raw)
            notices: list[Any] = []
            items = list(iter_register(path, notices=notices.append))
            for n in notices:
                say(n.render())
            for item in items:
                say(f"{item.line}: {[p.render() for p in item.problems] or item.raw}")
            say(account(kind, items, notices, physical_rows(kind, path, raw)) or "accounted")
        return 0

    started = time.perf_counter()
    chunks = [(args.seed, j, args.jobs, args.n) for j in range(args.jobs)]
    if args.jobs == 1:
        parts = [work(chunks[0])]
    else:
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
    say("| format | inputs | read | refused (located) | failures |")
    say("|---|---:|---:|---:|---:|")
    for kind in FORMATS:
        row = [tally[(kind, o)] for o in ("read", "refused", "failure")]
        say(f"| {kind} | {sum(row)} | {row[0]} | {row[1]} | {row[2]} |")
    n_failed = sum(n for (_, outcome), n in tally.items() if outcome == "failure")
    say(f"\nescaped exceptions, unlocated problems or rows unaccounted for: {n_failed}")
    for index, kind, text in sorted(failures)[:20]:
        say(f"\n--- input {index} ({kind}); replay with --replay {index}\n{text}")
    return 1 if n_failed else 0


if __name__ == "__main__":
    sys.exit(main())

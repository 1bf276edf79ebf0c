"""Register bombs (issue 11, point 6): each must be refused in about a second and 200 MB.

Each hostile register is built in a temporary folder, then checked by
`python -m landrules check FILE --format jsonl --jobs 1` in its own process; the process's wall
time and peak resident set size (`os.wait4`, that child's own rusage) are printed with its exit
status and first error line. Nothing here is a test: the figures go in benchmarks/README.md.

    python benchmarks/register_bombs.py
    python benchmarks/register_bombs.py --size 300     # MB of inflated or oversized data
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "LANG": "C.UTF-8"}
MB = 1 << 20
NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _workbook() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["宗地号", "用地面积"])
    sheet.append(["G1", 20000])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _repack(target: Path, name: str, chunks: Callable[[], object]) -> None:
    """An openpyxl workbook with part `name` streamed from `chunks()` (bytes pieces)."""
    with (
        zipfile.ZipFile(io.BytesIO(_workbook())) as z,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out,
    ):
        for info in z.infolist():
            if info.filename != name:
                out.writestr(info.filename, z.read(info.filename))
        with out.open(name, "w", force_zip64=True) as f:
            for piece in chunks():  # type: ignore[attr-defined]
                f.write(piece)


def sheet_bomb(path: Path, size: int) -> None:
    """One inline-string cell of `size` MB: a 1 MB file inflating to `size` MB."""

    def chunks() -> object:
        yield b'<?xml version="1.0"?><worksheet ' + NS + b'><sheetData><row r="1">'
        yield b'<c r="A1" t="inlineStr"><is><t>'
        block = b"A" * MB
        for _ in range(size):
            yield block
        yield b"</t></is></c></row></sheetData></worksheet>"

    _repack(path, "xl/worksheets/sheet1.xml", chunks)


def strings_bomb(path: Path, size: int) -> None:
    """Shared strings of `size` MB: openpyxl reads them whole before the first row."""

    def chunks() -> object:
        yield b'<?xml version="1.0"?><sst ' + NS + b">"
        block = b"<si><t>a</t></si>" * (MB // 17)
        for _ in range(size):
            yield block
        yield b"</sst>"

    _repack(path, "xl/sharedStrings.xml", chunks)


def jsonl_line(path: Path, size: int) -> None:
    with path.open("wb") as f:
        f.write(b'{"parcel.code": "G1", "x": "')
        block = b"y" * MB
        for _ in range(size):
            f.write(block)
        f.write(b'"}\n{"parcel.code": "G2"}\n')


def geojson_feature(path: Path, size: int) -> None:
    with path.open("wb") as f:
        f.write(b'{"type": "FeatureCollection", "features": [{"type": "Feature", ')
        f.write(b'"geometry": null, "properties": {"parcel.code": "G1", "x": "')
        block = b"y" * MB
        for _ in range(size):
            f.write(block)
        f.write(b'"}}]}')


def csv_line(path: Path, size: int) -> None:
    with path.open("wb") as f:
        f.write("宗地号,备注\r\nG1,".encode())
        block = b"y" * MB
        for _ in range(size):
            f.write(block)
        f.write(b"\r\nG2,ok\r\n")


def csv_cells(path: Path, size: int) -> None:
    with path.open("wb") as f:
        f.write("宗地号,备注\r\nG1".encode())
        f.write(b"," * (size * MB // 40))
        f.write(b"\r\nG2,ok\r\n")


def tiny_csv(path: Path, size: int) -> None:  # noqa: ARG001 - the floor: a two-row register
    path.write_bytes("宗地号,备注\r\nG1,ok\r\nG2,ok\r\n".encode())


CASES: dict[str, tuple[str, Callable[[Path, int], None]]] = {
    "floor: a two-row CSV (start-up, rule pack)": (".csv", tiny_csv),
    "xlsx: one sheet inflating to SIZE MB": (".xlsx", sheet_bomb),
    "xlsx: shared strings inflating to SIZE MB": (".xlsx", strings_bomb),
    "JSON Lines: one line of SIZE MB": (".jsonl", jsonl_line),
    "GeoJSON: one feature of SIZE MB": (".geojson", geojson_feature),
    "CSV: one line of SIZE MB": (".csv", csv_line),
    "CSV: one row of SIZE/40 M cells": (".csv", csv_cells),
}


def say(text: str) -> None:
    sys.stdout.write(f"{text}\n")
    sys.stdout.flush()


def run(path: Path) -> tuple[float, float, float, int, str]:
    """(wall seconds, CPU seconds, peak RSS MB, exit status, first error line) of checking `path`.

    CPU seconds (user + system, the child's own rusage) are what a quiet machine would take; the
    wall time on a shared machine also holds the time other processes had the cores."""
    command = [sys.executable, "-m", "landrules", "check", str(path), "-f", "jsonl", "-j", "1"]
    started = time.perf_counter()
    child = subprocess.Popen(
        command, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=path.parent
    )
    assert child.stderr is not None
    err = child.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    line = next((x for x in err.splitlines() if "error[" in x), err.splitlines()[0] if err else "")
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss / 1024, child.returncode, line[:150]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--size", type=int, default=300, help="MB of hostile data (default 300)")
    args = parser.parse_args()
    say("| bomb | file MB | wall s | CPU s | peak RSS MB | exit | first error |")
    say("|---|---:|---:|---:|---:|---:|---|")
    with tempfile.TemporaryDirectory(prefix="register-bombs-") as tmp:
        for name, (suffix, build) in CASES.items():
            size = 1024 if suffix == ".xlsx" else args.size  # a 1 GiB workbook bomb
            path = Path(tmp) / f"bomb{suffix}"
            build(path, size)
            seconds, cpu, rss, code, line = run(path)
            label = name.replace("SIZE", str(size))
            file_mb = path.stat().st_size / MB
            row = f"{file_mb:.1f} | {seconds:.2f} | {cpu:.2f} | {rss:.0f} | {code}"
            say(f"| {label} | {row} | `{line}` |")
            path.unlink()


if __name__ == "__main__":
    main()

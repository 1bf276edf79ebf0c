"""The load benchmark of `landrules serve` (issue 15, must-show 3): every figure beside its floor.

    python benchmarks/serve.py                 # the recorded run
    python benchmarks/serve.py --quick         # a fast look: fewer requests, 10,000 rows

Servers, each started as its own process on 127.0.0.1, on the same stack (uvicorn + Starlette,
one engine thread per worker; benchmarks/serve_apps.py):

* `landrules`: `python -m landrules serve --workers W`;
* `constant`: the same stack answering a constant ~35 kB JSON (the floor of the HTTP stack);
* `constant_fastapi`: the same on FastAPI, to see what FastAPI would cost;
* `regorus`, `regopy`: landrules' reading of the parcel, then benchmarks/policy.rego in OPA's
  embeddable engines (`pip install opa-eval regopy`; a variant whose engine is missing is
  skipped and said so).

The load comes from a second process (`--load`, raw HTTP/1.1 keep-alive connections over
loopback), bounded in requests and in seconds. Single parcels: the generated parcel files of
benchmarks/run.py (~2 % bad, answered 422 by the engines that read them), at 1 and 2 workers,
closed loop (C connections each sending its next request when answered): checks per second,
p50 and p99; then paced at a fixed rate (latency counted from each request's scheduled time, so
a slow server cannot hide its queue). Registers: a CSV of `--rows` rows (run.register_csv)
uploaded once to each server at 1 worker: rows per second and the server's peak RSS (VmHWM).
Nothing here is a test; CI never runs it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "LANG": "C.UTF-8"}
ENV.pop("LANDRULES_TOKEN", None)
PY = sys.executable
HOST = "127.0.0.1"


# ---------------------------------------------------------------------------------------------
# The load generator (a child process: `serve.py --load ...`)


async def _response(reader: asyncio.StreamReader) -> tuple[int, int]:
    """Status and body size of one HTTP/1.1 response (Content-Length or chunked)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in lines[1:] if h)}
    if "content-length" in headers:
        size = int(headers["content-length"])
        await reader.readexactly(size)
        return status, size
    size = 0
    while True:
        line = await reader.readuntil(b"\r\n")
        n = int(line.strip().split(b";")[0], 16)
        data = await reader.readexactly(n + 2)
        size += n
        if n == 0:
            return status, size
        del data


def _request(path: str, body: bytes, media: str) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: {media}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _closed(port: int, requests: list[bytes], n: int, conns: int, seconds: float) -> dict:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    failed = 0
    next_i = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal next_i, failed
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            while next_i < n and time.perf_counter() < deadline:
                i = next_i
                next_i += 1
                started = time.perf_counter()
                try:
                    writer.write(requests[i % len(requests)])
                    status, _ = await asyncio.wait_for(_response(reader), 30)
                except (OSError, asyncio.IncompleteReadError, ValueError, asyncio.TimeoutError):
                    failed += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection(HOST, port)
                    continue
                latencies.append(time.perf_counter() - started)
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(conns)))
    return _figures(latencies, statuses, failed, time.perf_counter() - started)


async def _paced(port: int, requests: list[bytes], n: int, conns: int, rate: float) -> dict:
    """N requests scheduled at `rate` per second over a pool of connections; each latency is
    counted from its scheduled time (queueing included)."""
    pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(conns):
        pool.put_nowait(await asyncio.open_connection(HOST, port))
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    failed = 0

    async def one(i: int, due: float) -> None:
        nonlocal failed
        reader, writer = await pool.get()
        try:
            writer.write(requests[i % len(requests)])
            status, _ = await asyncio.wait_for(_response(reader), 30)
            latencies.append(time.perf_counter() - due)
            statuses[status] = statuses.get(status, 0) + 1
            pool.put_nowait((reader, writer))
        except (OSError, asyncio.IncompleteReadError, ValueError, asyncio.TimeoutError):
            failed += 1
            writer.close()
            pool.put_nowait(await asyncio.open_connection(HOST, port))

    start = time.perf_counter() + 0.05
    tasks = []
    for i in range(n):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i, due)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    while not pool.empty():
        pool.get_nowait()[1].close()
    return _figures(latencies, statuses, failed, elapsed)


def _figures(latencies: list[float], statuses: dict, failed: int, seconds: float) -> dict:
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return 1000 * ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else 0.0

    return {
        "answered": len(latencies),
        "failed": failed + sum(v for k, v in statuses.items() if k >= 500),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "seconds": seconds,
        "per_second": len(latencies) / seconds if seconds else 0.0,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
    }


async def _upload(port: int, path: Path, media: str) -> dict:
    reader, writer = await asyncio.open_connection(HOST, port)
    size = path.stat().st_size
    head = (
        f"POST /v1/check/register HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: {media}\r\n"
        f"Accept: application/jsonl\r\nContent-Length: {size}\r\n\r\n"
    )
    started = time.perf_counter()
    writer.write(head.encode())
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            writer.write(chunk)
            await writer.drain()
    head_bytes = await reader.readuntil(b"\r\n\r\n")
    status = int(head_bytes.split()[1])
    lines = 0
    while True:
        line = await reader.readuntil(b"\r\n")
        n = int(line.strip().split(b";")[0], 16)
        data = await reader.readexactly(n + 2)
        lines += data.count(b"\n") - 1
        if n == 0:
            break
    seconds = time.perf_counter() - started
    writer.close()
    return {"status": status, "lines": lines, "seconds": seconds}


def load_main(args: argparse.Namespace) -> None:
    if args.register:
        result = asyncio.run(_upload(args.load, Path(args.register), "text/csv"))
    else:
        files = sorted(Path(args.bodies).glob("*.yaml"))
        requests = [_request("/v1/check", p.read_bytes(), "application/yaml") for p in files]
        if args.rate:
            coro = _paced(args.load, requests, args.requests, args.conns, args.rate)
        else:
            coro = _closed(args.load, requests, args.requests, args.conns, args.seconds)
        result = asyncio.run(coro)
    sys.stdout.write(json.dumps(result) + "\n")


# ---------------------------------------------------------------------------------------------
# The servers


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _command(kind: str, port: int, workers: int) -> list[str]:
    if kind == "landrules":
        return [PY, "-m", "landrules", "serve", "--port", str(port), "--workers", str(workers)]
    return [PY, str(HERE / "serve_apps.py"), kind, str(port), str(workers)]


@contextmanager
def server(kind: str, workers: int) -> Any:
    import urllib.request

    port = _free_port()
    process = subprocess.Popen(
        _command(kind, port, workers), env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{kind} exited: {process.stderr.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/readyz", timeout=1) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"{kind} did not become ready")
        time.sleep(0.1)
    try:
        yield port, process.pid
    finally:
        process.terminate()
        process.communicate(timeout=20)


def _peak_rss_mb(pid: int) -> float:
    """VmHWM of a process (with 1 worker uvicorn serves in the process it was started in)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def load(port: int, *extra: str) -> dict:
    done = subprocess.run(
        [PY, __file__, "--load", str(port), *extra],
        env=ENV,
        capture_output=True,
        text=True,
        check=True,
        timeout=3600,
    )
    return json.loads(done.stdout)


def available(kind: str) -> bool:
    modules = {"regorus": "opa_eval", "regopy": "regopy", "constant_fastapi": "fastapi"}
    if kind not in modules:
        return True
    import importlib.util

    return importlib.util.find_spec(modules[kind]) is not None


# ---------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--conns", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--rate", type=float, default=0.0)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--kinds", default="constant,constant_fastapi,landrules,regorus,regopy")
    parser.add_argument(
        "--register-kinds",
        default="constant,landrules,regorus",
        help="regopy decides ~40 rows/s here: 100,000 rows would take 40 minutes",
    )
    parser.add_argument("--load", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--bodies", default="", help=argparse.SUPPRESS)
    parser.add_argument("--register", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        load_main(args)
        return
    if args.quick:
        args.requests, args.rows, args.seconds = 1000, 10_000, 10.0
    from run import register_csv, yaml_folder

    kinds = [k for k in args.kinds.split(",") if k]
    missing = [k for k in kinds if not available(k)]
    kinds = [k for k in kinds if k not in missing]
    out = []
    out.append(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; load from a second process over loopback; "
        f"{args.conns} connections."
    )
    if missing:
        out.append(f"Skipped (engine not installed): {', '.join(missing)}.")
    with tempfile.TemporaryDirectory() as tmp:
        bodies = Path(tmp) / "parcels"
        bodies.mkdir()
        yaml_folder(bodies, 500)
        register = Path(tmp) / "register.csv"
        register_csv(register, args.rows)
        register_mb = register.stat().st_size / 1e6
        single: dict[tuple[str, int], dict] = {}
        for workers in (1, 2):
            for kind in kinds:
                with server(kind, workers) as (port, pid):
                    load(port, "--bodies", str(bodies), "--requests", "200", "--conns", "4")
                    before = _rss_mb(pid)
                    single[(kind, workers)] = load(
                        port,
                        "--bodies",
                        str(bodies),
                        "--requests",
                        str(args.requests),
                        "--conns",
                        str(args.conns),
                        "--seconds",
                        str(args.seconds),
                    )
                    single[(kind, workers)]["rss_mb"] = (before, _rss_mb(pid))
                sys.stderr.write(f"  {kind} ×{workers}: {single[(kind, workers)]}" + "\n")
        paced: dict[str, dict] = {}
        for kind in kinds:
            rate = args.rate or 0.5 * single[("landrules", 1)]["per_second"]
            n = max(200, int(rate * min(args.seconds, 10)))
            with server(kind, 1) as (port, _pid):
                load(port, "--bodies", str(bodies), "--requests", "200", "--conns", "4")
                paced[kind] = load(
                    port,
                    "--bodies",
                    str(bodies),
                    "--requests",
                    str(n),
                    "--conns",
                    str(args.conns),
                    "--rate",
                    f"{rate:.1f}",
                )
                paced[kind]["rate"] = rate
            sys.stderr.write(f"  {kind} paced: {paced[kind]}" + "\n")
        uploads: dict[str, dict] = {}
        for kind in [k for k in args.register_kinds.split(",") if k in kinds]:
            with server(kind, 1) as (port, pid):
                before = _rss_mb(pid)
                result = load(port, "--register", str(register))
                result["rss_before_mb"] = before
                result["peak_mb"] = _peak_rss_mb(pid)
                uploads[kind] = result
            sys.stderr.write(f"  {kind} register: {uploads[kind]}" + "\n")
    floor = {w: single[("constant", w)] for w in (1, 2)}
    out.append("")
    out.append("Single parcels, closed loop (POST /v1/check, one YAML parcel each):")
    out.append("")
    out.append(
        "| server | workers | checks/s | × floor | p50 ms | p99 ms | failed | statuses "
        "| RSS MB before → after |"
    )
    out.append("|---|---:|---:|---:|---:|---:|---:|---|---|")
    for workers in (1, 2):
        for kind in kinds:
            r = single[(kind, workers)]
            ratio = r["per_second"] / floor[workers]["per_second"]
            out.append(
                f"| {kind} | {workers} | {r['per_second']:,.0f} | {ratio:.2f} | "
                f"{r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['failed']} | {r['statuses']} | "
                + (f"{r['rss_mb'][0]:.1f} → {r['rss_mb'][1]:.1f} |" if workers == 1 else "— |")
            )
    out.append("")
    rate = next(iter(paced.values()))["rate"] if paced else 0
    out.append(f"Paced at {rate:,.0f} requests/s, 1 worker (latency from the scheduled time):")
    out.append("")
    out.append("| server | requests | p50 ms | p99 ms | failed |")
    out.append("|---|---:|---:|---:|---:|")
    for kind, r in paced.items():
        figures = f"{r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['failed']}"
        out.append(f"| {kind} | {r['answered']:,} | {figures} |")
    out.append("")
    mb = register_mb
    out.append(f"Register upload ({args.rows:,} CSV rows, {mb:.1f} MB), 1 worker:")
    out.append("")
    out.append(
        "| server | rows/s | × landrules single-parcel checks/s | seconds | RSS before MB "
        "| peak RSS MB | lines |"
    )
    out.append("|---|---:|---:|---:|---:|---:|---:|")
    per_parcel = single[("landrules", 1)]["per_second"]
    for kind, r in uploads.items():
        rows_s = args.rows / r["seconds"]
        out.append(
            f"| {kind} | {rows_s:,.0f} | {rows_s / per_parcel:.1f} | {r['seconds']:.1f} | "
            f"{r['rss_before_mb']:.1f} | {r['peak_mb']:.1f} | {r['lines']:,} |"
        )
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()

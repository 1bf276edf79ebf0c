"""The comparison servers of benchmarks/serve.py, on the stack `landrules serve` uses (uvicorn +
Starlette, one worker thread for the engine, the same body limit):

* `constant`: reads the body and answers a constant verdict-sized JSON: the floor of the stack;
* `constant_fastapi`: the same on FastAPI (what FastAPI would cost over Starlette);
* `regorus` / `regopy`: read the parcel exactly as landrules does (its YAML reader and schema,
  then the facts the pack reads, `run.plain_facts`), and decide it with benchmarks/policy.rego
  in OPA's embeddable engines; registers the same, row by row.

    python benchmarks/serve_apps.py KIND PORT [WORKERS]
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
LIMIT = 1024 * 1024
CONSTANT = json.dumps({"schema_version": 1, "constant": "x" * 30000}).encode() + b"\n"
"""About the size of a full verdict (~35 kB), so both answers cost the same bytes to send."""


async def _body(receive_stream: Any) -> bytes:
    parts, seen = [], 0
    async for chunk in receive_stream:
        seen += len(chunk)
        if seen > LIMIT:
            raise ValueError("too big")
        parts.append(chunk)
    return b"".join(parts)


async def _upload(request: Any) -> Path:
    fd, name = tempfile.mkstemp(suffix=".csv")
    with os.fdopen(fd, "wb") as out:
        async for chunk in request.stream():
            out.write(chunk)
    return Path(name)


def _starlette(check: Callable[[bytes], bytes], rows: Callable[[Path], Iterator[str]]) -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response, StreamingResponse
    from starlette.routing import Route

    pool = ThreadPoolExecutor(max_workers=1)

    async def one(request: Request) -> Response:
        raw = await _body(request.stream())
        body = await asyncio.get_running_loop().run_in_executor(pool, check, raw)
        return Response(body, media_type="application/json")

    async def register(request: Request) -> Response:
        path = await _upload(request)

        async def lines() -> AsyncIterator[bytes]:
            it = rows(path)
            loop = asyncio.get_running_loop()
            try:
                while True:
                    chunk = await loop.run_in_executor(pool, _take, it, 200)
                    if not chunk:
                        return
                    yield chunk.encode()
            finally:
                path.unlink(missing_ok=True)

        return StreamingResponse(lines(), media_type="application/jsonl")

    async def ready(request: Request) -> Response:  # noqa: ARG001
        return Response(b"{}", media_type="application/json")

    return Starlette(
        routes=[
            Route("/v1/check", one, methods=["POST"]),
            Route("/v1/check/register", register, methods=["POST"]),
            Route("/readyz", ready, methods=["GET"]),
        ]
    )


def _take(it: Iterator[str], n: int) -> str:
    parts = []
    for _ in range(n):
        try:
            parts.append(next(it))
        except StopIteration:
            break
    return "".join(parts)


def _constant_rows(path: Path) -> Iterator[str]:
    line = '{"constant": true}\n'
    with path.open("rb") as f:
        for _ in f:
            yield line


def constant() -> Any:
    return _starlette(lambda _raw: CONSTANT, _constant_rows)


try:  # FastAPI resolves a handler's annotations in the module's namespace
    from fastapi import Request as FastAPIRequest
except ImportError:
    FastAPIRequest = Any  # type: ignore[misc,assignment]


def constant_fastapi() -> Any:
    from fastapi import FastAPI
    from fastapi.responses import Response

    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    pool = ThreadPoolExecutor(max_workers=1)

    @app.post("/v1/check")
    async def one(request: FastAPIRequest) -> Response:
        raw = await _body(request.stream())
        body = await asyncio.get_running_loop().run_in_executor(pool, lambda: CONSTANT or raw)
        return Response(body, media_type="application/json")

    @app.get("/readyz")
    async def ready() -> Response:
        return Response(b"{}", media_type="application/json")

    return app


def _engine(kind: str) -> Callable[[dict[str, Any]], Any]:
    policy = HERE / "policy.rego"
    if kind == "regorus":
        import opa_eval

        engine = opa_eval.OpaEval(str(policy), query="data.cixi.verdict")
        return lambda doc: engine.evaluate_parsed(json.dumps(doc))
    import regopy

    interp = regopy.Interpreter()
    interp.add_module("cixi", policy.read_text(encoding="utf-8"))

    def evaluate(doc: dict[str, Any]) -> Any:
        interp.set_input_term(json.dumps(doc))
        return json.loads(str(interp.query("data.cixi.verdict")))

    return evaluate


def _rego_app(kind: str) -> Any:
    from run import _fact_names, plain_facts

    from landrules import yamlio
    from landrules.api import load_rules, parcel_from_document
    from landrules.evaluate import Context
    from landrules.facts import flatten
    from landrules.model.parcel import Parcel
    from landrules.problems import InputError

    pack = load_rules()
    names = _fact_names(pack)
    evaluate = _engine(kind)

    def decide(parcel: Any) -> Any:
        ctx = Context(flatten(parcel), pack.params)
        for name in names:
            ctx.get(name)
        return evaluate(plain_facts(ctx.facts, ctx.derived, names))

    def check(raw: bytes) -> bytes:
        try:
            doc = yamlio.load_bytes(raw, "<request>", keep_going=True)
            parcel = parcel_from_document(doc)
        except InputError as err:
            return json.dumps({"problems": [p.to_dict() for p in err.problems]}).encode()
        return json.dumps(decide(parcel), ensure_ascii=False).encode()

    def rows(path: Path) -> Iterator[str]:
        from pydantic import ValidationError

        from landrules.registers import iter_register

        for item in iter_register(path, notices=lambda _: None):
            if item.problems or item.data is None:
                yield json.dumps({"source": item.label, "errors": len(item.problems)}) + "\n"
                continue
            try:
                parcel = Parcel.model_validate(item.data)
            except ValidationError:
                yield json.dumps({"source": item.label, "errors": 1}) + "\n"
                continue
            yield json.dumps(decide(parcel), ensure_ascii=False) + "\n"

    return _starlette(check, rows)


def regorus() -> Any:
    return _rego_app("regorus")


def regopy() -> Any:
    return _rego_app("regopy")


if __name__ == "__main__":
    from landrules.serve.server import run  # the same start as `landrules serve`

    kind, port = sys.argv[1], int(sys.argv[2])
    workers = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    os.environ["PYTHONPATH"] = os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])
    run(f"serve_apps:{kind}", host="127.0.0.1", port=port, workers=workers)

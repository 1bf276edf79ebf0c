"""The Starlette application: routes, limits, the token, security headers and metrics.

Starlette rather than FastAPI: FastAPI's request validation and generated schema would answer
bad input with its own error shape, while every refusal here must be the located problems the
CLI prints, so it would add a layer and write nothing we keep (its measured overhead on a
constant answer is in benchmarks/README.md). The library runs on one worker thread per process
(`Worker`): the event loop stays free for health checks and uploads while a check runs, a check
that overruns its time limit is answered 503, and the library's per-process language is never
shared by two requests at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import os
import shutil
import tempfile
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from landrules.i18n import LANGS, Lang
from landrules.serve import service
from landrules.serve.config import ServeConfig
from landrules.serve.metrics import Metrics
from landrules.serve.problems import MEDIA_TYPE, Refusal, problem_body
from landrules.serve.words import w

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OPEN_PATHS = ("/healthz", "/readyz")
"""Answered without the token: probes must not need a secret."""
ROUTES = frozenset(
    (
        "/",
        "/healthz",
        "/readyz",
        "/metrics",
        "/openapi.json",
        "/v1/check",
        "/v1/check/register",
        "/v1/pack",
        "/v1/interview",
        "/v1/report",
    )
)


class Worker:
    """One thread that runs the library, one call at a time, each within a time limit."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="landrules")

    async def run(self, seconds: float, fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self.pool, lambda: fn(*args, **kw))
        try:
            return await asyncio.wait_for(future, seconds)
        except asyncio.TimeoutError:
            raise Refusal("time-limit", {"seconds": f"{seconds:g}"}) from None


def request_lang(request: Request, *, strict: bool = False) -> Lang:
    """`?lang=`, else the first of zh/en in Accept-Language, else English."""
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked  # type: ignore[return-value]
    if asked is not None and strict:
        raise Refusal(
            "invalid-query", {"name": "lang", "value": asked[:40], "why": w("query.lang", "en")}
        )
    accept = request.headers.get("accept-language", "").lower()
    for part in accept.split(","):
        tag = part.split(";")[0].strip()
        if tag.startswith("zh"):
            return "zh"
        if tag.startswith("en"):
            return "en"
    return "en"


def _as_of(request: Request, lang: Lang) -> date | None:
    value = request.query_params.get("as_of")
    if value is None:
        return None
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        why = w("query.as_of", lang)
        raise Refusal("invalid-query", {"name": "as_of", "value": value[:40], "why": why}) from None


def _media(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _charset(request: Request) -> str | None:
    """The body's `charset` parameter, if any (UTF-8 needs none)."""
    for param in request.headers.get("content-type", "").split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"')[:40]
            return None if charset.lower() in ("utf-8", "utf8") else charset
    return None


async def _body_chunks(request: Request, limit: int) -> AsyncGenerator[bytes, None]:
    """The body as it arrives, refused (413) as soon as it is over `limit`."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise Refusal("too-big", {"limit": limit})
    seen = 0
    async for chunk in request.stream():
        seen += len(chunk)
        if seen > limit:
            raise Refusal("too-big", {"limit": limit})
        yield chunk


async def _read_body(request: Request, limit: int, seconds: float) -> bytes:
    async def collect() -> bytes:
        return b"".join([chunk async for chunk in _body_chunks(request, limit)])

    try:
        return await asyncio.wait_for(collect(), seconds)
    except asyncio.TimeoutError:
        raise Refusal("time-limit", {"seconds": f"{seconds:g}"}) from None


class Service:
    """The endpoints, over one loaded rule pack."""

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.pack: Any = None
        self.worker = Worker()
        self.metrics = Metrics()
        self.uploads = ""
        """This process's own folder for uploads: each is removed when its answer is sent,
        and the folder (with anything a dropped connection left) when the server stops."""

    async def load(self) -> None:
        from landrules.api import load_rules

        self.pack = await asyncio.get_running_loop().run_in_executor(
            self.worker.pool, load_rules, self.config.rules
        )

    # -- probes and descriptions -------------------------------------------------------------

    async def healthz(self, request: Request) -> Response:  # noqa: ARG002 - route signature
        return JSONResponse({"status": "ok"})

    async def readyz(self, request: Request) -> Response:  # noqa: ARG002
        if self.pack is None:
            return JSONResponse({"status": "loading"}, status_code=503)
        meta = self.pack.meta
        return JSONResponse(
            {"status": "ready", "pack": {"id": meta.id, "version": meta.version}},
        )

    async def metrics_text(self, request: Request) -> Response:  # noqa: ARG002
        return Response(
            self.metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8"
        )

    async def openapi(self, request: Request) -> Response:  # noqa: ARG002
        from landrules.serve.openapi import document

        return JSONResponse(document())

    async def pack_info(self, request: Request) -> Response:  # noqa: ARG002
        data = await self.worker.run(self.config.time_limit, service.pack_info, self.pack)
        return JSONResponse(data)  # bilingual: every label holds zh and en

    # -- one parcel --------------------------------------------------------------------------

    async def check(self, request: Request) -> Response:
        lang = request_lang(request, strict=True)
        as_of = _as_of(request, lang)
        media = _media(request)
        if media not in service.JSON_TYPES + service.YAML_TYPES:
            allowed = ", ".join(service.JSON_TYPES + service.YAML_TYPES)
            raise Refusal("unsupported-media-type", {"allowed": allowed, "got": media or "-"})
        source = request.query_params.get("source") or service.SOURCE
        source = "".join(ch for ch in source[:200] if ch.isprintable())
        raw = await _read_body(request, self.config.max_body, self.config.time_limit)
        try:
            text, outcomes = await self.worker.run(
                self.config.time_limit,
                service.check_one,
                self.pack,
                raw,
                as_json=media in service.JSON_TYPES,
                lang=lang,
                as_of=as_of,
                source=source,
                encoding=_charset(request),
            )
        except Refusal as refusal:
            if refusal.kind == "invalid-input":
                self.metrics.input_error("check")
            raise
        self.metrics.outcome(outcomes)
        return Response(text.encode("utf-8"), media_type="application/json")

    async def interview(self, request: Request) -> Response:
        import json

        lang = request_lang(request, strict=True)
        if _media(request) not in service.JSON_TYPES:
            raise Refusal(
                "unsupported-media-type", {"allowed": "application/json", "got": _media(request)}
            )
        raw = await _read_body(request, self.config.max_body, self.config.time_limit)
        try:
            body = json.loads(raw)
        except (ValueError, RecursionError):
            body = None
        answers = body.get("answers") if isinstance(body, dict) else None
        if not isinstance(answers, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in answers.items()
        ):
            raise Refusal("bad-upload", {"why": 'send {"answers": {"fact": "answer", ...}}'})
        data = await self.worker.run(
            self.config.time_limit, service.interview, self.pack, answers, lang
        )
        return JSONResponse(data)

    # -- registers ---------------------------------------------------------------------------

    async def _upload(self, request: Request, lang: Lang) -> Path:
        """The upload in a temporary file the server names (only its suffix comes from the
        request, and only one of the register suffixes); refusals as problems."""
        media = _media(request)
        limit, seconds = self.config.max_register, self.config.register_time_limit
        if media == "multipart/form-data":
            try:
                return await asyncio.wait_for(self._multipart(request, limit, lang), seconds)
            except asyncio.TimeoutError:
                raise Refusal("time-limit", {"seconds": f"{seconds:g}"}) from None
        suffix = service.REGISTER_TYPES.get(media)
        if suffix is None:
            allowed = ", ".join(["multipart/form-data", *service.REGISTER_TYPES])
            raise Refusal("unsupported-media-type", {"allowed": allowed, "got": media or "-"})
        fd, name = tempfile.mkstemp(prefix="upload-", suffix=suffix, dir=self.uploads)
        try:
            with os.fdopen(fd, "wb") as out:

                async def copy() -> None:
                    async for chunk in _body_chunks(request, limit):
                        out.write(chunk)

                await asyncio.wait_for(copy(), seconds)
        except asyncio.TimeoutError:
            Path(name).unlink(missing_ok=True)
            raise Refusal("time-limit", {"seconds": f"{seconds:g}"}) from None
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise
        return Path(name)

    async def _multipart(self, request: Request, limit: int, lang: Lang) -> Path:
        from starlette.datastructures import UploadFile
        from starlette.formparsers import MultiPartException, MultiPartParser

        parser = MultiPartParser(
            request.headers, _body_chunks(request, limit), max_files=1, max_fields=8
        )
        try:
            form = await parser.parse()
        except MultiPartException:
            raise Refusal("bad-upload", {"why": w("upload.not_multipart", lang)}) from None
        try:
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise Refusal("bad-upload", {"why": w("upload.no_file", lang)})
            suffix = Path(upload.filename or "").suffix.lower()
            if suffix not in service.REGISTER_SUFFIXES:
                part_type = (upload.content_type or "").split(";")[0].strip().lower()
                suffix = service.REGISTER_TYPES.get(part_type, "")
            if not suffix:
                kinds = ", ".join(service.REGISTER_SUFFIXES)
                raise Refusal("bad-upload", {"why": w("upload.kind", lang, kinds=kinds)})
            fd, name = tempfile.mkstemp(prefix="upload-", suffix=suffix, dir=self.uploads)
            with os.fdopen(fd, "wb") as out:
                upload.file.seek(0)
                shutil.copyfileobj(upload.file, out)
            return Path(name)
        finally:
            await form.close()

    async def register(self, request: Request) -> Response:
        lang = request_lang(request, strict=True)
        as_of = _as_of(request, lang)
        accept = request.headers.get("accept", "*/*").lower()
        wanted = [a.split(";")[0].strip() for a in accept.split(",")]
        if XLSX in wanted:
            fmt, media = "xlsx", XLSX
        elif "text/csv" in wanted:
            fmt, media = "csv", "text/csv; charset=utf-8"
        elif any(
            a in ("application/jsonl", "application/x-ndjson", "*/*", "application/*", "")
            for a in wanted
        ):
            fmt, media = "jsonl", "application/jsonl; charset=utf-8"
        else:
            allowed = f"application/jsonl, text/csv, {XLSX}"
            raise Refusal("not-acceptable", {"allowed": allowed})
        path = await self._upload(request, lang)
        if fmt == "xlsx":
            return await self._workbook(path, lang, as_of)
        return StreamingResponse(self._stream(path, fmt, lang, as_of), media_type=media)

    async def _workbook(self, path: Path, lang: Lang, as_of: date | None) -> Response:
        """A workbook cannot be streamed row by row (a zip ends with its directory): it is
        written to a file first, in openpyxl's write-only mode, then sent and removed."""
        from starlette.background import BackgroundTask
        from starlette.responses import FileResponse

        target = path.with_name(path.stem + "-result.xlsx")

        def write() -> None:
            from landrules.i18n import use_lang

            with use_lang(lang):
                service.register_xlsx(self.pack, path, target, as_of=as_of, counted=self._count)

        try:
            await self.worker.run(self.config.register_time_limit, write)
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        finally:
            path.unlink(missing_ok=True)
        return FileResponse(
            target,
            media_type=XLSX,
            filename="landrules.xlsx",
            background=BackgroundTask(target.unlink, missing_ok=True),
        )

    async def _stream(self, path: Path, fmt: str, lang: Lang, as_of: date | None) -> Any:
        deadline = time.monotonic() + self.config.register_time_limit
        lines = service.register_lines(self.pack, path, fmt=fmt, as_of=as_of, counted=self._count)
        try:
            while True:
                left = deadline - time.monotonic()
                try:
                    if left <= 0:
                        raise Refusal("time-limit", {"seconds": self.config.register_time_limit})
                    chunk, done = await self.worker.run(left, _next_lines, lines, lang, 200)
                except Refusal as refusal:
                    if fmt == "jsonl":
                        yield problem_body(refusal, lang).replace(b"\n", b"") + b"\n"
                    return
                if chunk:
                    yield chunk.encode("utf-8")
                if done:
                    return
        finally:
            await self.worker.run(60, lines.close)
            path.unlink(missing_ok=True)

    def _count(self, result: Any) -> None:
        self.metrics.rows += 1
        if result.problems:
            self.metrics.input_error("register")
        else:
            self.metrics.outcome(result.outcomes)

    async def report(self, request: Request) -> Response:
        """A register upload → the HTML report of `landrules report` (for the page's form)."""
        lang = request_lang(request, strict=True)
        path = await self._upload(request, lang)
        try:
            html = await self.worker.run(
                self.config.register_time_limit, service.register_report, self.pack, path, lang
            )
        finally:
            path.unlink(missing_ok=True)
        return HTMLResponse(html, headers={"content-security-policy": _hashed_csp(html)})

    # -- the page ----------------------------------------------------------------------------

    async def page(self, request: Request) -> Response:
        from landrules.serve.page import render_page

        lang = request_lang(request)
        html = await self.worker.run(self.config.time_limit, render_page, lang, self.config)
        return HTMLResponse(html)


def _next_lines(lines: Any, lang: Lang, n: int) -> tuple[str, bool]:
    """Up to `n` more output lines of a register, in its request's language."""
    from landrules.i18n import use_lang

    parts: list[str] = []
    with use_lang(lang):
        for _ in range(n):
            try:
                parts.append(next(lines))
            except StopIteration:
                return "".join(parts), True
    return "".join(parts), False


def _hashed_csp(html: str) -> str:
    """The report is one self-contained file with its script and style inline: allow exactly
    those by their SHA-256, nothing else (no 'unsafe-inline')."""
    import base64
    import hashlib
    import re

    def hashes(tag: str) -> str:
        found = re.findall(rf"<{tag}>(.*?)</{tag}>", html, flags=re.S)
        return " ".join(
            "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
            for s in found
        )

    return (
        f"default-src 'none'; script-src {hashes('script') or chr(39) + 'none' + chr(39)}; "
        f"style-src {hashes('style') or chr(39) + 'none' + chr(39)}; img-src data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


class Guard:
    """Every response: security headers, the bearer token, metrics, and refusals as problems."""

    def __init__(self, app: ASGIApp, service_: Service) -> None:
        self.app = app
        self.service = service_
        self.token = (service_.config.token or "").encode("utf-8")
        self.cors = bool(service_.config.cors_origins)  # a preflight carries no credentials

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        path: str = scope["path"]
        route = path if path in ROUTES else "/static" if path.startswith("/static/") else "other"
        status = [500]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                if b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", CSP.encode()))
                headers.extend(SECURITY_HEADERS)
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                self.service.metrics.request(
                    scope["method"], route, status[0], time.perf_counter() - started
                )
            await send(message)

        preflight = self.cors and scope["method"] == "OPTIONS"
        if self.token and path not in OPEN_PATHS and not preflight and not self._authorised(scope):
            refusal = Refusal(
                "unauthorized", headers={"www-authenticate": 'Bearer realm="landrules"'}
            )
            response = _problem(Request(scope), refusal)
            await response(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)

    def _authorised(self, scope: Scope) -> bool:
        for name, value in scope.get("headers", []):
            if name == b"authorization":
                scheme, _, given = value.partition(b" ")
                return scheme.lower() == b"bearer" and hmac.compare_digest(
                    given.strip(), self.token
                )
        return False


def _problem(request: Request, refusal: Refusal) -> Response:
    lang = request_lang(request)
    body = problem_body(refusal, lang, instance=request.url.path)
    return Response(
        body, status_code=refusal.status, media_type=MEDIA_TYPE, headers=refusal.headers
    )


async def _on_refusal(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Refusal)
    return _problem(request, exc)


async def _on_http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    values = {"path": request.url.path[:200], "method": request.method}
    kind = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code)
    if kind is None:
        kind = "bad-upload"
        values = {"why": str(exc.detail)[:200]}
    headers = dict(exc.headers or {})
    return _problem(request, Refusal(kind, values, headers=headers))


async def _on_error(request: Request, exc: Exception) -> Response:  # noqa: ARG001
    return _problem(request, Refusal("internal"))


def create_app(config: ServeConfig | None = None) -> Starlette:
    """The application; uvicorn's workers call it with no argument and read `ServeConfig.ENV`."""
    config = config or ServeConfig.from_env()
    svc = Service(config)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:  # noqa: ARG001
        svc.uploads = tempfile.mkdtemp(prefix="landrules-serve-")
        try:
            await svc.load()
            yield
        finally:
            svc.worker.pool.shutdown(wait=False, cancel_futures=True)
            shutil.rmtree(svc.uploads, ignore_errors=True)

    routes = [
        Route("/", svc.page, methods=["GET"]),
        Route("/healthz", svc.healthz, methods=["GET"]),
        Route("/readyz", svc.readyz, methods=["GET"]),
        Route("/metrics", svc.metrics_text, methods=["GET"]),
        Route("/openapi.json", svc.openapi, methods=["GET"]),
        Route("/v1/check", svc.check, methods=["POST"]),
        Route("/v1/check/register", svc.register, methods=["POST"]),
        Route("/v1/pack", svc.pack_info, methods=["GET"]),
        Route("/v1/interview", svc.interview, methods=["POST"]),
        Route("/v1/report", svc.report, methods=["POST"]),
        Mount("/static", StaticFiles(packages=[("landrules.serve", "static")]), name="static"),
    ]
    handlers: dict[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
        Refusal: _on_refusal,
        HTTPException: _on_http,
        Exception: _on_error,
    }
    app = Starlette(routes=routes, exception_handlers=handlers, lifespan=lifespan)
    app.state.service = svc
    if config.cors_origins:
        from starlette.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(config.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["authorization", "content-type"],
        )
    app.add_middleware(Guard, service_=svc)
    return app

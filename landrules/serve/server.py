"""Run an application under uvicorn, in one process or several sharing one socket."""

from __future__ import annotations

import socket


def run(target: str, *, host: str, port: int, workers: int = 1) -> None:
    """Serve `target` ("module:factory") until interrupted.

    With several workers they accept on one socket made here, with TCP_NODELAY set on it (the
    connections it accepts inherit it), so an answer's head and body leave at once: uvicorn's
    own multi-worker start leaves it off, and every answer then waited ~40 ms for the client's
    delayed ACK (measured: 48 ms against 2 ms a request, benchmarks/README.md).
    """
    import uvicorn

    settings = uvicorn.Config(
        target,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        server_header=False,
        log_level="warning",
        timeout_graceful_shutdown=5,
    )
    if workers == 1:
        uvicorn.Server(settings).run()
        return
    from uvicorn.supervisors import Multiprocess

    listening = settings.bind_socket()
    if listening.family in (socket.AF_INET, socket.AF_INET6):
        listening.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    Multiprocess(settings, sockets=[listening]).run()

"""The `serve` command: check the options, then hand the application to uvicorn.

Starlette and uvicorn are imported here, inside the command, so no other command pays for them
(tests/test_cold_start.py); they come with `pip install 'landrules[serve]'`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from landrules.exitcodes import ExitCode
from landrules.i18n import resolve_lang


def _help(key: str) -> str:
    from landrules.serve.words import w

    return w(key, resolve_lang(os.environ.get("LANDRULES_LANG")))


def serve(
    host: Annotated[str, typer.Option("--host", help=_help("cli.help.host"))] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help=_help("cli.help.port"))
    ] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, help=_help("cli.help.workers"))] = 1,
    rules: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional on 3.10
        typer.Option("--rules", help=_help("cli.help.rules")),
    ] = None,
    token: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--token", envvar="LANDRULES_TOKEN", help=_help("cli.help.token")),
    ] = None,
    insecure: Annotated[bool, typer.Option("--insecure", help=_help("cli.help.insecure"))] = False,
    max_body: Annotated[
        int, typer.Option("--max-body", min=1, help=_help("cli.help.max_body"))
    ] = 1024 * 1024,
    max_register: Annotated[
        int, typer.Option("--max-register", min=1, help=_help("cli.help.max_register"))
    ] = 200 * 1024 * 1024,
    time_limit: Annotated[
        float, typer.Option("--time-limit", min=0.1, help=_help("cli.help.time_limit"))
    ] = 10.0,
    register_time_limit: Annotated[
        float,
        typer.Option("--register-time-limit", min=1, help=_help("cli.help.register_time_limit")),
    ] = 3600.0,
    cors: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--cors-origin", help=_help("cli.help.cors")),
    ] = None,
) -> None:
    """Serve checks over HTTP and the applicant's page (help text: cli.help)."""
    from landrules.serve.config import ENV, ServeConfig
    from landrules.serve.words import w

    lang = resolve_lang(os.environ.get("LANDRULES_LANG"))
    config = ServeConfig(
        host=host,
        port=port,
        workers=workers,
        rules=str(Path(rules).resolve()) if rules else None,
        token=token or None,
        insecure=insecure,
        max_body=max_body,
        max_register=max_register,
        time_limit=time_limit,
        register_time_limit=register_time_limit,
        cors_origins=tuple(cors or ()),
    )
    if not config.local_only and not config.token and not config.insecure:
        typer.echo(w("cli.needs_token", lang, host=host), err=True)
        raise typer.Exit(ExitCode.USAGE)
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as err:
        typer.echo(w("cli.missing_extra", lang, name=err.name), err=True)
        raise typer.Exit(ExitCode.USAGE) from None
    from landrules.api import load_rules
    from landrules.problems import RulePackError

    try:
        load_rules(config.rules)  # a broken pack is refused here, not in every worker
    except RulePackError as err:
        from landrules.cli import pack_unusable

        typer.echo(f"{err}\n{pack_unusable()}", err=True)
        raise typer.Exit(ExitCode.RULES_ERROR) from None
    os.environ[ENV] = config.to_env()  # uvicorn's worker processes read it (config.py)
    typer.echo(w("cli.listening", lang, host=host, port=port), err=True)
    from landrules.serve.server import run

    run("landrules.serve.app:create_app", host=host, port=port, workers=workers)


def register(app: typer.Typer) -> None:
    """Add `serve` to the main `landrules` app."""
    app.command(help=_help("cli.help"))(serve)

"""The command line: gather options, call the library, print, and choose the exit code.

No decisions are made here. Heavy modules (pydantic models, rich) are imported inside commands so
that `landrules --version` and `--help` stay instant.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from landrules import __version__
from landrules.exitcodes import ExitCode

app = typer.Typer(
    name="landrules",
    help="Explained verdicts on the Cixi industrial-land plot-ratio land-premium waiver "
    "(慈经信建〔2019〕13号 一(三), describing 慈政发〔2015〕40号).",
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
)


class Format(str, Enum):
    text = "text"
    json = "json"


class FailOn(str, Enum):
    does_not_apply = "does_not_apply"
    undetermined = "undetermined"
    needs_review = "needs_review"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"landrules {__version__}")
        raise typer.Exit(ExitCode.OK)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """landrules: does the Cixi plot-ratio waiver apply to a parcel, and why."""


def _fail(message: str, code: ExitCode) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


@app.command()
def check(
    paths: Annotated[list[Path], typer.Argument(help="Parcel YAML files.", show_default=False)],
    rules: Annotated[
        Optional[Path],  # noqa: UP045 - typer needs Optional on 3.10
        typer.Option("--rules", help="Rule pack folder (default: the shipped Cixi pack)."),
    ] = None,
    output_format: Annotated[
        Format, typer.Option("--format", "-f", help="Output format.")
    ] = Format.text,
    fail_on: Annotated[
        Optional[list[FailOn]],  # noqa: UP045
        typer.Option("--fail-on", help="Exit 1 if any provision has this outcome (repeatable)."),
    ] = None,
    encoding: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--encoding", help="Read parcel files in this encoding (default UTF-8)."),
    ] = None,
    traceback: Annotated[
        bool, typer.Option("--traceback", help="Show the Python traceback of an internal error.")
    ] = False,
) -> None:
    """Check parcel files against the rule pack and explain each provision's outcome."""
    try:
        code = _run_check(paths, rules, output_format, fail_on or [], encoding)
    except typer.Exit:
        raise
    except Exception as err:  # the one boundary where a bug becomes a message, not a traceback
        if traceback:
            raise
        raise _fail(
            f"landrules: internal error ({type(err).__name__}: {err}) while checking "
            f"{', '.join(map(str, paths))}. Please report it; rerun with --traceback to see more.",
            ExitCode.INTERNAL_ERROR,
        ) from None
    raise typer.Exit(code)


def _run_check(
    paths: list[Path],
    rules: Path | None,
    output_format: Format,
    fail_on: list[FailOn],
    encoding: str | None,
) -> ExitCode:
    from landrules.api import Verdict, check_file, load_rules
    from landrules.problems import InputError, RulePackError

    try:
        pack = load_rules(rules)
    except RulePackError as err:
        raise _fail(
            f"{err}\nlandrules: the rule pack cannot be used", ExitCode.RULES_ERROR
        ) from None
    verdicts: list[Verdict] = []
    input_errors = 0
    for path in paths:
        try:
            verdicts.append(check_file(pack, path, encoding=encoding))
        except InputError as err:
            input_errors += 1
            typer.echo(str(err), err=True)
    _print(verdicts, output_format, len(paths))
    if input_errors:
        return ExitCode.INPUT_ERROR
    wanted = {f.value for f in fail_on}
    if any(pv.outcome.value in wanted for v in verdicts for pv in v.provisions):
        return ExitCode.GATING
    return ExitCode.OK


def _print(verdicts: list, output_format: Format, inputs: int) -> None:
    if output_format is Format.json:
        import json

        from landrules.report.data import verdict_data

        if inputs == 1:
            payload: object = verdict_data(verdicts[0]) if verdicts else None
            if payload is None:
                return
        else:
            payload = [verdict_data(v) for v in verdicts]
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    from landrules.report.text import make_console, print_verdicts

    print_verdicts(verdicts, make_console(sys.stdout))


def main() -> None:
    """Entry point: answer `--version` before importing anything heavy."""
    if sys.argv[1:] in (["--version"], ["-V"]):
        sys.stdout.write(f"landrules {__version__}\n")
        return
    app(prog_name="landrules")

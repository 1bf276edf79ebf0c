"""The commands for rule-pack authors: `validate`, `test`, `schema` and `docs`.

Like `check`, each only gathers options, calls the library and prints; exit codes come from
`landrules.exitcodes`: 0 clean, 1 findings or failed tests (GATING), 2 usage, 4 no pack found.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from landrules.cli_lang import LangOption, chosen, help_text, settings
from landrules.exitcodes import ExitCode
from landrules.i18n import t, use_lang


class ReportFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"
    junit = "junit"
    sarif = "sarif"


def _write(output_format: ReportFormat, text: str) -> None:
    """Print a report; JSON and XML are escaped, not given look-alikes, on a legacy console."""
    from landrules.console import data_stream

    kind = {"json": "json", "sarif": "json", "junit": "xml"}.get(output_format.value)
    if kind is None:
        sys.stdout.write(text)
        return
    with data_stream(kind) as out:
        out.write(text)


RulesArg = Annotated[
    Optional[list[Path]],  # noqa: UP045 - typer needs Optional on 3.10
    typer.Argument(
        help=help_text("help.rules_arg"),
        show_default=False,
        readable=False,
    ),
]
FormatOption = Annotated[
    ReportFormat, typer.Option("--format", "-f", help=help_text("help.format"))
]


def _packs(rules: list[Path] | None) -> list[Path]:
    """Pack folders named by the arguments; without any, the one LANDRULES_RULES or the config
    file names, else the pack(s) here (never the shipped pack unasked). Exit 4 if none."""
    from landrules.config import from_env
    from landrules.rulepack import find_packs, packs_here

    if not rules:
        named = from_env("rules")
        configured = Path(named) if named else settings().rules
        if configured is not None:
            rules = [_shown(configured)]
        else:
            found_here = packs_here(Path())
            if not found_here:
                head = f".:0:0: error[no-pack] {t('cli.no_pack_here')}"
                typer.echo(t("problem.hint", head=head, hint=t("cli.hint.no_pack_here")), err=True)
                raise typer.Exit(ExitCode.RULES_ERROR)
            return found_here
    found: list[Path] = []
    for path in rules:
        packs = find_packs(path)
        if not packs:
            typer.echo(f"{path}:0:0: error[no-pack] {t('cli.no_pack')}", err=True)
            raise typer.Exit(ExitCode.RULES_ERROR)
        found.extend(p for p in packs if p not in found)
    return found


def _shown(path: Path) -> Path:
    """A folder as the user would type it: relative to the current folder when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def _say_pack(directory: Path, meta: Any, machine: bool) -> None:
    """Name the pack a run checked: first on stdout in text, on stderr in machine formats."""
    shown = str(directory) if str(directory) != "." else str(Path.cwd())
    if meta is None:
        line = t("cli.pack_checked_unread", path=shown)
    else:
        line = t("cli.pack_checked", id=meta.id, version=meta.version, path=shown)
    typer.echo(line, err=machine)


def validate(
    rules: RulesArg = None,
    output_format: FormatOption = ReportFormat.text,
    lang: LangOption = None,
) -> None:
    """Check rule packs without any parcel: every finding as file:line:col: severity[id] message.

    Exits 1 if any finding is an error (warnings alone exit 0). The checks and what each one
    looks for: docs/rules/checks.md.
    """
    with use_lang(chosen(lang)):
        from landrules.checks import findings
        from landrules.report.findings import RENDERERS
        from landrules.rulepack import read_pack

        problems = []
        suppressed = []
        files = 0
        for directory in _packs(rules):
            source = read_pack(directory)
            _say_pack(directory, source.meta, output_format is not ReportFormat.text)
            files += 1 + len(source.files)
            standing, silenced = findings(source)
            problems.extend(standing)
            suppressed.extend(silenced)
        _write(
            output_format, RENDERERS[output_format.value](problems, files, suppressed=suppressed)
        )
        errors = any(p.severity == "error" for p in problems)
        raise typer.Exit(ExitCode.GATING if errors else ExitCode.OK)


def test(
    rules: RulesArg = None,
    output_format: FormatOption = ReportFormat.text,
    min_coverage: Annotated[
        Optional[float],  # noqa: UP045
        typer.Option(
            "--min-coverage",
            min=0,
            max=100,
            envvar="LANDRULES_MIN_COVERAGE",
            help=help_text("help.test.min_coverage"),
        ),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Run each pack's tests (tests/*.yaml beside pack.yaml) and report condition coverage.

    Exits 1 if a test fails, a test file is invalid, or coverage is below --min-coverage. A pack
    that does not pass `landrules validate` cannot be tested (exit 4).
    """
    with use_lang(chosen(lang)):
        from landrules.problems import RulePackError
        from landrules.report.findings import TEST_RENDERERS, results_data
        from landrules.rulepack import load_pack
        from landrules.ruletests import run_pack

        if min_coverage is None:
            min_coverage = settings().min_coverage
        reports = []
        for directory in _packs(rules):
            try:
                pack = load_pack(directory)
            except RulePackError as err:
                typer.echo(f"{err}\n{t('cli.pack_unusable')}", err=True)
                raise typer.Exit(ExitCode.RULES_ERROR) from None
            _say_pack(directory, pack.meta, output_format is not ReportFormat.text)
            reports.append(run_pack(pack))
        data = results_data(reports, min_coverage)
        _write(output_format, TEST_RENDERERS[output_format.value](data))
        failed = data["summary"]["failed"] or data["problems"]
        low = min_coverage is not None and data["coverage"]["percent"] < min_coverage
        raise typer.Exit(ExitCode.GATING if failed or low else ExitCode.OK)


def schema(
    output: Annotated[
        Path, typer.Option("--output", "-o", help=help_text("help.schema.output"), readable=False)
    ] = Path("schemas"),
    check: Annotated[bool, typer.Option("--check", help=help_text("help.schema.check"))] = False,
    lang: LangOption = None,
) -> None:
    """Write JSON Schemas for parcel files, pack.yaml, provision files and test files.

    Editors that read `# yaml-language-server: $schema=...` then autocomplete fields and
    underline mistakes as you type.
    """
    with use_lang(chosen(lang)):
        from landrules import schemas

        if check:
            found = schemas.stale(output)
            for path in found:
                typer.echo(t("cli.stale_schema", path=path, output=output))
            raise typer.Exit(ExitCode.GATING if found else ExitCode.OK)
        from landrules.outputs import OutputError

        try:
            written = schemas.write(output)
        except OutputError as err:
            typer.echo(str(err), err=True)
            raise typer.Exit(ExitCode.OUTPUT_ERROR) from None
        for path, changed in written:
            typer.echo(t("cli.wrote" if changed else "cli.unchanged", path=path))


def docs(
    rules: RulesArg = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help=help_text("help.docs.output"), readable=False)
    ] = Path("docs/rules"),
    check: Annotated[bool, typer.Option("--check", help=help_text("help.docs.check"))] = False,
    lang: LangOption = None,
) -> None:
    """Render each pack as Markdown (<pack-id>.md: the clause, every condition with its quote,
    labels, how it is decided, its tests and coverage) and the validate checks (checks.md)."""
    with use_lang(chosen(lang)):
        from landrules.outputs import OutputError
        from landrules.problems import RulePackError
        from landrules.report.packdocs import checks_markdown, pack_markdown
        from landrules.rulepack import load_pack
        from landrules.ruletests import run_pack

        pages = {"checks.md": checks_markdown()}
        for directory in _packs(rules):
            try:
                pack = load_pack(directory)
            except RulePackError as err:
                typer.echo(f"{err}\n{t('cli.pack_unusable')}", err=True)
                raise typer.Exit(ExitCode.RULES_ERROR) from None
            pages[f"{pack.id}.md"] = pack_markdown(pack, run_pack(pack))
        stale = False
        try:
            _write_pages(pages, output, check, _packs(rules))
        except _Stale:
            stale = True
        except OutputError as err:
            typer.echo(str(err), err=True)
            raise typer.Exit(ExitCode.OUTPUT_ERROR) from None
        raise typer.Exit(ExitCode.GATING if stale else ExitCode.OK)


class _Stale(Exception):
    """`docs --check` found a page that differs (after naming every one)."""


def _write_pages(pages: dict[str, str], output: Path, check: bool, packs: list[Path]) -> None:
    """Write (or with `check`, compare) each page; a page is replaced whole, never over a file
    of a pack being documented."""
    from landrules.outputs import OutputError, atomic_output, ensure_writable

    stale = False
    if not check:
        try:
            output.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            from landrules.outputs import plain_reason

            raise OutputError(output, plain_reason(err)) from None
    for name, text in pages.items():
        path = output / name
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if check:
            if old != text:
                stale = True
                typer.echo(t("cli.stale_docs", path=path, output=output))
            continue
        if old != text:
            ensure_writable(path, folders=packs)
            with atomic_output(path, newline="") as f:
                f.write(text)
        typer.echo(t("cli.wrote" if old != text else "cli.unchanged", path=path))
    if stale:
        raise _Stale


def register(app: typer.Typer) -> None:
    """Add the rule-author commands to the main `landrules` app."""
    app.command(help=help_text("help.validate"))(validate)
    app.command(name="test", help=help_text("help.test"))(test)
    app.command(help=help_text("help.schema"))(schema)
    app.command(help=help_text("help.docs"))(docs)

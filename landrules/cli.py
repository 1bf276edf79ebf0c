"""The command line: gather options, call the library, print, and choose the exit code.

No decisions are made here. Heavy modules (pydantic models, rich) are imported inside commands so
that `landrules --version` and `--help` stay instant.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, NoReturn, Optional

import typer
import typer.main
from typer.core import TyperGroup

from landrules import __version__
from landrules.cli_lang import LangOption, chose_lang, chosen, help_text, settings
from landrules.exitcodes import ExitCode


class _Commands(TyperGroup):
    """`check` is built with the app; the other commands (`cli_rules`, `cli_explain`,
    `cli_serve`) are imported and built the first time another name is asked for or the commands
    are listed (help, completion, the suggestions for a typo), in the same order, so `check`
    skips their cost."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands:
            self._add_the_others()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: Any) -> list[str]:
        self._add_the_others()
        return super().list_commands(ctx)

    def _add_the_others(self) -> None:
        if LATER[0] in self.commands:
            return
        from landrules import cli_explain, cli_rules, cli_serve

        later = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
        cli_rules.register(later)
        cli_explain.register(later)
        cli_serve.register(later)
        for name, command in typer.main.get_group(later).commands.items():
            self.add_command(command, name)


LATER = ("validate", "test", "schema", "docs", "report", "ask", "new", "serve")
"""The commands `_Commands` adds on demand, after `check` (a test keeps this list true)."""

app = typer.Typer(
    name="landrules",
    help=help_text("help.app"),
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    cls=_Commands,
)


class Format(str, Enum):
    text = "text"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    geojson = "geojson"
    xlsx = "xlsx"
    gpkg = "gpkg"  # a GeoPackage layer (landrules/report/layer.py); needs --output
    github = "github"
    junit = "junit"
    sarif = "sarif"


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
        typer.Option("--version", callback=_version, is_eager=True, help=help_text("help.version")),
    ] = False,
) -> None:
    """Does the Cixi plot-ratio waiver apply to a parcel, and why (help text: help.app)."""


def pack_unusable() -> str:
    """The line after a rule pack's problems: no verdict can come from it."""
    from landrules.i18n import t

    return t("cli.pack_unusable")


def _fail(message: str, code: ExitCode) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


@app.command(help=help_text("help.check"))
def check(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help=help_text("help.check.paths"),
            show_default=False,
            readable=False,  # an unreadable file is a located input error, not a usage error
        ),
    ],
    rules: Annotated[
        Optional[Path],  # noqa: UP045 - typer needs Optional on 3.10
        typer.Option(
            "--rules", envvar="LANDRULES_RULES", help=help_text("help.check.rules"), readable=False
        ),
    ] = None,
    output_format: Annotated[
        Format, typer.Option("--format", "-f", help=help_text("help.format"))
    ] = Format.text,
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--output", "-o", help=help_text("help.check.output"), readable=False),
    ] = None,
    detail: Annotated[bool, typer.Option("--detail", help=help_text("help.check.detail"))] = False,
    brief: Annotated[bool, typer.Option("--brief", help=help_text("help.check.brief"))] = False,
    codes: Annotated[bool, typer.Option("--codes", help=help_text("help.check.codes"))] = False,
    exclude: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--exclude", help=help_text("help.check.exclude")),
    ] = None,
    mapping: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--mapping",
            envvar="LANDRULES_MAPPING",
            help=help_text("help.check.mapping"),
            readable=False,
        ),
    ] = None,
    header_row: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option("--header-row", min=1, help=help_text("help.check.header_row")),
    ] = None,
    max_errors: Annotated[
        int,
        typer.Option("--max-errors", min=0, help=help_text("help.check.max_errors")),
    ] = 5,
    sheet: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--sheet", help=help_text("help.check.sheet")),
    ] = None,
    fail_on: Annotated[
        Optional[list[FailOn]],  # noqa: UP045
        typer.Option("--fail-on", help=help_text("help.check.fail_on")),
    ] = None,
    encoding: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--encoding", envvar="LANDRULES_ENCODING", help=help_text("help.check.encoding")
        ),
    ] = None,
    jobs: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            "--jobs",
            "-j",
            min=0,
            envvar="LANDRULES_JOBS",
            help=help_text("help.check.jobs"),
            show_default=False,
        ),
    ] = None,
    max_bytes: Annotated[
        int,
        typer.Option(
            "--max-bytes",
            min=1,
            help=help_text("help.check.max_bytes"),
            rich_help_panel=help_text("help.check.limits_panel"),
        ),
    ] = 10 * 1024 * 1024,
    max_depth: Annotated[
        int,
        typer.Option(
            "--max-depth",
            min=1,
            help=help_text("help.check.max_depth"),
            rich_help_panel=help_text("help.check.limits_panel"),
        ),
    ] = 64,
    max_nodes: Annotated[
        int,
        typer.Option(
            "--max-nodes",
            min=1,
            help=help_text("help.check.max_nodes"),
            rich_help_panel=help_text("help.check.limits_panel"),
        ),
    ] = 50_000,
    max_scalar: Annotated[
        int,
        typer.Option(
            "--max-scalar",
            min=1,
            help=help_text("help.check.max_scalar"),
            rich_help_panel=help_text("help.check.limits_panel"),
        ),
    ] = 100_000,
    max_unzipped: Annotated[
        int,
        typer.Option(
            "--max-unzipped",
            min=1,
            help=help_text("help.check.max_unzipped"),
            rich_help_panel=help_text("help.check.limits_panel"),
        ),
    ] = 2048 * 1024 * 1024,
    max_ratio: Annotated[
        int,
        typer.Option(
            "--max-ratio",
            min=1,
            help=help_text("help.check.max_ratio"),
            rich_help_panel=help_text("help.check.limits_panel"),
        ),
    ] = 100,
    max_xlsx_part: Annotated[
        int,
        typer.Option(
            "--max-xlsx-part",
            min=1,
            help=help_text("help.check.max_xlsx_part"),
            rich_help_panel=help_text("help.check.limits_panel"),
        ),
    ] = 64 * 1024 * 1024,
    as_of: Annotated[
        Optional[datetime],  # noqa: UP045
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d"],
            help=help_text("help.check.as_of"),
        ),
    ] = None,
    traceback: Annotated[
        bool, typer.Option("--traceback", help=help_text("help.check.traceback"))
    ] = False,
    lang: LangOption = None,
) -> None:
    """Check parcels against the rule pack and explain each provision's outcome."""
    from landrules.i18n import use_lang

    args = locals()
    args["lang_chosen"] = chose_lang(lang)
    with use_lang(chosen(lang)):
        _check(_with_settings(args))


def _with_settings(args: dict[str, Any]) -> dict[str, Any]:
    """Fill what neither a flag nor its environment variable gave from the config file."""
    config = settings()
    for name in ("rules", "mapping", "encoding", "jobs"):
        if args[name] is None:
            args[name] = getattr(config, name)
    return args


def _check(args: dict[str, Any]) -> None:
    """`check` in the chosen language (`args`: the command's parameters)."""
    from landrules.i18n import t
    from landrules.inputs import RegisterLimits
    from landrules.yamlio import Limits

    paths, traceback = args["paths"], args["traceback"]
    max_bytes, max_depth = args["max_bytes"], args["max_depth"]
    max_nodes, max_scalar = args["max_nodes"], args["max_scalar"]
    as_of = args["as_of"]

    limits = Limits(
        max_bytes=max_bytes,
        max_depth=max_depth,
        max_nodes=max_nodes,
        max_scalar_chars=max_scalar,
    )
    options = CheckOptions(
        paths,
        args["rules"],
        args["output_format"],
        args["output"],
        args["detail"],
        args["exclude"] or [],
        args["mapping"],
        args["fail_on"] or [],
        args["encoding"],
        args["jobs"] or (os.cpu_count() or 1),
        limits,
        as_of=as_of.date() if as_of is not None else None,
        brief=args["brief"],
        codes=args["codes"],
        lang_chosen=args["lang_chosen"],
        header_row=args["header_row"],
        max_errors=args["max_errors"],
        sheet=args["sheet"],
        register_limits=RegisterLimits(  # a register row is a record: the same three caps
            max_record_bytes=max_bytes,
            max_cells=max_nodes,
            max_cell_chars=max_scalar,
            max_unzipped=args["max_unzipped"],
            max_ratio=args["max_ratio"],
            max_xlsx_part=args["max_xlsx_part"],
        ),
    )
    from landrules.outputs import OutputError

    try:
        code = _run_check(options)
    except typer.Exit:
        raise
    except BrokenPipeError:  # here, before click, which would turn it into exit 1
        _reader_left()
    except OutputError as err:  # the disk filled up, the file is held open…: plain words
        raise _fail(str(err), ExitCode.OUTPUT_ERROR) from None
    except Exception as err:  # the one boundary where a bug becomes a message, not a traceback
        if traceback:
            raise
        message = t(
            "cli.internal_error",
            error=f"{type(err).__name__}: {err}",
            paths=", ".join(map(str, paths)),
        )
        raise _fail(message, ExitCode.INTERNAL_ERROR) from None
    raise typer.Exit(code)


@dataclass(frozen=True)
class CheckOptions:
    paths: list[Path]
    rules: Path | None
    output_format: Format
    output: Path | None
    detail: bool
    exclude: list[str]
    mapping: Path | None
    fail_on: list[FailOn]
    encoding: str | None
    jobs: int
    limits: Any = None  # yamlio.Limits, imported lazily
    as_of: Any = None  # datetime.date from --as-of: picks the rule version in force
    brief: bool = False  # one parcel: only the summary lines, not the tree
    register_limits: Any = None  # inputs.RegisterLimits: caps on register rows and workbooks
    header_row: int | None = None  # --header-row: the registers' header row, no title search
    codes: bool = False  # --codes: machine names and codes in the added csv/xlsx/geojson columns
    lang_chosen: bool = False  # --lang, LANDRULES_LANG or the config file named the language
    max_errors: int = 5  # --max-errors: console errors of one column shown before grouping
    sheet: str | None = None  # --sheet: the workbook sheet to read

    @property
    def stdin(self) -> bool:
        """`check -`: one parcel file read from standard input."""
        return [str(p) for p in self.paths] == [STDIN]

    @property
    def one_parcel_file(self) -> bool:
        """A single YAML file gets the full tree (text) or a bare verdict object (json)."""
        from landrules.inputs import YAML_SUFFIXES

        (path, *more) = self.paths
        return (
            not more
            and (self.stdin or (not path.is_dir() and path.suffix.lower() in YAML_SUFFIXES))
            and self.output_format in (Format.text, Format.json)
        )


STDIN = "-"
STDIN_NAME = "<stdin>"
"""How a parcel read from standard input is named in its errors (`<stdin>:3:16: …`)."""


def _read_one(options: CheckOptions, pack: Any) -> tuple[Any, Any]:
    """(verdict, document) of the one parcel file, or of standard input for `check -`
    (raises InputError)."""
    from landrules.api import check_parcel, parcel_from_document, read_parcel_document
    from landrules.yamlio import DEFAULT_LIMITS, load_bytes

    limits = options.limits or DEFAULT_LIMITS
    if options.stdin:
        raw = sys.stdin.buffer.read(limits.max_bytes + 1)
        doc = load_bytes(raw, STDIN_NAME, encoding=options.encoding, limits=limits, keep_going=True)
    else:
        doc = read_parcel_document(options.paths[0], encoding=options.encoding, limits=limits)
    return check_parcel(pack, parcel_from_document(doc), doc.path), doc


def _run_check(options: CheckOptions) -> ExitCode:
    from landrules.api import load_rules
    from landrules.i18n import t
    from landrules.inputs import YAML_SUFFIXES
    from landrules.outputs import OutputError, ensure_writable
    from landrules.problems import RulePackError

    if STDIN in map(str, options.paths) and not options.stdin:  # `-` with other paths
        raise _fail(t("cli.stdin_alone"), ExitCode.USAGE)
    if options.output_format is Format.xlsx and options.output is None:
        raise _fail(t("cli.xlsx_needs_output"), ExitCode.USAGE)  # a zip to a terminal helps no one
    if options.output is not None:
        inputs = [*options.paths, *([options.mapping] if options.mapping else [])]
        try:
            ensure_writable(
                options.output,
                inputs,
                folders=[options.rules] if options.rules else [],
                read_in_folders=YAML_SUFFIXES,
            )
        except OutputError as err:
            raise _fail(str(err), ExitCode.OUTPUT_ERROR) from None
    try:
        pack = load_rules(options.rules)
    except RulePackError as err:
        message = f"{err}\n{pack_unusable()}"
        raise _fail(message, ExitCode.RULES_ERROR) from None
    pack.as_of = options.as_of  # every verdict from this pack is judged on it
    if options.one_parcel_file:
        return _check_one(pack, options)
    return _check_many(pack, options)


def _gating(options: CheckOptions, outcomes: Any) -> ExitCode:
    wanted = {f.value for f in options.fail_on}
    return ExitCode.GATING if wanted & set(outcomes) else ExitCode.OK


def _check_one(pack: Any, options: CheckOptions) -> ExitCode:
    from landrules.outputs import atomic_output
    from landrules.plausible import located
    from landrules.problems import InputError

    try:
        verdict, doc = _read_one(options, pack)
    except InputError as err:
        typer.echo(str(err), err=True)
        return ExitCode.INPUT_ERROR
    for warning in located(verdict, doc):  # valid but unlikely figures: a warning, no more
        typer.echo(warning.render(), err=True)
    data = "json" if options.output_format is Format.json else None
    with atomic_output(options.output, data=data) as out:
        if options.output_format is Format.json:
            import json

            from landrules.report.data import verdict_data

            out.write(json.dumps(verdict_data(verdict), ensure_ascii=False, indent=2) + "\n")
        else:
            from landrules.report.summary import summary_lines
            from landrules.report.text import write_verdicts

            out.write("".join(line + "\n" for line in summary_lines(verdict)))
            if not options.brief:
                out.write("\n")
                write_verdicts([verdict], out)
    return _gating(options, (pv.outcome.value for pv in verdict.provisions))


def _check_many(pack: Any, options: CheckOptions) -> ExitCode:
    from landrules.batch import Summary, iter_items, run_parallel
    from landrules.outputs import atomic_output
    from landrules.report.batch import RENDERERS, make_writer
    from landrules.report.data import pack_data
    from landrules.report.grouped import ErrorPrinter
    from landrules.report.progress import progress

    fmt = options.output_format.value
    summary = Summary([group[0].provision.id for group in pack.versions()])
    seen: set[str] = set()
    items = iter_items(
        options.paths,
        exclude=options.exclude,
        encoding=options.encoding,
        mapping=options.mapping,
        register_limits=options.register_limits,
        header_row=options.header_row,
        sheet=options.sheet,
    )
    tabular: dict[str, Any] = {}
    if fmt == "gpkg" and options.output is None:  # issue 13: a layer is a file, never stdout
        from landrules.i18n import t

        raise _fail(f"landrules: {t('layer.needs_output', format=fmt)}", ExitCode.USAGE)
    if options.output_format in (Format.csv, Format.geojson, Format.xlsx, Format.gpkg):
        from landrules.report.columns import MixedInputsError
        from landrules.report.tabular import Naming, writer_options

        try:
            tabular = writer_options(
                fmt,
                pack,
                options.paths,
                exclude=options.exclude,
                encoding=options.encoding,
                mapping=options.mapping,
                limits=options.register_limits,
                header_row=options.header_row,
                sheet=options.sheet,
            )
        except MixedInputsError as err:
            raise _fail(f"landrules: {err}", ExitCode.USAGE) from None  # message: report/columns.py
        if fmt != "gpkg":  # a layer's added fields keep their machine names (landrules_*)
            # A workbook is for the official: their language, even from the locale. CSV and
            # GeoJSON are read by programs too: their columns change language only when chosen.
            machine = options.output_format is not Format.xlsx and not options.lang_chosen
            naming = Naming("en", options.codes) if machine else Naming.chosen(options.codes)
            tabular["naming"] = naming
    if options.output_format is Format.xlsx:  # a zip the writer writes itself, by name
        from landrules.outputs import atomic_file

        assert options.output is not None
        tabular["shown"] = options.output
        opened: Any = atomic_file(options.output)
    elif fmt == "gpkg":  # GDAL writes the file: a temporary path, renamed when complete
        from landrules.report.layer import layer_output

        opened = layer_output(options.output)  # type: ignore[arg-type]
    else:
        newline = "" if options.output_format is Format.csv else None
        encoding = "utf-8-sig" if options.output_format is Format.csv else "utf-8"
        data = _DATA.get(options.output_format)
        opened = atomic_output(options.output, encoding=encoding, newline=newline, data=data)
    with opened as out:
        if fmt == "gpkg":
            from landrules.report.layer import LayerWriter

            writer: Any = LayerWriter(out, sys.stderr, **tabular)
        elif fmt in ("github", "junit", "sarif"):
            from landrules.report.checkci import CiWriter

            writer = CiWriter(fmt, out, frozenset(f.value for f in options.fail_on))
        else:
            writer = make_writer(fmt, out, sys.stderr, detail=options.detail, **tabular)
        writer.start(pack_data(pack))
        tree = options.detail and fmt == "text"  # the full tree of each parcel is printed
        results = run_parallel(
            pack,
            items,
            jobs=1 if tree else options.jobs,
            rules=options.rules,
            encoding=options.encoding,
            limits=options.limits,
            keep=tree,
            render=fmt if fmt in RENDERERS and not tree else None,
            record=_record(fmt, options.detail),
        )
        errors = ErrorPrinter(sys.stderr, options.max_errors)  # grouped per column for people
        try:
            for result in progress(results):
                summary.add(result)
                seen.update(result.outcomes.values())
                if result.problems or result.warnings:
                    errors.add([*result.problems, *result.warnings])
                writer.write(result)
        finally:  # interrupted or failed while writing: end the workers now, not at exit
            results.close()
            errors.close()
        writer.finish(summary)
    if summary.input_errors:
        return ExitCode.INPUT_ERROR
    return _gating(options, seen)


_DATA = {
    Format.json: "json",
    Format.jsonl: "json",
    Format.geojson: "json",
    Format.sarif: "json",
    Format.junit: "xml",
    Format.csv: "csv",
}
"""Machine-readable formats: on a legacy console they are escaped, never given look-alikes."""


def _record(fmt: str, detail: bool) -> str:
    """What each result carries (batch.RECORDS): a text line needs the outcomes; JSON, CSV,
    GeoJSON and XLSX the brief record, JSON the full one with --detail; CI findings quote the
    labels."""
    if fmt == "text":
        return "outcomes"
    if fmt in ("json", "jsonl"):
        return "full" if detail else "brief"
    return "brief" if fmt in ("csv", "geojson", "xlsx", "gpkg") else "full"


def main() -> None:
    """Entry point: answer `--version` before importing anything heavy."""
    from landrules.interrupts import Interrupted, install

    if sys.argv[1:] in (["--version"], ["-V"]):
        sys.stdout.write(f"landrules {__version__}\n")
        return
    from landrules.console import prepare_streams

    prepare_streams()  # a GBK or ASCII console gets stand-ins for the glyphs it lacks
    install()
    try:
        app(prog_name="landrules")
    except Interrupted as stop:  # Ctrl-C, SIGTERM, SIGHUP: the output and workers are cleaned up
        from landrules.i18n import t

        sys.stderr.write(t("cli.interrupted", signal=stop.name) + "\n")
        sys.exit(stop.exit_code)
    except BrokenPipeError:
        _reader_left()


def _reader_left() -> NoReturn:
    """`landrules check … | head`: the reader left; that is not an error. Standard output goes
    to the null device so the interpreter's last flush cannot fail again, and the run ends 0."""
    import os

    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(ExitCode.OK)

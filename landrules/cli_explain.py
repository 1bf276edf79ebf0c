"""The commands that explain and gather: `report`, `ask` and `new`.

Like `check`, each only gathers options, calls the library and prints. Registered on the main
app by `register`, as `cli_rules` does for the rule-author commands.
"""

from __future__ import annotations

import contextlib
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from landrules.exitcodes import ExitCode
from landrules.i18n import Lang, resolve_lang, t
from landrules.interrupts import Interrupted


def _help(key: str) -> str:
    """Help in the locale's language (`--lang` is not parsed yet when help is built)."""
    return t(key, resolve_lang(None))


class LangName(str, Enum):
    zh = "zh"
    en = "en"


class ReportFormat(str, Enum):
    html = "html"
    markdown = "markdown"


LangOpt = Annotated[
    Optional[LangName],  # noqa: UP045 - typer needs Optional on 3.10
    typer.Option("--lang", help=_help("api.help.lang"), show_default=False),
]
RulesOpt = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option("--rules", envvar="LANDRULES_RULES", help=_help("api.help.rules"), readable=False),
]


def _lang(option: LangName | None) -> Lang:
    """`--lang`, else LANDRULES_LANG, else the config file's, else the locale."""
    from landrules.cli_lang import LangChoice, chosen

    return chosen(LangChoice(option.value) if option is not None else None)


def _speaking(lang: Lang) -> Any:
    """Make messages built deep inside (input errors, summaries) follow `--lang` too."""
    from landrules import i18n

    use = getattr(i18n, "use_lang", None)
    return use(lang) if use is not None else contextlib.nullcontext(lang)


def _pack(rules: Path | None) -> Any:
    from landrules.api import load_rules
    from landrules.problems import RulePackError

    if rules is None:
        from landrules.cli_lang import settings

        rules = settings().rules
    try:
        return load_rules(rules)
    except RulePackError as err:
        typer.echo(f"{err}", err=True)
        raise typer.Exit(ExitCode.RULES_ERROR) from None


def report(
    paths: Annotated[
        list[Path],
        typer.Argument(help=_help("report.help.paths"), show_default=False, readable=False),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help=_help("report.help.output"), readable=False)
    ],
    output_format: Annotated[
        Optional[ReportFormat],  # noqa: UP045
        typer.Option("--format", "-f", help=_help("report.help.format"), show_default=False),
    ] = None,
    rules: RulesOpt = None,
    lang: LangOpt = None,
) -> None:
    """Write one self-contained report (HTML, or Markdown) of the verdicts on many parcels."""
    from landrules.outputs import OutputError

    language = _lang(lang)
    with _speaking(language):
        try:
            code = _report(paths, output, output_format, rules, language)
        except OutputError as err:
            typer.echo(str(err), err=True)
            code = ExitCode.OUTPUT_ERROR
    raise typer.Exit(code)


def _report(
    paths: list[Path], output: Path, fmt: ReportFormat | None, rules: Path | None, lang: Lang
) -> ExitCode:
    from landrules.batch import Summary, iter_items, run
    from landrules.inputs import YAML_SUFFIXES
    from landrules.outputs import atomic_output, ensure_writable
    from landrules.report.grouped import ErrorPrinter
    from landrules.report.html import Entry, Report, render_html
    from landrules.report.markdown import render_markdown

    folders = [rules] if rules else []
    ensure_writable(output, paths, folders=folders, read_in_folders=YAML_SUFFIXES)
    pack = _pack(rules)
    summary = Summary([group[0].provision.id for group in pack.versions()])
    entries: list[Entry] = []
    errors = ErrorPrinter(sys.stderr)  # grouped per column on the console; the report has each
    # the Verdict objects are what a report draws; no JSON record is built for them
    for result in run(pack, iter_items(paths), keep=True, record="outcomes"):
        summary.add(result)
        item = result.item
        problems = list(result.problems)
        entries.append(Entry(item.label, result.full, problems, item.geometry, item.data))
        errors.add(result.problems)
    errors.close()
    chosen = fmt or (
        ReportFormat.markdown
        if output.suffix.lower() in (".md", ".markdown")
        else ReportFormat.html
    )
    document = Report(pack, summary, entries, lang)
    text = render_markdown(document) if chosen is ReportFormat.markdown else render_html(document)
    with atomic_output(output) as out:
        out.write(text)
    typer.echo(t("report.written", lang, path=output), err=True)
    return ExitCode.INPUT_ERROR if summary.input_errors else ExitCode.OK


def ask(
    parcel: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Argument(help=_help("ask.help.parcel"), show_default=False, readable=False),
    ] = None,
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--output", "-o", help=_help("ask.help.output"), show_default=False, readable=False
        ),
    ] = None,
    rules: RulesOpt = None,
    lang: LangOpt = None,
) -> None:
    """Ask only the questions still needed to settle the provisions; write the completed parcel."""
    from landrules.outputs import OutputError

    language = _lang(lang)
    with _speaking(language):
        try:
            code = _ask(parcel, output, rules, language)
        except OutputError as err:
            typer.echo(str(err), err=True)
            code = ExitCode.OUTPUT_ERROR
    raise typer.Exit(code)


def _read_answer(prompt: str) -> str:
    typer.echo(prompt, nl=False)
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.rstrip("\n")


INTERRUPTED = 130
"""Exit status after Ctrl-C (128 + SIGINT), as shells report it."""


def _ask(parcel: Path | None, output: Path | None, rules: Path | None, lang: Lang) -> ExitCode:
    from landrules.api import parcel_from_document, read_parcel_document
    from landrules.interview import Interview, dump
    from landrules.problems import InputError

    pack = _pack(rules)
    data: dict[str, Any] = {"schema_version": "1"}
    text = dump(data)
    if parcel is not None:
        try:
            doc = read_parcel_document(parcel)
            parcel_from_document(doc)
        except InputError as err:
            typer.echo(str(err), err=True)
            return ExitCode.INPUT_ERROR
        assert isinstance(doc.data, dict)
        data, text = doc.data, doc.text
    interview = Interview(
        pack, data, lang, _read_answer, typer.echo, source=str(parcel or "<interview>")
    )
    target = output or parcel or Path("parcel.yaml")
    try:
        verdict = interview.run()
    except EOFError:
        typer.echo("")
        verdict = interview.verdict()
    except (KeyboardInterrupt, Interrupted) as stop:  # Ctrl-C, SIGTERM, a closed terminal:
        typer.echo("")  # keep what was answered, in a file of its own
        _keep_partial(interview, text, target, lang)
        if isinstance(stop, Interrupted):
            return stop.exit_code  # type: ignore[return-value]
        return INTERRUPTED  # type: ignore[return-value]
    written = _write(interview, text, target, lang)
    _verdict_lines(interview.verdict() if written else verdict, lang)
    if written:
        typer.echo(t("ask.full_reasoning", lang, command=_check_command(target, lang)))
    return ExitCode.OK


def _completed_text(interview: Any, text: str) -> str:
    """The file's own text with the answers written in by line (its comments kept), if that
    text loads as exactly the data that was judged; else the data dumped afresh."""
    from landrules import yamlio
    from landrules.answers import write_answers
    from landrules.interview import dump

    try:
        edited = write_answers(text, interview.answers)
        if yamlio.load_text(edited, "<ask>").data == interview.data:
            return edited
    except (ValueError, yamlio.InputError):
        pass
    return dump(interview.data)


def _write(interview: Any, text: str, target: Path, lang: Lang) -> bool:
    from landrules.outputs import atomic_output

    if target.exists():
        try:
            answer = _read_answer(t("ask.overwrite", lang, path=target))
        except (EOFError, KeyboardInterrupt, Interrupted):
            answer = ""
            typer.echo("")
        if answer.strip().lower() not in ("y", "yes", "是"):
            typer.echo(t("ask.not_written", lang))
            return False
    with atomic_output(target) as out:
        out.write(_completed_text(interview, text))
    typer.echo(t("ask.written", lang, path=target))
    return True


def _keep_partial(interview: Any, text: str, target: Path, lang: Lang) -> None:
    """After Ctrl-C: the answers given so far, written where nothing is replaced."""
    from landrules.outputs import atomic_output

    if not interview.answers:
        typer.echo(t("ask.interrupted_nothing", lang))
        return
    path, n = target, 1
    while path.exists():  # never replace a file (it may be the parcel being completed)
        suffix = ".partial" if n == 1 else f".partial-{n}"
        path = target.with_name(f"{target.stem}{suffix}{target.suffix or '.yaml'}")
        n += 1
    with atomic_output(path) as out:
        out.write(_completed_text(interview, text))
    count = len(interview.answers)
    typer.echo(t("ask.interrupted_written", lang, path=path, n=count))
    typer.echo(t("ask.resume", lang, command=_ask_command(path, lang)))


def _verdict_lines(verdict: Any, lang: Lang) -> None:
    """The summary lines, then any figure worth a second look (a warning, never a condition)."""
    from landrules.plausible import implausible
    from landrules.report.summary import summary_lines

    for line in summary_lines(verdict, lang):
        typer.echo(line)
    for name, message in implausible(verdict):
        typer.echo(t("ask.implausible", lang, field=name, message=message))


def _lang_flag(lang: Lang) -> str:
    from landrules.cli_lang import chosen

    return "" if chosen(None) == lang else f" --lang {lang}"


def _check_command(path: Path, lang: Lang) -> str:
    import shlex

    return f"landrules check {shlex.quote(str(path))}{_lang_flag(lang)}"


def _ask_command(path: Path, lang: Lang) -> str:
    import shlex

    return f"landrules ask {shlex.quote(str(path))}{_lang_flag(lang)}"


def new(
    path: Annotated[
        Path, typer.Argument(help=_help("new.help.path"), show_default=False, readable=False)
    ],
    force: Annotated[bool, typer.Option("--force", help=_help("new.help.force"))] = False,
    lang: LangOpt = None,
) -> None:
    """Write a parcel-file template with every field, commented with units and allowed values."""
    from landrules.outputs import OutputError, atomic_output
    from landrules.template import parcel_template, schema_reference

    language = _lang(lang)
    if path.exists() and not force:
        typer.echo(t("new.exists", language, path=path), err=True)
        raise typer.Exit(ExitCode.USAGE)
    schema, present = schema_reference(path)
    try:
        with atomic_output(path) as out:
            out.write(parcel_template(language, schema=schema))
    except OutputError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(ExitCode.OUTPUT_ERROR) from None
    typer.echo(t("new.written", language, path=path))
    if not present:  # the editor's first line names a schema still to be written
        typer.echo(t("new.no_schema", language, schema=schema))
    raise typer.Exit(ExitCode.OK)


def register(app: typer.Typer) -> None:
    """Add `report`, `ask` and `new` to the main `landrules` app."""
    app.command(help=_help("report.help"))(report)
    app.command(help=_help("ask.help"))(ask)
    app.command(help=_help("new.help"))(new)

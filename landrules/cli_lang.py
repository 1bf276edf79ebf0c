"""`--lang` for every command, and help texts from the catalogues in the locale's language.

Help is built when the CLI module is imported, before any option is parsed, so it follows the
locale (`LANG=zh_CN.UTF-8 landrules --help` is Chinese); the output follows `--lang`.
"""

from __future__ import annotations

import os
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from landrules.exitcodes import ExitCode
from landrules.i18n import LANGS, Lang, resolve_lang, t

if TYPE_CHECKING:
    from landrules.config import Config


class LangChoice(str, Enum):
    zh = "zh"
    en = "en"


def help_text(key: str) -> str:
    """A help string in the locale's language (`--lang` is not known yet when help is built)."""
    return t(key, resolve_lang(None))


def _localize_typer() -> None:
    """typer's own panel titles and markers ("Options", "[required]") in the locale's language.

    Set when typer imports its rich_utils, which it does only to print help or an error:
    importing it here cost ~50 ms (rich.markdown, rich.syntax, rich.traceback) on every run.
    """
    import sys

    module = sys.modules.get("typer.rich_utils")
    if module is not None:
        _set_titles(module)
    else:
        sys.meta_path.insert(0, _OnImport())


class _OnImport:
    """A one-shot import hook: load typer.rich_utils as usual, then set its titles."""

    def find_spec(self, fullname: str, path: Any, _target: Any = None) -> Any:
        if fullname != "typer.rich_utils":
            return None
        import sys
        from importlib.machinery import PathFinder

        sys.meta_path.remove(self)
        spec = PathFinder.find_spec(fullname, path)
        if spec is not None and spec.loader is not None:
            load = spec.loader.exec_module

            def exec_module(module: Any) -> None:
                load(module)
                _set_titles(module)

            spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _set_titles(rich_utils: Any) -> None:
    _flags_show_no_type()
    for name in (
        "ARGUMENTS_PANEL_TITLE",
        "OPTIONS_PANEL_TITLE",
        "COMMANDS_PANEL_TITLE",
        "ERRORS_PANEL_TITLE",
        "ABORTED_TEXT",
        "DEFAULT_STRING",
        "REQUIRED_LONG_STRING",
        "RICH_HELP",
    ):
        if hasattr(rich_utils, name):
            setattr(rich_utils, name, help_text(f"help.typer.{name.lower()}"))


def _flags_show_no_type() -> None:
    """typer's help panels print a type for every option, so flags read `--detail <bool>` as if
    they took a value; a flag (`--detail`, `--force`, `--help`) shows no type, as in plain help."""
    from typer.core import TyperOption

    shown = TyperOption.display_type_rich
    if getattr(shown, "landrules", False):
        return

    def display_type_rich(self: TyperOption, ctx: Any) -> str | None:
        return None if self.is_flag and not self.count else shown(self, ctx)

    display_type_rich.landrules = True  # type: ignore[attr-defined]
    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


_localize_typer()

LangOption = Annotated[
    Optional[LangChoice],  # noqa: UP045 - typer needs Optional on 3.10
    typer.Option("--lang", help=help_text("help.lang"), show_default=False),
]


def chosen(option: LangChoice | None) -> Lang:
    """The language of this run: `--lang`, else LANDRULES_LANG, else the config file's `lang`,
    else the locale."""
    if option is not None:
        return resolve_lang(option.value)
    env = os.environ.get("LANDRULES_LANG")
    if env in LANGS:
        return resolve_lang(env)
    return resolve_lang(settings().lang)


def chose_lang(option: LangChoice | None) -> bool:
    """Whether the user named the language (`--lang`, LANDRULES_LANG, the config file's `lang`)
    rather than leaving it to the locale."""
    return (
        option is not None
        or os.environ.get("LANDRULES_LANG") in LANGS
        or settings().lang is not None
    )


def settings() -> Config:
    """The config file's settings for this run (see `landrules.config`); a file that cannot be
    used stops the run with its located problems (exit 2, as a bad command line does)."""
    from landrules.config import ConfigError, current

    try:
        return current()
    except ConfigError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(ExitCode.USAGE) from None

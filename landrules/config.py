"""The config file: `.landrules.yaml`, or `[tool.landrules]` in pyproject.toml.

Found like ruff's: from the current folder upwards, the first folder holding either one wins (in
one folder `.landrules.yaml` before pyproject.toml; a pyproject.toml without `[tool.landrules]`
is passed over). What a run uses is, for each setting: the command-line flag, else its
environment variable (`LANDRULES_RULES`, …), else the config file, else the default.

Read only by the commands that need it, never at import (`landrules --version` reads nothing).
Paths in the file are relative to the file's folder. Every unknown key and bad value is a
located error with a hint (file:line:col in YAML; the key, and its line when found, in TOML).
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from landrules.i18n import t
from landrules.problems import InputError, Problem

YAML_FILE = ".landrules.yaml"
TOML_FILE = "pyproject.toml"
TABLE = "tool.landrules"

ENV = {
    "lang": "LANDRULES_LANG",
    "rules": "LANDRULES_RULES",
    "mapping": "LANDRULES_MAPPING",
    "encoding": "LANDRULES_ENCODING",
    "min-coverage": "LANDRULES_MIN_COVERAGE",
    "jobs": "LANDRULES_JOBS",
}
"""Each key and the environment variable that overrides it (the flag overrides both)."""


class ConfigError(InputError):
    """The config file cannot be used: an unknown key, a bad value, or bad syntax."""


@dataclass(frozen=True, slots=True)
class Config:
    """The settings of a config file; None where the file does not set them."""

    path: Path | None = None
    lang: str | None = None
    rules: Path | None = None
    mapping: Path | None = None
    encoding: str | None = None
    min_coverage: float | None = None
    jobs: int | None = None


NONE = Config()


def find(start: Path | None = None) -> Path | None:
    """The config file that applies in `start` (default: the current folder), or None."""
    folder = (start or Path.cwd()).absolute()
    for here in (folder, *folder.parents):
        candidate = here / YAML_FILE
        if candidate.is_file():
            return _near(candidate)
        candidate = here / TOML_FILE
        if candidate.is_file() and _toml_table(candidate) is not None:
            return _near(candidate)
    return None


def _near(path: Path) -> Path:
    """Relative to the current folder when inside it (as errors name it), else absolute."""
    try:
        return path.relative_to(Path.cwd().absolute())
    except ValueError:
        return path


def current(start: Path | None = None) -> Config:
    """The settings of the config file that applies here (all None when there is none)."""
    path = find(start)
    if path is None:
        return NONE
    if path.name == YAML_FILE:
        return _from_yaml(path)
    table = _toml_table(path)
    assert table is not None  # find() checked it
    return _from_toml(path, table)


# ---------------------------------------------------------------------------------------------
# Reading the two forms


def _toml_table(path: Path) -> dict[str, Any] | None:
    """`[tool.landrules]` of a pyproject.toml; None if absent. A file that mentions landrules
    but is not valid TOML is an error (it may be the config meant); one that does not is skipped
    without parsing."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if "landrules" not in text:
        return None
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        found = re.search(r"line (\d+), column (\d+)", str(err))
        line, col = (int(found[1]), int(found[2])) if found else (0, 0)
        message = t("config.bad_toml", error=str(err).split(" (at ")[0])
        where = str(_near(path))
        raise ConfigError([Problem(where, line, col, "config-syntax", message)]) from None
    tool = data.get("tool")
    table = tool.get("landrules") if isinstance(tool, dict) else None
    if table is None:
        return None
    if not isinstance(table, dict):
        line, col = _toml_line(text, None)
        message = t("config.not_a_table", table=TABLE)
        raise ConfigError([Problem(str(path), line, col, "config-syntax", message)])
    return table


def _toml_line(text: str, key: str | None) -> tuple[int, int]:
    """Where `[tool.landrules]` (key None) or one of its keys is written; (0, 0) if not found
    (a dotted or inline form): the message names the key either way."""
    lines = text.splitlines()
    header = re.compile(r"^\s*\[\s*tool\s*\.\s*landrules\s*\]")
    for i, line in enumerate(lines):
        if not header.match(line):
            continue
        if key is None:
            return i + 1, line.index("[") + 1
        name = re.escape(key)
        written = re.compile(rf"^(\s*)(\"{name}\"|'{name}'|{name})\s*=")
        for j in range(i + 1, len(lines)):
            if re.match(r"^\s*\[", lines[j]):
                break
            found = written.match(lines[j])
            if found:
                return j + 1, len(found[1]) + 1
    return 0, 0


def _from_toml(path: Path, table: dict[str, Any]) -> Config:
    text = path.read_text(encoding="utf-8")

    def where(key: str) -> tuple[int, int]:
        return _toml_line(text, key)

    return _settings(path, table, where, lambda key: f"{TABLE}.{key}")


def _from_yaml(path: Path) -> Config:
    from landrules import yamlio

    try:
        doc = yamlio.load(path)
    except InputError as err:
        raise ConfigError(err.problems) from None
    data = doc.data
    if data is None:
        return Config(path)
    if not isinstance(data, dict):
        message = t("config.not_a_mapping", keys=", ".join(KEYS))
        raise ConfigError([Problem(str(path), 1, 1, "config-syntax", message)])

    def where(key: str) -> tuple[int, int]:
        return yamlio.locate(doc, (key,), key=True)

    return _settings(path, data, where, str)


# ---------------------------------------------------------------------------------------------
# The keys and their values


def _text(value: Any) -> str:
    """TOML gives numbers and booleans, YAML (as landrules loads it) only text: compare as text."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, (str, int, float)):
        return str(value).strip()
    raise ValueError


def _lang(value: Any, _folder: Path) -> str:
    text = _text(value)
    if text not in ("zh", "en"):
        raise ValueError
    return text


def _folder_path(value: Any, folder: Path) -> Path:
    path = _path(value, folder)
    if not path.is_dir():
        raise FileNotFoundError(path)
    return path


def _file_path(value: Any, folder: Path) -> Path:
    path = _path(value, folder)
    if not path.is_file():
        raise FileNotFoundError(path)
    return path


def _path(value: Any, folder: Path) -> Path:
    text = _text(value)
    if not text or isinstance(value, (int, float)):
        raise ValueError
    path = Path(text).expanduser()
    return path if path.is_absolute() else folder / path


def _encoding(value: Any, _folder: Path) -> str:
    text = _text(value)
    try:
        codecs.lookup(text)
    except LookupError:
        raise ValueError from None
    return text


def _percent(value: Any, _folder: Path) -> float:
    number = float(_text(value).removesuffix("%"))
    if not 0 <= number <= 100:
        raise ValueError
    return number


def _jobs(value: Any, _folder: Path) -> int:
    text = _text(value)
    if not text.isdigit():
        raise ValueError
    return int(text)


KEYS: dict[str, tuple[str, Callable[[Any, Path], Any]]] = {
    "lang": ("lang", _lang),
    "rules": ("rules", _folder_path),
    "mapping": ("mapping", _file_path),
    "encoding": ("encoding", _encoding),
    "min-coverage": ("min_coverage", _percent),
    "jobs": ("jobs", _jobs),
}
"""Each key of the file: the `Config` field it sets and how its value is read."""


def _settings(
    path: Path,
    data: dict[Any, Any],
    where: Callable[[str], tuple[int, int]],
    shown: Callable[[str], str],
) -> Config:
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, value in data.items():
        name = str(key)
        line, col = where(name)
        if name not in KEYS:
            import difflib

            close = difflib.get_close_matches(name.replace("_", "-"), list(KEYS), n=1)
            hint = t("hint.did_you_mean", name=close[0]) if close else ""
            message = t("config.unknown_key", key=name, keys=", ".join(KEYS))
            problems.append(Problem(str(path), line, col, "config-key", message, shown(name), hint))
            continue
        field, read = KEYS[name]
        try:
            values[field] = read(value, path.parent)
        except FileNotFoundError as err:
            message = t(f"config.missing_{name}", path=err.args[0], value=value)
            hint = t("config.hint.relative", folder=path.parent.absolute())
            problems.append(
                Problem(str(path), line, col, "config-value", message, shown(name), hint)
            )
        except ValueError:
            shown_value = str(value).lower() if isinstance(value, bool) else repr(value)
            message = t("config.bad_value", value=shown_value)
            hint = t(f"config.hint.{name}")
            problems.append(
                Problem(str(path), line, col, "config-value", message, shown(name), hint)
            )
    if problems:
        raise ConfigError(problems)
    return Config(path, **values)


def from_env(key: str) -> str | None:
    """The environment variable that overrides `key`, if set and not empty."""
    return os.environ.get(ENV[key]) or None

"""Input paths: files as given, folders searched for parcel files, and what cannot be read.

Kept apart from `batch` so that laying out a results table (`report.columns`) needs no evaluation.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Iterator
from pathlib import Path

from landrules.inputs import YAML_SUFFIXES
from landrules.problems import Problem


def expand_paths(paths: Iterable[Path], exclude: Iterable[str] = ()) -> Iterator[Path]:
    """Files as given, and folders searched recursively for YAML files, sorted, minus exclusions.

    Only what can be read: what cannot (a named pipe, a broken link…) comes from `walk_inputs`.
    """
    return (found for found in walk_inputs(paths, exclude) if isinstance(found, Path))


def walk_inputs(paths: Iterable[Path], exclude: Iterable[str] = ()) -> Iterator[Path | Problem]:
    """Every input file, and a located problem for everything found that cannot be read.

    In a folder, a subfolder that cannot be listed, a `*.yaml` link that leads nowhere or in a
    circle, and a `*.yaml` that is not a regular file (a named pipe, a device) are problems, never
    silent skips; links to folders are followed (a link back to a folder above is a problem). A
    path given directly that is not a regular file is refused without being opened: opening a
    named pipe waits for a writer forever.
    """
    patterns = list(exclude)

    def excluded(path: Path, folder: Path | None = None) -> bool:
        """A glob matches the path as found, its name, or its path inside the folder given."""
        if not patterns:
            return False
        forms = [path.as_posix(), path.name]
        if folder is not None:
            forms.append(path.relative_to(folder).as_posix())
        return any(fnmatch.fnmatch(form, pat) for form in forms for pat in patterns)

    for path in paths:
        if path.is_dir():
            found = sorted(_walk(path), key=lambda pair: pair[0])
            yield from (p if q is None else q for p, q in found if not excluded(p, path))
        elif not excluded(path):
            problem = _not_a_file(path)
            yield path if problem is None else problem


def _walk(folder: Path) -> Iterator[tuple[Path, Problem | None]]:
    """(path, None) for each YAML file under `folder`, (path, problem) for what cannot be read."""
    import os

    stack: list[tuple[Path, tuple[str, ...]]] = [(folder, (os.path.realpath(folder),))]
    while stack:
        current, above = stack.pop()
        try:
            with os.scandir(current) as listing:
                entries = list(listing)
        except OSError as err:
            yield current, _problem(current, "unreadable-folder", err)
            continue
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir()  # through a link
            except OSError:
                is_dir = False
            if is_dir:
                real = os.path.realpath(path)
                if real in above:
                    yield path, _problem(path, "link-loop", None)
                else:
                    stack.append((path, (*above, real)))
            elif path.suffix.lower() in YAML_SUFFIXES:
                yield path, _not_a_file(path)


def _not_a_file(path: Path) -> Problem | None:
    """Why `path` cannot be read as a file, without opening it (None: read it, or let the
    reader say it is missing)."""
    import errno
    import stat

    try:
        mode = path.stat().st_mode
    except OSError as err:
        if err.errno == errno.ELOOP:
            return _problem(path, "link-loop", None)
        if err.errno == errno.ENOENT and path.is_symlink():
            return _problem(path, "broken-link", None)
        return None  # missing or unreadable: the reader names it with its own words
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    kind = "fifo" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode) else "device"
    return _problem(path, "not-a-file", None, kind)


def _problem(path: Path, code: str, err: OSError | None, kind: str = "") -> Problem:
    """A located problem about a file or folder that is found but cannot be read."""
    from landrules.i18n import t

    values: dict[str, str] = {}
    if code == "unreadable-folder":
        values["reason"] = (err.strerror if err is not None else "") or str(err)
    elif code == "broken-link":
        values["target"] = str(path.readlink())
    elif code == "not-a-file":
        values["kind"] = t(f"input.kind.{kind}")
    key = code.replace("-", "_")
    return Problem(str(path), 0, 0, code, t(f"input.{key}", **values), hint=t(f"input.hint.{key}"))

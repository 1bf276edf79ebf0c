"""Output files are replaced whole or not at all: a crash or Ctrl-C leaves the old file intact."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from landrules.problems import InputError, Problem


def ensure_writable(path: Path) -> None:
    """Refuse an output path that cannot be written, before any work is done."""
    folder = path.parent if str(path.parent) else Path()
    problem = ""
    if path.is_dir():
        problem = "is a folder"
    elif not folder.is_dir():
        problem = f"its folder {folder} does not exist"
    elif not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        problem = "is not writable"
    if problem:
        raise InputError(
            [Problem(str(path), 0, 0, "output", f"cannot write the output file: it {problem}")]
        )


@contextmanager
def atomic_output(
    path: Path | None,
    *,
    encoding: str = "utf-8",
    newline: str | None = None,
    data: str | None = None,
) -> Iterator[IO[str]]:
    """Write to a temporary file beside `path`, then rename it over `path` on success.

    A path that exists but is not a regular file (`/dev/null`, a named pipe) is written in place:
    renaming over it would replace the device or pipe with a file.
    """
    if path is None:  # `data` ("json", "xml", "csv"): no look-alike glyphs on a legacy console
        if data is None:
            yield sys.stdout
        else:
            from landrules.console import data_stream

            with data_stream(data) as stream:
                yield stream
        return
    if path.exists() and not path.is_file():
        with path.open("w", encoding=encoding, newline=newline) as stream:
            yield stream
        return
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline=newline) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

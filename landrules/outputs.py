"""Output files are replaced whole or not at all, and never replace an input.

A report is written to a temporary file beside its target and renamed over it only when complete,
so a crash, Ctrl-C, SIGTERM or a full disk leaves the old file as it was. Only portable calls are
used (`os.replace`, no `fork`, no signals): the same code runs on Windows.
"""

from __future__ import annotations

import errno
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any, cast

from landrules.problems import Problem


class OutputError(Exception):
    """The output cannot be written: located at the output path; the CLI exits with status 2."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(str(path), reason)
        self.path = str(path)
        self.reason = reason

    @property
    def problem(self) -> Problem:
        from landrules.i18n import t

        return Problem(self.path, 0, 0, "output", t("output.cannot_write", reason=self.reason))

    def __str__(self) -> str:
        return self.problem.render()


_PLAIN = {
    getattr(errno, name): key
    for name, key in (
        ("ENOSPC", "output.disk_full"),
        ("EDQUOT", "output.disk_full"),  # not on Windows
        ("EFBIG", "output.too_big"),
        ("EACCES", "output.denied"),
        ("EPERM", "output.denied"),
        ("EROFS", "output.read_only_disk"),
        ("EBUSY", "output.busy"),
        ("ETXTBSY", "output.busy"),
    )
    if hasattr(errno, name)
}


def plain_reason(err: OSError) -> str:
    """What went wrong, in words a clerk can act on (never the class name or a raw errno)."""
    from landrules.i18n import t

    key = _PLAIN.get(err.errno or 0)
    if key is None and isinstance(err, PermissionError):  # Windows: a file open elsewhere
        key = "output.denied"
    if key is not None:
        return t(key)
    return t("output.os_error", error=err.strerror or str(err))


def same_file(a: Path, b: Path) -> bool:
    """Do two paths name one file (a link, a hard link or another spelling counts)?"""
    try:
        return a.samefile(b)
    except (OSError, ValueError):
        return False


def _inside(path: Path, folder: Path) -> bool:
    try:
        Path(os.path.realpath(path)).relative_to(os.path.realpath(folder))
    except ValueError:
        return False
    return True


def input_it_would_replace(
    path: Path, inputs: Iterable[Path], read_in_folders: tuple[str, ...] | None = ()
) -> Path | None:
    """The input that `path` is (or is inside a folder input and would be read from), if any.

    `read_in_folders`: the suffixes read from a folder given as input (None: every file).
    """
    if not path.exists():
        return None
    for given in inputs:
        if given.is_dir():
            wanted = read_in_folders is None or path.suffix.lower() in read_in_folders
            if wanted and _inside(path, given):
                return given
        elif same_file(path, given):
            return given
    return None


def ensure_writable(
    path: Path,
    inputs: Iterable[Path] = (),
    *,
    folders: Iterable[Path] = (),
    read_in_folders: tuple[str, ...] = (),
) -> None:
    """Refuse an output path that cannot be written or is an input, before any work is done.

    `inputs`: the files and folders the run reads (folders: the files with `read_in_folders`
    suffixes inside them); `folders`: folders every file of which is read (a rule pack).
    """
    from landrules.i18n import t

    target = Path(os.path.realpath(path))  # a symbolic link is written through to its target
    folder = target.parent
    reason = ""
    clash = input_it_would_replace(path, inputs, read_in_folders) or input_it_would_replace(
        path, folders, None
    )
    if clash is not None:
        key = "output.in_input_folder" if clash.is_dir() else "output.is_input"
        reason = t(key, input=clash)
    elif target.is_dir():
        reason = t("output.is_folder")
    elif not folder.is_dir():
        shown = path.parent if str(path.parent) else Path()
        reason = t("output.no_folder", folder=shown if target == path.absolute() else folder)
    elif not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        reason = t("output.not_writable")
    if reason:
        raise OutputError(path, reason)


STDOUT = "<stdout>"
"""How standard output is named in an output error."""


class _Guarded:
    """The stream handed to the writer: an OSError while writing becomes an OutputError.

    Only errors of this stream are translated, so a failing *input* is never blamed on the output.
    """

    def __init__(self, stream: IO[str], path: Path | str) -> None:
        self._stream = stream
        self._path = path

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:  # `| head` left: cli.main ends quietly
            raise
        except OSError as err:
            raise self._failed(err) from None

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as err:
            raise self._failed(err) from None

    def _failed(self, err: OSError) -> OutputError:
        if self._path == STDOUT:  # what is still buffered would fail again at exit
            with suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return OutputError(self._path, plain_reason(err))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_output(
    path: Path | None,
    *,
    encoding: str = "utf-8",
    newline: str | None = None,
    data: str | None = None,
) -> Iterator[IO[str]]:
    """Write to a temporary file beside `path`, then rename it over `path` on success.

    A symbolic link is written through: its target is replaced and the link stays a link. The
    replaced file keeps its permissions; a new file gets the usual ones (0666 minus the umask),
    not the 0600 of a temporary file. A path that exists but is not a regular file (`/dev/null`,
    a named pipe) is written in place: renaming over it would replace the device or pipe.
    Any OSError of the output becomes an OutputError naming the file; the old file stays.
    """
    if path is None:  # a redirected standard output can fill a disk too
        if data is None:
            stdout = _Guarded(sys.stdout, STDOUT)
            yield cast(IO[str], stdout)
            stdout.flush()
            return
        # `data` ("json", "xml", "csv"): no look-alike glyphs on a legacy console
        from landrules.console import data_stream

        with data_stream(data) as stream:
            guarded = _Guarded(stream, STDOUT)
            yield cast(IO[str], guarded)
            guarded.flush()
        return
    target = Path(os.path.realpath(path))
    if target.exists() and not target.is_file():
        try:
            stream = target.open("w", encoding=encoding, newline=newline)
        except OSError as err:
            raise OutputError(path, plain_reason(err)) from None
        with stream:
            yield cast(IO[str], _Guarded(stream, path))
        return
    try:
        mode = target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~_umask()
        fd, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".partial"
        )
    except OSError as err:
        raise OutputError(path, plain_reason(err)) from None
    stream = os.fdopen(fd, "w", encoding=encoding, newline=newline)
    try:
        yield cast(IO[str], _Guarded(stream, path))
        try:
            stream.flush()
            os.fsync(stream.fileno())
            stream.close()
            Path(temporary).chmod(mode)
            Path(temporary).replace(target)
        except OSError as err:
            raise OutputError(path, plain_reason(err)) from None
    finally:
        if not stream.closed:
            with suppress(OSError):  # the buffer could not be written: the file goes anyway
                stream.close()
        Path(temporary).unlink(missing_ok=True)


@contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """`atomic_output` for a writer that needs a file name (a workbook is a zip it writes itself).

    Yields a temporary path beside `path`, renamed over it only when the block completes; the
    same rules as `atomic_output` (links written through, permissions kept, a device written in
    place, the old file kept on failure). The writer turns its own OSErrors into OutputErrors:
    only it can tell them from an input's.
    """
    target = Path(os.path.realpath(path))
    if target.exists() and not target.is_file():
        yield target
        return
    try:
        mode = target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~_umask()
        fd, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".partial"
        )
        os.close(fd)
    except OSError as err:
        raise OutputError(path, plain_reason(err)) from None
    try:
        yield Path(temporary)  # the writer names its own OSErrors (OutputError)
        try:
            with Path(temporary).open("rb+") as done:
                os.fsync(done.fileno())
            Path(temporary).chmod(mode)
            Path(temporary).replace(target)
        except OSError as err:
            raise OutputError(path, plain_reason(err)) from None
    finally:
        Path(temporary).unlink(missing_ok=True)

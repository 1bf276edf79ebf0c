"""A progress bar on stderr for long runs on a terminal; never in pipes, CI logs or NO_COLOR."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
_DELAY_S = 0.5


def wanted() -> bool:
    return (
        sys.stderr.isatty()
        and not os.environ.get("CI")
        and "NO_COLOR" not in os.environ
        and os.environ.get("TERM") != "dumb"
    )


def progress(results: Iterable[T]) -> Iterator[T]:
    """Pass results through; after half a second on a terminal, show a live count on stderr."""
    if not wanted():
        yield from results
        return
    started = time.monotonic()
    bar = None
    task = None
    try:
        for count, result in enumerate(results, 1):
            if bar is None and time.monotonic() - started > _DELAY_S:
                from rich.console import Console
                from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

                bar = Progress(
                    SpinnerColumn(),
                    TextColumn("{task.completed} parcels checked"),
                    TimeElapsedColumn(),
                    console=Console(stderr=True),
                    transient=True,
                )
                bar.start()
                task = bar.add_task("check", total=None)
            if bar is not None and task is not None:
                bar.update(task, completed=count)
            yield result
    finally:
        if bar is not None:
            bar.stop()

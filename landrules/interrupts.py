"""Ctrl-C, SIGTERM and SIGHUP end a run the same way: the previous output stays, workers end.

A supervisor (systemd, a CI runner, `kill PID`) stops a program with SIGTERM, and a closed
terminal sends SIGHUP. Python would die on the spot and leave the temporary output file and the
pool's workers behind, so each of these signals is turned into an `Interrupted` exception that
unwinds like Ctrl-C: `atomic_output` drops its temporary file, the process pool ends its workers,
and `cli.main` exits with 128 + the signal number (130, 143, 129), as a shell reports it.

Windows has no SIGHUP (and delivers SIGTERM only from within the process): the handlers are
installed for the signals the platform has.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

from landrules.exitcodes import INTERRUPTED_BASE

SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class Interrupted(BaseException):
    """A signal asked the run to stop. A BaseException, so no `except Exception` swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def exit_code(self) -> int:
        return INTERRUPTED_BASE + self.signum


_stopping = False


def _raise(signum: int, _frame: FrameType | None) -> None:
    """The first signal unwinds the run; any later one is ignored so the clean-up can finish."""
    global _stopping
    if _stopping:
        return
    _stopping = True
    raise Interrupted(signum)


def install() -> None:
    """Handle SIGINT, SIGTERM and SIGHUP in this (main) process (a no-op off the main thread)."""
    global _stopping
    if threading.current_thread() is not threading.main_thread():
        return
    _stopping = False
    for signum in SIGNALS:
        signal.signal(signum, _raise)


def in_worker() -> None:
    """In a pool worker: ignore all three. The parent owns the output and the clean-up, and ends
    its workers itself (`batch._stop`), whether the signal reached it alone (`kill PID`) or the
    whole process group (Ctrl-C at a terminal, `kill -- -PGID`). A worker that died of the
    signal part-way through sending a result would leave the pool's reader thread waiting for
    the rest of it, and the parent would hang at exit."""
    for signum in SIGNALS:
        signal.signal(signum, signal.SIG_IGN)

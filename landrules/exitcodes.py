"""The single table of exit statuses (documented in README.md)."""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0  # every input read and evaluated, whatever the verdicts
    GATING = 1  # `--fail-on` asked to fail on an outcome, and some provision had it
    USAGE = 2  # bad command line (click/typer's own code)
    OUTPUT_ERROR = 2  # the output cannot be written (or is an input): an unusable option
    INPUT_ERROR = 3  # at least one parcel file could not be read or is invalid
    RULES_ERROR = 4  # the rule pack could not be loaded or is invalid
    INTERNAL_ERROR = 5  # a bug in landrules: please report it


INTERRUPTED_BASE = 128
"""A run stopped by a signal exits with 128 + its number: 130 Ctrl-C, 143 SIGTERM, 129 SIGHUP."""

"""The single table of exit statuses (documented in README.md)."""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0  # every input read and evaluated, whatever the verdicts
    GATING = 1  # `--fail-on` asked to fail on an outcome, and some provision had it
    USAGE = 2  # bad command line (click/typer's own code)
    INPUT_ERROR = 3  # at least one parcel file could not be read or is invalid
    RULES_ERROR = 4  # the rule pack could not be loaded or is invalid
    INTERNAL_ERROR = 5  # a bug in landrules: please report it

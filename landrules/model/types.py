"""Text-first field types: each accepts exactly one written form and never guesses.

The loader hands every YAML scalar over as text, so these validators decide the type from the
schema, never from YAML's implicit typing (`0601` stays a code, `no` is only a boolean where a
boolean is expected).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

_DECIMAL = re.compile(r"(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TRUE = {"true", "yes", "是"}
_FALSE = {"false", "no", "否"}
_MAX_MAGNITUDE = Decimal("1e12")


def _plain_decimal(value: Any) -> Decimal:
    """Read a non-negative decimal from its text: `12000` or `12000.5`, nothing else."""
    if isinstance(value, bool):
        raise ValueError('expected a number written as text, e.g. "12000.50"')
    if isinstance(value, int):
        value = str(value)
    elif isinstance(value, float):
        value = repr(value)
    elif isinstance(value, Decimal):
        value = format(value, "f")
    if not isinstance(value, str):
        raise ValueError('expected a number, e.g. "12000.50"')
    if value.startswith("-") and _DECIMAL.fullmatch(value[1:]):
        raise ValueError("must not be negative")
    if not _DECIMAL.fullmatch(value):
        raise ValueError(
            "expected a plain non-negative decimal such as 12000 or 1.25 "
            "(ASCII digits, no sign, no thousands separator, no unit)"
        )
    number = Decimal(value)
    if number >= _MAX_MAGNITUDE:
        raise ValueError("the number is implausibly large (10^12 or more)")
    return number


def _iso_date(value: Any) -> date:
    """Read a calendar date written YYYY-MM-DD."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise ValueError("expected a date written YYYY-MM-DD, e.g. 2024-03-01")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("not a real calendar date") from None


def _strict_bool(value: Any) -> bool:
    """Only true/false/yes/no/是/否: `on`, `1` or `y` are too easy to mistype to accept."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        folded = value.strip().lower()
        if folded in _TRUE:
            return True
        if folded in _FALSE:
            return False
    raise ValueError("expected yes or no (true/false, 是/否)")


Decimal_ = Annotated[Decimal, BeforeValidator(_plain_decimal)]
AreaM2 = Annotated[Decimal, BeforeValidator(_plain_decimal), Field(gt=0)]
"""Square metres (平方米), greater than zero."""
AreaOrZeroM2 = Annotated[Decimal, BeforeValidator(_plain_decimal), Field(ge=0)]
"""Square metres (平方米), zero allowed (e.g. no non-production floor area)."""
Ratio = Annotated[Decimal, BeforeValidator(_plain_decimal), Field(gt=0)]
"""A plot ratio (容积率), greater than zero."""
LengthM = Annotated[Decimal, BeforeValidator(_plain_decimal), Field(gt=0)]
IsoDate = Annotated[date, BeforeValidator(_iso_date)]
YesNo = Annotated[bool, BeforeValidator(_strict_bool)]
Text = Annotated[str, Field(min_length=1, max_length=500, pattern=r"^\S(?:.*\S)?$")]
"""One line of text without leading or trailing blanks."""


def _plain_int(value: Any) -> int:
    """A whole number written in ASCII digits without leading zeros."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"0|[1-9][0-9]*", value):
        return int(value)
    raise ValueError("expected a whole number such as 19")


PlainInt = Annotated[int, BeforeValidator(_plain_int)]

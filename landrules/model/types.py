"""Text-first field types: each accepts exactly one written form and never guesses.

The loader hands every YAML scalar over as text, so these validators decide the type from the
schema, never from YAML's implicit typing (`0601` stays a code, `no` is only a boolean where a
boolean is expected).

Numbers are read as `Decimal` from their text, so a reported quantity never drifts. A number
written in a form people commonly mean but the tool will not guess at (`12,000`, `１２０００`,
`1e4`, `31000㎡`) is refused with the exact text to write instead, and every refusal names the
unit the field is in.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PlainSerializer, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from landrules.i18n import t
from landrules.model.words import YES_NO, shaped

__all__ = [
    "AREA_UNITS",
    "AreaM2",
    "AreaOrZeroM2",
    "Coefficient",
    "Decimal_",
    "IsoDate",
    "LandArea",
    "LandAreaM2",
    "LengthM",
    "NumberTextError",
    "PlainInt",
    "PriceYuanPerM2",
    "Ratio",
    "StatedArea",
    "Text",
    "YesNo",
    "area_unit",
    "exact",
    "exact_text",
    "parse_plain_decimal",
    "round_half_up",
    "round_square_metres",
    "to_square_metres",
]

_DECIMAL = re.compile(r"(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TRUE = frozenset(YES_NO[True])  # the one table of words (landrules.model.words)
_FALSE = frozenset(YES_NO[False])


# ---------------------------------------------------------------------------------------------
# Reading a number from its text


class NumberTextError(ValueError):
    """A number written in a refused form; `hint` gives the text to write when one is certain."""

    def __init__(self, problem: str, hint: str = "", *, other_unit: bool = False) -> None:
        super().__init__(problem)
        self.problem = problem
        self.hint = hint
        self.other_unit = other_unit  # 亩 or 公顷 written in a square-metre field


_NON_FINITE = frozenset(
    ("nan", ".nan", "inf", ".inf", "+inf", "+.inf", "infinity", "+infinity", "∞", "+∞")
)
_SEPARATORS = ",_ '\u00a0\u2009\u202f\u3000，"
_GROUPED = re.compile(rf"[0-9]{{1,3}}(?:[{_SEPARATORS}][0-9]{{3}})+(?:\.[0-9]+)?")
_EXPONENT = re.compile(r"[0-9]+(?:\.[0-9]*)?[eE][+-]?[0-9]{1,3}")
_WITH_UNIT = re.compile(r"([0-9][0-9.]*)\s*(\S.*)")
_WAN = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*万\s*(?:平方米|平米|㎡|m²|m2)?")
_SUGGEST_BELOW = Decimal("1e15")  # a suggested "write …" stays short enough to read
_CHINESE_NUMERALS = re.compile("[〇零一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟]")


def _suggest(value: str) -> NumberTextError:
    """Why `value` is not a plain decimal, and what to write instead when that is unambiguous."""
    if value == "":
        return NumberTextError(t("num.empty"), t("num.hint.leave_out"))
    stripped = value.strip()
    if stripped != value and _DECIMAL.fullmatch(stripped):
        return NumberTextError(t("num.spaces"), t("num.hint.write", text=stripped))
    folded = unicodedata.normalize("NFKC", stripped)
    if folded != stripped and _DECIMAL.fullmatch(folded):
        return NumberTextError(t("num.full_width"), t("num.hint.write", text=folded))
    lowered = folded.lower()
    if lowered in _NON_FINITE or lowered.lstrip("-") in _NON_FINITE:
        return NumberTextError(t("num.not_finite"))
    if folded.startswith("-") and folded[1:2].isdigit():
        return NumberTextError(t("num.negative"))
    if folded.startswith("+") and _DECIMAL.fullmatch(folded[1:]):
        return NumberTextError(t("num.sign"), t("num.hint.write", text=folded[1:]))
    if _GROUPED.fullmatch(folded):
        plain = re.sub(f"[{_SEPARATORS}]", "", folded)
        return NumberTextError(t("num.thousands"), t("num.hint.write", text=plain))
    if any(sep in folded for sep in ",，"):
        return NumberTextError(t("num.comma"), t("num.hint.comma"))
    if _EXPONENT.fullmatch(folded):
        number = Decimal(folded)
        hint = t("num.hint.write", text=_plain_text(number)) if number < _SUGGEST_BELOW else ""
        return NumberTextError(t("num.exponent"), hint)
    if re.fullmatch(r"0[0-9]+(?:\.[0-9]+)?", folded):
        return NumberTextError(
            t("num.leading_zeros"), t("num.hint.write", text=_plain_text(folded))
        )
    if re.fullmatch(r"\.[0-9]+", folded):
        return NumberTextError(t("num.digit_before"), t("num.hint.write", text=f"0{folded}"))
    if re.fullmatch(r"[0-9]+\.", folded):
        return NumberTextError(t("num.digit_after"), t("num.hint.write", text=folded[:-1]))
    if wan := _WAN.fullmatch(folded):
        plain = _plain_text(Decimal(wan.group(1)) * 10000)
        return NumberTextError(t("num.wan"), t("num.hint.write", text=plain))
    if (unit := _WITH_UNIT.fullmatch(folded)) and _DECIMAL.fullmatch(unit.group(1)):
        return _unit_suffix(unit.group(1), unit.group(2))
    if _CHINESE_NUMERALS.search(folded):
        return NumberTextError(t("num.digits"))
    return NumberTextError(t("num.not_plain"))


def _unit_suffix(number: str, unit: str) -> NumberTextError:
    """A number with a unit written after it, in a field whose unit is fixed by its name."""
    canonical = area_unit(unit)
    if canonical == "m²":
        return NumberTextError(t("num.unit"), t("num.hint.write", text=number))
    if canonical is not None:
        square_metres = to_square_metres(number, canonical)
        return NumberTextError(
            t("num.not_square_metres", unit=canonical),
            t("num.hint.converted", number=number, unit=canonical, m2=square_metres),
            other_unit=True,
        )
    return NumberTextError(t("num.unit_named", unit=unit), t("num.hint.write", text=number))


def _plain_text(value: Decimal | str) -> str:
    """`Decimal` as positional text without exponent or superfluous zeros (1E+4 -> 10000)."""
    number = Decimal(value)
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def parse_plain_decimal(value: str) -> Decimal:
    """A non-negative decimal from its text (`12000`, `1250.5`); anything else raises with a hint.

    Exactly one written form is accepted, so the same text always means the same number and
    nothing is ever read the way a spreadsheet or YAML 1.1 would have guessed.
    """
    if _DECIMAL.fullmatch(value):
        return Decimal(value)
    raise _suggest(value)


def _as_text(value: Any) -> str:
    """Typed input from library callers, written back as text so it is judged the same way."""
    if isinstance(value, bool):
        raise NumberTextError(t("num.found_yes_no"))
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if value is None:
        raise NumberTextError(t("num.required"))
    raise NumberTextError(t("num.found", kind=_kind(value)))


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return t("num.kind.mapping")
    if isinstance(value, list):
        return t("num.kind.list")
    return type(value).__name__


@dataclass(frozen=True, slots=True)
class _Quantity:
    """What a numeric field holds, for the messages: its unit, bounds and precision."""

    expected: str
    positive: bool
    below: Decimal
    below_text: str
    places: int = 6
    other_unit_hint: str = ""  # where a unit may be stated instead, for 亩/公顷 in this field

    def read(self, value: Any) -> Decimal:
        try:
            number = parse_plain_decimal(_as_text(value))
            if self.positive and number == 0:
                raise NumberTextError(t("num.above_zero"))
            if number >= self.below:
                raise NumberTextError(t("num.too_large", limit=t(self.below_text)))
            exponent = number.as_tuple().exponent
            if isinstance(exponent, int) and -exponent > self.places:
                raise NumberTextError(t("num.places", places=self.places))
        except NumberTextError as err:
            hint = err.hint
            if err.other_unit and self.other_unit_hint:
                hint = t("num.hint.or", hint=hint, other=t(self.other_unit_hint))
            raise _number_error(err.problem, t(self.expected), hint) from None
        return number


def _number_error(problem: str, expected: str, hint: str) -> PydanticCustomError:
    """pydantic's error for a refused number; yamlio shows `expected` after the input."""
    return PydanticCustomError(
        "value_error", "{problem}", {"problem": problem, "expected": expected, "hint": hint}
    )


def _quantity(
    expected: str, *, positive: bool, below: str, below_text: str, other_unit_hint: str = ""
) -> BeforeValidator:
    q = _Quantity(expected, positive, Decimal(below), below_text, other_unit_hint=other_unit_hint)
    return BeforeValidator(q.read)


_AREA_BELOW = "100000000"
_AREA_BELOW_TEXT = "num.limit.area"

Decimal_ = Annotated[
    Decimal,
    _quantity("num.expected.number", positive=False, below="1e12", below_text="num.limit.number"),
]
"""A plain non-negative number (rule-pack constants)."""
AreaM2 = Annotated[
    Decimal,
    _quantity(
        "num.expected.area",
        positive=True,
        below=_AREA_BELOW,
        below_text=_AREA_BELOW_TEXT,
    ),
    Field(gt=0),
]
"""Square metres (平方米), greater than zero."""
LandAreaM2 = Annotated[
    Decimal,
    _quantity(
        "num.expected.area",
        positive=True,
        below=_AREA_BELOW,
        below_text=_AREA_BELOW_TEXT,
        other_unit_hint="num.hint.land_area",
    ),
    Field(gt=0),
]
"""A parcel's land area in square metres; the hint for 亩/公顷 points at `land_area`."""
AreaOrZeroM2 = Annotated[
    Decimal,
    _quantity(
        "num.expected.area_or_zero",
        positive=False,
        below=_AREA_BELOW,
        below_text=_AREA_BELOW_TEXT,
    ),
    Field(ge=0),
]
"""Square metres (平方米), zero allowed (e.g. no non-production floor area)."""
Ratio = Annotated[
    Decimal,
    _quantity(
        "num.expected.plot_ratio",
        positive=True,
        below="100",
        below_text="num.limit.plot_ratio",
    ),
    Field(gt=0),
]
"""A plot ratio (容积率), greater than zero."""
LengthM = Annotated[
    Decimal,
    _quantity(
        "num.expected.metres",
        positive=True,
        below="100",
        below_text="num.limit.metres",
    ),
    Field(gt=0),
]
"""A length in metres (e.g. a storey height), greater than zero."""
PriceYuanPerM2 = Annotated[
    Decimal,
    _quantity(
        "num.expected.price",
        positive=True,
        below="1000000",
        below_text="num.limit.price",
    ),
    Field(gt=0),
]
"""A floor-area land price in yuan per m², above 0 and below 1,000,000 (the dearest land in
China sells for a tenth of that): a typo of a few digits is refused, not multiplied."""
Coefficient = Annotated[
    Decimal,
    _quantity(
        "num.expected.coefficient",
        positive=True,
        below="100",
        below_text="num.limit.coefficient",
    ),
    Field(gt=0),
]
"""A premium coefficient, above 0 and below 100 (they are fractions or small multiples)."""


# ---------------------------------------------------------------------------------------------
# Areas in 亩 and 公顷: only where the unit is stated

AREA_UNITS: dict[str, Fraction] = {
    "m²": Fraction(1),
    "亩": Fraction(10000, 15),
    "公顷": Fraction(10000),
}
"""Square metres per unit. 1 亩 = 10000/15 m² exactly (666.666…, not 666.67)."""

_UNIT_SPELLINGS = {
    "m²": "m²",
    "m2": "m²",
    "㎡": "m²",
    "平方米": "m²",
    "平米": "m²",
    "亩": "亩",
    "公顷": "公顷",
    "mu": "亩",
    "ha": "公顷",
    "hm²": "公顷",
    "hm2": "公顷",
}


def area_unit(spelling: str) -> str | None:
    """The canonical area unit (`m²`, `亩`, `公顷`) for a spelling people write, else None."""
    return _UNIT_SPELLINGS.get(unicodedata.normalize("NFKC", spelling).strip().lower())


# ---------------------------------------------------------------------------------------------
# Exact quantities and the one rounding: a quantity is an exact Fraction from what was written,
# and it is rounded once, half up (四舍五入, as planning figures are), only to be shown.


def exact(value: Decimal | Fraction | int) -> Fraction:
    """A stated number (Decimal) or a computed one as an exact Fraction (never through float)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    numerator, denominator = value.as_integer_ratio()
    return Fraction(numerator, denominator)


def round_half_up(value: Decimal | Fraction | int, places: int = 2) -> Decimal:
    """THE display rounding: `value` to `places` decimals, half away from zero (1.125 → 1.13).

    Integer arithmetic on the exact ratio, so no decimal context can overflow or round first.
    """
    ratio = exact(value)
    negative = ratio < 0
    numerator, denominator = abs(ratio.numerator), ratio.denominator
    whole, rest = divmod(numerator * 10**places, denominator)
    if 2 * rest >= denominator:
        whole += 1
    shown = Decimal(-whole if negative else whole).scaleb(-places)
    return shown.quantize(Decimal(1).scaleb(-places))


def exact_text(value: Decimal | Fraction | int) -> str:
    """An exact quantity as text: positional decimal when it ends (`1333.5`), else `4000/3`."""
    ratio = exact(value)
    denominator = ratio.denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator != 1:
        return f"{ratio.numerator}/{ratio.denominator}"
    places = max(twos, fives)
    text = format(round_half_up(ratio, places), "f")
    return _plain_text(text) if "." in text else text


def round_square_metres(value: Fraction) -> Decimal:
    """Round once, half up, to 0.01 m² (`round_half_up`)."""
    return round_half_up(value, 2)


def _round_cents(numerator: int, denominator: int) -> Decimal:
    """`numerator / denominator` m² (denominator > 0) to 0.01 m², half up."""
    return round_half_up(Fraction(numerator, denominator), 2)


def to_square_metres(text: str, unit: str) -> Decimal:
    """An area written as `text` in `unit` (m², 亩 or 公顷, any spelling `area_unit` knows).

    The one conversion in landrules (parcel files and registers both use it): the product is an
    exact fraction, rounded once to 0.01 m². Square metres are returned exactly as written,
    never rounded. Raises `NumberTextError` (a ValueError) for a bad number or unit.
    """
    canonical = area_unit(unit)
    if canonical is None:
        raise NumberTextError(t("num.unknown_unit", unit=repr(unit)), t("num.hint.units"))
    number = parse_plain_decimal(text)
    if canonical == "m²":
        return number
    numerator, denominator = number.as_integer_ratio()
    per_unit = AREA_UNITS[canonical]
    return _round_cents(numerator * per_unit.numerator, denominator * per_unit.denominator)


@dataclass(frozen=True, slots=True)
class StatedArea:
    """An area as the file states it (value and unit), with its exact conversion to m²."""

    value: Decimal
    unit: str
    square_metres: Decimal  # rounded to 0.01 m², for display and the bounds check only

    @property
    def exact_m2(self) -> Fraction:
        """The area in m², exactly (2 亩 = 4000/3 m²): what every quantity is computed from."""
        return exact(self.value) * AREA_UNITS[self.unit]

    def __str__(self) -> str:
        return f"{_plain_text(self.value) if self.value else '0'} {self.unit}"


_STATED = re.compile(r"(.+?) ?(亩|公顷|平方米|平米|㎡|m²|m2|ha|hm²|hm2)", re.IGNORECASE)
_LAND = _Quantity(
    "num.expected.land_area",
    positive=True,
    below=Decimal(_AREA_BELOW),
    below_text=_AREA_BELOW_TEXT,
    places=2,
)


def _stated_area(value: Any) -> StatedArea:
    if isinstance(value, StatedArea):
        return value
    try:
        text = _as_text(value)
        if text != text.strip():
            raise NumberTextError(t("num.spaces_value"), t("num.hint.write", text=text.strip()))
        match = _STATED.fullmatch(text)
        if match is None:
            hint = ""
            if _DECIMAL.fullmatch(text):
                hint = t("num.hint.state_unit", text=text)
            raise NumberTextError(t("num.needs_unit"), hint)
        number_text, unit = match.groups()
        canonical = area_unit(unit) or "m²"
        number = parse_plain_decimal(number_text)
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > 6:
            raise NumberTextError(t("num.places", places=6))
    except NumberTextError as err:
        raise _number_error(err.problem, t(_LAND.expected), err.hint) from None
    square_metres = _LAND.read(to_square_metres(number_text, canonical))
    return StatedArea(number, canonical, square_metres)


LandArea = Annotated[
    StatedArea,
    PlainValidator(_stated_area),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "examples": ["30亩", "2公顷", "20000m²"]}),
]
"""A land area with its unit in the text (`30亩`, `2公顷`, `20000m²`), converted exactly to m²."""


# ---------------------------------------------------------------------------------------------
# Dates, yes/no, text, whole numbers


def _iso_date(value: Any) -> date:
    """Read a calendar date written YYYY-MM-DD."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise ValueError(t("value.date_format"))
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(t("value.date_real")) from None


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
    raise ValueError(t("value.yes_no"))


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
YesNo = Annotated[bool, BeforeValidator(_strict_bool)]
Text = Annotated[str, Field(min_length=1, max_length=500), shaped(r"^\S(?:.*\S)?$", "shape.text")]
"""One line of text without leading or trailing blanks."""


def _plain_int(value: Any) -> int:
    """A whole number written in ASCII digits without leading zeros."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"0|[1-9][0-9]*", value):
        return int(value)
    raise ValueError(t("value.whole_number"))


PlainInt = Annotated[int, BeforeValidator(_plain_int)]

"""A plot-ratio requirement as announcements and planning conditions write it (`≥1.2`, `1.2-2.0`).

Land supply announcements (出让公告) and planning conditions (规划条件) rarely give a bare number:
they write `容积率 ≥1.2`, `1.2～2.0`, `≥1.0且≤2.0`, `1.0≤FAR≤2.0`, `不低于1.2`. This module reads
such a text into what it says, a minimum and/or a maximum, each with its comparison kept (≥ or >),
or a bare number. It is a small hand-written tokenizer and a grammar of four shapes, so a text it
cannot read is refused with the accepted forms, never guessed at.

Numbers follow the rules of every other plot ratio (`landrules.model.types.Ratio`): plain ASCII
decimals above 0 and below 100, so `１.２` or `.5` are refused with the text to write instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from landrules.i18n import t
from landrules.model.types import NumberTextError, parse_plain_decimal

__all__ = [
    "EXAMPLES",
    "PERCENT_EXAMPLES",
    "Bound",
    "Percentage",
    "PlotRatioRequirement",
    "PlotRatioRequirementText",
    "RequirementError",
    "parse_requirement",
]

Form = Literal["indicator", "minimum", "maximum", "range"]

EXAMPLES = (
    "1.2",
    "≥1.2",
    ">1.2",
    "≤2.0",
    "1.2-2.0",
    "1.2～2.0",
    "1.2至2.0",
    "≥1.0且≤2.0",
    "1.0≤FAR≤2.0",
    "容积率≥1.2",
    "不低于1.2",
    "不超过2.0",
)
"""One text of each accepted form, shown in every refusal and in docs/parcel-format.md."""


class RequirementError(ValueError):
    """A requirement text that cannot be read; `hint` says what to write when that is certain."""

    def __init__(self, problem: str, hint: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.hint = hint


@dataclass(frozen=True, slots=True)
class Bound:
    """One side of a requirement: its number, and whether the number itself is excluded (> <)."""

    value: Decimal
    strict: bool = False

    def symbol(self, side: Literal["min", "max"]) -> str:
        if side == "min":
            return ">" if self.strict else "≥"
        return "<" if self.strict else "≤"


@dataclass(frozen=True, slots=True)
class PlotRatioRequirement:
    """What a requirement says. `text` is kept exactly as written, for every output."""

    text: str
    min: Bound | None = None
    max: Bound | None = None
    value: Decimal | None = None  # a bare number: the control indicator itself

    @property
    def form(self) -> Form:
        if self.value is not None:
            return "indicator"
        if self.min is not None and self.max is not None:
            return "range"
        return "minimum" if self.min is not None else "maximum"

    def reading(self) -> str:
        """What the tool read, in symbols (`≥1.2`, `1.0≤FAR<2.0`), for messages."""
        if self.value is not None:
            return _plain(self.value)
        low = f"{_plain(self.min.value)}{'<' if self.min.strict else '≤'}" if self.min else ""
        high = f"{self.max.symbol('max')}{_plain(self.max.value)}" if self.max else ""
        if self.min is not None and self.max is None:
            return f"{self.min.symbol('min')}{_plain(self.min.value)}"
        return f"{low}FAR{high}" if low else high

    def __str__(self) -> str:
        return self.text


def _plain(value: Decimal) -> str:
    return format(value, "f")


# ---------------------------------------------------------------------------------------------
# Tokens: numbers, comparisons, range marks, conjunctions and the subject (FAR / 容积率)

Kind = Literal["number", "op", "range", "and", "subject"]


@dataclass(frozen=True, slots=True)
class _Token:
    kind: Kind
    text: str  # as written
    op: str = ""  # ge gt le lt eq, for kind "op"


# Longest spelling first: `>=` before `>`, `不低于` before anything shorter.
_SPELLINGS: tuple[tuple[str, Kind, str], ...] = (
    ("大于或等于", "op", "ge"),
    ("小于或等于", "op", "le"),
    ("大于等于", "op", "ge"),
    ("小于等于", "op", "le"),
    ("不低于", "op", "ge"),
    ("不小于", "op", "ge"),
    ("不少于", "op", "ge"),
    ("不高于", "op", "le"),
    ("不大于", "op", "le"),
    ("不超过", "op", "le"),
    ("大于", "op", "gt"),
    ("高于", "op", "gt"),
    ("小于", "op", "lt"),
    ("低于", "op", "lt"),
    (">=", "op", "ge"),
    ("＞=", "op", "ge"),
    ("＞＝", "op", "ge"),
    ("<=", "op", "le"),
    ("＜=", "op", "le"),
    ("＜＝", "op", "le"),
    ("≥", "op", "ge"),
    ("≧", "op", "ge"),
    ("⩾", "op", "ge"),
    ("≤", "op", "le"),
    ("≦", "op", "le"),
    ("⩽", "op", "le"),
    (">", "op", "gt"),
    ("＞", "op", "gt"),
    ("<", "op", "lt"),
    ("＜", "op", "lt"),
    ("=", "op", "eq"),
    ("＝", "op", "eq"),
    ("并且", "and", ""),
    ("且", "and", ""),
    (",", "and", ""),
    ("，", "and", ""),
    ("～", "range", ""),
    ("〜", "range", ""),
    ("~", "range", ""),
    ("-", "range", ""),
    ("－", "range", ""),
    ("—", "range", ""),
    ("–", "range", ""),
    ("至", "range", ""),
    ("到", "range", ""),
    ("容积率", "subject", ""),
)
_SPACES = " \t\u3000\u00a0\u2009\u202f"
_NUMBER_CHARS = frozenset("0123456789.０１２３４５６７８９．")
_SUBJECT_LATIN = "far"  # FAR, far, Far: the English abbreviation of floor area ratio


def _tokens(text: str) -> list[_Token]:
    """The text as tokens; a character that is none of them is refused where it stands."""
    found: list[_Token] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in _SPACES:
            i += 1
            continue
        if ch in _NUMBER_CHARS:
            j = i
            while j < len(text) and text[j] in _NUMBER_CHARS:
                j += 1
            found.append(_Token("number", text[i:j]))
            i = j
            continue
        if text[i : i + 3].lower() == _SUBJECT_LATIN:
            found.append(_Token("subject", text[i : i + 3]))
            i += 3
            if text[i : i + 1] in (":", "："):
                i += 1  # `FAR: 1.2-2.0`
            continue
        for spelling, kind, op in _SPELLINGS:
            if text.startswith(spelling, i):
                found.append(_Token(kind, spelling, op))
                i += len(spelling)
                if kind == "subject" and text[i : i + 1] in (":", "："):
                    i += 1  # `容积率：≥1.2`
                break
        else:
            j = i + 1
            while j < len(text) and not _known_at(text, j):
                j += 1
            raise RequirementError(t("req.unknown_text", text=text[i:j]))
    return found


def _known_at(text: str, i: int) -> bool:
    return (
        text[i] in _SPACES
        or text[i] in _NUMBER_CHARS
        or text[i : i + 3].lower() == _SUBJECT_LATIN
        or any(text.startswith(s, i) for s, _, _ in _SPELLINGS)
    )


# ---------------------------------------------------------------------------------------------
# Grammar: `N`, `op N`, `N range N`, `N op FAR op N`, and clauses joined by 且 / , (each `op N`)


def _number(token: _Token) -> Decimal:
    """A plot ratio by the rules of `Ratio`: a plain decimal above 0, below 100, 6 places."""
    try:
        number = parse_plain_decimal(token.text)
    except NumberTextError as err:
        hint = t("req.hint.number", number=token.text, hint=err.hint) if err.hint else ""
        raise RequirementError(
            t("req.number", number=token.text, problem=err.problem), hint
        ) from None
    if number == 0:
        raise RequirementError(t("req.number", number=token.text, problem=t("num.above_zero")))
    if number >= 100:
        limit = t("num.too_large", limit=t("num.limit.plot_ratio"))
        raise RequirementError(t("req.number", number=token.text, problem=limit))
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > 6:
        places = t("num.places", places=6)
        raise RequirementError(t("req.number", number=token.text, problem=places))
    return number


_FLIP = {"ge": "le", "gt": "lt", "le": "ge", "lt": "gt", "eq": "eq"}


def _clause(tokens: list[_Token]) -> tuple[str, Decimal]:
    """One comparison: `≥1.2`, `容积率≥1.2`, `FAR ≤ 2.0`, `1.2 ≤ FAR`; (op, number)."""
    kinds = [tok.kind for tok in tokens if tok.kind != "subject"]
    if kinds == ["op", "number"]:
        op, num = [tok for tok in tokens if tok.kind != "subject"]
        if tokens[-1].kind == "subject":
            raise RequirementError(t("req.shape"))
        return op.op, _number(num)
    if kinds == ["number", "op"] and tokens[-1].kind == "subject":
        num, op = [tok for tok in tokens if tok.kind != "subject"]
        return _FLIP[op.op], _number(num)  # `1.2≤FAR` is FAR ≥ 1.2
    if kinds == ["number"] and tokens[-1].kind == "number":
        raise RequirementError(t("req.bare_in_clause"))
    raise RequirementError(t("req.shape"))


def _bound(op: str, number: Decimal) -> tuple[str, Bound]:
    if op in ("ge", "gt"):
        return "min", Bound(number, strict=op == "gt")
    if op in ("le", "lt"):
        return "max", Bound(number, strict=op == "lt")
    raise RequirementError(t("req.equals_in_clause"))


def _split(tokens: list[_Token], kind: Kind) -> list[list[_Token]]:
    parts: list[list[_Token]] = [[]]
    for tok in tokens:
        if tok.kind == kind:
            parts.append([])
        else:
            parts[-1].append(tok)
    return parts


def parse_requirement(text: str) -> PlotRatioRequirement:
    """Read a requirement; raises `RequirementError` naming what could not be read."""
    if not text.strip(_SPACES):
        raise RequirementError(t("req.empty"), t("num.hint.leave_out"))
    tokens = _tokens(text)
    leading_subject = len(tokens) > 1 and tokens[0].kind == "subject"
    body = tokens[1:] if leading_subject else tokens  # `容积率 1.2-2.0`, `容积率≥1.2`
    kinds = [tok.kind for tok in body]
    bounds: dict[str, Bound] = {}

    if kinds == ["number"]:
        return PlotRatioRequirement(text, value=_number(body[0]))
    if kinds == ["op", "number"] and body[0].op == "eq":
        return PlotRatioRequirement(text, value=_number(body[1]))
    if "range" in kinds:
        parts = _split(body, "range")
        if len(parts) != 2 or any([tok.kind for tok in p] != ["number"] for p in parts):
            raise RequirementError(t("req.range_shape"))
        bounds = {"min": Bound(_number(parts[0][0])), "max": Bound(_number(parts[1][0]))}
    elif kinds.count("subject") == 1 and kinds[0] == "number" and kinds[-1] == "number":
        # `1.0≤FAR≤2.0` (or `2.0≥FAR≥1.0`): a comparison on each side of the subject
        at = kinds.index("subject")
        left, right = _clause(body[: at + 1]), _clause(body[at:])
        for op, number in (left, right):
            side, bound = _bound(op, number)
            if side in bounds:
                raise RequirementError(t("req.twice", side=t(f"req.side.{side}")))
            bounds[side] = bound
    else:
        for part in _split(body, "and"):
            if not part:
                raise RequirementError(t("req.shape"))
            side, bound = _bound(*_clause(part))
            if side in bounds:
                raise RequirementError(t("req.twice", side=t(f"req.side.{side}")))
            bounds[side] = bound
    low, high = bounds.get("min"), bounds.get("max")
    if low is not None and high is not None:
        if low.value > high.value:
            raise RequirementError(
                t("req.inverted", min=_plain(low.value), max=_plain(high.value)),
                t("req.hint.inverted", min=_plain(high.value), max=_plain(low.value)),
            )
        if low.value == high.value and (low.strict or high.strict):
            raise RequirementError(t("req.empty_range", value=_plain(low.value)))
    return PlotRatioRequirement(text, min=low, max=high)


def read_requirement(value: Any) -> PlotRatioRequirement:
    """The pydantic validator's body: text (or a number from a library caller) to a reading."""
    if isinstance(value, PlotRatioRequirement):
        return value
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise RequirementError(t("req.not_text"))
    if isinstance(value, float):
        text = repr(value)
    elif isinstance(value, Decimal):
        text = format(value, "f")
    else:
        text = str(value)
    return parse_requirement(text)


def _refused(err: RequirementError, expected: str) -> PydanticCustomError:
    """The parcel model's error for a cell or value the reader refused: its problem, the forms
    accepted (`expected`) and the hint, as every located error shows them."""
    return PydanticCustomError(
        "value_error", "{problem}", {"problem": err.problem, "expected": expected, "hint": err.hint}
    )


def _validate(value: Any) -> PlotRatioRequirement:
    try:
        return read_requirement(value)
    except RequirementError as err:
        raise _refused(err, t("req.expected", examples=", ".join(EXAMPLES))) from None


PlotRatioRequirementText = Annotated[
    PlotRatioRequirement,
    PlainValidator(_validate),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "examples": list(EXAMPLES)},
                {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 100},
            ]
        }
    ),
]
"""A plot-ratio requirement in a parcel file or register cell: kept as written, read as above."""


# ---------------------------------------------------------------------------------------------
# Building density and green ratio: carried as written, checked loosely, never judged

PERCENT_EXAMPLES = ("≤55%", "≥15%", "20%", "15%-20%", "不低于15%")


def _percentage(value: Any) -> str:
    """A percentage with an optional comparison or range (`≤55%`, `20%`), kept as written.

    The plot-ratio tokenizer reads it once the percent signs are set aside, so the same words and
    symbols are accepted; the text itself is what is carried to the outputs.
    """
    text = value if isinstance(value, str) else None
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        text = str(value) if isinstance(value, int) else format(value, "f")
    elif isinstance(value, float):
        text = repr(value)
    try:
        if text is None:
            raise RequirementError(t("req.not_text"))
        if text != text.strip(_SPACES):
            raise RequirementError(t("num.spaces_value"), t("num.hint.write", text=text.strip()))
        _check_percentage(text.replace("%", "").replace("％", ""))
    except RequirementError as err:
        raise _refused(
            err, t("req.expected_percent", examples=", ".join(PERCENT_EXAMPLES))
        ) from None
    return text


def _check_percentage(bare: str) -> None:
    """Loosely: the words and symbols of a requirement around one or two numbers of 0 to 100."""
    if not bare.strip(_SPACES):
        raise RequirementError(t("req.empty"), t("num.hint.leave_out"))
    tokens = _tokens(bare)  # a character that is none of them is refused where it stands
    numbers = [tok for tok in tokens if tok.kind == "number"]
    if not 1 <= len(numbers) <= 2 or any(tok.kind == "subject" for tok in tokens):
        raise RequirementError(t("req.percent_shape"))
    for tok in numbers:
        try:
            number = parse_plain_decimal(tok.text)
        except NumberTextError as err:
            hint = t("req.hint.number", number=tok.text, hint=err.hint) if err.hint else ""
            problem = t("req.number", number=tok.text, problem=err.problem)
            raise RequirementError(problem, hint) from None
        if number > 100:
            problem = t("req.number", number=tok.text, problem=t("req.above_100"))
            raise RequirementError(problem)


Percentage = Annotated[
    str,
    PlainValidator(_percentage),
    WithJsonSchema(
        {"anyOf": [{"type": "string", "examples": list(PERCENT_EXAMPLES)}, {"type": "number"}]}
    ),
]
"""建筑密度 / 绿地率 as the announcement writes them; never used by a condition."""

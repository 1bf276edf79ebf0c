"""Library entry points: load a rule pack, read parcels, and check them.

`check_parcel` is pure; the reading functions turn every input problem into an `InputError`
carrying located `Problem`s, never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from landrules import yamlio
from landrules.evaluate import (
    AsOf,
    Context,
    Outcome,
    ProvisionVerdict,
    decide_versions,
    evaluate_versions,
)
from landrules.facts import flatten
from landrules.i18n import Lang, t, use_lang
from landrules.model.parcel import Parcel
from landrules.problems import InputError, Problem
from landrules.rulepack import RulePack, known_fields, load_pack

__all__ = [
    "RegisterResult",
    "Verdict",
    "check_dict",
    "check_file",
    "check_parcel",
    "check_register",
    "decide_parcel",
    "load_rules",
    "read_parcel",
]


@dataclass(slots=True)
class Verdict:
    """The explained verdict on one parcel under one rule pack, per provision."""

    source: str
    parcel: Parcel
    pack: RulePack
    provisions: list[ProvisionVerdict]

    @property
    def application_date(self) -> date | None:
        return self.parcel.application_date


def read_parcel(
    path: str | Path, *, encoding: str | None = None, limits: yamlio.Limits | None = None
) -> Parcel:
    """Read and validate one parcel YAML file."""
    return parcel_from_document(read_parcel_document(path, encoding=encoding, limits=limits))


def read_parcel_document(
    path: str | Path, *, encoding: str | None = None, limits: yamlio.Limits | None = None
) -> yamlio.Document:
    """Load a parcel file; refusals that leave the data whole wait for `parcel_from_document`,
    so that one run reports every problem in the file."""
    return yamlio.load(
        path, encoding=encoding, limits=limits or yamlio.DEFAULT_LIMITS, keep_going=True
    )


def parcel_from_document(doc: yamlio.Document) -> Parcel:
    """Validate a loaded parcel file; every problem (loader's and schema's) in one InputError."""
    if not isinstance(doc.data, dict):
        found = t("parcel.found_list" if isinstance(doc.data, list) else "parcel.found_value")
        raise InputError(
            sorted(
                [
                    Problem(
                        doc.path,
                        1,
                        1,
                        "not-a-mapping",
                        t("parcel.not_a_mapping", found=found),
                        hint=t("parcel.hint.not_a_mapping"),
                    ),
                    *doc.problems,
                ],
                key=lambda p: (p.line, p.col),
            )
        )
    try:
        return yamlio.validate(doc, Parcel, known_fields=known_fields(Parcel))
    except InputError as err:
        raise InputError([_header_hint(p) for p in err.problems]) from None


def _header_hint(problem: Problem) -> Problem:
    """A register header used as a key (`用地面积: 20000`): name the field it stands for."""
    if problem.code != "extra_forbidden" or not problem.field:
        return problem
    from landrules.mapping import header_field

    parent, _, key = problem.field.rpartition(".")
    if not key.isascii() and (found := header_field(key)) is not None:
        path, unit = found
        if path == "parcel.land_area_m2" and unit not in (None, "m²"):
            path = "parcel.land_area"  # 用地面积（亩）: 30 is land_area: 30亩
        name = path.removeprefix(f"{parent}.") if parent else path
        return replace(problem, hint=t("hint.header_is_field", header=key, name=name))
    return problem


def parcel_context(
    pack: RulePack, parcel: Parcel, *, as_of: date | None = None, evidence: bool = True
) -> tuple[Context, AsOf]:
    """The parcel's facts (derived ones computed once, on demand) and the date it is judged at:
    `as_of`, else the pack's `as_of`, else the parcel's application date."""
    ctx = Context(flatten(parcel), pack.params, with_evidence=evidence)
    return ctx, AsOf.pick(as_of if as_of is not None else pack.as_of, parcel.application_date)


def check_parcel(
    pack: RulePack,
    parcel: Parcel,
    source: str = "<parcel>",
    *,
    as_of: date | None = None,
    evidence: bool = True,
) -> Verdict:
    """Evaluate every provision of the pack on the parcel, each in the version in force on
    `as_of` (else the pack's `as_of`, else the parcel's application date; see
    `evaluate.evaluate_versions`). Without `evidence` no Step lists the facts it read."""
    ctx, on = parcel_context(pack, parcel, as_of=as_of, evidence=evidence)
    verdicts = [evaluate_versions(versions, ctx, on) for versions in pack.versions()]
    return Verdict(source, parcel, pack, verdicts)


def decide_parcel(
    pack: RulePack, parcel: Parcel, *, as_of: date | None = None, trace: list[int] | None = None
) -> dict[str, Outcome]:
    """The outcome per provision that `check_parcel` gives, without building the explanation
    (a fraction of the time: for outputs that print outcomes only). With `trace`, every
    condition's result is appended to it as a number (`evaluate.FALSE` … `evaluate.MISSING`)."""
    ctx, on = parcel_context(pack, parcel, as_of=as_of)
    sink = trace if trace is not None else []
    return {
        versions[0].provision.id: decide_versions(versions, ctx, on, sink)
        for versions in pack.versions()
    }


def check_file(
    pack: RulePack,
    path: str | Path,
    *,
    encoding: str | None = None,
    as_of: date | None = None,
    limits: yamlio.Limits | None = None,
) -> Verdict:
    parcel = read_parcel(path, encoding=encoding, limits=limits)
    return check_parcel(pack, parcel, str(path), as_of=as_of)


def load_rules(directory: str | Path | None = None) -> RulePack:
    """The shipped pack when `directory` is None."""
    return load_pack(Path(directory) if directory is not None else None)


@dataclass(slots=True)
class RegisterResult:
    """One row of a register (or one parcel file of a folder), checked: its verdict, or the
    located problems that stopped it."""

    source: str
    line: int  # the row's line in the file (0 for a whole parcel file)
    verdict: Verdict | None
    problems: list[Problem]
    row: dict[str, Any] | None = None  # the row's cells as read, by header
    geometry: Any = None  # a GeoJSON feature's geometry, as in the file

    @property
    def label(self) -> str:
        """`file:line`, as landrules prints it."""
        return f"{self.source}:{self.line}" if self.line else self.source

    @property
    def ok(self) -> bool:
        return self.verdict is not None and not self.problems

    @property
    def outcomes(self) -> dict[str, str]:
        """The outcome per provision id (empty when the row could not be checked)."""
        if self.verdict is None:
            return {}
        return {pv.provision.id: pv.outcome.value for pv in self.verdict.provisions}


@cache
def _shipped_pack() -> RulePack:
    """The shipped pack, loaded once per process (its checks take most of a load)."""
    return load_pack(None)


def _pack_for(pack: RulePack | None, rules: str | Path | None, as_of: date | None) -> RulePack:
    chosen = pack if pack is not None else load_rules(rules) if rules else _shipped_pack()
    return replace(chosen, as_of=as_of) if as_of is not None else chosen


def _as_written(value: Any) -> Any:
    """A value from Python as the text a parcel file would hold: numbers exactly as Python
    writes them (1.6, not 1.600000000000000088…), dates as YYYY-MM-DD, codes never as numbers
    (an int 601 stays '601' and is refused as a code, as in a file)."""
    if isinstance(value, Mapping):
        return {str(k): _as_written(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_as_written(v) for v in value]
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def check_dict(
    data: Mapping[str, Any],
    *,
    pack: RulePack | None = None,
    rules: str | Path | None = None,
    as_of: date | None = None,
    lang: Lang | None = None,
    source: str = "<dict>",
) -> Verdict:
    """Check one parcel given as a plain dict, in the shape of a parcel file (a notebook's or a
    GIS feature's data); the shipped pack unless `pack` or `rules` is given.

    A dict that is not a valid parcel raises InputError naming each field (messages in `lang`).
    """
    from pydantic import ValidationError

    with use_lang(lang or _lang_now()):
        chosen = _pack_for(pack, rules, as_of)
        if not isinstance(data, Mapping):
            found = t("parcel.found_list" if isinstance(data, list) else "parcel.found_value")
            message = t("parcel.not_a_mapping", found=found)
            hint = t("parcel.hint.not_a_mapping")
            raise InputError([Problem(source, 0, 0, "not-a-mapping", message, hint=hint)])
        written = _as_written(data)
        try:
            parcel = Parcel.model_validate(written)
        except ValidationError as err:
            doc = yamlio.Document(source, "", written)  # no text: problems name the field only
            problems = yamlio.validation_problems(doc, err, known_fields=known_fields(Parcel))
            raise InputError([replace(_header_hint(p), line=0, col=0) for p in problems]) from None
        return check_parcel(chosen, parcel, source)


def check_register(
    path: str | Path,
    *,
    pack: RulePack | None = None,
    rules: str | Path | None = None,
    mapping: str | Path | None = None,
    encoding: str | None = None,
    as_of: date | None = None,
    lang: Lang | None = None,
) -> Iterator[RegisterResult]:
    """Check every row of a register (CSV, XLSX, JSON Lines, GeoJSON) or every parcel file in a
    folder, one at a time, in order: a `RegisterResult` each, whose `verdict` is None and
    `problems` are located (file:line:column, the header named) when the row cannot be read; a
    bad row never stops the others."""
    from landrules.batch import iter_items, run

    with use_lang(lang or _lang_now()):
        chosen = _pack_for(pack, rules, as_of)
        items = iter_items(
            [Path(path)],
            encoding=encoding,
            mapping=Path(mapping) if mapping is not None else None,
        )
        for result in run(chosen, items, encoding=encoding, keep=True, record="outcomes"):
            item = result.item
            yield RegisterResult(
                item.source, item.line, result.full, list(result.problems), item.raw, item.geometry
            )


def _lang_now() -> Lang:
    from landrules.i18n import current_lang

    return current_lang()

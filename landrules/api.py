"""Library entry points: load a rule pack, read parcels, and check them.

`check_parcel` is pure; the reading functions turn every input problem into an `InputError`
carrying located `Problem`s, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

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
from landrules.i18n import t
from landrules.model.parcel import Parcel
from landrules.problems import InputError, Problem
from landrules.rulepack import RulePack, known_fields, load_pack

__all__ = [
    "Verdict",
    "check_file",
    "check_parcel",
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
    return yamlio.validate(doc, Parcel, known_fields=known_fields(Parcel))


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

"""Library entry points: load a rule pack, read parcels, and check them.

`check_parcel` is pure; the reading functions turn every input problem into an `InputError`
carrying located `Problem`s, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from landrules import yamlio
from landrules.evaluate import AsOf, Context, ProvisionVerdict, evaluate_versions
from landrules.facts import flatten
from landrules.model.parcel import Parcel
from landrules.problems import InputError, Problem
from landrules.rulepack import RulePack, known_fields, load_pack

__all__ = ["Verdict", "check_file", "check_parcel", "load_rules", "read_parcel"]


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


def read_parcel(path: str | Path, *, encoding: str | None = None) -> Parcel:
    """Read and validate one parcel YAML file."""
    return parcel_from_document(read_parcel_document(path, encoding=encoding))


def read_parcel_document(path: str | Path, *, encoding: str | None = None) -> yamlio.Document:
    return yamlio.load(path, encoding=encoding)


def parcel_from_document(doc: yamlio.Document) -> Parcel:
    if not isinstance(doc.data, dict):
        found = "a list" if isinstance(doc.data, list) else "a single value"
        raise InputError(
            [
                Problem(
                    doc.path,
                    1,
                    1,
                    "not-a-mapping",
                    f"expected a parcel record (a mapping), found {found}",
                    hint='a parcel file starts with `schema_version: "1"` and a `parcel:` section',
                )
            ]
        )
    try:
        return Parcel.model_validate(doc.data)
    except ValidationError as err:
        raise InputError(
            yamlio.validation_problems(doc, err, known_fields=known_fields(Parcel))
        ) from None


def check_parcel(
    pack: RulePack, parcel: Parcel, source: str = "<parcel>", *, as_of: date | None = None
) -> Verdict:
    """Evaluate every provision of the pack on the parcel, each in the version in force on
    `as_of`, else on the parcel's application date (see `evaluate.evaluate_versions`)."""
    ctx = Context(flatten(parcel), pack.params)
    on = AsOf.pick(as_of, parcel.application_date)
    verdicts = [evaluate_versions(versions, ctx, on) for versions in pack.versions()]
    return Verdict(source, parcel, pack, verdicts)


def check_file(
    pack: RulePack,
    path: str | Path,
    *,
    encoding: str | None = None,
    as_of: date | None = None,
) -> Verdict:
    return check_parcel(pack, read_parcel(path, encoding=encoding), str(path), as_of=as_of)


def load_rules(directory: str | Path | None = None) -> RulePack:
    """The shipped pack when `directory` is None."""
    return load_pack(Path(directory) if directory is not None else None)

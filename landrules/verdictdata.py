"""The verdict as plain data (the "explain" step): the single structure JSON output and tests read.

Outside `report` so that `batch` builds its records without loading any renderer.

Versioned (`schema_version`); values are text so that decimals keep every digit and codes such
as `0601` are never numbers.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from landrules.api import Verdict, parcel_context
from landrules.derive import DERIVATIONS, Span, display
from landrules.evaluate import (
    IN_FORCE_NOT_KNOWN,
    MISSING,
    TRIGGERED,
    TRUE,
    ProvisionVerdict,
    Quantity,
    Step,
    choose_version,
    decide_versions,
    evaluate_versions,
    in_force_caveat,
)
from landrules.logic import Ambiguity, Unknown
from landrules.model.parcel import LandUse
from landrules.model.types import exact_text

SCHEMA_VERSION = 1
QUANTITY_BASIS = {
    "zh": "本工具的计算，原文未规定计算方法",
    "en": "computed by landrules; the text sets no formula",
}


def _label(model: Any) -> dict[str, str]:
    return {"zh": model.zh, "en": model.en}


def _value(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, Fraction):
        return exact_text(value)  # exact: "1333.5", or "4000/3" where no decimal ends
    if isinstance(value, Decimal):
        return (
            format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
        )
    if isinstance(value, Span):
        return {"low": _value(value.low), "high": _value(value.high)}
    if isinstance(value, LandUse):
        return value.model_dump(exclude_none=True)
    if isinstance(value, list):
        return [
            _value(v)
            if not hasattr(v, "model_dump")
            else v.model_dump(mode="json", exclude_none=True)
            for v in value
        ]
    return str(value)


def _ambiguity(a: Ambiguity) -> dict[str, str]:
    return {"id": a.id, "zh": a.zh, "en": a.en}


def step_data(step: Step) -> dict[str, Any]:
    cond = step.condition
    data: dict[str, Any] = {
        "id": cond.id,
        "kind": cond.kind,
        "label": _label(cond.label),
        "quote": cond.quote,
        "result": step.result.value,
        "facts": {name: _value(v) for name, v in step.facts},
        "missing_facts": list(step.missing),
        "ambiguities": [_ambiguity(a) for a in step.ambiguities],
    }
    if step.children:
        data["children"] = [step_data(c) for c in step.children]
    return data


def quantity_data(q: Quantity) -> dict[str, Any]:
    d = DERIVATIONS[q.name]
    unknown = isinstance(q.value, Unknown)
    return {
        "name": q.name,
        "label": {"zh": d.zh, "en": d.en},
        "unit": d.unit,
        "value": None if unknown else _value(q.value),
        "display": None if unknown else display(q.value, q.name),
        "missing_facts": list(q.value.missing) if unknown else [],
        "basis": QUANTITY_BASIS,
    }


def covers_data(pv: ProvisionVerdict) -> dict[str, Any] | None:
    """The area the outcome concerns: its value only where the provision applies, or (marked
    `if_it_applies`) needs review; for does not apply and undetermined the value is null and
    `withheld` names the outcome, so nobody sums an area no waiver concerns."""
    if pv.covered is None:
        return None
    data = quantity_data(pv.covered)
    return _shown_or_withheld(pv, data, "display")


def _shown_or_withheld(pv: ProvisionVerdict, data: dict[str, Any], *keys: str) -> dict[str, Any]:
    if pv.quantity_shown:
        data["if_it_applies"] = pv.outcome.value == "needs_review"
        data["withheld"] = None
    else:
        for key in ("value", *keys):
            data[key] = None
        data["if_it_applies"] = False
        data["withheld"] = pv.outcome.value
    return data


def caveat_data(pv: ProvisionVerdict) -> dict[str, str] | None:
    """The in-force caveat that goes on the outcome's own line (`evaluate.in_force_caveat`)."""
    return {"zh": pv.caveat.zh, "en": pv.caveat.en} if pv.caveat is not None else None


def provision_data(pv: ProvisionVerdict) -> dict[str, Any]:
    p = pv.provision
    return {
        "id": p.id,
        "title": _label(p.title),
        "citation": p.citation.model_dump(exclude_none=True),
        "outcome": pv.outcome.value,
        "in_force_caveat": caveat_data(pv),
        "outcome_kind": p.outcome.kind,
        "outcome_label": _label(p.outcome.label),
        "outcome_quote": p.outcome.quote,
        "missing_facts": list(pv.missing),
        "ambiguities": [_ambiguity(a) for a in pv.ambiguities],
        "reviews": [
            {
                "id": f.review.id,
                "label": _label(f.review.label),
                "explanation": _label(f.review.explanation),
                "from_text": False,
            }
            for f in pv.triggered
        ],
        "not_checked": [
            {
                "id": f.review.id,
                "label": _label(f.review.label),
                "missing_facts": list(f.step.missing),
                "from_text": False,
            }
            for f in pv.pending
        ],
        "covers": covers_data(pv),
        "quantities": [quantity_data(q) for q in pv.quantities],
        "conditions": step_data(pv.root),
        "advisories": [
            {"id": a.id, "text": _label(a.text), "from_text": False} for a in p.advisories
        ],
        "version": pv.version.data() if pv.version is not None else None,
    }


def verdict_data(verdict: Verdict) -> dict[str, Any]:
    from landrules.report.explained import add_to_data  # what is needed / would change it

    meta = verdict.pack.meta
    return {
        "schema_version": SCHEMA_VERSION,
        **_whose(verdict),
        "pack": pack_data(verdict.pack),
        "notes": [_label(n) for n in meta.notes],
        "provisions": add_to_data(verdict, [provision_data(pv) for pv in verdict.provisions]),
    }


def _whose(verdict: Verdict) -> dict[str, Any]:
    """Which parcel a record is about: its source, code and name, and application date."""
    identity = verdict.parcel.parcel
    head: dict[str, Any] = {
        "source": verdict.source,
        "parcel": identity.model_dump(mode="json", include={"code", "name"}, exclude_none=True)
        if identity
        else {},
        "application_date": verdict.application_date.isoformat()
        if verdict.application_date
        else None,
    }
    stated = planning_conditions(verdict.parcel)
    if stated:
        head["planning_conditions"] = stated
    return head


def planning_conditions(parcel: Any) -> dict[str, Any]:
    """The announcement's figures as written, and how the plot-ratio requirement was read.

    Building density and green ratio are carried so that a register copied from announcements
    loses nothing; no condition reads them. Only what the parcel states is listed."""
    new_land = parcel.new_land
    if new_land is None:
        return {}
    out: dict[str, Any] = {}
    req = new_land.plot_ratio_requirement
    if req is not None:
        out["plot_ratio_requirement"] = {
            "text": req.text,
            "form": req.form,
            "value": _value(req.value) if req.value is not None else None,
            "min": _value(req.min.value) if req.min is not None else None,
            "min_strict": req.min.strict if req.min is not None else None,
            "max": _value(req.max.value) if req.max is not None else None,
            "max_strict": req.max.strict if req.max is not None else None,
        }
    for name in ("building_density", "green_ratio"):
        value = getattr(new_land, name)
        if value is not None:
            out[name] = value
    return out


def _pack_identity(pack: Any) -> dict[str, Any]:
    """Enough to replay a verdict: the pack's id, version and the SHA-256 of its files."""
    return {"id": pack.meta.id, "version": pack.meta.version, "sha256": pack.sha256}


def pack_data(pack: Any) -> dict[str, Any]:
    """The pack as a full verdict and a batch's head name it: identity and citation."""
    return {**_pack_identity(pack), "citation": pack.meta.citation.model_dump(exclude_none=True)}


def brief_record(
    pack: Any, parcel: Any, source: str, *, as_of: date | None = None
) -> dict[str, Any]:
    """`brief_data(check_parcel(...))`, but a provision whose conditions hold or fail outright
    is read from its deciders' trace: its record has no missing facts and no ambiguity but the
    span's or the version's, so no Step tree is needed. An unknown result, or no version to
    judge by, is explained as usual (tests/test_brief.py compares the two on every example)."""
    ctx, on = parcel_context(pack, parcel, as_of=as_of, evidence=False)
    provisions = []
    for versions in pack.versions():
        decided = _decided_provision(versions, ctx, on)
        if decided is None:
            decided = _brief_provision(evaluate_versions(versions, ctx, on))
        provisions.append(decided)
    return _brief_head(Verdict(source, parcel, pack, []), provisions)


_RESULT_WORDS = ("false", "true", "unknown", "unknown")


def _decided_provision(versions: list[Any], ctx: Any, on: Any) -> dict[str, Any] | None:
    state, chosen = choose_version(versions, on)
    if chosen is None:
        return None
    trace: list[int] = []
    outcome = decide_versions(versions, ctx, on, trace, (state, chosen))
    layout = chosen.layout
    root = trace[layout.root]
    if root > TRUE:
        return None
    provision = chosen.provision
    covers = provision.outcome.covers
    covered = ctx.get(covers) if covers else None
    caveat = in_force_caveat(provision, on, outcome)
    ambiguities = []
    if root == TRUE and isinstance(covered, Span):
        ambiguities.append(covered.ambiguity.id)
    if root == TRUE and state == "uncertain":
        ambiguities.append(IN_FORCE_NOT_KNOWN)
    return {
        "id": provision.id,
        "outcome": outcome.value,
        "in_force_caveat": {"zh": caveat.zh, "en": caveat.en} if caveat is not None else None,
        "missing_facts": [],
        "ambiguities": ambiguities,
        "reviews": [rid for rid, place in layout.reviews if trace[place] in TRIGGERED],
        "not_checked": [rid for rid, place in layout.reviews if trace[place] == MISSING],
        "covers": _brief_quantity(covers, covered, outcome.value) if covers else None,
        "quantities": {q: _brief_value(ctx.get(q)) for q in provision.quantities},
        "conditions": {cid: _RESULT_WORDS[trace[place]] for cid, place in layout.tree},
        "version": state,
    }


def _brief_value(value: Any) -> Any:
    return None if isinstance(value, Unknown) else _value(value)


def _brief_quantity(name: str, value: Any, outcome: str) -> dict[str, Any]:
    """As `covers_data`: the value only for applies, or needs review marked `if_it_applies`."""
    shown = outcome in ("applies", "needs_review")
    return {
        "name": name,
        "unit": DERIVATIONS[name].unit,
        "value": _brief_value(value) if shown else None,
        "if_it_applies": outcome == "needs_review",
        "withheld": None if shown else outcome,
    }


def brief_data(verdict: Verdict) -> dict[str, Any]:
    """A parcel's record in a batch: each outcome and why, by id (every condition's result, the
    missing facts, ambiguities, reviews, quantities). The words — labels, quotes, notes,
    explanations, the same for every parcel — stay with the pack (`landrules docs`) and in the
    full record (`--detail`): at a twentieth of its size, a register of a million parcels stays
    a file one can open."""
    return _brief_head(verdict, [_brief_provision(pv) for pv in verdict.provisions])


def _brief_head(verdict: Verdict, provisions: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "record": "brief",
        **_whose(verdict),
        "pack": _pack_identity(verdict.pack),
        "provisions": provisions,
    }


def _brief_provision(pv: ProvisionVerdict) -> dict[str, Any]:
    covered = pv.covered
    return {
        "id": pv.provision.id,
        "outcome": pv.outcome.value,
        "in_force_caveat": caveat_data(pv),
        "missing_facts": list(pv.missing),
        "ambiguities": [a.id for a in pv.ambiguities],
        "reviews": [f.review.id for f in pv.triggered],
        "not_checked": [f.review.id for f in pv.pending],
        "covers": _brief_quantity(covered.name, covered.value, pv.outcome.value)
        if covered
        else None,
        "quantities": {q.name: _brief_value(q.value) for q in pv.quantities},
        "conditions": {step.condition.id: step.result.value for step in pv.root.walk()},
        "version": pv.version.state if pv.version is not None else None,
    }

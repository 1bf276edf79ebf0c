"""Plausibility warnings: figures that are valid but unlikely for one industrial parcel.

`land_area: 20000亩` is a valid area (13.33 km²) and then gives a plot ratio of 0.00; nothing in
the text makes that an error or a condition, so the verdict stands, but the reader is warned
(on stderr, and at the end of `ask`) to check the unit and the figures. Never an error, never a
condition, never a change to any outcome.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from landrules.i18n import t
from landrules.model.types import exact, round_half_up
from landrules.problems import Problem

if TYPE_CHECKING:
    from landrules.api import Verdict
    from landrules.model.parcel import Parcel

LAND_AREA_ABOVE = Fraction(1_000_000)
"""1 km² in m²: far more than one industrial parcel."""
PLOT_RATIO_BELOW = Fraction(1, 10)
PLOT_RATIO_ABOVE = Fraction(10)


def _land_area_field(parcel: Parcel) -> str:
    identity = parcel.parcel
    return "parcel.land_area" if identity and identity.land_area else "parcel.land_area_m2"


def located(verdict: Verdict, doc: Any) -> list[Problem]:
    """The warnings as located problems of the parcel file `doc` (a computed plot ratio is
    located at the land area it was computed from)."""
    from landrules.yamlio import locate

    out = []
    for name, message in implausible(verdict):
        at = name if "." in name else _land_area_field(verdict.parcel)
        try:
            line, col = locate(doc, tuple(at.split(".")))
        except Exception:  # a warning is never worth a crash
            line, col = 0, 0
        out.append(
            Problem(verdict.source, line, col, "implausible", message, name, severity="warning")
        )
    return out


def stated(parcel: Parcel) -> list[tuple[str, str]]:
    """(field, message) for each implausible figure the parcel states (its land area, its
    plot-ratio indicator or range): cheap enough for every row of a register."""
    found: list[tuple[str, str]] = []
    identity = parcel.parcel
    if identity is not None and identity.land_area_m2 is not None:
        area = identity.land_area_m2
        if exact(area) > LAND_AREA_ABOVE:
            km2 = round_half_up(exact(area) / LAND_AREA_ABOVE, 2)
            message = t("plausible.land_area", area=f"{area} m²", km2=km2)
            found.append((_land_area_field(parcel), message))
    ratios: dict[str, Fraction] = {}
    new_land = parcel.new_land
    if new_land is not None:
        if new_land.plot_ratio_indicator is not None:
            ratios["new_land.plot_ratio_indicator"] = exact(new_land.plot_ratio_indicator)
        span = new_land.plot_ratio_range
        for end in ("min", "max"):
            value = getattr(span, end) if span is not None else None
            if value is not None:
                ratios[f"new_land.plot_ratio_range.{end}"] = exact(value)
    return found + _ratios(ratios)


def _ratios(ratios: dict[str, Fraction]) -> list[tuple[str, str]]:
    found = []
    for name, ratio in ratios.items():
        if 0 < ratio < PLOT_RATIO_BELOW or ratio > PLOT_RATIO_ABOVE:
            shown = (
                round_half_up(ratio, 2) if ratio >= Fraction(1, 200) else round_half_up(ratio, 4)
            )
            found.append((name, t("plausible.plot_ratio", ratio=shown)))
    return found


def implausible(verdict: Verdict) -> list[tuple[str, str]]:
    """(field, message) for each implausible figure of the parcel, stated or computed (the
    plot ratios before and after), in a stable order."""
    ratios: dict[str, Fraction] = {}
    for pv in verdict.provisions:
        for q in pv.quantities:
            wanted = q.name in ("plot_ratio_before", "plot_ratio_after") and q.name not in ratios
            if wanted and isinstance(q.value, (Fraction, Decimal)):
                ratios[q.name] = exact(q.value)
    return stated(verdict.parcel) + _ratios(ratios)

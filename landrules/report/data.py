"""The verdict as plain data: moved to `landrules.verdictdata` (batch needs it without the
renderers); the names stay importable from here."""

from landrules.verdictdata import (
    QUANTITY_BASIS,
    SCHEMA_VERSION,
    brief_data,
    brief_record,
    caveat_data,
    covers_data,
    pack_data,
    planning_conditions,
    provision_data,
    quantity_data,
    step_data,
    verdict_data,
)

__all__ = [
    "QUANTITY_BASIS",
    "SCHEMA_VERSION",
    "brief_data",
    "brief_record",
    "caveat_data",
    "covers_data",
    "pack_data",
    "planning_conditions",
    "provision_data",
    "quantity_data",
    "step_data",
    "verdict_data",
]

"""landrules: explained verdicts on the Cixi plot-ratio land-premium waiver.

Kept free of imports so that `landrules --version` and start-up stay instant: the library API
(`from landrules import check_parcel, load_rules`) is loaded on first use.
"""

from __future__ import annotations

TYPE_CHECKING = False
"""`typing` costs ~2 ms of the ~20 of `landrules --version`; type checkers read this as True."""
if TYPE_CHECKING:
    from typing import Any

__version__ = "0.1.0"

_API = ("Verdict", "check_file", "check_parcel", "load_rules", "read_parcel")
__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    """Load `landrules.api` (pydantic and the rule engine) only when one of its names is used."""
    if name in _API:
        from landrules import api

        return getattr(api, name)
    raise AttributeError(f"module 'landrules' has no attribute {name!r}")

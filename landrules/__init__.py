"""landrules: explained verdicts on the Cixi plot-ratio land-premium waiver.

Kept free of imports so that `landrules --version` and start-up stay instant: the library API
(`from landrules import check_dict, check_register, InputError`) is loaded on first use, and
`dir(landrules)` lists it.
"""

from __future__ import annotations

TYPE_CHECKING = False
"""`typing` costs ~2 ms of the ~20 of `landrules --version`; type checkers read this as True."""
if TYPE_CHECKING:
    from typing import Any

    from landrules.api import (
        RegisterResult,
        Verdict,
        check_dict,
        check_file,
        check_parcel,
        check_register,
        decide_parcel,
        load_rules,
        read_parcel,
    )
    from landrules.problems import InputError, Problem, RulePackError

__version__ = "0.1.0"

_LAZY = {
    "InputError": "landrules.problems",
    "Problem": "landrules.problems",
    "RegisterResult": "landrules.api",
    "RulePackError": "landrules.problems",
    "Verdict": "landrules.api",
    "check_dict": "landrules.api",
    "check_file": "landrules.api",
    "check_parcel": "landrules.api",
    "check_register": "landrules.api",
    "decide_parcel": "landrules.api",
    "load_rules": "landrules.api",
    "read_parcel": "landrules.api",
}
"""The public names and the module each is loaded from (pydantic and the engine for `api`; the
error types need neither)."""
__all__ = [
    "InputError",
    "Problem",
    "RegisterResult",
    "RulePackError",
    "Verdict",
    "__version__",
    "check_dict",
    "check_file",
    "check_parcel",
    "check_register",
    "decide_parcel",
    "load_rules",
    "read_parcel",
]
"""Written out for readers and linters; a test keeps it equal to `_LAZY` and `__version__`."""


def __getattr__(name: str) -> Any:
    """Load a public name's module only when the name is first used."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'landrules' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public API (what `from landrules import *` gives), for completion in notebooks."""
    return sorted(__all__)

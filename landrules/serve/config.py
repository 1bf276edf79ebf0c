"""What `landrules serve` was told, in one value that crosses into uvicorn's worker processes.

`--workers N` starts the application in N fresh processes by import string, so the settings
travel as JSON in the environment (`ENV`); nothing else is shared between workers.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field

ENV = "LANDRULES_SERVE_CONFIG"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True, slots=True)
class ServeConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    rules: str | None = None
    token: str | None = None
    insecure: bool = False
    max_body: int = 1024 * 1024
    """One parcel: a parcel file is ~1-2 kB; 1 MB leaves room for long names and notes."""
    max_register: int = 200 * 1024 * 1024
    time_limit: float = 10.0
    """Seconds for one parcel (its worst hostile file takes 0.7 s, benchmarks/README.md)."""
    register_time_limit: float = 3600.0
    cors_origins: tuple[str, ...] = field(default_factory=tuple)

    @property
    def local_only(self) -> bool:
        return self.host in LOCAL_HOSTS

    def to_env(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_env(cls) -> ServeConfig:
        raw = os.environ.get(ENV)
        if not raw:
            return cls()
        data = json.loads(raw)
        data["cors_origins"] = tuple(data.get("cors_origins") or ())
        return cls(**data)

"""Every refusal as an RFC 9457 problem document (`application/problem+json`).

`type` is a stable URI per kind of refusal, `title` and `detail` are in the request's language,
and an input refusal carries the located problems the CLI prints (`problems`: path, line, col,
code, field, message, hint), so a caller can point at the exact place in what it sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from landrules.i18n import Lang
from landrules.problems import Problem
from landrules.serve.words import w

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://landrules.invalid/problems/"
"""Problem types are names, not links: `.invalid` can never resolve (RFC 9457 §3.1.1 allows a
URI that is not dereferenceable)."""

STATUS = {
    "bad-upload": 400,
    "unauthorized": 401,
    "not-found": 404,
    "method-not-allowed": 405,
    "not-acceptable": 406,
    "too-big": 413,
    "unsupported-media-type": 415,
    "invalid-input": 422,
    "invalid-query": 422,
    "internal": 500,
    "time-limit": 503,
}


@dataclass(slots=True)
class Refusal(Exception):
    """Raised by a handler; the application turns it into a problem response."""

    kind: str
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def status(self) -> int:
        return STATUS[self.kind]


def problem_document(refusal: Refusal, lang: Lang, instance: str = "") -> dict[str, Any]:
    doc: dict[str, Any] = {
        "type": TYPE_BASE + refusal.kind,
        "title": w(f"problem.{refusal.kind}", lang),
        "status": refusal.status,
        "detail": w(f"problem.{refusal.kind}.detail", lang, **refusal.values),
    }
    if instance:
        doc["instance"] = instance
    if refusal.problems:
        doc["problems"] = [p.to_dict() for p in refusal.problems]
    return doc


def problem_body(refusal: Refusal, lang: Lang, instance: str = "") -> bytes:
    doc = problem_document(refusal, lang, instance)
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"

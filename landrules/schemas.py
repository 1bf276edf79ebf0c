"""JSON Schemas for parcel files and rule files, so editors autocomplete and underline mistakes.

Generated from the same pydantic models landrules validates with. landrules reads every YAML
scalar as text and types it by the model, while an editor's YAML reader types `0601`, `1.5` or
`yes` itself; the schemas therefore accept both forms wherever landrules does (a number or its
text, a code as text or as the number an editor reads, yes/no/是/否 as well as true/false, and the
Chinese synonyms of enumerated values).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from landrules.model.words import YES_NO

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_DECIMAL_TEXT = r"^(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$"
_BOOL_WORDS = [
    *(w for answer in (True, False) for w in YES_NO[answer]),
    *(w.capitalize() for answer in (True, False) for w in YES_NO[answer] if w.isascii()),
]
"""yes/no as landrules reads it (the one table of words), and capitalised as editors offer it."""


class _TextFirst(GenerateJsonSchema):
    """pydantic's generator, widened to what landrules accepts from YAML text."""

    def decimal_schema(self, schema: core_schema.DecimalSchema) -> JsonSchemaValue:
        number: dict[str, Any] = {"type": "number"}
        for key, name in (
            ("gt", "exclusiveMinimum"),
            ("ge", "minimum"),
            ("lt", "exclusiveMaximum"),
            ("le", "maximum"),
        ):
            if schema.get(key) is not None:
                number[name] = float(schema[key])  # type: ignore[literal-required]
        return {"anyOf": [number, {"type": "string", "pattern": _DECIMAL_TEXT}]}

    def int_schema(self, schema: core_schema.IntSchema) -> JsonSchemaValue:
        found = super().int_schema(schema)
        return {"anyOf": [found, {"type": "string", "pattern": r"^(?:0|[1-9][0-9]*)$"}]}

    def bool_schema(self, schema: core_schema.BoolSchema) -> JsonSchemaValue:  # noqa: ARG002
        return {"anyOf": [{"type": "boolean"}, {"enum": _BOOL_WORDS}]}

    def date_schema(self, schema: core_schema.DateSchema) -> JsonSchemaValue:  # noqa: ARG002
        return {"type": "string", "format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}

    def str_schema(self, schema: core_schema.StringSchema) -> JsonSchemaValue:
        found = super().str_schema(schema)
        pattern = schema.get("pattern")
        if pattern and any(re.fullmatch(pattern, code) for code in ("0601", "1001")):
            # a numeric code: an editor reads an unquoted 0601 as a number, landrules as text
            return {"anyOf": [found, {"type": "integer", "minimum": 0}]}
        return found

    def function_before_schema(
        self, schema: core_schema.BeforeValidatorFunctionSchema
    ) -> JsonSchemaValue:
        inner = self.generate_inner(schema["schema"])
        synonyms = _synonym_table(schema["function"]["function"])
        if synonyms and isinstance(inner.get("enum"), list):
            inner = dict(inner, enum=[*inner["enum"], *synonyms])
        return inner


def _synonym_table(function: Any) -> list[str]:
    """The Chinese words a `model.parcel._synonyms` validator accepts: its closure names its
    table in `landrules.model.words`, the one table every reader uses."""
    from landrules.model.words import WORDS

    for cell in getattr(function, "__closure__", None) or ():
        value = cell.cell_contents
        if isinstance(value, str) and value in WORDS:
            return list(dict.fromkeys(w for words in WORDS[value].values() for w in words))
    return []


def _schema_of(target: Any, title: str, description: str) -> dict[str, Any]:
    adapter = target if isinstance(target, TypeAdapter) else TypeAdapter(target)
    schema = adapter.json_schema(schema_generator=_TextFirst, mode="validation")
    return {"$schema": SCHEMA_DIALECT, "title": title, "description": description, **schema}


def build() -> dict[str, dict[str, Any]]:
    """File name → schema, for every kind of YAML file landrules reads."""
    from landrules.model.parcel import Parcel
    from landrules.model.rules import PackMeta, Provision
    from landrules.ruletests import CASES

    return {
        "parcel.schema.json": _schema_of(
            Parcel, "landrules parcel file", "One parcel's facts (docs/parcel-format.md)."
        ),
        "rule-pack.schema.json": _schema_of(
            PackMeta, "landrules rule pack (pack.yaml)", "A rule pack's identity, source and files."
        ),
        "rule-provision.schema.json": _schema_of(
            Provision, "landrules provision file", "One version of one provision of a rule pack."
        ),
        "rule-tests.schema.json": _schema_of(
            CASES, "landrules rule-pack tests", "Named test cases kept in <pack>/tests/*.yaml."
        ),
    }


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def write(directory: Path) -> list[tuple[Path, bool]]:
    """Write every schema into `directory`; (path, changed) for each."""
    from landrules.outputs import OutputError, atomic_output, plain_reason

    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(directory, plain_reason(err)) from None
    out = []
    for name, schema in build().items():
        path = directory / name
        text = render(schema)
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if old != text:
            with atomic_output(path) as f:  # whole or not at all, like every output
                f.write(text)
        out.append((path, old != text))
    return out


def stale(directory: Path) -> list[Path]:
    """The schema files in `directory` that differ from what `write` would write."""
    return [
        directory / name
        for name, schema in build().items()
        if not (directory / name).exists()
        or (directory / name).read_text(encoding="utf-8") != render(schema)
    ]

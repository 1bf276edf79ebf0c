"""The API's OpenAPI 3.1 description, written by hand (tests/test_serve.py validates it and
checks every route in it is served and every served route is in it)."""

from __future__ import annotations

from typing import Any

from landrules import __version__

_PROBLEM = {"$ref": "#/components/responses/Problem"}
_LANG = {
    "name": "lang",
    "in": "query",
    "required": False,
    "description": "Language of problems and messages (default: Accept-Language, else en).",
    "schema": {"type": "string", "enum": ["zh", "en"]},
}
_AS_OF = {
    "name": "as_of",
    "in": "query",
    "required": False,
    "description": "Judge on this date (YYYY-MM-DD), as `landrules check --as-of`.",
    "schema": {"type": "string", "format": "date"},
}
_REGISTER_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        },
        "text/csv": {"schema": {"type": "string"}},
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
            "schema": {"type": "string", "format": "binary"}
        },
        "application/jsonl": {"schema": {"type": "string"}},
        "application/x-ndjson": {"schema": {"type": "string"}},
        "application/geo+json": {"schema": {"type": "string"}},
    },
}


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "landrules",
            "version": __version__,
            "summary": "Explained verdicts on the Cixi industrial-land plot-ratio waiver.",
            "description": (
                "Quotes are from 慈经信建〔2019〕13号 一(三), which describes 慈政发〔2015〕40号; "
                "whether 慈政发〔2015〕40号 is still in force is not checked. Every refusal is an "
                "RFC 9457 problem document."
            ),
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "security": [{}, {"bearer": []}],
        "paths": {
            "/v1/check": {
                "post": {
                    "summary": "Check one parcel",
                    "description": "The body is one parcel file (YAML) or the same as JSON; a "
                    "`charset` parameter reads it as `check --encoding` does (default UTF-8 or "
                    "a BOM). The answer is the verdict `landrules check FILE --format json` "
                    "prints (compact).",
                    "parameters": [
                        _LANG,
                        _AS_OF,
                        {
                            "name": "source",
                            "in": "query",
                            "required": False,
                            "description": "The name the verdict gives its parcel (a label).",
                            "schema": {"type": "string", "maxLength": 200},
                        },
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/yaml": {"schema": {"type": "string"}},
                            "application/json": {"schema": {"type": "object"}},
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "The verdict (schema_version 1).",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        "401": _PROBLEM,
                        "413": _PROBLEM,
                        "415": _PROBLEM,
                        "422": _PROBLEM,
                        "503": _PROBLEM,
                    },
                }
            },
            "/v1/check/register": {
                "post": {
                    "summary": "Check a register, row by row",
                    "description": "Streamed: one JSON line per row (the records of `check "
                    "--format jsonl`) and a last line `{summary, notices}`; or, with Accept: "
                    "text/csv, the rows with verdict columns (`--format csv`); with the XLSX "
                    "media type, the same table as a workbook (written first, then sent).",
                    "parameters": [_LANG, _AS_OF],
                    "requestBody": _REGISTER_BODY,
                    "responses": {
                        "200": {
                            "description": "One result per row.",
                            "content": {
                                "application/jsonl": {"schema": {"type": "string"}},
                                "text/csv": {"schema": {"type": "string"}},
                                "application/vnd.openxmlformats-officedocument.spreadsheetml"
                                ".sheet": {"schema": {"type": "string", "format": "binary"}},
                            },
                        },
                        "400": _PROBLEM,
                        "401": _PROBLEM,
                        "406": _PROBLEM,
                        "413": _PROBLEM,
                        "415": _PROBLEM,
                    },
                }
            },
            "/v1/report": {
                "post": {
                    "summary": "A register's HTML report",
                    "description": "The report `landrules report` writes, for the page's form.",
                    "parameters": [_LANG],
                    "requestBody": _REGISTER_BODY,
                    "responses": {
                        "200": {
                            "description": "One self-contained HTML document.",
                            "content": {"text/html": {"schema": {"type": "string"}}},
                        },
                        "400": _PROBLEM,
                        "401": _PROBLEM,
                        "413": _PROBLEM,
                        "415": _PROBLEM,
                    },
                }
            },
            "/v1/interview": {
                "post": {
                    "summary": "The questions of `landrules ask`, answered at once",
                    "description": "Applies the answers as `ask` does and returns the verdict, "
                    "the questions still needed, refused answers with their hints, and the "
                    "parcel file as YAML.",
                    "parameters": [_LANG],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["answers"],
                                    "properties": {
                                        "answers": {
                                            "type": "object",
                                            "additionalProperties": {"type": "string"},
                                        }
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "Verdict, questions and the parcel file.",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        "400": _PROBLEM,
                        "401": _PROBLEM,
                        "415": _PROBLEM,
                    },
                }
            },
            "/v1/pack": {
                "get": {
                    "summary": "The rule pack",
                    "description": "Identity (id, version, SHA-256) and every provision's "
                    "versions with their conditions and quotes.",
                    "responses": {
                        "200": {
                            "description": "The pack.",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        "401": _PROBLEM,
                    },
                }
            },
            "/healthz": {
                "get": {
                    "summary": "Liveness",
                    "security": [{}],
                    "responses": {"200": {"description": "The process answers."}},
                }
            },
            "/readyz": {
                "get": {
                    "summary": "Readiness",
                    "security": [{}],
                    "responses": {
                        "200": {"description": "The rule pack is loaded."},
                        "503": {"description": "Still loading."},
                    },
                }
            },
            "/metrics": {
                "get": {
                    "summary": "Prometheus metrics",
                    "responses": {
                        "200": {
                            "description": "Text exposition format 0.0.4.",
                            "content": {"text/plain": {"schema": {"type": "string"}}},
                        }
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "responses": {"200": {"description": "OpenAPI 3.1."}},
                }
            },
            "/": {
                "get": {
                    "summary": "The applicant's page",
                    "parameters": [_LANG],
                    "responses": {
                        "200": {
                            "description": "HTML.",
                            "content": {"text/html": {"schema": {"type": "string"}}},
                        }
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Problem": {
                    "type": "object",
                    "required": ["type", "title", "status"],
                    "properties": {
                        "type": {"type": "string", "format": "uri"},
                        "title": {"type": "string"},
                        "status": {"type": "integer"},
                        "detail": {"type": "string"},
                        "instance": {"type": "string"},
                        "problems": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/LocatedProblem"},
                        },
                    },
                },
                "LocatedProblem": {
                    "type": "object",
                    "required": ["path", "line", "col", "code", "message"],
                    "properties": {
                        "path": {"type": "string"},
                        "line": {"type": "integer", "minimum": 0},
                        "col": {"type": "integer", "minimum": 0},
                        "code": {"type": "string"},
                        "severity": {"type": "string"},
                        "field": {"type": "string"},
                        "message": {"type": "string"},
                        "hint": {"type": "string"},
                    },
                },
            },
            "responses": {
                "Problem": {
                    "description": "A refusal (RFC 9457).",
                    "content": {
                        "application/problem+json": {
                            "schema": {"$ref": "#/components/schemas/Problem"}
                        }
                    },
                }
            },
        },
    }

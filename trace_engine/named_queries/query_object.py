"""A named query's `query` object (the bindings' JSON form) → validated `EventQuery` (pure).

The object is checked against GS1's `query-schema.json` (an unchanged copy in
`trace_engine/epcis/schema/`), then turned into the (name, value) pairs of the URL form and
parsed by `epcis_query.params.parse_query`, so a named query means exactly what the same
parameters mean on `GET /epcis/events`. Every refusal names `query.<parameter>`.

Two slips of the published schema are mended as it loads (the file stays unchanged): its
user-extension patterns escape twice (`^EQ_[a-z][a-zA-Z0-9]*\\\\:\\\\w+$` in the JSON text,
which requires a literal backslash, so no `EQ_ex:field` could ever pass), and it marks
`EXISTS_` parameters `"nullable": true`, an OpenAPI word draft 7 ignores, so the bindings' own
`{"EXISTS_errorDeclaration": null}` failed.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs

from trace_engine.epcis_query.params import parse_query
from trace_engine.epcis_query.schemas import EventQuery
from trace_engine.errors import QueryParameterError

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "epcis" / "schema" / "query-schema.json"

# the schema's names where the URL form (and parse_query) spells them differently
_RENAMED = {
    "GE_errorDeclaration_Time": "GE_errorDeclarationTime",
    "LT_errorDeclaration_Time": "LT_errorDeclarationTime",
}
# the JSON-LD context of the query: accepted (the schema allows it), not a filter
_NOT_FILTERS = frozenset({"@context"})


def _nullable(node: Any) -> Any:
    """`{"type": T, "nullable": true}` → `{"type": [T, "null"]}`, throughout."""
    if isinstance(node, list):
        return [_nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _nullable(value) for key, value in node.items()}
    if out.pop("nullable", False) is True and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    return out


@cache
def _schema() -> dict[str, Any]:
    with SCHEMA_PATH.open("rb") as fh:
        schema: dict[str, Any] = _nullable(json.load(fh))
    query = schema["definitions"]["EPCIS-Query"]
    query["patternProperties"] = {
        pattern.replace("\\\\", "\\"): rule for pattern, rule in query["patternProperties"].items()
    }
    return schema


@cache
def _names() -> tuple[frozenset[str], tuple[re.Pattern[str], ...]]:
    query = _schema()["definitions"]["EPCIS-Query"]
    patterns = tuple(re.compile(p) for p in query["patternProperties"])
    return frozenset(query["properties"]), patterns


@cache
def _validator() -> jsonschema_rs.Draft7Validator:
    return jsonschema_rs.Draft7Validator(_schema(), validate_formats=True)


def _where(path: list[str | int]) -> str:
    out = "query"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _text(name: str, value: Any) -> str:
    if isinstance(value, bool):
        raise QueryParameterError(f"query.{name}", "a boolean is not a value of this parameter")
    if isinstance(value, str):
        if "|" in value:
            raise QueryParameterError(f"query.{name}", f"{value!r}: '|' is not allowed in a value")
        return value
    if isinstance(value, (int, float)):
        return repr(value)
    raise QueryParameterError(f"query.{name}", f"{value!r} is not a string or number")


def pairs_of(query: dict[str, Any]) -> list[tuple[str, str]]:
    """The query object as URL (name, value) pairs: one pair per list item, `EXISTS_` empty."""
    pairs: list[tuple[str, str]] = []
    for name, value in query.items():
        if name in _NOT_FILTERS:
            continue
        url_name = _RENAMED.get(name, name)
        if name.startswith("EXISTS_"):
            pairs.append((url_name, ""))
        elif isinstance(value, list):
            if not value:
                raise QueryParameterError(f"query.{name}", "an empty list matches nothing")
            pairs.extend((url_name, _text(name, item)) for item in value)
        else:
            pairs.append((url_name, _text(name, value)))
    return pairs


def validate(query: Any) -> EventQuery:
    """Check the query object against query-schema.json and parse it (400 naming the field)."""
    if not isinstance(query, dict):
        raise QueryParameterError("query", "must be a JSON object of query parameters")
    names, patterns = _names()
    for name in query:
        if name not in names and not any(p.search(name) for p in patterns):
            raise QueryParameterError(f"query.{name}", "not a parameter of EPCIS query-schema.json")
    error = next(iter(_validator().iter_errors(query)), None)
    if error is not None:
        raise QueryParameterError(_where(list(error.instance_path)), error.message)
    try:
        return parse_query(pairs_of(query))
    except QueryParameterError as exc:
        if exc.parameter.startswith("query"):
            raise
        raise QueryParameterError(f"query.{exc.parameter}", exc.reason) from None

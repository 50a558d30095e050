"""Free JSON metadata on a node: stored as compact JSON text (a property cannot hold a map),
with one size limit for every kind of node."""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from trace_engine.kit.bounds import INT64_MAX, INT64_MIN

METADATA_MAX_BYTES = 64 * 1024
"""The largest `metadata` accepted, in bytes of its compact UTF-8 JSON text (and the largest
payload content: one limit for everything free-form)."""
METADATA_MAX_DEPTH = 32
"""The deepest nesting of objects and arrays accepted in metadata (orjson, which encodes every
answer, refuses more than 254 levels; a trace or a list must never fail on stored metadata)."""


def _check_values(value: Any, depth: int = 1) -> None:
    """Depth within METADATA_MAX_DEPTH and integers within 64 bits, everywhere inside."""
    if depth > METADATA_MAX_DEPTH:
        raise PydanticCustomError(
            "metadata_too_deep",
            "metadata is nested more than {limit} levels deep",
            {"limit": METADATA_MAX_DEPTH},
        )
    if isinstance(value, dict):
        for item in value.values():
            _check_values(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_values(item, depth + 1)
    elif isinstance(value, int) and not isinstance(value, bool):
        if not INT64_MIN <= value <= INT64_MAX:
            raise PydanticCustomError(
                "metadata_integer_range",
                "metadata holds an integer beyond 64 bits, which Neo4j and JSON clients "
                "cannot carry exactly",
            )


def content_fits(value: str) -> str:
    """Free-form content (a payload) within the METADATA_MAX_BYTES limit."""
    size = len(value.encode("utf-8"))
    if size > METADATA_MAX_BYTES:
        raise PydanticCustomError(
            "content_too_large",
            "content is {size} bytes, more than the limit of {limit} bytes",
            {"size": size, "limit": METADATA_MAX_BYTES},
        )
    return value


def metadata_text(value: dict[str, Any]) -> str:
    """The metadata as the JSON text stored; a validation error (so the answer names the
    field) if it is too large, too deep, or holds NaN, Infinity or an integer beyond 64 bits."""
    _check_values(value)
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except ValueError:
        raise PydanticCustomError(
            "metadata_not_json", "metadata holds NaN or Infinity, which JSON cannot carry"
        ) from None
    size = len(text.encode("utf-8"))
    if size > METADATA_MAX_BYTES:
        raise PydanticCustomError(
            "metadata_too_large",
            "metadata is {size} bytes as JSON, more than the limit of {limit} bytes",
            {"size": size, "limit": METADATA_MAX_BYTES},
        )
    return text


def metadata_value(text: str | None) -> dict[str, Any] | None:
    """The stored JSON text back as an object (None when there is none)."""
    return json.loads(text) if text else None


def _fits(value: dict[str, Any]) -> dict[str, Any]:
    metadata_text(value)
    return value


Metadata = Annotated[
    dict[str, Any],
    AfterValidator(_fits),
    Field(description=f"Any JSON object, at most {METADATA_MAX_BYTES} bytes as JSON"),
]
"""The type of a body's `metadata` field: any JSON object within the size limit."""

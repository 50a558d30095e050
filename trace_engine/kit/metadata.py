"""Free JSON metadata on a node: stored as compact JSON text (a property cannot hold a map),
with one size limit for every kind of node."""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

METADATA_MAX_BYTES = 64 * 1024
"""The largest `metadata` accepted, in bytes of its compact UTF-8 JSON text."""


def metadata_text(value: dict[str, Any]) -> str:
    """The metadata as the JSON text stored; a validation error (so the answer names the
    field) if it is too large or holds NaN or Infinity."""
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

"""Free JSON metadata on a node: stored as compact JSON text (a property cannot hold a map),
with one size limit for every kind of node."""

from __future__ import annotations

import json
import math
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


# -- metadata stored before the bounds (the stored-values migration) -------------------------

_DEEP_TEXT = f"levels below {METADATA_MAX_DEPTH} kept as JSON text"
_BIG_INTEGERS = "integers beyond 64 bits kept as strings"
_NOT_JSON_NUMBERS = "NaN and Infinity kept as strings"


def mend_metadata(text: str) -> tuple[str, list[str]] | None:
    """Stored metadata text that the bounds would refuse made encodable without losing
    anything: integers beyond 64 bits and NaN/Infinity become their text, and a non-empty
    object or array at the depth limit becomes its JSON text. Returns the mended text and
    what was done, or None if the text needs nothing (or cannot be read as JSON at all)."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    done: set[str] = set()
    mended = _mend(value, 1, done)
    if not done:
        return None
    return json.dumps(mended, ensure_ascii=False, separators=(",", ":")), sorted(done)


def _mend(value: Any, depth: int, done: set[str]) -> Any:
    if isinstance(value, dict | list) and value and depth >= METADATA_MAX_DEPTH:
        done.add(_DEEP_TEXT)
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, dict):
        return {key: _mend(item, depth + 1, done) for key, item in value.items()}
    if isinstance(value, list):
        return [_mend(item, depth + 1, done) for item in value]
    if isinstance(value, int) and not isinstance(value, bool):
        if not INT64_MIN <= value <= INT64_MAX:
            done.add(_BIG_INTEGERS)
            return str(value)
    elif isinstance(value, float) and not math.isfinite(value):
        done.add(_NOT_JSON_NUMBERS)
        return json.dumps(value)  # NaN, Infinity, -Infinity: the spelling it was stored in
    return value


METADATA_REPLACED: dict[str, None] = {
    "metadataOriginal": None,
    "metadataQuarantine": None,
    "quarantinedAt": None,
}
"""Set with new metadata (`SET n += …`): the stored-values migration's quarantine of the old
metadata no longer applies once the client has replaced it."""

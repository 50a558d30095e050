"""Which Neo4j write failures belong to one event, and how to tell the client about them."""

from __future__ import annotations

import re

from neo4j.exceptions import Neo4jError, TransientError

# Failures caused by what a statement was given: a value too large for an index, a constraint,
# a value of the wrong type. Anything else (security, a missing database, our own syntax, a
# transient or connection error) is no event's fault and fails the whole capture as before.
_PER_EVENT_CODES = (
    "Neo.ClientError.Schema.",
    "Neo.ClientError.Statement.TypeError",
    "Neo.ClientError.Statement.ArgumentError",
    "Neo.ClientError.Statement.ArithmeticError",
    "Neo.ClientError.Statement.ConstraintVerificationFailed",
    "Neo.DatabaseError.Statement.ExecutionFailed",
)
_TOO_LARGE = re.compile(
    r"too large to index.*?name='(?P<index>[^']+)'.*?schema=\(:\w+ \{(?P<field>[^}]+)\}\)"
    r"(?:.*?property size: (?P<size>\d+))?",
    re.DOTALL,
)
_REASON_MAX = 300


def fails_per_event(exc: Neo4jError) -> bool:
    """Whether the failure follows from what the written rows held (so one event's)."""
    if isinstance(exc, TransientError):
        return False
    code = exc.code or ""
    return code.startswith(_PER_EVENT_CODES)


def too_large_reason(index: str, size: int | None) -> str:
    """The reason given for an event holding a value too large for Neo4j's index `index`
    (`size`: the key size Neo4j reports), online and by the initial load's own check."""
    bytes_ = f" ({size} bytes)" if size is not None else ""
    return f"is too large for Neo4j's index {index}{bytes_}; the event was not stored"


def write_failure(exc: Neo4jError) -> tuple[str | None, str]:
    """The field (when Neo4j names it) and the reason reported for an event Neo4j refused."""
    message = exc.message or str(exc)
    if match := _TOO_LARGE.search(message):
        size = int(match["size"]) if match["size"] else None
        return match["field"].split(",")[0].strip(), too_large_reason(match["index"], size)
    text = " ".join(message.split())
    if len(text) > _REASON_MAX:
        text = text[: _REASON_MAX - 1] + "…"
    return None, f"Neo4j refused to store the event ({exc.code}): {text}"

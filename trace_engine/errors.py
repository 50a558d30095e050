"""The domain's exceptions. `api/errors.py` maps each to an HTTP status in one place."""

from __future__ import annotations

from typing import Any


class TraceEngineError(Exception):
    """Base class of every error the engine raises on purpose."""


class NotFound(TraceEngineError):
    """A thing the caller named does not exist (or is not visible to the caller's org)."""

    def __init__(self, kind: str, ident: str) -> None:
        super().__init__(f"{kind} not found: {ident}")
        self.kind = kind
        self.ident = ident


class InvalidIdentifier(TraceEngineError):
    """An identifier is not a well-formed EPC URN, Food Trust URN or GS1 Digital Link."""

    def __init__(self, value: str, reason: str) -> None:
        super().__init__(f"invalid identifier {value!r}: {reason}")
        self.value = value
        self.reason = reason


class InvalidDocument(TraceEngineError):
    """A whole capture document is unreadable (not JSON/XML, wrong shape, empty)."""


class UnsupportedContentType(InvalidDocument):
    """The body's content type is not one the capture interface reads."""


class PayloadTooLarge(TraceEngineError):
    """A capture exceeds the advertised event-count or byte limit."""


class EventInvalid(TraceEngineError):
    """One event of a document is invalid; `index` is its 0-based position in the document."""

    def __init__(self, index: int, event_id: str | None, field: str, reason: str) -> None:
        super().__init__(f"event {index}: {field}: {reason}")
        self.index = index
        self.event_id = event_id
        self.field = field
        self.reason = reason


class DocumentRejected(TraceEngineError):
    """Under rollback, some events of a document are invalid, so none is stored."""

    def __init__(self, rejected: list[Any], total: int) -> None:
        first = rejected[0]
        super().__init__(
            f"{len(rejected)} of {total} events are invalid, nothing was stored; first: "
            f"event {first.index} (eventID {first.event_id}): {first.field}: {first.reason}"
        )
        self.rejected = rejected


class Unauthenticated(TraceEngineError):
    """No API key, or one that is unknown, revoked or expired. `looked_up`: the database was
    asked (what failed-authentication throttling counts)."""

    def __init__(self, looked_up: bool = False) -> None:
        super().__init__("Invalid or expired API key")
        self.looked_up = looked_up


class InvalidInput(TraceEngineError):
    """A request field has a value the engine cannot accept."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class Conflict(TraceEngineError):
    """The thing the caller tried to create exists already."""


class TraceTooLarge(TraceEngineError):
    """A trace has more events than the server-side cap allows."""


class LocalNeo4jError(TraceEngineError):
    """The project's local Neo4j server cannot be fetched, started or stopped."""


class DatabaseNotEmpty(TraceEngineError):
    """An initial load's target database holds data (and replacing it was not asked for)."""

    def __init__(self, found: dict[str, int]) -> None:
        listing = ", ".join(f"{n:,} {label}" for label, n in sorted(found.items()))
        super().__init__(
            f"the database is not empty ({listing}): an initial load replaces the whole "
            "database; give --replace to do that, or use `trace-engine load` to add to it"
        )
        self.found = found


class InitialLoadError(TraceEngineError):
    """An initial load could not go on (its files, the importer, the swap)."""


class QueryParameterError(TraceEngineError):
    """An EPCIS query parameter is unknown or has a value the query cannot take."""

    def __init__(self, parameter: str, reason: str) -> None:
        super().__init__(f"{parameter}: {reason}")
        self.parameter = parameter
        self.reason = reason


class QueryTooLarge(TraceEngineError):
    """An EPCIS query matches more events than its maxEventCount allows."""


class NotAcceptable(TraceEngineError):
    """The response cannot be given in the form the client asked for (Accept, GS1-EPC-Format)."""


class LocalRedisError(TraceEngineError):
    """The project's local Redis server cannot be installed, started or stopped."""


class InvalidSubscription(TraceEngineError):
    """A subscription's field cannot be served (a destination refused, a schedule)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason

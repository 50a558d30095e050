"""Domain exceptions → HTTP status and body, in one place.

Under /epcis errors are RFC 7807 problem+json as the EPCIS REST bindings define; elsewhere the
body is `{"error": "…"}`.
"""

from __future__ import annotations

import logging
import uuid

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from neo4j.exceptions import ServiceUnavailable, SessionExpired

from trace_engine.errors import (
    Conflict,
    DocumentRejected,
    EventInvalid,
    InvalidDocument,
    InvalidIdentifier,
    InvalidInput,
    NotAcceptable,
    NotFound,
    PayloadTooLarge,
    QueryParameterError,
    QueryTooLarge,
    TraceEngineError,
    TraceTooLarge,
    UnsupportedContentType,
)

log = logging.getLogger("trace_engine.api")

# status, EPCIS exception type (bindings' `epcisException:` names)
_MAPPING: list[tuple[type[TraceEngineError], int, str]] = [
    # 401 and 403 are written by api/auth.py, which runs before any route
    (InvalidInput, 422, "ValidationException"),
    (NotFound, 404, "NoSuchResourceException"),
    (UnsupportedContentType, 415, "ValidationException"),
    (InvalidDocument, 400, "ValidationException"),
    (EventInvalid, 400, "ValidationException"),
    (InvalidIdentifier, 400, "ValidationException"),
    (PayloadTooLarge, 413, "CaptureLimitExceededException"),
    (Conflict, 409, "ValidationException"),
    (TraceTooLarge, 422, "QueryTooLargeException"),
    (QueryParameterError, 400, "QueryParameterException"),
    (QueryTooLarge, 413, "QueryTooLargeException"),
    (NotAcceptable, 406, "NotAcceptableException"),
]


# routes whose bad query / path parameters are a 400 (elsewhere a 422 names them)
PARAMETER_400_PREFIXES = ("/api/v1/farms", "/api/v1/batches", "/api/v1/shipments")

DATABASE_UNAVAILABLE = "The database is unavailable (Neo4j is down or starting); try again shortly"


def error(status: int, message: str, **extra: object) -> JSONResponse:
    """An `{"error": …}` body, the convention outside /epcis."""
    return JSONResponse({"error": message, **extra}, status_code=status)


def problem(request: Request, status: int, kind: str, detail: str) -> JSONResponse:
    """An RFC 7807 problem+json body, with the EPCIS and CBV versions every EPCIS response
    carries."""
    return JSONResponse(
        {
            "type": f"epcisException:{kind}",
            "title": kind,
            "status": status,
            "detail": detail,
            "instance": request.url.path,
        },
        status_code=status,
        media_type="application/problem+json",
        headers={"GS1-EPCIS-Version": "2.0.0", "GS1-CBV-Version": "2.0.0"},
    )


def _respond(request: Request, status: int, kind: str, detail: str) -> JSONResponse:
    if request.url.path.startswith("/epcis"):
        return problem(request, status, kind, detail)
    return error(status, detail)


def install_error_handlers(app: FastAPI) -> None:
    """Map each domain exception to its status code."""

    @app.exception_handler(TraceEngineError)
    async def domain_error(request: Request, exc: TraceEngineError) -> JSONResponse:
        for cls, status, kind in _MAPPING:
            if isinstance(exc, cls):
                return _respond(request, status, kind, str(exc))
        return await unhandled(request, exc)

    @app.exception_handler(DocumentRejected)
    async def document_rejected(request: Request, exc: DocumentRejected) -> JSONResponse:
        response = problem(request, 400, "ValidationException", str(exc))
        body = orjson.loads(response.body)
        body["errors"] = [
            {"index": r.index, "eventID": r.event_id, "field": r.field, "reason": r.reason}
            for r in exc.rejected
        ]
        return JSONResponse(body, status_code=400, media_type="application/problem+json")

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        detail = f"{where}: {first.get('msg', 'invalid request')}"
        if request.url.path.startswith("/epcis"):
            return problem(request, 400, "ValidationException", detail)
        parameters = [e for e in exc.errors() if e.get("loc", ("",))[0] in ("query", "path")]
        if parameters and request.url.path.startswith(PARAMETER_400_PREFIXES):
            # a bad query or path parameter of the enterprise listings: 400 naming the
            # parameter and the value given, as the OriginTrace API answers
            bad = parameters[0]
            name = ".".join(str(p) for p in bad["loc"][1:])
            given = bad.get("input")
            shown = f" (got {given!r})" if isinstance(given, str | int | float) else ""
            return error(400, f"{name}: {bad.get('msg', 'invalid')}{shown}")
        if first.get("type") == "json_invalid":
            return error(400, f"malformed JSON body: {first.get('ctx', {}).get('error', detail)}")
        details = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")}
            for e in exc.errors()
        ]
        return error(422, detail, details=details)

    @app.exception_handler(ServiceUnavailable)
    @app.exception_handler(SessionExpired)
    async def database_unavailable(request: Request, exc: Exception) -> JSONResponse:
        log.warning("Neo4j unavailable: %s", exc)
        return _respond(request, 503, "ImplementationException", DATABASE_UNAVAILABLE)

    @app.exception_handler(Exception)
    async def unhandled(request: Request, exc: Exception) -> JSONResponse:
        request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        log.error("unhandled error, request id %s", request_id, exc_info=exc)
        response = error(500, "Internal server error", request_id=request_id)
        response.headers["X-Request-ID"] = request_id
        return response

"""Domain exceptions → HTTP status and body, in one place.

Under /epcis errors are RFC 7807 problem+json as the EPCIS REST bindings define; elsewhere the
body is `{"error": "…"}`.
"""

from __future__ import annotations

import logging
import re
import uuid

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from neo4j.exceptions import ServiceUnavailable, SessionExpired
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from trace_engine.errors import (
    Conflict,
    DocumentRejected,
    EventInvalid,
    InvalidDocument,
    InvalidIdentifier,
    InvalidInput,
    InvalidSubscription,
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
    (InvalidSubscription, 400, "ValidationException"),
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

# Neo4j cannot be reached: the driver's own exceptions, wherever they surface
UNAVAILABLE = (ServiceUnavailable, SessionExpired)
# seconds a client is asked to wait when Neo4j is unreachable
RETRY_AFTER_S = 5

# Starlette's own HTTP errors (no route, wrong method), as EPCIS exception names
_HTTP_KINDS = {404: "NoSuchResourceException", 405: "ValidationException"}


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
        response = problem(request, status, kind, detail)
    else:
        response = error(status, detail)
    if status == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _documented_methods(request: Request) -> list[str] | None:
    """The methods the OpenAPI document lists for the request's path (the most specific
    template that matches: `/stage-types` rather than `/{journey_id}`), if one matches."""
    found: list[tuple[int, list[str]]] = []
    for template, item in request.app.openapi().get("paths", {}).items():
        pattern = re.sub(r"\\{[^}/]+\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, request.url.path):
            found.append((template.count("{"), sorted(m.upper() for m in item)))
    return min(found)[1] if found else None


def allowed_methods(request: Request) -> list[str]:
    """The methods of the request's path: as documented, else every method some route
    answers there (Starlette's own `Allow` names only the first route it tried)."""
    documented = _documented_methods(request)
    if documented is not None:
        return documented
    routes = request.app.router.routes
    return [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    ]


def unavailable(request: Request, exc: BaseException) -> JSONResponse:
    """503 with Retry-After: Neo4j cannot be reached (the API recovers when it can)."""
    log.warning("Neo4j unavailable for %s %s: %s", request.method, request.url.path, exc)
    return _respond(request, 503, "ImplementationException", DATABASE_UNAVAILABLE)


def internal_error(request: Request, exc: BaseException) -> JSONResponse:
    """The documented 500 body, with a request id (also in `X-Request-ID`)."""
    request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
    log.error("unhandled error, request id %s", request_id, exc_info=exc)
    if request.url.path.startswith("/epcis"):
        response = problem(
            request, 500, "ImplementationException", f"internal error, request id {request_id}"
        )
    else:
        response = error(500, "Internal server error", request_id=request_id)
    response.headers["X-Request-ID"] = request_id
    return response


class CatchAll:
    """The outermost middleware: an exception anywhere (auth included) becomes the documented
    503 or 500 response, and is not re-raised, so the server keeps the keep-alive connection.

    (Starlette's `exception_handler(Exception)` answers and then re-raises, and uvicorn closes
    the connection of any request whose exception reaches it.)
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            request = Request(scope)
            if started:  # a background task after the response: nothing left to tell
                log.error("error after the response to %s", request.url.path, exc_info=exc)
                return
            if isinstance(exc, UNAVAILABLE):
                response = unavailable(request, exc)
            else:
                response = internal_error(request, exc)
            await response(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    """Map each domain exception to its status code."""

    @app.exception_handler(TraceEngineError)
    async def domain_error(request: Request, exc: TraceEngineError) -> JSONResponse:
        for cls, status, kind in _MAPPING:
            if isinstance(exc, cls):
                return _respond(request, status, kind, str(exc))
        return internal_error(request, exc)

    @app.exception_handler(ServiceUnavailable)
    @app.exception_handler(SessionExpired)
    async def neo4j_unavailable(request: Request, exc: Exception) -> JSONResponse:
        return unavailable(request, exc)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # no route for the path, or not for this method: our bodies, not FastAPI's {"detail"}
        status = exc.status_code
        detail = str(exc.detail)
        if status == 404 and detail == "Not Found":
            detail = f"no such resource: {request.url.path}"
        if status == 405 and detail == "Method Not Allowed":
            detail = f"method {request.method} not allowed on {request.url.path}"
        response = _respond(request, status, _HTTP_KINDS.get(status, "ValidationException"), detail)
        if status == 405:
            response.headers["Allow"] = ", ".join(allowed_methods(request))
        elif exc.headers:
            response.headers.update(exc.headers)
        return response

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

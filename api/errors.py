"""Domain exceptions → HTTP status and body, in one place."""

from __future__ import annotations

import logging
import uuid

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from trace_engine.errors import Conflict, InvalidIdentifier, NotFound

log = logging.getLogger("trace_engine.api")


def error(status: int, message: str, **extra: object) -> JSONResponse:
    """An `{"error": …}` body, the convention outside /epcis."""
    return JSONResponse({"error": message, **extra}, status_code=status)


def install_error_handlers(app: FastAPI) -> None:
    """Map each domain exception to its status code."""

    @app.exception_handler(NotFound)
    async def not_found(_: Request, exc: NotFound) -> JSONResponse:
        return error(404, str(exc))

    @app.exception_handler(InvalidIdentifier)
    async def invalid_identifier(_: Request, exc: InvalidIdentifier) -> JSONResponse:
        return error(400, str(exc))

    @app.exception_handler(Conflict)
    async def conflict(_: Request, exc: Conflict) -> JSONResponse:
        return error(409, str(exc))

    @app.exception_handler(Exception)
    async def unhandled(request: Request, exc: Exception) -> JSONResponse:
        request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        log.exception("unhandled error, request id %s", request_id, exc_info=exc)
        response = error(500, "Internal server error", request_id=request_id)
        response.headers["X-Request-ID"] = request_id
        return response

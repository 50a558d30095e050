"""The OpenAPI document tells the truth: the conventions every route follows.

Statuses every route can answer are added here, once, so a new route is documented without
doing anything:

- every route but the public ones (`auth.PUBLIC_PATHS`) needs the bearer key: the
  `bearerAuth` security scheme, and 401, 403, 429 (auth middleware) and 503 (Neo4j
  unreachable, with `Retry-After`), and 500 (an unhandled error, with a request id);
- a route with parameters or a body can answer 422 (a field the schema refuses, named), or
  400 under `/epcis` where the bindings say so (and for the parameters of the listings of
  `PARAMETER_400_PREFIXES`); with a body also 400 (malformed JSON) and 413 (over the request
  body limit); with a negotiating header (`NEGOTIATING_HEADERS`) a 406; with a path
  parameter a 404 (nothing there, or a value that routes nowhere, such as one with a newline).

A route declares only the statuses that depend on what it does, with `errors(404, 409, …)` in
its `responses=`. Every error body is described here: `{"error": …}` (`ErrorBody`), or RFC 7807
problem+json (`Problem`) under `/epcis`, chosen by path.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, ConfigDict, Field

from api.auth import PUBLIC_PATHS
from api.errors import PARAMETER_400_PREFIXES

EPCIS_PREFIX = "/epcis"
PROBLEM_JSON = "application/problem+json"


class ErrorBody(BaseModel):
    """Every error outside /epcis: `error` says what is wrong, naming the field."""

    model_config = ConfigDict(extra="allow")

    error: str = Field(description="What is wrong; a refused field is named.")
    details: list[dict[str, Any]] | None = Field(
        default=None, description="422: each refused field (`loc`, `msg`, `type`)."
    )
    request_id: str | None = Field(default=None, description="500: quote it to the operator.")
    retry_after: int | None = Field(default=None, description="429 and 503: seconds to wait.")


class Problem(BaseModel):
    """Every error under /epcis: RFC 7807 problem+json, as the EPCIS REST bindings define."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="`epcisException:<name>`")
    title: str
    status: int
    detail: str
    instance: str
    errors: list[dict[str, Any]] | None = Field(
        default=None, description="400 on capture: each invalid event (index, eventID, field)."
    )


# what each status means, wherever it is answered
DESCRIPTIONS: dict[int, str] = {
    400: "Malformed request: unreadable JSON or XML, or a value the schema cannot judge "
    "(an identifier's syntax, an EPCIS rule); the field is named",
    401: "No API key, or an unknown, revoked or expired one",
    403: "The API key lacks the scope this route needs",
    404: "No such thing visible to your organisation",
    406: "A version or format the request asks for (GS1-EPCIS-Min/Max, …) cannot be served",
    409: "Conflicts with what is stored",
    413: "The request body is over the size limit",
    415: "The body's content type is not one this route reads",
    422: "A field is refused (named in the body)",
    429: "Rate limit of the key exceeded; retry after `Retry-After` seconds",
    500: "Unhandled error; the body and `X-Request-ID` carry the request id",
    503: "Neo4j is unreachable; retry after `Retry-After` seconds",
}

_RETRY_AFTER = {
    "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}},
}
_REQUEST_ID = {
    "X-Request-ID": {"description": "The request's id, as logged", "schema": {"type": "string"}},
}
_HEADERS: dict[int, dict[str, Any]] = {429: _RETRY_AFTER, 503: _RETRY_AFTER, 500: _REQUEST_ID}


def errors(*statuses: int, **descriptions: str) -> dict[int | str, dict[str, Any]]:
    """`responses=` for the statuses a route answers because of what it does (404, 409, …).

    `descriptions` override the standard text, keyed `e404="No such journey"`; the body's
    schema (`{"error"}` or problem+json) is added by `install_openapi`.
    """
    return {
        status: {"description": descriptions.get(f"e{status}", DESCRIPTIONS[status])}
        for status in statuses
    }


# request headers that negotiate (versions, formats): a value the server cannot serve is a 406
NEGOTIATING_HEADERS = frozenset(
    {
        "accept",
        "gs1-epcis-min",
        "gs1-epcis-max",
        "gs1-cbv-min",
        "gs1-cbv-max",
        "gs1-epc-format",
        "gs1-cbv-xml-format",
    }
)


def _negotiates(operation: dict[str, Any]) -> bool:
    return any(
        p.get("in") == "header" and p.get("name", "").lower() in NEGOTIATING_HEADERS
        for p in operation.get("parameters", [])
    )


def _has_input(operation: dict[str, Any]) -> bool:
    return bool(operation.get("parameters") or operation.get("requestBody"))


def _error_content(path: str) -> dict[str, Any]:
    if path.startswith(EPCIS_PREFIX):
        return {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    return {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}


def _declare_path_parameters(path: str, operation: dict[str, Any]) -> None:
    # a route that does not read a segment of its path (a discovery OPTIONS) still has it
    declared = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "path"}
    for name in re.findall(r"\{([^}/]+)\}", path):
        if name not in declared:
            operation.setdefault("parameters", []).append(
                {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            )


def document_operation(path: str, operation: dict[str, Any]) -> None:
    """Add the statuses every route shares, and the error bodies, to one operation."""
    _declare_path_parameters(path, operation)
    responses: dict[str, Any] = operation.setdefault("responses", {})
    epcis = path.startswith(EPCIS_PREFIX)
    shared: list[int] = []
    if path not in PUBLIC_PATHS:
        operation["security"] = [{"bearerAuth": []}]
        shared += [401, 403, 429, 503]
    shared.append(500)
    if operation.get("parameters") and path.startswith(PARAMETER_400_PREFIXES):
        shared.append(400)  # these listings answer a bad parameter with 400 (api/errors.py)
    if _has_input(operation):
        shared.append(400 if epcis else 422)
    if "422" in responses and epcis:
        # request validation under /epcis answers 400 problem+json (the bindings), never 422
        del responses["422"]
    if operation.get("requestBody"):
        shared += [400, 413]
    if _negotiates(operation):
        shared.append(406)
    if "{" in path:
        shared.append(404)  # nothing there, or a path value that routes nowhere
    for status in shared:
        responses.setdefault(str(status), {"description": DESCRIPTIONS[status]})
    for code, response in responses.items():
        if not code.isdigit() or int(code) < 400:
            continue
        response["content"] = _error_content(path)
        if headers := _HEADERS.get(int(code)):
            response.setdefault("headers", {}).update(headers)


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document with the shared conventions applied."""
    schema = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
    )
    components = schema.setdefault("components", {})
    components.setdefault("securitySchemes", {})["bearerAuth"] = {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key's secret: `Authorization: Bearer <secret>`.",
    }
    schemas = components.setdefault("schemas", {})
    schemas["ErrorBody"] = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if method in {"get", "put", "post", "delete", "patch", "options", "head"}:
                document_operation(path, operation)
    # FastAPI's own 422 body is never sent (api/errors.py answers ErrorBody or Problem)
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    return schema


def install_openapi(app: FastAPI) -> None:
    """Serve `build_openapi(app)` at /openapi.json (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

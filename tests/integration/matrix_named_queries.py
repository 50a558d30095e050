"""One valid request per named-query route, for test_auth.py's MATRIX:
{(METHOD, openapi path): (needed scope, async builder(admin client) -> (method, path, kwargs))}.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

Request = tuple[str, str, dict[str, Any]]
Builder = Callable[[httpx.AsyncClient], Awaitable[Request]]


def _body() -> dict[str, Any]:
    return {"name": f"q-{uuid.uuid4().hex[:12]}", "query": {"EQ_bizStep": ["shipping"]}}


async def _stored(admin: httpx.AsyncClient) -> str:
    body = _body()
    response = await admin.post("/epcis/queries", json=body)
    assert response.status_code == 201, response.text
    return str(body["name"])


async def _create(_: httpx.AsyncClient) -> Request:
    return "POST", "/epcis/queries", {"json": _body()}


async def _list(admin: httpx.AsyncClient) -> Request:
    await _stored(admin)
    return "GET", "/epcis/queries", {}


async def _get(admin: httpx.AsyncClient) -> Request:
    return "GET", f"/epcis/queries/{await _stored(admin)}", {}


async def _events(admin: httpx.AsyncClient) -> Request:
    return "GET", f"/epcis/queries/{await _stored(admin)}/events", {}


async def _delete(admin: httpx.AsyncClient) -> Request:
    return "DELETE", f"/epcis/queries/{await _stored(admin)}", {}


MATRIX: dict[tuple[str, str], tuple[str, Builder]] = {
    ("POST", "/epcis/queries"): ("write", _create),
    ("GET", "/epcis/queries"): ("read", _list),
    ("GET", "/epcis/queries/{queryName}"): ("read", _get),
    ("DELETE", "/epcis/queries/{queryName}"): ("write", _delete),
    ("GET", "/epcis/queries/{queryName}/events"): ("read", _events),
}

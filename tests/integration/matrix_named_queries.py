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


def _body(query: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": f"q-{uuid.uuid4().hex[:12]}", "query": query or {"EQ_bizStep": ["shipping"]}}


async def _stored(admin: httpx.AsyncClient, query: dict[str, Any] | None = None) -> str:
    body = _body(query)
    response = await admin.post("/epcis/queries", json=body)
    assert response.status_code == 201, response.text
    return str(body["name"])


# a literal global address (checked without DNS) and a query nothing matches: never contacted
_DEST = "https://1.1.1.1/trace-engine-matrix"


async def _subscription(admin: httpx.AsyncClient) -> str:
    name = await _stored(admin, {"EQ_bizStep": ["urn:example:never"]})
    created = await admin.post(
        f"/epcis/queries/{name}/subscriptions", json={"dest": _DEST, "stream": True}
    )
    assert created.status_code == 201, created.text
    return str(created.headers["Location"])


async def _subscribe(admin: httpx.AsyncClient) -> Request:
    name = await _stored(admin, {"EQ_bizStep": ["urn:example:never"]})
    return "POST", f"/epcis/queries/{name}/subscriptions", {"json": {"dest": _DEST, "stream": True}}


async def _subscriptions(admin: httpx.AsyncClient) -> Request:
    location = await _subscription(admin)
    return "GET", location.rsplit("/", 1)[0], {}


async def _subscription_get(admin: httpx.AsyncClient) -> Request:
    return "GET", await _subscription(admin), {}


async def _subscription_delete(admin: httpx.AsyncClient) -> Request:
    return "DELETE", await _subscription(admin), {}


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
    ("POST", "/epcis/queries/{queryName}/subscriptions"): ("write", _subscribe),
    ("GET", "/epcis/queries/{queryName}/subscriptions"): ("read", _subscriptions),
    ("GET", "/epcis/queries/{queryName}/subscriptions/{subscriptionID}"): (
        "read",
        _subscription_get,
    ),
    ("DELETE", "/epcis/queries/{queryName}/subscriptions/{subscriptionID}"): (
        "write",
        _subscription_delete,
    ),
}

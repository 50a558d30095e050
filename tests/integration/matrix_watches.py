"""One valid request per recall-watch route, for test_auth.py's MATRIX:
{(METHOD, openapi path): (needed scope, async builder(admin client) -> (method, path, kwargs))}.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import orjson

Request = tuple[str, str, dict[str, Any]]
Builder = Callable[[httpx.AsyncClient], Awaitable[Request]]

# a literal global address (checked without DNS); nothing is captured after a watch is made,
# so it is never contacted
_DEST = "https://1.1.1.1/trace-engine-matrix"


async def _lot(admin: httpx.AsyncClient) -> str:
    """A lot with one event of the admin's org."""
    lot = f"urn:epc:class:lgtin:4012345.012345.M{uuid.uuid4().hex[:10]}"
    event = {
        "type": "ObjectEvent",
        "eventID": f"urn:uuid:{uuid.uuid4()}",
        "eventTime": "2024-06-01T08:00:00.000Z",
        "eventTimeZoneOffset": "+00:00",
        "action": "ADD",
        "bizStep": "commissioning",
        "quantityList": [{"epcClass": lot, "quantity": 1, "uom": "KGM"}],
    }
    document = {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-06-01T00:00:00Z",
        "epcisBody": {"eventList": [event]},
    }
    headers = {"Content-Type": "application/ld+json"}
    response = await admin.post("/epcis/capture", content=orjson.dumps(document), headers=headers)
    assert response.status_code == 202, response.text
    return lot


async def _watch(admin: httpx.AsyncClient) -> str:
    body = {"productId": await _lot(admin), "dest": _DEST}
    created = await admin.post("/api/v1/watches", json=body)
    assert created.status_code == 201, created.text
    return str(created.headers["Location"])


async def _create(admin: httpx.AsyncClient) -> Request:
    return "POST", "/api/v1/watches", {"json": {"productId": await _lot(admin), "dest": _DEST}}


async def _list(admin: httpx.AsyncClient) -> Request:
    await _watch(admin)
    return "GET", "/api/v1/watches", {}


async def _get(admin: httpx.AsyncClient) -> Request:
    return "GET", await _watch(admin), {}


async def _delete(admin: httpx.AsyncClient) -> Request:
    return "DELETE", await _watch(admin), {}


MATRIX: dict[tuple[str, str], tuple[str, Builder]] = {
    ("POST", "/api/v1/watches"): ("write", _create),
    ("GET", "/api/v1/watches"): ("read", _list),
    ("GET", "/api/v1/watches/{watchID}"): ("read", _get),
    ("DELETE", "/api/v1/watches/{watchID}"): ("write", _delete),
}

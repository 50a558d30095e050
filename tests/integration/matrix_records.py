"""One valid request per traceability-records route, for test_auth.py's MATRIX:
{(METHOD, openapi path): (needed scope, async builder(admin client) -> (method, path, kwargs))}.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

import httpx

Request = tuple[str, str, dict[str, Any]]
Builder = Callable[[httpx.AsyncClient], Awaitable[Request]]

BASE = "/api/v1/traceability"
RECORD = {
    "productId": "urn:epc:idpat:sgtin:4012345.012345.*",
    "batchNumber": "MATRIX-1",
    "origin": "Gujarat, India",
}


async def _record(admin: httpx.AsyncClient) -> str:
    response = await admin.post(BASE, json=RECORD)
    assert response.status_code == 201, response.text
    record_id: str = response.json()["id"]
    return record_id


async def _list(admin: httpx.AsyncClient) -> Request:
    await _record(admin)
    return "GET", BASE, {"params": {"page": 0, "size": 20}}


async def _create(_: httpx.AsyncClient) -> Request:
    return "POST", BASE, {"json": RECORD}


async def _get(admin: httpx.AsyncClient) -> Request:
    return "GET", f"{BASE}/{await _record(admin)}", {}


async def _patch(admin: httpx.AsyncClient) -> Request:
    return "PATCH", f"{BASE}/{await _record(admin)}", {"json": {"notes": "checked"}}


async def _delete(admin: httpx.AsyncClient) -> Request:
    return "DELETE", f"{BASE}/{await _record(admin)}", {}


async def _by_product(admin: httpx.AsyncClient) -> Request:
    await _record(admin)
    return "GET", f"{BASE}/product/{quote(RECORD['productId'], safe=':')}", {}


async def _by_batch(admin: httpx.AsyncClient) -> Request:
    await _record(admin)
    return "GET", f"{BASE}/batch/{RECORD['batchNumber']}", {}


MATRIX: dict[tuple[str, str], tuple[str, Builder]] = {
    ("GET", "/api/v1/traceability"): ("read", _list),
    ("POST", "/api/v1/traceability"): ("write", _create),
    ("GET", "/api/v1/traceability/{id}"): ("read", _get),
    ("PATCH", "/api/v1/traceability/{id}"): ("write", _patch),
    ("DELETE", "/api/v1/traceability/{id}"): ("write", _delete),
    ("GET", "/api/v1/traceability/product/{productId}"): ("read", _by_product),
    ("GET", "/api/v1/traceability/batch/{batchNumber}"): ("read", _by_batch),
}

"""One valid request per enterprise-listings route, for test_auth.py's MATRIX:
{(METHOD, openapi path): (needed scope, async builder(admin client) -> (method, path, kwargs))}.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

Request = tuple[str, str, dict[str, Any]]
Builder = Callable[[httpx.AsyncClient], Awaitable[Request]]

SHIPMENT = {"shipmentCode": "SHP-1", "items": ["urn:epc:id:sscc:4012345.0000000009"]}


async def _farms(_: httpx.AsyncClient) -> Request:
    return "GET", "/api/v1/farms", {"params": {"compliance_status": "approved"}}


async def _batches(_: httpx.AsyncClient) -> Request:
    return "GET", "/api/v1/batches", {"params": {"status": "completed", "limit": 50}}


async def _shipments(_: httpx.AsyncClient) -> Request:
    return "GET", "/api/v1/shipments", {"params": {"status": "ready"}}


async def _put(_: httpx.AsyncClient) -> Request:
    return "PUT", "/api/v1/shipments/SHP-1", {"json": SHIPMENT}


async def _readiness(admin: httpx.AsyncClient) -> Request:
    response = await admin.put("/api/v1/shipments/SHP-2", json=SHIPMENT)
    assert response.status_code == 200, response.text
    return "GET", "/api/v1/shipments/SHP-2/readiness", {}


MATRIX: dict[tuple[str, str], tuple[str, Builder]] = {
    ("GET", "/api/v1/farms"): ("read", _farms),
    ("GET", "/api/v1/batches"): ("read", _batches),
    ("GET", "/api/v1/shipments"): ("read", _shipments),
    ("PUT", "/api/v1/shipments/{shipment_id}"): ("write", _put),
    ("GET", "/api/v1/shipments/{shipment_id}/readiness"): ("read", _readiness),
}

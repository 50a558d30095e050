"""One valid request per investigator route (FSMA 204 spreadsheet and completeness, recall
impact), for test_auth.py's MATRIX:
{(METHOD, openapi path): (needed scope, async builder(admin client) -> (method, path, kwargs))}.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import orjson

Request = tuple[str, str, dict[str, Any]]
Builder = Callable[[httpx.AsyncClient], Awaitable[Request]]

LOT = "urn:epc:class:lgtin:4012345.012345.INV1"


async def _captured_lot(admin: httpx.AsyncClient) -> dict[str, Any]:
    document = {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-06-01T00:00:00Z",
        "epcisBody": {
            "eventList": [
                {
                    "type": "ObjectEvent",
                    "eventID": "urn:uuid:31000000-0000-4000-8000-000000000001",
                    "eventTime": "2024-06-01T10:00:00.000Z",
                    "eventTimeZoneOffset": "+00:00",
                    "action": "ADD",
                    "bizStep": "commissioning",
                    "quantityList": [{"epcClass": LOT, "quantity": 5, "uom": "KGM"}],
                    "bizLocation": {"id": "urn:epc:id:sgln:4012345.00001.0"},
                }
            ]
        },
    }
    response = await admin.post(
        "/epcis/capture",
        content=orjson.dumps(document),
        headers={"Content-Type": "application/ld+json"},
    )
    assert response.status_code == 202, response.text
    return {"params": {"productId": LOT}}


async def _spreadsheet(admin: httpx.AsyncClient) -> Request:
    return "GET", "/api/v1/fsma204/spreadsheet", await _captured_lot(admin)


async def _completeness(admin: httpx.AsyncClient) -> Request:
    return "GET", "/api/v1/fsma204/completeness", await _captured_lot(admin)


async def _impact(admin: httpx.AsyncClient) -> Request:
    return "GET", "/api/v1/recalls/impact", await _captured_lot(admin)


MATRIX: dict[tuple[str, str], tuple[str, Builder]] = {
    ("GET", "/api/v1/fsma204/spreadsheet"): ("read", _spreadsheet),
    ("GET", "/api/v1/fsma204/completeness"): ("read", _completeness),
    ("GET", "/api/v1/recalls/impact"): ("read", _impact),
}

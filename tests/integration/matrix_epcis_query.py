"""One valid request per EPCIS query route, for test_auth.py's MATRIX:
{(METHOD, openapi path): (needed scope, async builder(admin client) -> (method, path, kwargs))}.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

import httpx

Request = tuple[str, str, dict[str, Any]]
Builder = Callable[[httpx.AsyncClient], Awaitable[Request]]

LOCATION = "urn:epc:id:sgln:4012345.00002.0"
EPC = "urn:epc:id:sgtin:4012345.011111.1001"


async def _event(admin: httpx.AsyncClient) -> str:
    event_id = f"urn:uuid:{uuid.uuid4()}"
    event = {
        "type": "ObjectEvent",
        "eventID": event_id,
        "eventTime": "2024-03-01T10:00:00Z",
        "eventTimeZoneOffset": "+00:00",
        "action": "OBSERVE",
        "epcList": [EPC],
        "bizStep": "shipping",
        "disposition": "in_transit",
        "readPoint": {"id": LOCATION},
        "bizLocation": {"id": LOCATION},
    }
    response = await admin.post(
        "/epcis/events", json=event, headers={"Content-Type": "application/ld+json"}
    )
    assert response.status_code == 201, response.text
    return event_id


def _get(path: str, **params: Any) -> Builder:
    async def build(admin: httpx.AsyncClient) -> Request:
        await _event(admin)
        return "GET", path, {"params": params}

    return build


def _options(path: str) -> Builder:
    async def build(_: httpx.AsyncClient) -> Request:
        return "OPTIONS", path, {}

    return build


async def _event_get(admin: httpx.AsyncClient) -> Request:
    return "GET", f"/epcis/events/{quote(await _event(admin), safe='')}", {}


async def _event_options(admin: httpx.AsyncClient) -> Request:
    return "OPTIONS", f"/epcis/events/{quote(await _event(admin), safe='')}", {}


MEMBERS = {
    "eventTypes": "ObjectEvent",
    "epcs": EPC,
    "bizSteps": "shipping",
    "bizLocations": LOCATION,
    "readPoints": LOCATION,
    "dispositions": "in_transit",
}

MATRIX: dict[tuple[str, str], tuple[str, Builder]] = {
    ("OPTIONS", "/epcis"): ("read", _options("/epcis")),
    ("GET", "/epcis"): ("read", _get("/epcis")),
    ("OPTIONS", "/epcis/events"): ("read", _options("/epcis/events")),
    ("GET", "/epcis/events"): ("read", _get("/epcis/events", EQ_bizStep="shipping")),
    ("GET", "/epcis/events/{event_id}"): ("read", _event_get),
    ("OPTIONS", "/epcis/events/{event_id}"): ("read", _event_options),
    ("GET", "/epcis/capture"): ("read", _get("/epcis/capture")),
}
for _name, _member in MEMBERS.items():
    _quoted = quote(_member, safe="")
    MATRIX |= {
        ("GET", f"/epcis/{_name}"): ("read", _get(f"/epcis/{_name}")),
        ("OPTIONS", f"/epcis/{_name}"): ("read", _options(f"/epcis/{_name}")),
        ("GET", f"/epcis/{_name}/{{value}}"): ("read", _get(f"/epcis/{_name}/{_quoted}")),
        ("OPTIONS", f"/epcis/{_name}/{{value}}"): (
            "read",
            _options(f"/epcis/{_name}/{_quoted}"),
        ),
        ("GET", f"/epcis/{_name}/{{value}}/events"): (
            "read",
            _get(f"/epcis/{_name}/{_quoted}/events"),
        ),
        ("OPTIONS", f"/epcis/{_name}/{{value}}/events"): (
            "read",
            _options(f"/epcis/{_name}/{_quoted}/events"),
        ),
    }

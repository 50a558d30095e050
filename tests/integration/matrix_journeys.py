"""One valid request per journey route, in the shape of test_auth.py's MATRIX:
{(METHOD, openapi_path): (needed scope, async builder(admin client) -> (method, path, kwargs))}.
Each builder prepares what the request needs with the admin client of the default org."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

Request = tuple[str, str, dict[str, Any]]
Builder = Callable[[httpx.AsyncClient], Awaitable[Request]]
BASE = "/api/v1/product/traceability"
_STAGE = {"stageName": "Spinning", "distanceKm": 12.5, "co2Emissions": 0.4}


async def _new_journey(admin: httpx.AsyncClient) -> str:
    response = await admin.post(BASE, json={"traceabilityName": "Matrix journey"})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _new_stage(admin: httpx.AsyncClient) -> str:
    journey_id = await _new_journey(admin)
    response = await admin.post(f"{BASE}/{journey_id}/stages", json=_STAGE)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _stage_types(_: httpx.AsyncClient) -> Request:
    return "GET", f"{BASE}/stage-types", {}


async def _list(admin: httpx.AsyncClient) -> Request:
    await _new_journey(admin)
    return "GET", BASE, {"params": {"page": 1, "limit": 20, "search": "matrix"}}


async def _create(_: httpx.AsyncClient) -> Request:
    return "POST", BASE, {"json": {"traceabilityName": "Created"}}


async def _get(admin: httpx.AsyncClient) -> Request:
    return "GET", f"{BASE}/{await _new_journey(admin)}", {}


async def _patch(admin: httpx.AsyncClient) -> Request:
    return "PATCH", f"{BASE}/{await _new_journey(admin)}", {"json": {"description": "changed"}}


async def _delete(admin: httpx.AsyncClient) -> Request:
    return "DELETE", f"{BASE}/{await _new_journey(admin)}", {}


async def _stages_list(admin: httpx.AsyncClient) -> Request:
    return "GET", f"{BASE}/{await _new_journey(admin)}/stages", {}


async def _stage_add(admin: httpx.AsyncClient) -> Request:
    return "POST", f"{BASE}/{await _new_journey(admin)}/stages", {"json": _STAGE}


async def _stages_bulk(admin: httpx.AsyncClient) -> Request:
    body = {"stages": [_STAGE | {"sequenceOrder": 1}, _STAGE | {"sequenceOrder": 2}]}
    return "POST", f"{BASE}/{await _new_journey(admin)}/stages/bulk", {"json": body}


async def _stage_patch(admin: httpx.AsyncClient) -> Request:
    return "PATCH", f"{BASE}/stages/{await _new_stage(admin)}", {"json": {"distanceKm": 3}}


async def _stage_delete(admin: httpx.AsyncClient) -> Request:
    return "DELETE", f"{BASE}/stages/{await _new_stage(admin)}", {}


MATRIX: dict[tuple[str, str], tuple[str, Builder]] = {
    ("GET", f"{BASE}/stage-types"): ("read", _stage_types),
    ("GET", BASE): ("read", _list),
    ("POST", BASE): ("write", _create),
    ("GET", f"{BASE}/{{journey_id}}"): ("read", _get),
    ("PATCH", f"{BASE}/{{journey_id}}"): ("write", _patch),
    ("DELETE", f"{BASE}/{{journey_id}}"): ("write", _delete),
    ("GET", f"{BASE}/{{journey_id}}/stages"): ("read", _stages_list),
    ("POST", f"{BASE}/{{journey_id}}/stages"): ("write", _stage_add),
    ("POST", f"{BASE}/{{journey_id}}/stages/bulk"): ("write", _stages_bulk),
    ("PATCH", f"{BASE}/stages/{{stage_id}}"): ("write", _stage_patch),
    ("DELETE", f"{BASE}/stages/{{stage_id}}"): ("write", _stage_delete),
}

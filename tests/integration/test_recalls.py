"""The recall impact report on the recall demo: stores, the deliberate gap, tenancy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from trace_engine.fsma204.rows import canonical, tlc_text
from trace_engine.seed import recall_demo

DEMO = Path(__file__).resolve().parents[2] / "seed" / "recall-demo" / "events.jsonld"
LOT = recall_demo.CONTAMINATED_LOT


async def capture(client: httpx.AsyncClient, body: bytes) -> None:
    """Capture a document and wait for its job."""
    response = await client.post(
        "/epcis/capture", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 202, response.text
    job = (await client.get(response.headers["Location"])).json()
    assert job["rejectedCount"] == 0 and job["running"] is False, job


async def _impact(client: httpx.AsyncClient, **params: Any) -> httpx.Response:
    return await client.get("/api/v1/recalls/impact", params={"productId": LOT, **params})


async def test_impact_of_the_demo_lot(client: httpx.AsyncClient) -> None:
    await capture(client, DEMO.read_bytes())
    response = await _impact(client)
    assert response.status_code == 200, response.text
    body = response.json()

    # the stores are the STORE facilities of the downstream trace
    trace = await client.get(
        "/api/v1/traces", params={"productId": LOT, "direction": "downstream", "events": "all"}
    )
    facilities = trace.json()[LOT]["facilities"]
    trace_stores = {f for f, x in facilities.items() if x["data"].get("type") == "STORE"}
    assert trace_stores == set(recall_demo.AFFECTED_STORES)
    assert {s["id"] for s in body["downstream"]["stores"]} == trace_stores
    assert body["summary"]["stores"] == 3

    # the deliberate gap, with both figures
    gaps = body["massBalance"]["discrepancies"]
    assert [(g["kind"], g["tlc"], g["left"], g["right"], g["unit"]) for g in gaps] == [
        ("shipment", tlc_text(canonical(LOT) or ""), recall_demo.B_ROM_SHIPPED,
         recall_demo.B_ROM_RECEIVED, "KGM")
    ]  # fmt: skip
    totals = body["massBalance"]["totals"]
    assert totals["recalled"] == recall_demo.B_ROM_SHIPPED
    assert totals["unaccounted"] == recall_demo.B_ROM_SHIPPED - recall_demo.B_ROM_RECEIVED
    assert body["lot"]["tlcSource"]["name"] == "Pajaro Valley Greens"
    assert body["sharing"] == {"used": False, "orgs": []}

    # a wider tolerance hides the 3.9% gap
    wide = (await _impact(client, tolerance=5)).json()
    assert wide["massBalance"]["discrepancies"] == []


async def test_impact_tenancy(
    client: httpx.AsyncClient, make_client: Callable[..., httpx.AsyncClient]
) -> None:
    await capture(client, DEMO.read_bytes())
    stranger = make_client(org="stranger")
    assert (await _impact(stranger)).status_code == 404
    partner = make_client(org="partner")
    assert (await client.post("/api/v1/sharing", json={"org": "partner"})).status_code in (
        200,
        201,
    )
    shared = await _impact(partner)
    assert shared.status_code == 200, shared.text
    assert shared.json()["sharing"]["used"] is True
    assert {s["id"] for s in shared.json()["downstream"]["stores"]} == set(
        recall_demo.AFFECTED_STORES
    )


async def test_impact_errors(client: httpx.AsyncClient) -> None:
    await capture(client, DEMO.read_bytes())
    for params, status in (
        ({"productId": "nope"}, 400),
        ({"productId": "urn:epc:idpat:sgtin:0860002.010001.*"}, 400),
        ({"tolerance": -1}, 422),
        ({"productId": "urn:epc:class:lgtin:0860002.010001.ZZZ"}, 404),
    ):
        assert (await _impact(client, **params)).status_code == status, params
    assert (await client.get("/api/v1/recalls/impact")).status_code == 422

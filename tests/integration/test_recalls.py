"""The recall impact report on the recall demo: stores, the deliberate gap, tenancy."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import openpyxl

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

    # the same report as a workbook
    xlsx = await _impact(client, format="xlsx")
    assert xlsx.status_code == 200, xlsx.text
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames[0] == "Summary" and "Facilities" in book.sheetnames
    rows = list(book["Discrepancies"].iter_rows(values_only=True))
    assert [(r[0], r[5], r[6], r[7]) for r in rows[1:]] == [
        ("shipment", recall_demo.B_ROM_SHIPPED, recall_demo.B_ROM_RECEIVED, "KGM")
    ]
    stores = [r for r in book["Facilities"].iter_rows(values_only=True) if r[0] == "STORE"]
    assert {r[1] for r in stores} == set(recall_demo.AFFECTED_STORES)

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
    # a share takes effect once the receiving org accepts it
    assert (await partner.post("/api/v1/sharing/accept", json={"org": "demo"})).status_code == 200
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


async def test_a_sharing_partner_sees_the_shared_part(
    client: httpx.AsyncClient, make_client: Callable[..., httpx.AsyncClient]
) -> None:
    """The grocer (DC and stores) captures its own events; the recall's stores appear in the
    demo org's report only once the grocer shares with it, and the report says so."""
    import orjson

    from trace_engine.seed.recall_demo import DC, build_recall_demo

    grocer_places = {DC, *recall_demo.AFFECTED_STORES, recall_demo.UNAFFECTED_STORE}
    document = build_recall_demo()
    events = document["epcisBody"]["eventList"]
    mine = [e for e in events if e["bizLocation"]["id"] not in grocer_places]
    theirs = [e for e in events if e["bizLocation"]["id"] in grocer_places]
    assert mine and theirs
    grocer = make_client(org="grocer")
    for http, part in ((client, mine), (grocer, theirs)):
        body = {**document, "epcisBody": {"eventList": part}}
        await capture(http, orjson.dumps(body))

    alone = (await _impact(client)).json()
    assert alone["downstream"]["stores"] == [] and alone["sharing"]["used"] is False
    share = await grocer.post("/api/v1/sharing", json={"org": client_org(alone)})
    assert share.status_code in (200, 201), share.text
    accepted = await client.post("/api/v1/sharing/accept", json={"org": "grocer"})
    assert accepted.status_code == 200, accepted.text
    shared = (await _impact(client)).json()
    assert {s["id"] for s in shared["downstream"]["stores"]} == set(recall_demo.AFFECTED_STORES)
    assert shared["sharing"] == {"used": True, "orgs": ["grocer"]}
    # the grocer cannot see how the lot reached its stores (the processor does not share):
    # as its trace, its report of the lot exists and shows no store
    for http, report in ((client, shared), (grocer, (await _impact(grocer)).json())):
        trace = await http.get(
            "/api/v1/traces", params={"productId": LOT, "direction": "downstream"}
        )
        assert trace.status_code == 200, trace.text
        facilities = trace.json()[LOT]["facilities"]
        stores = {f for f, x in facilities.items() if x["data"].get("type") == "STORE"}
        assert {s["id"] for s in report["downstream"]["stores"]} == stores


def client_org(report: dict[str, Any]) -> str:
    """The org a report was made for."""
    return str(report["org"])

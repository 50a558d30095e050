"""The input-bounds policy (trace_engine/kit/bounds.py): each input that once answered 500,
or was stored and then broke every read, is now refused with a 4xx naming the field, and
changes nothing."""

from __future__ import annotations

from typing import Any

import httpx
import orjson

LOT = "urn:epc:id:lgtin:0614141.107346.2018"
HUGE_ID = "urn:uuid:" + "a" * 20_000
BIG_INT = 2**64


def _nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {"leaf": 1}
    for _ in range(depth - 1):
        value = {"n": value}
    return value


def _names(response: httpx.Response, field: str) -> None:
    body = response.json()
    text = body.get("error") or body.get("detail") or ""
    assert field in text or field in orjson.dumps(body).decode(), (field, body)


async def _journey(client: httpx.AsyncClient) -> str:
    created = await client.post("/api/v1/product/traceability", json={"traceabilityName": "j"})
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def test_trace_times_without_offset_or_off_the_calendar_are_422(
    client: httpx.AsyncClient,
) -> None:
    for field, value in [
        ("since", "2026-01-01T00:00:00"),
        ("until", "2026-01-01T00:00:00"),
        ("since", "0001-01-01T00:00:00+14:00"),
        ("until", "9999-12-31T23:59:59-14:00"),
    ]:
        response = await client.get("/api/v1/traces", params={"productId": LOT, field: value})
        assert response.status_code == 422, (field, value, response.text)
        _names(response, field)


async def test_journey_bounds(client: httpx.AsyncClient) -> None:
    huge_page = await client.get("/api/v1/product/traceability", params={"page": 10**20})
    assert huge_page.status_code == 422
    _names(huge_page, "page")
    journey = await _journey(client)
    stages = f"/api/v1/product/traceability/{journey}/stages"
    order = await client.post(stages, json={"stageName": "s", "sequenceOrder": BIG_INT})
    assert order.status_code == 422
    _names(order, "sequenceOrder")
    for distance in (1.7e308, 1.7e308):  # two of them would overflow the total
        far = await client.post(stages, json={"stageName": "s", "distanceKm": distance})
        assert far.status_code == 422
        _names(far, "distanceKm")
    for metadata in ({"n": BIG_INT}, _nested(300)):
        bad = await client.post(
            "/api/v1/product/traceability", json={"traceabilityName": "m", "metadata": metadata}
        )
        assert bad.status_code == 422
        _names(bad, "metadata")
    got = await client.get(f"/api/v1/product/traceability/{journey}")
    assert got.status_code == 200 and got.json()["totalDistanceKm"] == 0
    listed = await client.get("/api/v1/product/traceability")
    assert listed.status_code == 200 and listed.json()["meta"]["total"] == 1


async def test_records_refuse_metadata_that_would_poison_traces_and_lists(
    client: httpx.AsyncClient,
) -> None:
    for metadata in ({"n": BIG_INT}, {"n": -BIG_INT}, _nested(300)):
        response = await client.post(
            "/api/v1/traceability",
            json={"productId": LOT, "batchNumber": "2018", "origin": "x", "metadata": metadata},
        )
        assert response.status_code == 422, response.text
        _names(response, "metadata")
    listed = await client.get("/api/v1/traceability")
    assert listed.status_code == 200 and listed.json() == []
    deep_ok = await client.post(
        "/api/v1/traceability",
        json={"productId": LOT, "batchNumber": "2018", "origin": "x", "metadata": _nested(30)},
    )
    assert deep_ok.status_code == 201, deep_ok.text


async def test_identifiers_longer_than_an_index_key_are_refused(
    client: httpx.AsyncClient,
) -> None:
    facility = await client.put(f"/api/v1/facilities/{HUGE_ID}", json={"name": "x"})
    assert facility.status_code == 400
    assert "2048" in facility.json()["error"]
    payload = await client.post(
        "/api/v1/payloads",
        json={
            "id": HUGE_ID,
            "time": "2026-01-01T00:00:00Z",
            "content": "{}",
            "contentType": "application/json",
            "typeUri": "urn:x",
            "attachedTo": {"products": ["urn:epc:idpat:sgtin:0614141.107346.*"]},
        },
    )
    assert payload.status_code == 422
    _names(payload, "id")
    trace = await client.get("/api/v1/traces", params={"productId": HUGE_ID})
    assert trace.status_code == 400


async def test_payload_time_off_the_calendar_and_oversized_content_are_422(
    client: httpx.AsyncClient,
) -> None:
    base = {
        "time": "2026-01-01T00:00:00Z",
        "content": "{}",
        "contentType": "application/json",
        "typeUri": "urn:x",
        "attachedTo": {"products": ["urn:epc:idpat:sgtin:0614141.107346.*"]},
    }
    early = await client.post("/api/v1/payloads", json=base | {"time": "0001-01-01T00:00:00+14:00"})
    assert early.status_code == 422
    _names(early, "time")
    large = await client.post("/api/v1/payloads", json=base | {"content": "x" * 70_000})
    assert large.status_code == 422
    _names(large, "content")


async def test_every_route_has_a_body_limit(client: httpx.AsyncClient) -> None:
    big = orjson.dumps({"traceabilityName": "j", "description": "x" * (9 * 1024 * 1024)})
    response = await client.post(
        "/api/v1/product/traceability",
        content=big,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413 and "limit" in response.json()["error"]

    async def chunks() -> Any:
        for _ in range(10):
            yield b"x" * (1024 * 1024)

    chunked = await client.put(
        "/api/v1/products/urn:epc:idpat:sgtin:0614141.107346.*",
        content=chunks(),
        headers={"Content-Type": "application/json"},
    )
    assert chunked.status_code == 413
    name = await client.put(
        "/api/v1/products/urn:epc:idpat:sgtin:0614141.107346.*", json={"name": "n" * 5000}
    )
    assert name.status_code == 422
    _names(name, "name")
    listed = await client.get("/api/v1/product/traceability")
    assert listed.json()["meta"]["total"] == 0


def _doc(events: list[dict[str, Any]]) -> bytes:
    return orjson.dumps(
        {
            "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
            "type": "EPCISDocument",
            "schemaVersion": "2.0",
            "creationDate": "2026-01-01T00:00:00Z",
            "epcisBody": {"eventList": events},
        }
    )


def _event(event_id: str, serial: int) -> dict[str, Any]:
    return {
        "type": "ObjectEvent",
        "eventID": event_id,
        "eventTime": "2026-01-01T00:00:00Z",
        "eventTimeZoneOffset": "+00:00",
        "epcList": [f"urn:epc:id:sgtin:0614141.107346.{serial}"],
        "action": "ADD",
        "bizStep": "commissioning",
    }


async def test_proceed_is_per_event_for_an_over_long_event_id(client: httpx.AsyncClient) -> None:
    good = "urn:uuid:11111111-1111-4111-8111-111111111111"
    body = _doc([_event(good, 1), _event(HUGE_ID, 2)])
    headers = {"Content-Type": "application/ld+json"}
    rollback = await client.post("/epcis/capture", content=body, headers=headers)
    assert rollback.status_code == 400
    assert rollback.json()["errors"][0]["field"] == "eventID"
    accepted = await client.post(
        "/epcis/capture", content=body, headers=headers | {"GS1-Capture-Error-Behaviour": "proceed"}
    )
    assert accepted.status_code == 202
    job = (await client.get(accepted.headers["Location"])).json()
    for _ in range(100):
        if not job["running"]:
            break
        job = (await client.get(accepted.headers["Location"])).json()
    assert (job["acceptedCount"], job["rejectedCount"]) == (1, 1), job
    assert "eventID" in job["errors"][0]["detail"]
    assert (await client.get(f"/epcis/events/{good}")).status_code == 200

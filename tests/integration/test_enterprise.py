"""The enterprise listings over HTTP: farms, batches and shipments, readiness from the trace."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import orjson
import pytest

GTIN = "4012345.066666"
BULK = "urn:epc:class:lgtin:4012345.077777.BULK1"
ORG = "cocoa-coop"


def lot(name: str, item: str = GTIN) -> str:
    return f"urn:epc:class:lgtin:{item}.{name}"


def farm(n: int) -> str:
    return f"urn:epc:id:sgln:4012345.{n:05d}.0"


def farm_key(n: int) -> str:
    from trace_engine.identifiers import parse_identifier

    return parse_identifier(farm(n)).key


def lot_key(name: str) -> str:
    from trace_engine.identifiers import parse_identifier

    return parse_identifier(lot(name)).key


_counter = iter(range(1, 1_000_000))


def event(kind: str, time: str, **body: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "eventID": f"urn:uuid:30000000-0000-4000-8000-{next(_counter):012d}",
        "eventTime": time,
        "eventTimeZoneOffset": "+00:00",
        **body,
    }


def collect(name: str, at: int, kg: float, bags: int | None = None, day: int = 1) -> dict[str, Any]:
    quantities: list[dict[str, Any]] = [{"epcClass": lot(name), "quantity": kg, "uom": "KGM"}]
    if bags is not None:
        quantities.append({"epcClass": lot(name), "quantity": bags, "uom": "XBG"})
    return event(
        "ObjectEvent",
        f"2024-01-{day:02d}T10:30:00.000Z",
        action="ADD",
        bizStep="commissioning",
        quantityList=quantities,
        bizLocation={"id": farm(at)},
        sourceList=[{"type": "owning_party", "source": "urn:epc:id:pgln:4012345.00001"}],
    )


def bulk(inputs: dict[str, float], output: str, day: int = 10) -> dict[str, Any]:
    return event(
        "TransformationEvent",
        f"2024-01-{day:02d}T08:00:00.000Z",
        bizStep="creating_class_instance",
        inputQuantityList=[
            {"epcClass": lot(n), "quantity": kg, "uom": "KGM"} for n, kg in inputs.items()
        ],
        outputQuantityList=[{"epcClass": output, "quantity": sum(inputs.values()), "uom": "KGM"}],
        bizLocation={"id": "urn:epc:id:sgln:4012345.09999.0"},
    )


def ship(things: list[str], day: int = 20) -> dict[str, Any]:
    return event(
        "ObjectEvent",
        f"2024-01-{day:02d}T08:00:00.000Z",
        action="OBSERVE",
        bizStep="shipping",
        epcList=things,
        bizLocation={"id": "urn:epc:id:sgln:4012345.09999.0"},
    )


async def capture(client: httpx.AsyncClient, events: list[dict[str, Any]]) -> None:
    document = {
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-01-01T00:00:00Z",
        "epcisBody": {"eventList": events},
    }
    response = await client.post(
        "/epcis/capture",
        content=orjson.dumps(document),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 202, response.text
    job = (await client.get(response.headers["Location"])).json()
    assert job["rejectedCount"] == 0 and job["running"] is False, job


async def register(
    client: httpx.AsyncClient, n: int, status: str = "approved", **more: Any
) -> None:
    body = {
        "name": f"Farm {n}",
        "type": "FARM",
        "farmerName": f"Farmer {n}",
        "farmerId": f"CIV-{n:05d}",
        "phone": f"+22501000{n:05d}",
        "community": "Soubré" if n % 2 else "Méagui",
        "areaHectares": 2.5 + n,
        "commodity": "cocoa",
        "complianceStatus": status,
        **more,
    }
    response = await client.put(f"/api/v1/facilities/{farm(n)}", json=body)
    assert response.status_code == 200, response.text


@pytest.fixture
def coop(make_client: Callable[..., httpx.AsyncClient]) -> httpx.AsyncClient:
    return make_client(ORG)


async def batches(client: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    response = await client.get("/api/v1/batches", params=params)
    assert response.status_code == 200, response.text
    return {row["id"]: row for row in response.json()["data"]}


async def test_a_batch_walks_collecting_completed_aggregated_shipped(
    coop: httpx.AsyncClient,
) -> None:
    await register(coop, 1)
    await capture(coop, [collect("B1", 1, 1250.5, bags=25)])
    row = (await batches(coop))[lot_key("B1")]
    assert row["status"] == "collecting"
    assert row["farm_id"] == farm_key(1)
    assert row["total_weight"] == 1250.5 and row["bag_count"] == 25
    assert row["collected_at"] == "2024-01-01T10:30:00.000Z"

    closing = event(
        "ObjectEvent",
        "2024-01-02T10:00:00.000Z",
        action="OBSERVE",
        bizStep="inspecting",
        disposition="completeness_verified",
        quantityList=[{"epcClass": lot("B1"), "quantity": 1250.5, "uom": "KGM"}],
        bizLocation={"id": farm(1)},
    )
    await capture(coop, [closing])
    assert (await batches(coop))[lot_key("B1")]["status"] == "completed"

    await capture(coop, [bulk({"B1": 1250.5}, BULK)])
    assert (await batches(coop))[lot_key("B1")]["status"] == "aggregated"

    await capture(coop, [ship([BULK])])
    assert (await batches(coop))[lot_key("B1")]["status"] == "shipped"

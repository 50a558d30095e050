"""Facilities, products and payloads over HTTP against the real server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx
import orjson
import pytest
from neo4j import Driver

from trace_engine.config import Settings

Counts = Callable[[], tuple[int, int]]

SGLN = "urn:epc:id:sgln:0614141.00777.0"
SGLN_KEY = "414/0614141007776"
SGLN_DL = "https://id.gs1.org/414/0614141007776"
GTIN_PATTERN = "urn:epc:idpat:sgtin:0614141.107346.*"
GTIN_KEY = "01/10614141073464"
LOT = "urn:epc:class:lgtin:4012345.012345.998877"
EVENT_ID = "urn:uuid:00000000-0000-4000-8000-000000000001"


def _document(*events: dict[str, Any]) -> bytes:
    return orjson.dumps(
        {
            "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
            "type": "EPCISDocument",
            "epcisBody": {"eventList": list(events)},
        }
    )


def _event(**changes: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "ObjectEvent",
        "eventID": EVENT_ID,
        "eventTime": "2024-03-01T10:00:00.000+01:00",
        "eventTimeZoneOffset": "+01:00",
        "action": "OBSERVE",
        "bizLocation": {"id": SGLN_DL},
        "quantityList": [{"epcClass": LOT, "quantity": 200, "uom": "KGM"}],
    }
    event.update(changes)
    return event


async def _capture(client: httpx.AsyncClient, body: bytes) -> None:
    response = await client.post(
        "/epcis/capture", content=body, headers={"Content-Type": "application/ld+json"}
    )
    assert response.status_code == 202, response.text
    job = await client.get(response.headers["Location"])
    assert job.json()["acceptedCount"] == 1


def _url(kind: str, ident: str) -> str:
    return f"/api/v1/{kind}/{quote(ident, safe='')}"


def _one(driver: Driver, settings: Settings, cypher: str, **params: Any) -> Any:
    records, _, _ = driver.execute_query(cypher, params, database_=settings.neo4j_database)
    return [r.data() for r in records]


# every shared node with each org's statement about it
STATEMENTS = (
    "MATCH (n)<-[:DESCRIBES]-(d:{label}) "
    "RETURN n.id AS id, n.displayId AS display, d.org AS org, d.{field} AS value"
)

FACILITY = {
    "name": "Distribution Centre 7",
    "type": "DC",
    "address": {
        "street": "1 Depot Ave",
        "city": "Tracy",
        "state": "CA",
        "postalCode": "95376",
        "country": "US",
    },
}


async def test_put_facility_stores_by_canonical_key_and_merges_with_ingest(
    client: httpx.AsyncClient, driver: Driver, settings: Settings
) -> None:
    await _capture(client, _document(_event()))  # the event names the facility in DL form
    response = await client.put(_url("facilities", SGLN), json=FACILITY)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == SGLN_KEY
    # the form as given (never one another org used: that would tell it exists)
    assert body["displayId"] == SGLN
    assert body["name"] == "Distribution Centre 7" and body["type"] == "DC"
    assert body["address"] == FACILITY["address"]
    assert body["aliases"] == [SGLN]
    # one facility node, first seen in the event's form; the org's statement about it
    rows = _one(driver, settings, STATEMENTS.format(label="FacilityData", field="city"))
    assert rows == [{"id": SGLN_KEY, "display": SGLN_DL, "org": settings.default_org,
                     "value": "Tracy"}]  # fmt: skip

    # PUT replaces: fields left out are cleared, and it is idempotent
    again = await client.put(_url("facilities", SGLN_DL), json={"name": "DC 7"})
    assert again.status_code == 200
    assert again.json()["name"] == "DC 7"
    assert again.json()["type"] is None
    assert again.json()["address"] == dict.fromkeys(FACILITY["address"])
    rows = _one(driver, settings, STATEMENTS.format(label="FacilityData", field="city"))
    assert rows == [{"id": SGLN_KEY, "display": SGLN_DL, "org": settings.default_org,
                     "value": None}]  # fmt: skip


async def test_put_product_by_pattern_and_digital_link_is_one_product(
    client: httpx.AsyncClient, driver: Driver, settings: Settings
) -> None:
    first = await client.put(_url("products", GTIN_PATTERN), json={"name": "Mango", "sku": "M1"})
    assert first.status_code == 200, first.text
    assert first.json() == {
        "id": GTIN_KEY,
        "displayId": GTIN_PATTERN,
        "name": "Mango",
        "sku": "M1",
        "aliases": [GTIN_PATTERN],
    }
    second = await client.put(
        "/api/v1/products/https://id.gs1.org/01/10614141073464", json={"name": "Mango slices"}
    )
    assert second.status_code == 200, second.text
    assert second.json()["id"] == GTIN_KEY and second.json()["sku"] is None
    rows = _one(driver, settings, STATEMENTS.format(label="ProductData", field="name"))
    assert rows == [{"id": GTIN_KEY, "display": GTIN_PATTERN, "org": settings.default_org,
                     "value": "Mango slices"}]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "ident"),
    [
        ("facilities", "urn:epc:id:sgln:0614141.00777"),  # no extension
        ("facilities", "not an identifier"),
        ("facilities", "urn:epc:id:sgtin:0614141.107346.2017"),  # an instance, not a place
        ("products", "urn:epc:id:sgtin:0614141.107346.2017"),  # an instance, not a class
        ("products", "urn:epc:idpat:sgtin:0614141.10734X.*"),
    ],
)
async def test_a_malformed_or_wrong_identifier_is_400_and_stores_nothing(
    client: httpx.AsyncClient, counts: Counts, kind: str, ident: str
) -> None:
    before = counts()  # the client's org and key
    response = await client.put(_url(kind, ident), json={"name": "x"})
    assert response.status_code == 400, response.text
    assert set(response.json()) == {"error"}
    assert ident in response.json()["error"]
    assert counts() == before


async def test_an_invalid_body_is_an_error_body(client: httpx.AsyncClient, counts: Counts) -> None:
    before = counts()
    response = await client.put(_url("facilities", SGLN), json={"address": {"town": "Tracy"}})
    assert response.status_code == 422
    assert "error" in response.json()
    assert counts() == before


async def test_payload_attached_to_every_kind_of_target_idempotently(
    client: httpx.AsyncClient, driver: Driver, settings: Settings, counts: Counts
) -> None:
    await _capture(client, _document(_event()))
    await client.put(_url("products", GTIN_PATTERN), json={"name": "Mango"})
    payload = {
        "id": "urn:uuid:11111111-2222-4333-8444-555555555555",
        "time": "2024-03-02T12:00:00+02:00",
        "content": '{"temperature": 4}',
        "contentType": "application/json",
        "typeUri": "https://example.com/cold-chain",
        "attachedTo": {
            "events": [EVENT_ID],
            "facilities": [SGLN],
            "products": ["https://id.gs1.org/01/10614141073464"],
            "productInstances": [LOT],
        },
    }
    response = await client.post("/api/v1/payloads", json=payload)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["time"] == "2024-03-02T10:00:00.000Z"
    assert body["attachedTo"] == {
        "events": [EVENT_ID],
        "facilities": [SGLN_KEY],
        "products": [GTIN_KEY],
        "productInstances": ["01/04012345123456/10/998877"],
    }
    after_first = counts()
    again = await client.post("/api/v1/payloads", json=payload)
    assert again.status_code == 201
    assert again.json() == body
    assert counts() == after_first
    rows = _one(
        driver,
        settings,
        "MATCH (n)-[:HAS_PAYLOAD]->(p:Payload) RETURN labels(n)[0] AS label, p.owner AS owner "
        "ORDER BY label",
    )
    assert [r["label"] for r in rows] == ["Event", "Facility", "Product", "ProductInstance"]
    assert {r["owner"] for r in rows} == {settings.default_org}


async def test_payload_without_id_gets_a_uuid(client: httpx.AsyncClient) -> None:
    await client.put(_url("facilities", SGLN), json={"name": "DC"})
    payload = {
        "time": "2024-03-02T12:00:00Z",
        "content": "certificate",
        "contentType": "text/plain",
        "typeUri": "urn:example:certificate",
        "attachedTo": {"facilities": [SGLN]},
    }
    first = await client.post("/api/v1/payloads", json=payload)
    second = await client.post("/api/v1/payloads", json=payload)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"].startswith("urn:uuid:")
    assert first.json()["id"] != second.json()["id"]


async def test_payload_with_a_missing_target_is_404_and_stores_nothing(
    client: httpx.AsyncClient, counts: Counts
) -> None:
    await client.put(_url("facilities", SGLN), json={"name": "DC"})
    before = counts()
    payload = {
        "time": "2024-03-02T12:00:00Z",
        "content": "x",
        "contentType": "text/plain",
        "typeUri": "urn:example:x",
        "attachedTo": {"facilities": [SGLN], "events": ["urn:uuid:does-not-exist"]},
    }
    response = await client.post("/api/v1/payloads", json=payload)
    assert response.status_code == 404, response.text
    assert set(response.json()) == {"error"}
    assert "urn:uuid:does-not-exist" in response.json()["error"]
    assert counts() == before

    payload["attachedTo"] = {"productInstances": ["urn:epc:id:sgtin:0614141.10734X.1"]}
    malformed = await client.post("/api/v1/payloads", json=payload)
    assert malformed.status_code == 400, malformed.text
    assert set(malformed.json()) == {"error"}

    payload["attachedTo"] = {}
    nothing = await client.post("/api/v1/payloads", json=payload)
    assert nothing.status_code == 422
    assert counts() == before

"""The stored-values migration (trace_engine/graph/stored_values.py): values stored before the
input bounds, written here straight into Neo4j the way the old code stored them, break a
trace, the records list and a journey's GET (each answers 500 first); `trace-engine db migrate
--recheck-values` repairs what can be repaired without losing anything and reports the rest;
then every read answers 200, and a second run changes nothing."""

from __future__ import annotations

import json
from typing import Any

import httpx
import orjson
from neo4j import Driver
from test_bulk import run_cli

from trace_engine.config import Settings
from trace_engine.graph.stored_values import check_stored_values

LOT = "urn:epc:class:lgtin:4012345.012345.B-2026-042"
PRODUCT = "urn:epc:idpat:sgtin:4012345.012345.*"
RECORDS = "/api/v1/traceability"
JOURNEYS = "/api/v1/product/traceability"
BIG_INT = 2**64


def _nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {"leaf": 1}
    for _ in range(depth - 1):
        value = {"n": value}
    return value


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def _unmend(value: Any) -> Any:
    """The mended metadata with its quarantined text read back as JSON (the original)."""
    if isinstance(value, dict):
        return {k: _unmend(v) for k, v in value.items()}
    if isinstance(value, str) and value[:1] in "{[":
        return json.loads(value)
    return value


def _cypher(driver: Driver, settings: Settings, statement: str, **params: Any) -> list[Any]:
    records, _, _ = driver.execute_query(statement, params, database_=settings.neo4j_database)
    return [r.data() for r in records]


def _snapshot(driver: Driver, settings: Settings) -> list[Any]:
    rows = _cypher(
        driver,
        settings,
        "MATCH (n) WHERE NOT n:Migration RETURN elementId(n) AS id, properties(n) AS p ORDER BY id",
    )
    return [(r["id"], sorted((k, repr(v)) for k, v in r["p"].items())) for r in rows]


async def _capture_lot(client: httpx.AsyncClient) -> None:
    document = {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-06-01T00:00:00Z",
        "epcisBody": {
            "eventList": [
                {
                    "type": "ObjectEvent",
                    "eventID": "urn:uuid:71000000-0000-4000-8000-000000000001",
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
    response = await client.post(
        "/epcis/capture",
        content=orjson.dumps(document),
        headers={"Content-Type": "application/ld+json"},
    )
    assert response.status_code == 202, response.text
    assert (await client.get(response.headers["Location"])).json()["success"] is True


async def _created(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> str:
    response = await client.post(path, json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def test_values_stored_before_the_bounds_are_repaired_or_reported_once(
    client: httpx.AsyncClient, driver: Driver, settings: Settings
) -> None:
    await _capture_lot(client)
    record = {"productId": PRODUCT, "batchNumber": "B-2026-042", "origin": "Gujarat"}
    big = await _created(client, RECORDS, record | {"metadata": {"n": 1, "keep": "me"}})
    deep = await _created(client, RECORDS, record | {"metadata": {"n": 2}})
    edge = await _created(client, RECORDS, record | {"metadata": {"n": 3}})
    journey = await _created(client, JOURNEYS, {"traceabilityName": "j", "metadata": {"a": 1}})
    for name in ("leg 1", "leg 2"):
        await _created(client, f"{JOURNEYS}/{journey}/stages", {"stageName": name})

    # the old code stored metadata as json.dumps(...) text and stage quantities as given
    big_text = json.dumps({"n": BIG_INT, "keep": "me"})
    deep_text = json.dumps(_nested(300))
    journey_text = json.dumps({"a": [-BIG_INT, 1], "b": _nested(40)})
    poison = "MATCH (n {id: $id}) WHERE n:TraceabilityRecord OR n:Journey SET n.metadata = $text"
    _cypher(driver, settings, poison, id=big, text=big_text)
    _cypher(driver, settings, poison, id=deep, text=deep_text)
    # 32 nested objects: the innermost value is at level 33, one past the limit
    _cypher(driver, settings, poison, id=edge, text=json.dumps(_nested(32)))
    _cypher(driver, settings, poison, id=journey, text=journey_text)
    _cypher(
        driver,
        settings,
        "MATCH (j:Journey {id: $id})-[:HAS_STAGE]->(s) SET s.distanceKm = 1.7e308 "
        "WITH j, sum(s.distanceKm) AS total SET j.totalDistanceKm = total",
        id=journey,
    )
    # kept as they are and reported: an eventID, a payload and a name beyond today's bounds
    long_id = "urn:uuid:" + "7" * 3000
    _cypher(
        driver,
        settings,
        "CREATE (:Event {eventID: $id, owner: 'someone', eventType: 'ObjectEvent'}) "
        "CREATE (:Payload {id: 'urn:uuid:big-payload', owner: 'someone', content: $content}) "
        "CREATE (:FacilityData {id: 'sgln/big-name', org: 'someone', name: $content})",
        id=long_id,
        content="x" * 70_000,
    )

    trace = {"productId": LOT}
    assert (await client.get("/api/v1/traces", params=trace)).status_code == 500
    assert (await client.get(RECORDS)).status_code == 500
    assert (await client.get(f"{JOURNEYS}/{journey}")).status_code == 500

    result = run_cli(settings, "db", "migrate", "--recheck-values")
    assert result.returncode == 0, result.stderr
    out = " ".join(result.stdout.split())
    for line in (
        "repaired │ journey metadata │ 1",
        "repaired │ journey totals │ 1",
        "repaired │ record metadata │ 3",
        "repaired │ stage quantities │ 2",
        "reported │ event eventID │ 1",
        "reported │ payload content over the size limit │ 1",
        "reported │ facility name over the size limit │ 1 │ sgln/big-name",
    ):
        assert line in out, (line, result.stdout)

    traced = await client.get("/api/v1/traces", params=trace)
    assert traced.status_code == 200, traced.text
    in_trace = {r["id"]: r for r in traced.json()[LOT]["traceabilityRecords"][LOT]}
    assert in_trace[big]["metadata"] == {"n": str(BIG_INT), "keep": "me"}
    listed = await client.get(RECORDS)
    assert listed.status_code == 200, listed.text
    by_id = {r["id"]: r for r in listed.json()}
    assert by_id[big]["metadata"] == {"n": str(BIG_INT), "keep": "me"}
    mended = by_id[deep]["metadata"]
    assert _depth(mended) <= 32 and _unmend(mended) == _nested(300)  # nothing lost
    assert _unmend(by_id[edge]["metadata"]) == _nested(32)

    got = await client.get(f"{JOURNEYS}/{journey}")
    assert got.status_code == 200, got.text
    assert got.json()["totalDistanceKm"] == 0
    assert [s["distanceKm"] for s in got.json()["processingStages"]] == [0, 0]
    assert _unmend(got.json()["metadata"]) == {"a": [str(-BIG_INT), 1], "b": _nested(40)}
    journeys = await client.get(JOURNEYS)
    assert journeys.status_code == 200 and journeys.json()["data"][0]["totalDistanceKm"] == 0

    # the originals stay on the nodes, with what was done
    kept = _cypher(
        driver,
        settings,
        "MATCH (n:TraceabilityRecord {id: $id}) RETURN n.metadataOriginal AS original, "
        "n.metadataQuarantine AS reason",
        id=big,
    )
    assert kept[0]["original"] == big_text
    assert "integers beyond 64 bits kept as strings" in kept[0]["reason"]
    stages = _cypher(
        driver,
        settings,
        "MATCH (:Journey {id: $id})-[:HAS_STAGE]->(s) RETURN s.quarantined AS q",
        id=journey,
    )
    assert [orjson.loads(s["q"]) for s in stages] == [{"distanceKm": "1.7e+308"}] * 2

    # a second run repairs nothing and changes nothing
    before = _snapshot(driver, settings)
    again = check_stored_values(driver, settings.neo4j_database)
    assert again["repaired"] == {}
    assert again["reported"]["event eventID"] == {"count": 1, "examples": [long_id[:80]]}
    assert _snapshot(driver, settings) == before
    second = run_cli(settings, "db", "migrate")
    assert second.returncode == 0, second.stderr
    assert "repaired" not in second.stdout and _snapshot(driver, settings) == before

    # the client replacing the metadata ends its quarantine
    patched = await client.patch(f"{RECORDS}/{big}", json={"metadata": {"n": 3}})
    assert patched.status_code == 200, patched.text
    cleared = _cypher(
        driver,
        settings,
        "MATCH (n:TraceabilityRecord {id: $id}) RETURN n.metadataOriginal AS o, "
        "n.metadataQuarantine AS r",
        id=big,
    )
    assert cleared == [{"o": None, "r": None}]

"""Times of years below 1000 through every path that stores or answers them: stored with a
four-digit year ("0999-…"), so that the text sorts as the instants do, whether captured, loaded
or parsed by `load --initial`; and the times stored unpadded by earlier versions padded once by
the schema step (migration "padded-years"), a second run changing nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import orjson
from neo4j import Driver

from trace_engine.bulk import load_files
from trace_engine.config import Settings
from trace_engine.graph.schema import apply_schema
from trace_engine.ingest import Ingestor
from trace_engine.initial.parse import FileTask, parse_file

CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]
# sent, and stored (UTC, milliseconds); in the order of the instants
TIMES = [
    ("0001-01-01T10:00:00+09:00", "0001-01-01T01:00:00.000Z"),
    ("0099-06-01T00:00:00Z", "0099-06-01T00:00:00.000Z"),
    ("0999-12-31T23:30:00-01:00", "1000-01-01T00:30:00.000Z"),
    ("0999-12-31T23:30:00+01:00", "0999-12-31T22:30:00.000Z"),
    ("2024-03-01T10:00:00Z", "2024-03-01T10:00:00.000Z"),
]


def _document() -> dict[str, Any]:
    events = [
        {
            "type": "ObjectEvent",
            "eventID": f"urn:uuid:00000000-0000-4000-c000-{n:012d}",
            "eventTime": sent,
            "eventTimeZoneOffset": sent[-6:] if sent[-6] in "+-" else "+00:00",
            "action": "OBSERVE",
            "bizStep": "shipping",
            "epcList": ["urn:epc:id:sgtin:0614141.107346.7"],
        }
        for n, (sent, _) in enumerate(TIMES)
    ]
    return {
        "@context": CONTEXT,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-03-01T00:00:00Z",
        "epcisBody": {"eventList": events},
    }


def _stored(driver: Driver, settings: Settings) -> dict[str, str]:
    records, _, _ = driver.execute_query(
        "MATCH (e:Event) RETURN e.eventID AS id, e.eventTime AS time",
        database_=settings.neo4j_database,
    )
    return {r["id"][-2:]: r["time"] for r in records}


WANT = {f"{n:02d}": stored for n, (_, stored) in enumerate(TIMES)}


async def test_captured_times_are_stored_padded_and_answered_in_order(
    client: httpx.AsyncClient, driver: Driver, settings: Settings
) -> None:
    response = await client.post(
        "/epcis/capture",
        content=orjson.dumps(_document()),
        headers={"Content-Type": "application/ld+json"},
    )
    assert response.status_code == 202, response.text
    job = (await client.get(response.headers["Location"])).json()
    assert job["acceptedCount"] == len(TIMES), job
    assert _stored(driver, settings) == WANT
    answer = await client.get(
        "/epcis/events",
        params={"orderBy": "eventTime", "orderDirection": "ASC", "GE_eventTime": "0999-01-01Z"},
    )
    assert answer.status_code == 200, answer.text
    listed = answer.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    # 0999-12-31T22:30Z, 1000-01-01T00:30Z, 2024: the instants' order, not the text's
    assert [e["eventID"][-2:] for e in listed] == ["03", "02", "04"]


def test_loaded_and_initially_parsed_times_are_stored_padded(
    tmp_path: Path, driver: Driver, settings: Settings
) -> None:
    path = tmp_path / "early.jsonld"
    path.write_bytes(orjson.dumps(_document()))
    [report] = load_files(Ingestor(driver, settings.neo4j_database), [path], "early")
    assert report.accepted == len(TIMES)
    assert _stored(driver, settings) == WANT

    folder = tmp_path / "parts"
    folder.mkdir()
    parsed = parse_file(FileTask(0, path, None, "early", "2026-01-01T00:00:00.000Z", folder))
    assert parsed.events == len(TIMES)
    parts = b"".join(p.read_bytes() for p in sorted(folder.glob("*.csv")))
    for _, stored in TIMES:
        assert stored.encode() in parts


def test_times_stored_unpadded_before_are_padded_once(driver: Driver, settings: Settings) -> None:
    db = settings.neo4j_database
    driver.execute_query(
        "CREATE (:Event {eventID: 'e1', owner: 'o', eventTime: '999-12-31T22:30:00.000Z'}), "
        "(:Event {eventID: 'e2', owner: 'o', eventTime: '1-01-01T01:00:00.000Z'}), "
        "(:Event {eventID: 'e3', owner: 'o', eventTime: '2024-03-01T10:00:00.000Z'}), "
        "(:Shipment {key: 's1', source: 'event', shippedAt: '99-06-01T00:00:00.000Z', "
        " estimatedShipDate: '99-06-01T0'}), "
        "(:Shipment {key: 's2', source: 'event', shippedAt: '999-06-01T00:00:00.000Z', "
        " estimatedShipDate: '2024-01-01'}), "
        "(:Batch {key: 'b1', collectedAt: '999-01-01T00:00:00.000Z'}), "
        "(:Payload {id: 'p1', owner: 'o', time: '5-01-01T00:00:00.000Z'}), "
        "(:Watch {id: 'w1', expiresAt: '999-01-01T00:00:00.000Z'})",
        database_=db,
    )
    driver.execute_query("MATCH (m:Migration {id: 'padded-years'}) DELETE m", database_=db)

    def values() -> list[Any]:
        records, _, _ = driver.execute_query(
            "MATCH (n) WHERE n:Event OR n:Shipment OR n:Batch OR n:Payload OR n:Watch "
            "RETURN coalesce(n.eventID, n.key, n.id) AS id, "
            "[v IN [n.eventTime, n.shippedAt, n.estimatedShipDate, n.collectedAt, n.time, "
            "n.expiresAt] WHERE v IS NOT NULL] AS times ORDER BY id",
            database_=db,
        )
        return [(r["id"], r["times"]) for r in records]

    apply_schema(driver, db)
    padded = values()
    assert padded == [
        ("b1", ["0999-01-01T00:00:00.000Z"]),
        ("e1", ["0999-12-31T22:30:00.000Z"]),
        ("e2", ["0001-01-01T01:00:00.000Z"]),
        ("e3", ["2024-03-01T10:00:00.000Z"]),
        ("p1", ["0005-01-01T00:00:00.000Z"]),
        ("s1", ["0099-06-01T00:00:00.000Z", "0099-06-01"]),
        ("s2", ["0999-06-01T00:00:00.000Z", "2024-01-01"]),  # a declared date: kept
        ("w1", ["0999-01-01T00:00:00.000Z"]),
    ]
    driver.execute_query("MATCH (m:Migration {id: 'padded-years'}) DELETE m", database_=db)
    apply_schema(driver, db)
    assert values() == padded

"""Events that pass validation but that Neo4j refuses to store (issue 13, "proceed is per
event"): a bizStep URI longer than Neo4j's index key ("Property value is too large to index"),
which no schema rule catches. Under `proceed` (and in `trace-engine load`) only that event is
rejected, with its reason, and the others are stored; under `rollback` nothing is stored and
the failing event is named. Sending the document again stores nothing twice."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import orjson
import pytest
from neo4j import Driver
from test_bulk import event_count, run_cli, totals

from trace_engine.bulk import load_files
from trace_engine.config import Settings
from trace_engine.ingest import Ingestor

Counts = Callable[[], tuple[int, int]]
CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]
# a valid URI (CBV allows any bizStep URI) of ~10 KB: Neo4j's range index takes ~8 KB
HUGE_STEP = "https://example.com/bizstep/" + "x" * 10_000


def _event(n: int, **changes: Any) -> dict[str, Any]:
    event = {
        "type": "ObjectEvent",
        "eventID": f"urn:uuid:00000000-0000-4000-a000-{n:012d}",
        "eventTime": f"2024-03-01T10:{n % 60:02d}:00.000+01:00",
        "eventTimeZoneOffset": "+01:00",
        "action": "OBSERVE",
        "bizStep": "shipping",
        "epcList": [f"urn:epc:id:sgtin:0614141.107346.{n}"],
        "bizLocation": {"id": "urn:epc:id:sgln:0614141.00777.0"},
    }
    event.update(changes)
    return event


def _document(events: list[dict[str, Any]]) -> bytes:
    return orjson.dumps(
        {
            "@context": CONTEXT,
            "type": "EPCISDocument",
            "schemaVersion": "2.0",
            "creationDate": "2024-03-01T00:00:00Z",
            "epcisBody": {"eventList": events},
        }
    )


def _mixed(bad: set[int], total: int) -> bytes:
    return _document(
        [_event(n, bizStep=HUGE_STEP) if n in bad else _event(n) for n in range(total)]
    )


async def _job(client: httpx.AsyncClient, body: bytes, behaviour: str) -> dict[str, Any]:
    response = await client.post(
        "/epcis/capture",
        content=body,
        headers={"Content-Type": "application/ld+json", "GS1-Capture-Error-Behaviour": behaviour},
    )
    assert response.status_code == 202, response.text
    job = await client.get(response.headers["Location"])
    assert job.status_code == 200
    body_: dict[str, Any] = job.json()
    assert body_["running"] is False
    return body_


async def _stored(client: httpx.AsyncClient, n: int) -> bool:
    event_id = quote(f"urn:uuid:00000000-0000-4000-a000-{n:012d}", safe="")
    status = (await client.get(f"/epcis/events/{event_id}")).status_code
    assert status in (200, 404)
    return status == 200


async def test_proceed_rejects_only_the_event_neo4j_refuses(
    client: httpx.AsyncClient, counts: Counts
) -> None:
    document = _mixed({2}, 6)
    job = await _job(client, document, "proceed")
    assert job["batchStatus"] == "PARTIALLY_ACCEPTED"
    assert (job["totalCount"], job["acceptedCount"], job["rejectedCount"]) == (6, 5, 1)
    assert job["success"] is False
    [error] = job["errors"]
    assert error["instance"] == "#/epcisBody/eventList/2"
    assert "bizStep: is too large for Neo4j's index" in error["detail"]
    assert "urn:uuid:00000000-0000-4000-a000-000000000002" in error["detail"]
    rejected = [r for r in job["results"] if r["status"] == "rejected"]
    assert rejected == [
        {
            "index": 2,
            "eventID": "urn:uuid:00000000-0000-4000-a000-000000000002",
            "status": "rejected",
            "field": "bizStep",
            "reason": rejected[0]["reason"],
        }
    ]
    assert [await _stored(client, n) for n in range(6)] == [True, True, False, True, True, True]

    after_first = counts()
    again = await _job(client, document, "proceed")
    assert (again["acceptedCount"], again["duplicateCount"], again["rejectedCount"]) == (0, 5, 1)
    nodes, relationships = counts()
    assert (nodes - 1, relationships) == after_first  # only the second job's node is new


async def test_rollback_stores_nothing_and_names_the_event_neo4j_refuses(
    client: httpx.AsyncClient, counts: Counts
) -> None:
    before = counts()
    job = await _job(client, _mixed({1, 4}, 6), "rollback")
    assert job["batchStatus"] == "REJECTED"
    assert job["success"] is False
    assert (job["acceptedCount"], job["rejectedCount"]) == (0, 2)
    assert [e["instance"] for e in job["errors"]] == [
        "#/epcisBody/eventList/1",
        "#/epcisBody/eventList/4",
    ]
    assert [r["status"] for r in job["results"]] == [
        "not_stored",
        "rejected",
        "not_stored",
        "not_stored",
        "rejected",
        "not_stored",
    ]
    assert not any([await _stored(client, n) for n in range(6)])
    nodes, relationships = counts()
    assert (nodes - 1, relationships) == before  # the job's node, nothing else


async def test_a_single_event_neo4j_refuses_is_a_400_naming_the_field(
    client: httpx.AsyncClient, counts: Counts
) -> None:
    before = counts()
    response = await client.post(
        "/epcis/events",
        content=orjson.dumps({"@context": CONTEXT, **_event(7, bizStep=HUGE_STEP)}),
        headers={"Content-Type": "application/ld+json"},
    )
    assert response.status_code == 400, response.text
    assert "bizStep" in response.text and "too large" in response.text
    assert counts() == before


def test_load_rejects_only_the_events_neo4j_refuses_and_reruns_store_nothing_twice(
    tmp_path: Path, driver: Driver, settings: Settings
) -> None:
    path = tmp_path / "mixed.jsonld"
    # 30 events in batches of 7; the refused ones fall in the first, third and last batch
    path.write_bytes(_mixed({3, 17, 29}, 30))
    report = tmp_path / "report.json"
    result = run_cli(settings, "load", str(path), "--batch-size", "7", "--report", str(report))
    assert result.returncode == 0, result.stderr
    assert event_count(driver, settings) == 27
    assert totals(report) == {"events": 30, "accepted": 27, "duplicates": 0, "rejected": 3}
    listed = orjson.loads(report.read_bytes())["files"][0]["rejectedEvents"]
    assert [(r["index"], r["field"]) for r in listed] == [
        (3, "bizStep"),
        (17, "bizStep"),
        (29, "bizStep"),
    ]
    assert all("too large for Neo4j's index" in r["reason"] for r in listed)

    again = run_cli(settings, "load", str(path), "--batch-size", "7", "--report", str(report))
    assert again.returncode == 0, again.stderr
    assert event_count(driver, settings) == 27
    assert totals(report) == {"events": 30, "accepted": 0, "duplicates": 27, "rejected": 3}


DECLARATION = {
    "declarationTime": "2024-06-01T00:00:00Z",
    "reason": "urn:epcglobal:cbv:er:incorrect_data",
}


def copies() -> list[dict[str, Any]]:
    """Events whose first copy Neo4j refuses, followed by copies it takes (n = position;
    with a bizStep URI too large for its index, or invalid: no eventTime)."""
    x, y, z = (f"urn:uuid:00000000-0000-4000-b000-{n:012d}" for n in range(3))
    return [
        _event(0),
        _event(1, eventID=x, bizStep=HUGE_STEP),
        _event(2, eventID=x),  # stored in place of 1
        _event(3, eventID=x),  # a duplicate of 2
        _event(4, eventID=y, bizStep=HUGE_STEP),
        _event(5, eventID=y, bizStep=HUGE_STEP),
        _event(6, eventID=y),  # stored in place of 4 and 5
        _event(7, eventID=z, bizStep=HUGE_STEP),
        # an error declaration of an event never stored is stored as it is
        _event(8, eventID=z, errorDeclaration=DECLARATION),
        {k: v for k, v in _event(9).items() if k != "eventTime"},  # invalid
        _event(10, eventID=_event(9)["eventID"]),  # stored in place of 9
    ]


COPIES_STATUS = [
    "accepted",
    "rejected",
    "accepted",
    "duplicate",
    "rejected",
    "rejected",
    "accepted",
    "rejected",
    "accepted",
    "rejected",
    "accepted",
]


# eventID → the copy stored (its position, which its eventTime's minutes give)
COPIES_STORED = {copies()[n]["eventID"]: n for n in (0, 2, 6, 8, 10)}


def _stored_times(driver: Driver, settings: Settings) -> dict[str, str]:
    records, _, _ = driver.execute_query(
        "MATCH (e:Event) RETURN e.eventID AS id, e.eventTime AS time",
        database_=settings.neo4j_database,
    )
    return {r["id"]: r["time"] for r in records}


async def test_proceed_stores_the_next_copy_of_an_event_neo4j_refuses(
    client: httpx.AsyncClient, driver: Driver, settings: Settings
) -> None:
    job = await _job(client, _document(copies()), "proceed")
    assert [r["status"] for r in job["results"]] == COPIES_STATUS
    assert all(r.get("reason") is None for r in job["results"] if r["status"] == "accepted")
    stored = _stored_times(driver, settings)
    # each eventID stored once, as its first copy Neo4j takes (the times say which)
    assert {k: int(v[14:16]) for k, v in stored.items()} == COPIES_STORED


@pytest.mark.parametrize("batch_size", [1, 3, 100])
def test_load_stores_the_next_copy_of_an_event_neo4j_refuses_in_any_batch(
    tmp_path: Path, driver: Driver, settings: Settings, batch_size: int
) -> None:
    path = tmp_path / "copies.jsonld"
    path.write_bytes(_document(copies()))
    ingestor = Ingestor(driver, settings.neo4j_database, batch_size=batch_size)
    [report] = load_files(ingestor, [path], settings.default_org)
    assert (report.total, report.accepted, report.duplicates) == (11, 5, 1)
    assert [r.index for r in report.rejected] == [1, 4, 5, 7, 9]
    stored = _stored_times(driver, settings)
    assert {k: int(v[14:16]) for k, v in stored.items()} == COPIES_STORED

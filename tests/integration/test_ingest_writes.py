"""What a batch writes when its nodes were written before: rows left out for known nodes,
recovery when a known node was deleted behind the ingestor's back, and duplicates that
write nothing at all."""

from __future__ import annotations

from typing import Any

import orjson
from neo4j import Driver

from trace_engine.config import Settings
from trace_engine.epcis import parse_document
from trace_engine.ingest import Ingestor

ORG = "ingest-test"
CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]
LOT = "urn:epc:class:lgtin:4012345.011111.LOT-7"
LOT_KEY = "01/04012345111118/10/LOT-7"
FARM = "urn:epc:id:sgln:4012345.00001.0"


def _event(n: int, **changes: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "ObjectEvent",
        "eventID": f"urn:uuid:00000000-0000-4000-a000-{n:012d}",
        "eventTime": "2024-03-01T10:00:00.000+01:00",
        "eventTimeZoneOffset": "+01:00",
        "action": "OBSERVE",
        "quantityList": [{"epcClass": LOT, "quantity": 10, "uom": "KGM"}],
        "bizLocation": {"id": FARM},
    }
    event.update(changes)
    return event


def _document(events: list[dict[str, Any]]) -> bytes:
    return orjson.dumps(
        {"@context": CONTEXT, "type": "EPCISDocument", "epcisBody": {"eventList": events}}
    )


def _capture(ingestor: Ingestor, *events: dict[str, Any]) -> int:
    body = _document(list(events))
    outcome = ingestor.capture(parse_document(body, "application/ld+json"), ORG)
    return outcome.accepted


def _one(driver: Driver, settings: Settings, cypher: str) -> Any:
    records, _, _ = driver.execute_query(cypher, database_=settings.neo4j_database)
    return records[0][0]


def test_a_later_event_links_to_known_nodes_without_rewriting_them(
    driver: Driver, settings: Settings
) -> None:
    ingestor = Ingestor(driver, settings.neo4j_database)
    assert _capture(ingestor, _event(1)) == 1
    assert ingestor.known.prune(_rows_of(ingestor, _event(2))).instances == []
    assert _capture(ingestor, _event(2)) == 1
    linked = _one(
        driver,
        settings,
        f"MATCH (:Event)-[:OBSERVED]->(i:ProductInstance {{id: '{LOT_KEY}'}}) RETURN count(*)",
    )
    assert linked == 2
    assert _one(driver, settings, "MATCH (i:ProductInstance) RETURN count(i)") == 1


def test_a_known_node_deleted_behind_the_ingestors_back_is_written_again_in_full(
    driver: Driver, settings: Settings
) -> None:
    ingestor = Ingestor(driver, settings.neo4j_database)
    assert _capture(ingestor, _event(1)) == 1
    driver.execute_query(
        "MATCH (n) WHERE n:ProductInstance OR n:Product OR n:Facility OR n:Alias DETACH DELETE n",
        database_=settings.neo4j_database,
    )
    assert _capture(ingestor, _event(2)) == 1
    lot = _one(
        driver,
        settings,
        "MATCH (:Event {eventID: 'urn:uuid:00000000-0000-4000-a000-000000000002'})"
        "-[:OBSERVED]->(i:ProductInstance)-[:INSTANCE_OF]->(p:Product) "
        "MATCH (a:Alias)-[:ALIAS_OF]->(i) "
        "RETURN {id: i.id, display: i.displayId, alias: a.id, product: p.id}",
    )
    assert lot == {"id": LOT_KEY, "display": LOT, "alias": LOT, "product": "01/04012345111118"}
    at = _one(
        driver,
        settings,
        "MATCH (:Event {eventID: 'urn:uuid:00000000-0000-4000-a000-000000000002'})"
        "-[:AT]->(f:Facility) RETURN f.displayId",
    )
    assert at == FARM


def test_a_duplicate_with_other_lot_data_changes_nothing(
    driver: Driver, settings: Settings
) -> None:
    ingestor = Ingestor(driver, settings.neo4j_database)
    first = _event(1, action="ADD", ilmd={"cbvmda:bestBeforeDate": "2024-04-01"})
    assert _capture(ingestor, first) == 1
    again = _event(1, action="ADD", ilmd={"cbvmda:bestBeforeDate": "2031-12-31"})
    assert _capture(Ingestor(driver, settings.neo4j_database), again, _event(3)) == 1
    best_before = _one(
        driver,
        settings,
        f"MATCH (d:LotData)-[:DESCRIBES]->(:ProductInstance {{id: '{LOT_KEY}'}}) "
        "RETURN d.bestBeforeDate",
    )
    assert best_before == "2024-04-01"


def _rows_of(ingestor: Ingestor, event: dict[str, Any]) -> Any:
    from trace_engine.ingest import prepare

    body = _document([event])
    return prepare(parse_document(body, "application/ld+json").items, ORG).rows

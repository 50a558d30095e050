"""The listings' `meta.total` comes from tallies kept in the writing transactions: it must equal
a full count of the rows after creates, status changes, deletes, concurrent writers and the
migration that builds the tallies of an older graph."""

from __future__ import annotations

import random
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import orjson
from neo4j import Driver

from trace_engine.config import Settings
from trace_engine.enterprise import repository as repo
from trace_engine.enterprise.schemas import ShipmentDeclare
from trace_engine.enterprise.service import EnterpriseService
from trace_engine.epcis import parse_json
from trace_engine.graph.schema import apply_schema
from trace_engine.identifiers import parse_identifier
from trace_engine.ingest import Ingestor

ORG = "tally-coop"
GTIN = "4012345.066666"
MDA = "urn:trace-engine:mda:"
_ids = iter(range(1, 10_000_000))


def farm(n: int) -> str:
    return f"urn:epc:id:sgln:4012345.{n:05d}.0"


def lot(name: str) -> str:
    return f"urn:epc:class:lgtin:{GTIN}.{name}"


def sscc(n: int) -> str:
    return f"urn:epc:id:sscc:4012345.{n:010d}"


def event(kind: str, day: int, **body: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "eventID": f"urn:uuid:40000000-0000-4000-8000-{next(_ids):012d}",
        "eventTime": f"2024-01-{day:02d}T10:00:00.000Z",
        "eventTimeZoneOffset": "+00:00",
        **body,
    }


def collect(name: str, at: int, kg: float = 100.0) -> dict[str, Any]:
    return event(
        "ObjectEvent",
        1,
        action="ADD",
        bizStep="commissioning",
        quantityList=[{"epcClass": lot(name), "quantity": kg, "uom": "KGM"}],
        bizLocation={"id": farm(at)},
    )


def inspect(name: str) -> dict[str, Any]:
    return event(
        "ObjectEvent",
        2,
        action="OBSERVE",
        bizStep="inspecting",
        quantityList=[{"epcClass": lot(name), "quantity": 100.0, "uom": "KGM"}],
    )


def bulk(names: list[str], output: str) -> dict[str, Any]:
    return event(
        "TransformationEvent",
        3,
        bizStep="creating_class_instance",
        inputQuantityList=[{"epcClass": lot(n), "quantity": 100.0, "uom": "KGM"} for n in names],
        outputQuantityList=[
            {"epcClass": lot(output), "quantity": 100.0 * len(names), "uom": "KGM"}
        ],
    )


def pack(container: str, names: list[str]) -> dict[str, Any]:
    return event(
        "AggregationEvent",
        4,
        action="ADD",
        bizStep="packing",
        parentID=container,
        childQuantityList=[{"epcClass": lot(n), "quantity": 100.0, "uom": "KGM"} for n in names],
    )


def ship(things: list[str]) -> dict[str, Any]:
    return event("ObjectEvent", 5, action="OBSERVE", bizStep="shipping", epcList=things)


def farms_master(statuses: dict[int, str]) -> list[dict[str, Any]]:
    return [
        {
            "id": farm(n),
            "attributes": [
                {"id": MDA + "farmerName", "attribute": f"Farmer {n}"},
                {"id": MDA + "complianceStatus", "attribute": status},
            ],
        }
        for n, status in statuses.items()
    ]


def capture(
    driver: Driver,
    settings: Settings,
    events: list[dict[str, Any]],
    farms: dict[int, str] | None = None,
) -> None:
    document: dict[str, Any] = {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-01-01T00:00:00Z",
        "epcisBody": {"eventList": events},
    }
    if farms:
        document["epcisHeader"] = {
            "epcisMasterData": {
                "vocabularyList": [
                    {
                        "type": "urn:epcglobal:epcis:vtype:BusinessLocation",
                        "vocabularyElementList": farms_master(farms),
                    }
                ]
            }
        }
    outcome = Ingestor(driver, settings.neo4j_database).capture(
        parse_json(orjson.dumps(document)), ORG
    )
    assert outcome.rejected == 0


def declare(driver: Driver, settings: Settings, ident: str, items: list[str], status: str) -> None:
    body = ShipmentDeclare.model_validate({"status": status, "items": items})
    EnterpriseService(driver, settings.neo4j_database).put_shipment(ORG, ident, body)


def totals(driver: Driver, settings: Settings, org: str = ORG) -> dict[tuple[str, str], int]:
    """Every listing's total, unfiltered and per status, from the tallies; each checked against
    a full count of the rows in the same read."""

    def read(tx: Any) -> dict[tuple[str, str], int]:
        found = {}
        for listing, statuses in repo.STATUSES.items():
            for status in (None, *statuses):
                tallied = repo.tallied(tx, listing, org, status)
                counted = repo.full_count(tx, listing, org, status)
                assert tallied == counted, (listing, status, tallied, counted)
                found[(listing, status or "all")] = tallied
        return found

    with driver.session(database=settings.neo4j_database) as session:
        return session.execute_read(read)


def counted_once(driver: Driver, settings: Settings) -> None:
    """Every row is counted in exactly one tally, the one of its listing, status and org, and
    every tally counts a row (one emptied by a move or a delete is gone, as after an initial
    load)."""
    records, _, _ = driver.execute_query(
        "MATCH (n:FarmProfile|Batch|Shipment) "
        "RETURN coalesce(n.status, n.complianceStatus) AS status, n.org AS org, labels(n) AS l, "
        "[(n)-[:COUNTED_IN]->(t:Tally) | t.key] AS tallies",
        database_=settings.neo4j_database,
    )
    listing = {"FarmProfile": "farms", "Batch": "batches", "Shipment": "shipments"}
    for r in records:
        assert r["tallies"] == [repo.tally_key(listing[r["l"][0]], r["status"], r["org"])], r
    empty, _, _ = driver.execute_query(
        "MATCH (t:Tally) WHERE NOT EXISTS { (t)<-[:COUNTED_IN]-() } RETURN t.key AS key",
        database_=settings.neo4j_database,
    )
    assert [r["key"] for r in empty] == []


def test_totals_follow_creates_status_changes_and_deletes(
    driver: Driver, settings: Settings
) -> None:
    capture(driver, settings, [], farms={1: "approved", 2: "approved", 3: "pending", 4: "rejected"})
    t = totals(driver, settings)
    assert (t["farms", "all"], t["farms", "approved"], t["farms", "pending"]) == (4, 2, 1)

    # a status change moves the farm between tallies; a statement withdrawn leaves them
    capture(driver, settings, [], farms={3: "approved"})
    master = EnterpriseService(driver, settings.neo4j_database)
    with driver.session(database=settings.neo4j_database) as session:
        session.execute_write(master.state_farm, ORG, key_of(farm(4)), None)
    t = totals(driver, settings)
    assert (t["farms", "all"], t["farms", "approved"], t["farms", "pending"]) == (3, 3, 0)
    assert t["farms", "rejected"] == 0

    capture(driver, settings, [collect(f"L{n}", 1 + n % 3) for n in range(6)])
    assert totals(driver, settings)["batches", "collecting"] == 6
    capture(driver, settings, [inspect("L0"), inspect("L1")])
    capture(driver, settings, [bulk(["L2", "L3"], "BULK1")])
    t = totals(driver, settings)
    statuses = ("all", "collecting", "completed", "aggregated")
    assert [t["batches", s] for s in statuses] == [6, 2, 2, 2]

    declare(driver, settings, "S1", [sscc(1)], "draft")
    declare(driver, settings, "S1", [sscc(1)], "ready")
    declare(driver, settings, "S2", [sscc(2)], "cancelled")
    t = totals(driver, settings)
    assert [t["shipments", s] for s in ("all", "draft", "ready", "cancelled")] == [2, 0, 1, 1]

    # packed and shipped: the batches and the declared shipment become shipped
    capture(driver, settings, [pack(sscc(1), ["BULK1", "L0"]), ship([sscc(1)])])
    t = totals(driver, settings)
    assert [t["batches", s] for s in ("aggregated", "shipped")] == [0, 3]
    assert [t["shipments", s] for s in ("all", "ready", "shipped")] == [2, 0, 1]

    # a shipping event nobody declared is a shipment of its own; declaring it absorbs (deletes) it
    capture(driver, settings, [pack(sscc(3), ["L1"]), ship([sscc(3)])])
    assert totals(driver, settings)["shipments", "all"] == 3
    declare(driver, settings, "S3", [sscc(3)], "ready")
    t = totals(driver, settings)
    assert [t["shipments", s] for s in ("all", "shipped", "cancelled")] == [3, 2, 1]
    assert t["batches", "shipped"] == 4
    counted_once(driver, settings)
    # another org's tallies are its own
    assert set(totals(driver, settings, org="someone-else").values()) == {0}


async def test_the_api_total_is_the_tally(
    driver: Driver, settings: Settings, make_client: Callable[..., httpx.AsyncClient]
) -> None:
    capture(driver, settings, [collect(f"A{n}", 1) for n in range(7)], farms={1: "approved"})
    capture(driver, settings, [inspect("A1")])
    coop = make_client(ORG)
    for params, expected in (({}, 7), ({"status": "completed"}, 1), ({"limit": 2}, 7)):
        body = (await coop.get("/api/v1/batches", params=params)).json()
        assert body["meta"]["total"] == expected, (params, body["meta"])
    body = (await coop.get("/api/v1/farms", params={"compliance_status": "approved"})).json()
    assert body["meta"]["total"] == 1


def test_concurrent_writers_keep_the_totals_exact(driver: Driver, settings: Settings) -> None:
    """Captures, declarations and farm status changes of one org, eight at a time, touching the
    same lots, shipments and farms: no count is lost or doubled."""
    lots = [f"C{n:02d}" for n in range(40)]
    capture(driver, settings, [], farms={n: "approved" for n in range(1, 6)})
    rng = random.Random(18)
    jobs: list[Callable[[], None]] = []
    for n, name in enumerate(lots):
        jobs.append(lambda name=name, n=n: capture(driver, settings, [collect(name, 1 + n % 5)]))
    for n in range(0, 40, 2):
        jobs.append(lambda n=n: capture(driver, settings, [inspect(lots[n]), inspect(lots[n + 1])]))
    for n in range(0, 40, 8):
        jobs.append(lambda n=n: capture(driver, settings, [pack(sscc(n), lots[n : n + 4])]))
    for n in range(0, 40, 16):
        jobs.append(lambda n=n: capture(driver, settings, [ship([sscc(n)])]))
    for n in range(12):
        status = ("draft", "ready", "cancelled")[n % 3]
        jobs.append(
            lambda n=n, s=status: declare(driver, settings, f"S{n % 4}", [sscc(8 * (n % 5))], s)
        )
    for n in range(10):
        status = ("approved", "pending", "rejected")[n % 3]
        jobs.append(lambda n=n, s=status: capture(driver, settings, [], farms={1 + n % 5: s}))
    rng.shuffle(jobs)
    with ThreadPoolExecutor(max_workers=8) as pool:
        for future in [pool.submit(job) for job in jobs]:
            future.result()
    # settle: re-deriving every lot (a lot captured before its farm statement or its packing
    # may have been derived earlier) must not move any total away from the full count either
    capture(driver, settings, [inspect(name) for name in lots[:1]])
    t = totals(driver, settings)
    assert t["batches", "all"] == 40
    assert t["farms", "all"] == 5 and t["shipments", "all"] >= 4
    counted_once(driver, settings)


def test_the_migration_builds_the_tallies_of_an_older_graph_once(
    driver: Driver, settings: Settings
) -> None:
    db = settings.neo4j_database
    capture(driver, settings, [], farms={1: "approved", 2: "rejected"})
    capture(driver, settings, [collect(f"M{n}", 1) for n in range(5)] + [inspect("M0")])
    declare(driver, settings, "S1", [sscc(1)], "draft")
    expected = totals(driver, settings)
    # an older graph: no tallies at all, one row counted in a wrong tally and one twice
    with driver.session(database=db) as session:
        session.execute_write(repo.forget_tallies)
    driver.execute_query(
        "MATCH (b:Batch {id: $id}) "
        "CREATE (b)-[:COUNTED_IN]->(:Tally {key: 'batches shipped ' + b.org, "
        "                                   listing: 'batches', status: 'shipped', org: b.org}), "
        "       (b)-[:COUNTED_IN]->(:Tally {key: 'batches collecting ' + b.org, "
        "                                   listing: 'batches', status: 'collecting', org: b.org})",
        id=key_of(lot("M3")),
        database_=db,
    )
    apply_schema(driver, db)
    assert totals(driver, settings) == expected
    counted_once(driver, settings)
    relationships = _tally_relationships(driver, settings)
    # recorded, so nothing runs again; and the statements are idempotent on their own
    apply_schema(driver, db)
    driver.execute_query("MATCH (m:Migration {id: 'enterprise-tallies'}) DELETE m", database_=db)
    apply_schema(driver, db)
    assert totals(driver, settings) == expected
    assert _tally_relationships(driver, settings) == relationships


def test_the_migration_deletes_the_empty_tallies_of_a_graph_migrated_before(
    driver: Driver, settings: Settings
) -> None:
    db = settings.neo4j_database
    capture(driver, settings, [], farms={1: "approved"})
    capture(driver, settings, [collect(f"E{n}", 1) for n in range(3)])
    expected = totals(driver, settings)
    relationships = _tally_relationships(driver, settings)
    # a graph whose "enterprise-tallies" ran before it deleted empty tallies: two are left
    # (one of an org that has no listings lock yet), and "empty-tallies" has not run
    driver.execute_query(
        "CREATE (:Tally {key: 'batches shipped ' + $org, listing: 'batches', "
        "                status: 'shipped', org: $org}), "
        "       (:Tally {key: 'farms rejected other-org', listing: 'farms', "
        "                status: 'rejected', org: 'other-org'}) "
        "WITH 1 AS one MATCH (m:Migration {id: 'empty-tallies'}) DELETE m",
        org=ORG,
        database_=db,
    )
    assert _empty_tallies(driver, settings) == 2
    apply_schema(driver, db)
    assert _empty_tallies(driver, settings) == 0
    assert totals(driver, settings) == expected
    assert _tally_relationships(driver, settings) == relationships
    counted_once(driver, settings)
    records, _, _ = driver.execute_query(
        "MATCH (m:Migration {id: 'empty-tallies'}) RETURN count(m) AS n", database_=db
    )
    assert records[0]["n"] == 1


def _empty_tallies(driver: Driver, settings: Settings) -> int:
    records, _, _ = driver.execute_query(
        "MATCH (t:Tally) WHERE NOT EXISTS { (t)<-[:COUNTED_IN]-() } RETURN count(t) AS n",
        database_=settings.neo4j_database,
    )
    return int(records[0]["n"])


def key_of(identifier: str) -> str:
    return parse_identifier(identifier).key


def _tally_relationships(driver: Driver, settings: Settings) -> list[str]:
    records, _, _ = driver.execute_query(
        "MATCH (n)-[r:COUNTED_IN]->(t:Tally) RETURN elementId(r) AS r ORDER BY r",
        database_=settings.neo4j_database,
    )
    return [r["r"] for r in records]

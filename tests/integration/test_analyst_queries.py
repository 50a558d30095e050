"""The analysts' queries answer the recall demo's questions (that each runs as it is with its
`:param` header is tests/integration/test_cypher_params.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from neo4j import Driver

from trace_engine.config import Settings
from trace_engine.epcis import parse_json
from trace_engine.graph.catalog import Query, query
from trace_engine.identifiers import parse_identifier
from trace_engine.ingest import Ingestor

ROOT = Path(__file__).resolve().parents[2]
CONTAMINATED = "urn:epc:class:lgtin:0860002.010001.PVG240502R"
SPRING_MIX = "urn:epc:class:lgtin:0872345.030001.FCS240505SM1"


@pytest.fixture
def recall_demo(driver: Driver, settings: Settings) -> None:
    document = parse_json((ROOT / "seed" / "recall-demo" / "events.jsonld").read_bytes())
    outcome = Ingestor(driver, settings.neo4j_database).capture(document, "demo")
    assert outcome.rejected == 0 and outcome.accepted == len(document.items)


def test_trace_up_of_the_spring_mix_reaches_both_farms(
    driver: Driver, settings: Settings, recall_demo: None
) -> None:
    records, _, _ = driver.execute_query(
        query(Query.ANALYST_TRACE_UP), productId=SPRING_MIX, database_=settings.neo4j_database
    )
    ancestors = {r["ancestor"] for r in records}
    assert CONTAMINATED in ancestors
    assert "urn:epc:class:lgtin:0860001.010001.SSF240501R" in ancestors  # farm A's romaine


def test_stores_reached_by_the_contaminated_lot(
    driver: Driver, settings: Settings, recall_demo: None
) -> None:
    records, _, _ = driver.execute_query(
        query(Query.ANALYST_STORES_REACHED),
        productId=CONTAMINATED,
        database_=settings.neo4j_database,
    )
    names = sorted(r["name"] for r in records)
    assert len(names) == 3
    assert all("NorCal Grocers" in n for n in names)
    assert not any("#45" in n for n in names)


def test_trace_query_runs_with_only_product_id(
    driver: Driver, settings: Settings, recall_demo: None
) -> None:
    records, _, _ = driver.execute_query(
        query(Query.TRACE), productId=CONTAMINATED, database_=settings.neo4j_database
    )
    assert (
        records[0]["root"]
        == parse_identifier(CONTAMINATED).key
        == "01/00860002100012/10/PVG240502R"
    )
    assert len(records[0]["events"]) > 5


def _run(driver: Driver, settings: Settings, name: Query, **params: object) -> list[dict]:
    records, _, _ = driver.execute_query(query(name), params, database_=settings.neo4j_database)
    return [r.data() for r in records]


def test_siblings_of_a_spring_mix_lot_share_its_case_lots(
    driver: Driver, settings: Settings, recall_demo: None
) -> None:
    rows = _run(driver, settings, Query.ANALYST_SIBLINGS, productId=SPRING_MIX)
    siblings = {r["sibling"] for r in rows}
    assert "urn:epc:class:lgtin:0872345.030001.FCS240505SM2" in siblings
    assert "urn:epc:class:lgtin:0872345.030002.FCS240505CK1" in siblings  # the Caesar kit
    assert SPRING_MIX not in siblings


def test_the_farms_behind_a_store_pallet(
    driver: Driver, settings: Settings, recall_demo: None
) -> None:
    # store #12's pallet: Spring Mix 1 (romaine of farms A and B, spinach of C) and the Caesar kit
    rows = _run(
        driver,
        settings,
        Query.ANALYST_FARMS_BEHIND_SHIPMENT,
        shipmentId="urn:epc:id:sscc:0883456.3000000301",
    )
    farms = {r["farm"] for r in rows}
    assert {"Pajaro Valley Greens", "Salinas Sun Farms"} <= farms
    assert all(r["type"] == "FARM" for r in rows)
    romaine_b = next(r for r in rows if r["farm"] == "Pajaro Valley Greens")
    assert CONTAMINATED in romaine_b["sourceLots"]


def test_the_events_of_the_dc_on_its_busy_day(
    driver: Driver, settings: Settings, recall_demo: None
) -> None:
    rows = _run(
        driver,
        settings,
        Query.ANALYST_FACILITY_EVENTS_ON_DAY,
        facilityId="urn:epc:id:sgln:0883456.00100.0",
        day="2024-05-06",
    )
    assert len(rows) > 5
    assert {r["facility"] for r in rows} == {"NorCal Grocers Distribution Center"}
    assert all(r["localTime"].startswith("2024-05-06") for r in rows)
    none_before = _run(
        driver,
        settings,
        Query.ANALYST_FACILITY_EVENTS_ON_DAY,
        facilityId="urn:epc:id:sgln:0883456.00100.0",
        day="2024-05-01",
    )
    assert none_before == []


def test_recall_impact_reaches_the_three_stores_with_quantities(
    driver: Driver, settings: Settings, recall_demo: None
) -> None:
    rows = _run(driver, settings, Query.ANALYST_RECALL_IMPACT, productId=CONTAMINATED)
    stores = {r["facility"] for r in rows if r["type"] == "STORE"}
    assert len(stores) == 3 and not any("#45" in s for s in stores)
    assert all(r["quantity"] is not None for r in rows if r["type"] == "STORE")


def test_the_fsma_cte_of_the_contaminated_lots_events(
    driver: Driver, settings: Settings, recall_demo: None
) -> None:
    rows = _run(driver, settings, Query.ANALYST_FSMA_CTE_OF_TRACE, productId=CONTAMINATED)
    ctes = [r["cte"] for r in rows]
    assert ctes[0] == "harvesting"  # farm B's commissioning of the lot comes first
    assert {"shipping", "receiving", "initial_packing", "transformation"} <= set(ctes)
    assert None in ctes  # packing onto pallets and stocking are not CTEs

"""The analysts' starting queries run as they are, with only `productId` set, and answer the
recall demo's question: which stores did the contaminated lot reach?"""

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
ANALYST = sorted(q.value.removeprefix("analyst/") for q in Query if q.value.startswith("analyst/"))


@pytest.fixture
def recall_demo(driver: Driver, settings: Settings) -> None:
    document = parse_json((ROOT / "seed" / "recall-demo" / "events.jsonld").read_bytes())
    outcome = Ingestor(driver, settings.neo4j_database).capture(document, "demo")
    assert outcome.rejected == 0 and outcome.accepted == len(document.items)


@pytest.mark.parametrize("name", ANALYST)
def test_each_query_runs_with_only_product_id(
    driver: Driver, settings: Settings, recall_demo: None, name: str
) -> None:
    # a farm lot has no ancestors: ask where the spring mix came from
    product = SPRING_MIX if name == "trace_up" else CONTAMINATED
    records, _, _ = driver.execute_query(
        query(Query(f"analyst/{name}")), productId=product, database_=settings.neo4j_database
    )
    assert records, f"{name} found nothing for {product}"


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

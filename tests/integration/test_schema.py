"""cypher/schema.cypher is idempotent and creates every constraint it names."""

from __future__ import annotations

from neo4j import Driver

from trace_engine.config import Settings
from trace_engine.graph.catalog import Query, query
from trace_engine.graph.schema import apply_schema, expected_constraint_names


def _constraints(driver: Driver, settings: Settings) -> list[tuple[str, str, list[str]]]:
    records, _, _ = driver.execute_query(
        "SHOW CONSTRAINTS YIELD name, labelsOrTypes, properties "
        "RETURN name, labelsOrTypes[0] AS label, properties ORDER BY name",
        database_=settings.neo4j_database,
    )
    return [(r["name"], r["label"], r["properties"]) for r in records]


def test_schema_applied_twice_gives_the_same_constraints(driver: Driver, settings: Settings):
    apply_schema(driver, settings.neo4j_database)
    first = _constraints(driver, settings)
    apply_schema(driver, settings.neo4j_database)
    second = _constraints(driver, settings)
    assert first == second
    assert expected_constraint_names() == {name for name, _, _ in first}
    assert ("product_instance_id", "ProductInstance", ["id"]) in first
    assert ("event_id", "Event", ["eventID"]) in first


def test_uniqueness_is_enforced(driver: Driver, settings: Settings):
    db = settings.neo4j_database
    driver.execute_query("CREATE (:ProductInstance {id: 'x'})", database_=db)
    try:
        driver.execute_query("CREATE (:ProductInstance {id: 'x'})", database_=db)
    except Exception as exc:  # noqa: BLE001 - any constraint violation will do
        assert "already exists" in str(exc)
    else:
        raise AssertionError("a second ProductInstance with the same id was created")
    records, _, _ = driver.execute_query(query(Query.COUNTS), database_=db)
    assert records[0]["nodes"] == 1


def _indexes(driver: Driver, settings: Settings) -> set[str]:
    records, _, _ = driver.execute_query(
        "SHOW INDEXES YIELD name RETURN collect(name) AS names",
        database_=settings.neo4j_database,
    )
    return set(records[0]["names"])


def test_indexes_of_earlier_versions_are_dropped(driver: Driver, settings: Settings):
    db = settings.neo4j_database
    driver.execute_query(
        "CREATE INDEX traceability_record_org IF NOT EXISTS "
        "FOR (n:TraceabilityRecord) ON (n.org, n.productId, n.batchNumber)",
        database_=db,
    )
    driver.execute_query(
        "CREATE INDEX event_hash IF NOT EXISTS FOR (n:Event) ON (n.hash)", database_=db
    )
    apply_schema(driver, db)
    names = _indexes(driver, settings)
    assert {"traceability_record_org", "event_hash"}.isdisjoint(names)
    assert {"traceability_record_of_org", "event_time", "event_owner"} <= names


def test_records_are_listed_through_the_org_index(driver: Driver, settings: Settings):
    apply_schema(driver, settings.neo4j_database)
    with driver.session(database=settings.neo4j_database) as session:
        summary = session.run(
            "EXPLAIN " + query(Query.RECORDS_LIST),
            org="demo",
            productKey=None,
            batchNumber=None,
            skip=0,
            limit=20,
        ).consume()
    assert summary.plan is not None
    plan = summary.plan["args"]["string-representation"]
    assert "NodeIndexSeek" in plan
    assert "TraceabilityRecord(org)" in plan

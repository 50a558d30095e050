"""cypher/schema.cypher is idempotent and creates every constraint it names."""

from __future__ import annotations

from neo4j import Driver

from trace_engine.config import Settings
from trace_engine.graph.catalog import query
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
    records, _, _ = driver.execute_query(query("counts"), database_=db)
    assert records[0]["nodes"] == 1

"""Apply `cypher/schema.cypher`: idempotent, safe to run on every start."""

from __future__ import annotations

from neo4j import AsyncDriver, Driver

from trace_engine.graph.catalog import Query, query, statements

SCHEMA_FILE = Query.SCHEMA


def schema_statements() -> list[str]:
    """Every constraint and index statement of the schema file."""
    return statements(SCHEMA_FILE)


def expected_constraint_names() -> set[str]:
    """The names the schema file gives its constraints."""
    return {s.split()[2] for s in schema_statements() if s.upper().startswith("CREATE CONSTRAINT")}


def apply_schema(driver: Driver, database: str) -> int:
    """Create every constraint and index that does not exist yet, then bring data in an old
    shape into the current one (`cypher/schema_migrate.cypher`, idempotent); return how many
    schema statements ran."""
    stmts = schema_statements()
    for stmt in stmts:
        driver.execute_query(stmt, database_=database)
    driver.execute_query(query(Query.SCHEMA_AWAIT), database_=database)
    for stmt in statements(Query.SCHEMA_MIGRATE):
        driver.execute_query(stmt, database_=database)
    return len(stmts)


async def apply_schema_async(driver: AsyncDriver, database: str) -> int:
    """`apply_schema` for the API's async driver."""
    stmts = schema_statements()
    for stmt in stmts:
        await driver.execute_query(stmt, database_=database)
    await driver.execute_query(query(Query.SCHEMA_AWAIT), database_=database)
    for stmt in statements(Query.SCHEMA_MIGRATE):
        await driver.execute_query(stmt, database_=database)
    return len(stmts)


async def schema_applied_async(driver: AsyncDriver, database: str) -> bool:
    """Whether every constraint of the schema file exists."""
    records, _, _ = await driver.execute_query(query(Query.SCHEMA_CONSTRAINTS), database_=database)
    return expected_constraint_names() <= set(records[0]["names"])

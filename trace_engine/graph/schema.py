"""Apply `cypher/schema.cypher` and the data migrations: idempotent, safe to run on every start."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
from neo4j import Driver, ManagedTransaction

from trace_engine.graph.access import write_tx
from trace_engine.graph.catalog import Query, query, statements
from trace_engine.graph.stored_values import MIGRATION_ID as STORED_VALUES
from trace_engine.graph.stored_values import check_stored_values

SCHEMA_FILE = Query.SCHEMA
# data migrations, in order: (id, file); each runs once per database and is idempotent
MIGRATIONS = (
    ("statements-per-org", Query.MIGRATE_STATEMENTS),
    ("enterprise-tallies", Query.MIGRATE_TALLIES),
    ("empty-tallies", Query.MIGRATE_EMPTY_TALLIES),
    ("key-scopes-by-name", Query.MIGRATE_KEY_SCOPES),
    ("padded-years", Query.MIGRATE_PADDED_YEARS),
)


def _now() -> str:
    return datetime.now(UTC).isoformat()


def migrate(driver: Driver, database: str, recheck_values: bool = False) -> list[str]:
    """Run the data migrations this database has not had; return their ids. The last one,
    `stored-values` (trace_engine/graph/stored_values.py), repairs or reports values stored
    before the input bounds; it runs once per database, or again with `recheck_values`."""
    ran = []
    for migration_id, name in MIGRATIONS:
        if _done(driver, database, migration_id):
            continue
        records, _, _ = driver.execute_query(
            query(Query.MIGRATION_SOLE_ORG), database_=database, routing_="r"
        )
        sole = records[0]["org"]
        unattributed = 0
        # auto-commit sessions: the statements commit in batches (CALL … IN TRANSACTIONS)
        with driver.session(database=database) as session:
            for stmt in statements(name):
                record = session.run(stmt, soleOrg=sole).single()
                if record is not None and "unattributed" in record.keys():
                    unattributed = record["unattributed"]
        driver.execute_query(
            query(Query.MIGRATION_RECORD),
            id=migration_id,
            now=_now(),
            unattributed=unattributed,
            database_=database,
        )
        ran.append(migration_id)
    if recheck_values or not _done(driver, database, STORED_VALUES):
        check_stored_values(driver, database)
        ran.append(STORED_VALUES)
    return ran


def current_shape_migrations() -> list[dict[str, Any]]:
    """The `(:Migration)` records of a database written in the current shape from the start
    (an initial load's import): what `migrate` records on an empty database, every migration
    done with nothing to bring over and a stored-values report with nothing in it."""
    now = _now()
    records: list[dict[str, Any]] = [
        {"id": migration_id, "at": now, "unattributed": 0} for migration_id, _ in MIGRATIONS
    ]
    empty = orjson.dumps({"repaired": {}, "reported": {}}).decode()
    records.append({"id": STORED_VALUES, "at": now, "lastRunAt": now, "report": empty})
    return records


def _done(driver: Driver, database: str, migration_id: str) -> bool:
    records, _, _ = driver.execute_query(
        query(Query.MIGRATION_DONE), id=migration_id, database_=database, routing_="r"
    )
    return bool(records[0]["done"])


def schema_statements() -> list[str]:
    """Every constraint and index statement of the schema file."""
    return statements(SCHEMA_FILE)


def expected_constraint_names() -> set[str]:
    """The names the schema file gives its constraints."""
    return {s.split()[2] for s in schema_statements() if s.upper().startswith("CREATE CONSTRAINT")}


def apply_schema(driver: Driver, database: str, recheck_values: bool = False) -> int:
    """Create every constraint and index that does not exist yet, then bring data in an old
    shape into the current one (`cypher/schema_migrate.cypher`, idempotent) and run the data
    migrations the database has not had (`MIGRATIONS`); return how many schema statements
    ran."""
    stmts = schema_statements()
    if not _schema_current(driver, database, stmts):
        _create_schema(driver, database, stmts)
    for stmt in statements(Query.SCHEMA_MIGRATE):
        driver.execute_query(stmt, database_=database)
    migrate(driver, database, recheck_values)
    return len(stmts)


def _schema_current(driver: Driver, database: str, stmts: list[str]) -> bool:
    """Whether every constraint and index the schema file creates exists and is online and
    none that it drops exists: then its statements would change nothing (one query instead of
    one each; an API start after `load --initial` ran them all again)."""
    records, _, _ = driver.execute_query(
        query(Query.SCHEMA_INDEXES), database_=database, routing_="r"
    )
    names, online = set(records[0]["names"]), set(records[0]["online"])
    created = {s.split()[2] for s in stmts if s.upper().startswith("CREATE")}
    dropped = {s.split()[2] for s in stmts if s.upper().startswith("DROP")}
    return created <= online and not dropped & names


def _create_schema(driver: Driver, database: str, stmts: list[str]) -> None:
    indexes = [s for s in stmts if s.upper().startswith("CREATE INDEX")]
    # the plain indexes first, in one transaction: Neo4j populates the indexes a transaction
    # creates together (one scan of a label's nodes for all of them: after an initial load one
    # pass over the events for their six indexes), in the background while the constraints,
    # each populated and checked by its own statement, are created (bench/RESULTS.md: 11 s
    # against 14 s on 1M events)
    with driver.session(database=database) as session:
        write_tx(session, _create_all, indexes)
    for stmt in stmts:
        if stmt not in indexes:
            driver.execute_query(stmt, database_=database)
    # a read, but on the leader, where the indexes were just created and the writes will go
    driver.execute_query(query(Query.SCHEMA_AWAIT), database_=database, routing_="w")


def _create_all(tx: ManagedTransaction, stmts: list[str]) -> None:
    for stmt in stmts:
        tx.run(stmt).consume()


def schema_applied(driver: Driver, database: str) -> bool:
    """Whether every constraint of the schema file exists."""
    records, _, _ = driver.execute_query(
        query(Query.SCHEMA_CONSTRAINTS), database_=database, routing_="r"
    )
    return expected_constraint_names() <= set(records[0]["names"])

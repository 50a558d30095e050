"""The database calls of an initial load: the emptiness check before, the finish after.

The finish writes with the online path's own statements and functions: error declarations
(`graph.events.apply_error_declarations`) and the enterprise listings (farm statements,
shipments, batch rows: `enterprise.service`), so what they derive is what ingest derives.
"""

from __future__ import annotations

from typing import Any

from neo4j import Driver, ManagedTransaction

from trace_engine.enterprise import repository as enterprise_repo
from trace_engine.enterprise.schemas import FarmFields
from trace_engine.enterprise.service import refresh_batches, state_farms
from trace_engine.graph.access import read_tx, write_tx
from trace_engine.graph.catalog import Query, query
from trace_engine.graph.events import apply_error_declarations

# nodes a database may hold and still count as empty: the schema migrations' own records
IGNORED_LABELS = frozenset({"Migration"})
_CHUNK = 2000


def contents(driver: Driver, database: str) -> dict[str, int]:
    """How many nodes of each label the database holds (those that count against empty)."""
    records, _, _ = driver.execute_query(
        query(Query.INITIAL_CONTENTS), database_=database, routing_="r"
    )
    return {label: n for label, n in records[0]["labels"] if label not in IGNORED_LABELS}


def counts(driver: Driver, database: str) -> tuple[int, int]:
    """How many nodes and relationships the database holds."""
    records, _, _ = driver.execute_query(query(Query.COUNTS), database_=database, routing_="r")
    return records[0]["nodes"], records[0]["relationships"]


def apply_declarations(
    driver: Driver, database: str, org: str, rows: list[dict[str, Any]]
) -> set[str]:
    """Apply error declarations in input order; return the eventIDs that took one."""
    applied: set[str] = set()
    with driver.session(database=database) as session:
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start : start + _CHUNK]
            applied |= write_tx(session, apply_error_declarations, org, chunk)
    return applied


def state_org_farms(
    driver: Driver, database: str, org: str, farms: list[tuple[str, FarmFields]]
) -> None:
    """Write the org's farm statements from the documents' master data."""
    with driver.session(database=database) as session:
        write_tx(session, state_farms, org, farms)


def write_shipments(driver: Driver, database: str, org: str, rows: list[dict[str, Any]]) -> None:
    """Apply the org's shipping events to its shipments, in input order."""
    with driver.session(database=database) as session:
        for start in range(0, len(rows), _CHUNK):
            write_tx(session, _write_shipping, org, rows[start : start + _CHUNK])


def _write_shipping(tx: ManagedTransaction, org: str, rows: list[dict[str, Any]]) -> None:
    enterprise_repo.write_shipping(tx, org, rows)


def derive_batches(
    driver: Driver, database: str, org: str, farms: list[str], on_lots: Any = None
) -> int:
    """Derive the org's batch rows of every lot it collected at its farms (in the online path,
    each write re-derives the lots it touched; here every event is in, so the lots collected
    at the farms are all the candidates there are)."""
    derived = 0
    with driver.session(database=database) as session:
        lots: dict[str, None] = {}
        for start in range(0, len(farms), 100):
            chunk = farms[start : start + 100]
            lots.update(dict.fromkeys(read_tx(session, _candidates, org, chunk)))
        keys = list(lots)
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            derived += write_tx(session, refresh_batches, org, chunk, [])
            if on_lots is not None:
                on_lots(len(chunk))
    return derived


def _candidates(tx: ManagedTransaction, org: str, farms: list[str]) -> list[str]:
    return enterprise_repo.batch_candidates(tx, org, [], farms)

"""The database calls of an initial load: the emptiness check before, the finish after.

The finish applies error declarations with the online path's own statement
(`graph.events.apply_error_declarations`); everything else, the enterprise listings included,
is in the import files (`listings.py`).
"""

from __future__ import annotations

from typing import Any

from neo4j import Driver

from trace_engine.graph.access import write_tx
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

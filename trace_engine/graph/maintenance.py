"""Emptying the graph (tests, benchmarks, `trace-engine db wipe`)."""

from __future__ import annotations

from neo4j import Driver

from trace_engine.graph.catalog import Query, query


def wipe(driver: Driver, database: str, batch: int = 10_000) -> None:
    """Delete every relationship, then every node, in small transactions (the schema stays).

    Relationships go first so that a node with a hundred thousand of them (a busy facility)
    never has to be detached in one transaction, which exhausts a 2 GiB heap.
    """
    for statement in (Query.WIPE_RELATIONSHIPS_BATCH, Query.WIPE_NODES_BATCH):
        while True:
            records, _, _ = driver.execute_query(query(statement), limit=batch, database_=database)
            if not records[0]["deleted"]:
                break

"""The server agrees with the catalog's access modes, and refuses a write in a read transaction.

`EXPLAIN` gives the planner's own verdict on each statement (`r`, `rw`, `w`, or `s` for a
schema change) without running it; the composable EPCIS query fragments are not statements
on their own and are checked by tests/unit/test_access_modes.py only.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from neo4j import Driver, ManagedTransaction
from neo4j.exceptions import ClientError, CypherSyntaxError

from trace_engine.config import Settings
from trace_engine.graph.access import read_tx, write_tx
from trace_engine.graph.catalog import WRITES, MisroutedQuery, Query, query, statements

# parts of a statement that trace_engine/epcis_query/planner.py assembles
FRAGMENT_PREFIXES = ("epcis_query/anchor_", "epcis_query/filter_", "epcis_query/order_")
FRAGMENT_PREFIXES += ("epcis_query/after_",)
# DBMS procedures, which the planner reports as `s` whatever they do; any member answers them
DBMS_PROCEDURES = {Query.SERVER_VERSION}


def _plan_types(driver: Driver, settings: Settings, name: Query) -> list[str]:
    types = []
    with driver.session(database=settings.neo4j_database) as session:
        for stmt in statements(name):
            # EXPLAIN plans without running; a plain run, as Neo4j Browser would
            types.append(session.run("EXPLAIN " + stmt).consume().query_type)  # type: ignore[arg-type]
    return types


def test_the_planner_agrees_with_the_catalog(driver: Driver, settings: Settings) -> None:
    disagree, planned = [], 0
    for name in Query:
        if name.value.startswith(FRAGMENT_PREFIXES):
            with pytest.raises(CypherSyntaxError):
                _plan_types(driver, settings, name)
            continue
        types = _plan_types(driver, settings, name)
        planned += 1
        if name in WRITES:
            agrees = any(t in ("w", "rw", "s") for t in types)
        elif name in DBMS_PROCEDURES:
            agrees = types == ["s"]
        else:
            agrees = set(types) == {"r"}
        if not agrees:
            disagree.append((name.value, "write" if name in WRITES else "read", types))
    assert disagree == []
    assert planned > 100


def test_a_misrouted_write_never_reaches_the_server(
    driver: Driver, settings: Settings, counts: Callable[[], tuple[int, int]]
) -> None:
    def create_record(tx: ManagedTransaction) -> None:
        tx.run(query(Query.RECORDS_CREATE), props={"id": "r1", "org": "o"}).consume()

    before = counts()
    with driver.session(database=settings.neo4j_database) as session:
        with pytest.raises(MisroutedQuery, match="records_create.cypher writes"):
            read_tx(session, create_record)
        assert counts() == before
        write_tx(session, create_record)
    assert counts()[0] == before[0] + 1


def test_the_server_refuses_a_write_in_a_read_transaction_too(
    driver: Driver, settings: Settings, counts: Callable[[], tuple[int, int]]
) -> None:
    """What the guard spares: the server (and a cluster's secondary) refuses it anyway, so a
    misrouted write fails in every integration test that reaches it."""
    before = counts()
    with driver.session(database=settings.neo4j_database) as session:
        with pytest.raises(ClientError, match="read access mode"):
            session.execute_read(lambda tx: tx.run("CREATE (:Probe)").consume())
    assert counts() == before

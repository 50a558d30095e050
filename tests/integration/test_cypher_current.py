"""Every statement the package runs plans on the server without a deprecation notice.

A deprecated form still runs on 5.26 but prints Neo4j's warning to whoever runs the command
(the padded-years migration's `CALL { WITH e … }` did, at every schema step of an empty
database), and the next major version refuses it. EXPLAIN plans a statement without running it
and without its parameters. The EPCIS query's pieces (`cypher/epcis_query/`) are fragments
the planner joins; they are planned here joined as the planner joins them, one statement per
piece.
"""

from __future__ import annotations

import pytest
from neo4j import Driver, NotificationClassification

from trace_engine.config import Settings
from trace_engine.epcis_query.planner import plan
from trace_engine.epcis_query.schemas import Direction, EventQuery, IdMatch, OrderBy, Position
from trace_engine.graph.catalog import Query, query, statements

# schema commands have no plan to EXPLAIN
_NOT_PLANNED = ("CREATE CONSTRAINT", "CREATE INDEX", "DROP CONSTRAINT", "DROP INDEX")
# the EPCIS query's pieces, planned only as planner.plan joins them
_FRAGMENTS = tuple(f"epcis_query/{kind}_" for kind in ("anchor", "filter", "order", "after"))
_MATCH = IdMatch(keys=("01/04012345123456/21/1",), prefixes=("01/04012345123456/21/",))
_PLACES = ("414/4012345000016",)
_AFTER = Position("2024-01-01T00:00:00.000Z", "urn:uuid:1", "org")
# queries that together join every fragment (test_the_queries_join_every_fragment)
_QUERIES = {
    "time-anchor-desc": (EventQuery(), _AFTER),
    "record-time-anchor-asc": (
        EventQuery(order_by=OrderBy.RECORD_TIME, order_direction=Direction.ASC),
        _AFTER,
    ),
    "event-time-asc": (EventQuery(order_direction=Direction.ASC), _AFTER),
    "record-time-desc": (EventQuery(order_by=OrderBy.RECORD_TIME), _AFTER),
    "event-ids-and-every-list-filter": (
        EventQuery(
            event_ids=("urn:uuid:1",),
            event_types=("ObjectEvent",),
            actions=("ADD",),
            biz_steps=("urn:epcglobal:cbv:bizstep:shipping",),
            dispositions=("urn:epcglobal:cbv:disp:in_transit",),
            read_points=_PLACES,
            biz_locations=_PLACES,
            wd_read_points=_PLACES,
            wd_biz_locations=_PLACES,
            ge_event_time="2024-01-01T00:00:00.000Z",
            lt_record_time="2025-01-01T00:00:00.000Z",
        ),
        None,
    ),
    "things-and-every-match": (
        EventQuery(
            match_epc=_MATCH,
            match_parent=_MATCH,
            match_input=_MATCH,
            match_output=_MATCH,
            match_any=_MATCH,
            match_epc_class=_MATCH,
            match_input_class=_MATCH,
            match_output_class=_MATCH,
            match_any_class=_MATCH,
        ),
        None,
    ),
    "facilities": (EventQuery(biz_locations=_PLACES), None),
}


def _composed() -> dict[str, str]:
    return {
        f"epcis_query:{name}": plan(q, ["org"], after, 10).text
        for name, (q, after) in _QUERIES.items()
    }


def _planned() -> list[tuple[str, str]]:
    whole = [
        (f"{q.value}#{n}", stmt)
        for q in Query
        if not q.value.startswith(_FRAGMENTS)
        for n, stmt in enumerate(statements(q))
        if not stmt.upper().startswith(_NOT_PLANNED)
    ]
    return whole + list(_composed().items())


def test_the_queries_join_every_fragment() -> None:
    joined = "\n".join(_composed().values())
    fragments = [q for q in Query if q.value.startswith(_FRAGMENTS)]
    assert fragments
    unjoined = [q.value for q in fragments if _body(q) not in joined]
    assert unjoined == []


def _body(name: Query) -> str:
    return "\n".join(
        line for line in query(name).splitlines() if not line.lstrip().startswith("//")
    ).strip()


def test_every_file_has_statements_to_check() -> None:
    checked = {name.split("#")[0] for name, _ in _planned()}
    whole = {q.value for q in Query if not q.value.startswith(_FRAGMENTS)}
    # only schema commands (constraints and indexes) have nothing to plan
    assert sorted(whole - checked) == [Query.SCHEMA.value]


@pytest.mark.parametrize(("name", "statement"), _planned(), ids=[n for n, _ in _planned()])
def test_no_statement_uses_a_deprecated_form(
    name: str, statement: str, driver: Driver, settings: Settings
) -> None:
    with driver.session(database=settings.neo4j_database) as session:
        summary = session.run("EXPLAIN " + statement).consume()  # type: ignore[arg-type]
    deprecated = [
        status.status_description
        for status in summary.gql_status_objects
        if status.classification == NotificationClassification.DEPRECATION
    ]
    assert deprecated == [], name

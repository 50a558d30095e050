"""The only Neo4j calls of the EPCIS query interface (read transactions)."""

from __future__ import annotations

from typing import Any

from neo4j import ManagedTransaction

from trace_engine.epcis_query.planner import Statement
from trace_engine.epcis_query.schemas import StoredEvent
from trace_engine.graph.catalog import Query, query


def candidate_events(tx: ManagedTransaction, statement: Statement) -> list[StoredEvent]:
    """The events a planned statement returns, in its order."""
    result = tx.run(statement.text, statement.parameters)
    return [
        StoredEvent(
            raw=record["raw"],
            record_time=record["recordTime"],
            event_time=record["eventTime"],
            event_id=record["eventID"],
            owner=record["owner"],
            namespaces=record["namespaces"],
            error_declaration=record["errorDeclaration"],
        )
        for record in result
    ]


# resource → (its members after a position, whether one member is used)
RESOURCES = {
    "event_types": (
        Query.EPCIS_QUERY_RESOURCE_EVENT_TYPES,
        Query.EPCIS_QUERY_RESOURCE_EVENT_TYPES_ONE,
    ),
    "biz_steps": (Query.EPCIS_QUERY_RESOURCE_BIZ_STEPS, Query.EPCIS_QUERY_RESOURCE_BIZ_STEPS_ONE),
    "dispositions": (
        Query.EPCIS_QUERY_RESOURCE_DISPOSITIONS,
        Query.EPCIS_QUERY_RESOURCE_DISPOSITIONS_ONE,
    ),
    "epcs": (Query.EPCIS_QUERY_RESOURCE_EPCS, Query.EPCIS_QUERY_RESOURCE_EPCS_ONE),
    "biz_locations": (
        Query.EPCIS_QUERY_RESOURCE_BIZ_LOCATIONS,
        Query.EPCIS_QUERY_RESOURCE_BIZ_LOCATIONS_ONE,
    ),
    "read_points": (
        Query.EPCIS_QUERY_RESOURCE_READ_POINTS,
        Query.EPCIS_QUERY_RESOURCE_READ_POINTS_ONE,
    ),
}
# event properties: one index seek per distinct value (a skip scan), not a scan of the events
_VOCABULARIES = frozenset({"event_types", "biz_steps", "dispositions"})


def resource_values(
    tx: ManagedTransaction, resource: str, orgs: list[str], after: str | None, limit: int
) -> list[str]:
    """Distinct values of a top-level resource used by the orgs' events, in order, after
    `after`; `resource` is one of the allow-listed names of RESOURCES."""
    statement = query(RESOURCES[resource][0])
    if resource not in _VOCABULARIES:
        result = tx.run(statement, orgs=orgs, after=after or "", limit=limit)
        return [record["value"] for record in result]
    values: list[str] = []
    cursor = after or ""
    while len(values) < limit:
        record = (tx.run(statement, orgs=orgs, after=cursor)).single()
        if record is None:
            break
        cursor = record["value"]
        values.append(cursor)
    return values


def resource_exists(tx: ManagedTransaction, resource: str, orgs: list[str], value: Any) -> bool:
    """Whether one of the orgs' events uses `value` as that resource."""
    result = tx.run(query(RESOURCES[resource][1]), orgs=orgs, value=value)
    record = result.single()
    return bool(record and record["found"])


def place_children(
    tx: ManagedTransaction, keys: list[str], orgs: list[str]
) -> dict[str, list[str]]:
    """Facility key → the children the master data of `orgs` names (as given)."""
    result = tx.run(query(Query.EPCIS_QUERY_PLACE_CHILDREN), keys=keys, orgs=orgs)
    return {record["id"]: list(record["children"]) for record in result}

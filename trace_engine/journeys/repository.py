"""The journey repository: Journey headers and their ProcessingStage nodes."""

from __future__ import annotations

from typing import Any

from neo4j import ManagedTransaction

from trace_engine.graph.catalog import Query, query


def create_journey(tx: ManagedTransaction, props: dict[str, Any]) -> dict[str, Any]:
    """Store a new journey (linked to its product if that exists); return its properties."""
    record = tx.run(
        query(Query.JOURNEYS_CREATE), props=props, productKey=props.get("productKey")
    ).single(strict=True)
    return dict(record["journey"])


def get_journey(
    tx: ManagedTransaction, org: str, journey_id: str
) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """The org's journey and its stages, or None."""
    record = tx.run(query(Query.JOURNEYS_GET), org=org, id=journey_id).single()
    if record is None:
        return None
    return dict(record["journey"]), [dict(s) for s in record["stages"]]


def update_journey(
    tx: ManagedTransaction,
    org: str,
    journey_id: str,
    props: dict[str, Any],
    relink: bool,
) -> bool:
    """Set header fields (with `relink`, the product link follows props.productKey)."""
    record = tx.run(
        query(Query.JOURNEYS_UPDATE),
        org=org,
        id=journey_id,
        props=props,
        relink=relink,
        productKey=props.get("productKey"),
    ).single()
    return record is not None


def delete_journey(tx: ManagedTransaction, org: str, journey_id: str) -> bool:
    """Delete the journey and its stages; False if the org has no such journey."""
    record = tx.run(query(Query.JOURNEYS_DELETE), org=org, id=journey_id).single(strict=True)
    return bool(record["deleted"])


def list_journeys(tx: ManagedTransaction, params: dict[str, Any]) -> list[dict[str, Any]]:
    """One page of journeys (see cypher/journeys_list.cypher for the parameters)."""
    return [dict(r["journey"]) for r in tx.run(query(Query.JOURNEYS_LIST), params)]


def journey_facets(tx: ManagedTransaction, org: str, search: str | None) -> list[dict[str, Any]]:
    """(clientId, compositionId, n) rows of the journeys matching the search."""
    return [dict(r) for r in tx.run(query(Query.JOURNEYS_FACETS), org=org, search=search)]


def lock_journey(tx: ManagedTransaction, org: str, journey_id: str) -> bool:
    """Take the write lock of the journey's JourneyLock; False if the org has no such journey."""
    return tx.run(query(Query.JOURNEYS_LOCK), org=org, id=journey_id).single() is not None


def journey_of_stage(tx: ManagedTransaction, org: str, stage_id: str) -> str | None:
    """The id of the org's journey holding this stage, or None."""
    record = tx.run(query(Query.STAGES_JOURNEY), org=org, stageId=stage_id).single()
    return str(record["journeyId"]) if record else None


def stages_of(tx: ManagedTransaction, journey_id: str) -> list[dict[str, Any]]:
    """The journey's stages, unordered."""
    return [dict(r["stage"]) for r in tx.run(query(Query.STAGES_OF_JOURNEY), id=journey_id)]


def write_stages(tx: ManagedTransaction, journey_id: str, stages: list[dict[str, Any]]) -> None:
    """Create or replace stages (full states) and their facility links."""
    rows = [
        {"props": s, "supplierKey": s.get("supplierKey"), "companyKey": s.get("companyKey")}
        for s in stages
    ]
    tx.run(query(Query.STAGES_WRITE), journeyId=journey_id, rows=rows).consume()


def delete_stage(tx: ManagedTransaction, journey_id: str, stage_id: str) -> bool:
    """Delete one stage of the journey."""
    record = tx.run(query(Query.STAGES_DELETE), journeyId=journey_id, stageId=stage_id).single()
    return bool(record and record["deleted"])


def recompute_totals(tx: ManagedTransaction, journey_id: str, now: str) -> dict[str, Any]:
    """Set the journey's totals to the sums of its stages; return them."""
    record = tx.run(query(Query.JOURNEYS_TOTALS), id=journey_id, now=now).single(strict=True)
    return dict(record)

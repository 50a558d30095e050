"""The recall-watch repository: `Watch` nodes on the watched `ProductInstance`, with the
delivery position and the lease (the only Cypher calls of watches)."""

from __future__ import annotations

from typing import Any

from neo4j import ManagedTransaction

from trace_engine.epcis_query.schemas import Position
from trace_engine.graph.catalog import Query, query


def _one(tx: ManagedTransaction, q: Query, **params: Any) -> dict[str, Any] | None:
    row = tx.run(query(q), **params).single()
    return dict(row["watch"]) if row else None


def create(tx: ManagedTransaction, key: str, props: dict[str, Any]) -> dict[str, Any] | None:
    """Store it on the instance `key`; None when there is no such instance."""
    return _one(tx, Query.WATCHES_CREATE, key=key, props=props)


def list_of(tx: ManagedTransaction, org: str) -> list[dict[str, Any]]:
    """The org's watches, oldest first."""
    return [dict(row["watch"]) for row in tx.run(query(Query.WATCHES_LIST), org=org)]


def get(tx: ManagedTransaction, org: str, watch_id: str) -> dict[str, Any] | None:
    """The org's watch, or None."""
    return _one(tx, Query.WATCHES_GET, org=org, id=watch_id)


def delete(tx: ManagedTransaction, org: str, watch_id: str) -> bool:
    """Delete it; False when the org has none by that id."""
    return tx.run(query(Query.WATCHES_DELETE), org=org, id=watch_id).single() is not None


def count(tx: ManagedTransaction) -> int:
    """How many watches exist."""
    return int(tx.run(query(Query.WATCHES_COUNT)).single(strict=True)["n"])


def due(tx: ManagedTransaction, now: str, after_id: str, limit: int) -> list[dict[str, Any]]:
    """Watches due now whose lease is free, in id order after `after_id`: id, org, position,
    expiresAt."""
    result = tx.run(query(Query.WATCHES_DUE), now=now, afterId=after_id, limit=limit)
    return [dict(row) for row in result]


def recent(tx: ManagedTransaction, orgs: list[str], after: Position, before: str) -> bool:
    """Whether an event of `orgs` sorts after `after` and was recorded before `before`."""
    result = tx.run(
        query(Query.WATCHES_RECENT),
        orgs=orgs,
        afterValue=after.value,
        afterId=after.event_id,
        afterOwner=after.owner,
        before=before,
    )
    return bool(result.single(strict=True)["found"])


def claim(
    tx: ManagedTransaction, watch_id: str, now: str, owner: str, until: str
) -> dict[str, Any] | None:
    """Take the lease (under the node's write lock); None when another holds it."""
    return _one(tx, Query.WATCHES_CLAIM, id=watch_id, now=now, owner=owner, until=until)


def advance(
    tx: ManagedTransaction,
    watch_id: str,
    owner: str,
    position: Position,
    delivered: dict[str, Any],
    until: str,
    batch: int,
) -> bool:
    """Move the position (and record a delivery, when `delivered`); False when the lease was
    lost."""
    result = tx.run(
        query(Query.WATCHES_ADVANCE),
        id=watch_id,
        owner=owner,
        position={
            "positionRecordTime": position.value,
            "positionEventID": position.event_id,
            "positionOwner": position.owner,
        },
        delivered=delivered,
        sent=1 if delivered else 0,
        until=until,
        batch=batch,
    )
    return bool(result.single(strict=True)["moved"])


def release(
    tx: ManagedTransaction, watch_id: str, owner: str, next_at: str, failure: dict[str, Any]
) -> None:
    """Free the lease; the next round is due at `next_at`."""
    tx.run(query(Query.WATCHES_RELEASE), id=watch_id, owner=owner, next=next_at, failure=failure)

"""The subscription repository: `Subscription` nodes on `NamedQuery` nodes, with the delivery
position and the lease (the only Cypher calls of subscriptions)."""

from __future__ import annotations

from typing import Any

from neo4j import ManagedTransaction

from trace_engine.graph.catalog import Query, query


def _one(tx: ManagedTransaction, q: Query, **params: Any) -> dict[str, Any] | None:
    result = tx.run(query(q), **params)
    row = result.single()
    return dict(row["subscription"]) if row else None


def create(
    tx: ManagedTransaction, org: str, name: str, props: dict[str, Any]
) -> dict[str, Any] | None:
    """Store it on the org's query; None when the org has no query of that name."""
    return _one(tx, Query.SUBSCRIPTIONS_CREATE, org=org, name=name, props=props)


def list_of(tx: ManagedTransaction, org: str, name: str) -> list[dict[str, Any]]:
    """The org's subscriptions on one query, oldest first."""
    result = tx.run(query(Query.SUBSCRIPTIONS_LIST), org=org, name=name)
    return [dict(row["subscription"]) for row in result]


def get(tx: ManagedTransaction, org: str, name: str, sub_id: str) -> dict[str, Any] | None:
    """The org's subscription, or None."""
    return _one(tx, Query.SUBSCRIPTIONS_GET, org=org, name=name, id=sub_id)


def all_of(tx: ManagedTransaction, org: str | None) -> list[dict[str, Any]]:
    """Every subscription (one org's when given), by org, query and creation."""
    result = tx.run(query(Query.SUBSCRIPTIONS_ALL), org=org)
    return [dict(row["subscription"]) for row in result]


def by_id(tx: ManagedTransaction, sub_id: str, org: str | None) -> dict[str, Any] | None:
    """A subscription by its id (within one org when given), or None."""
    return _one(tx, Query.SUBSCRIPTIONS_BY_ID, id=sub_id, org=org)


def delete(tx: ManagedTransaction, org: str, name: str, sub_id: str) -> bool:
    """Delete it; False when the org has none by that id on that query."""
    result = tx.run(query(Query.SUBSCRIPTIONS_DELETE), org=org, name=name, id=sub_id)
    return result.single() is not None


def count(tx: ManagedTransaction) -> int:
    """How many subscriptions exist."""
    result = tx.run(query(Query.SUBSCRIPTIONS_COUNT))
    return int(result.single(strict=True)["n"])


def due(tx: ManagedTransaction, now: str, settled: str, stale: str, limit: int) -> list[str]:
    """Ids of subscriptions due now whose lease is free (a caught-up stream only when an event
    recorded before `settled` is new to it, or its last round ended before `stale`)."""
    result = tx.run(
        query(Query.SUBSCRIPTIONS_DUE), now=now, settled=settled, stale=stale, limit=limit
    )
    return [row["id"] for row in result]


def next_due(tx: ManagedTransaction, now: str) -> str | None:
    """When the next subscription falls due after `now` (a scheduled run or a retry)."""
    result = tx.run(query(Query.SUBSCRIPTIONS_NEXT_DUE), now=now)
    found = result.single(strict=True)["next"]
    return str(found) if found is not None else None


def claim(
    tx: ManagedTransaction, sub_id: str, now: str, owner: str, until: str
) -> dict[str, Any] | None:
    """Take the lease (under the node's write lock); None when another holds it."""
    return _one(tx, Query.SUBSCRIPTIONS_CLAIM, id=sub_id, now=now, owner=owner, until=until)


def advance(
    tx: ManagedTransaction,
    sub_id: str,
    owner: str,
    position: dict[str, str],
    until: str,
    batch: int,
) -> bool:
    """Move the position after a 2xx; False when the lease was lost."""
    result = tx.run(
        query(Query.SUBSCRIPTIONS_ADVANCE),
        id=sub_id,
        owner=owner,
        position=position,
        until=until,
        batch=batch,
    )
    return bool(result.single(strict=True)["moved"])


def release(
    tx: ManagedTransaction, sub_id: str, owner: str, next_at: str, failure: dict[str, Any]
) -> None:
    """Free the lease; the next round is due at `next_at`."""
    tx.run(
        query(Query.SUBSCRIPTIONS_RELEASE), id=sub_id, owner=owner, next=next_at, failure=failure
    )

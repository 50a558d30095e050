"""The named-query repository: `NamedQuery` nodes, one org's each, unique by (org, name)."""

from __future__ import annotations

from typing import Any

from neo4j import ManagedTransaction

from trace_engine.graph.catalog import Query, query


def create(tx: ManagedTransaction, props: dict[str, Any]) -> bool:
    """Store the query unless the org has one by that name; True when it was created."""
    result = tx.run(query(Query.NAMED_QUERIES_CREATE), props=props)
    row = result.single(strict=True)
    return bool(row["created"])


def get(tx: ManagedTransaction, org: str, name: str) -> dict[str, Any] | None:
    """The org's query of that name, or None."""
    result = tx.run(query(Query.NAMED_QUERIES_GET), org=org, name=name)
    row = result.single()
    return dict(row["query"]) if row else None


def list_page(
    tx: ManagedTransaction, org: str, after: str | None, limit: int
) -> list[dict[str, Any]]:
    """The org's queries by name, after `after`, at most `limit`."""
    result = tx.run(query(Query.NAMED_QUERIES_LIST), org=org, after=after, limit=limit)
    return [dict(row["query"]) for row in result]


def delete(tx: ManagedTransaction, org: str, name: str) -> bool:
    """Delete the org's query (and what hangs off it); False when it has none by that name."""
    result = tx.run(query(Query.NAMED_QUERIES_DELETE), org=org, name=name)
    row = result.single()
    return bool(row and row["deleted"])

"""The named-query repository: `NamedQuery` nodes, one org's each, unique by (org, name)."""

from __future__ import annotations

from typing import Any

from neo4j import AsyncManagedTransaction

from trace_engine.graph.catalog import Query, query


async def create(tx: AsyncManagedTransaction, props: dict[str, Any]) -> bool:
    """Store the query unless the org has one by that name; True when it was created."""
    result = await tx.run(query(Query.NAMED_QUERIES_CREATE), props=props)
    row = await result.single(strict=True)
    return bool(row["created"])


async def get(tx: AsyncManagedTransaction, org: str, name: str) -> dict[str, Any] | None:
    """The org's query of that name, or None."""
    result = await tx.run(query(Query.NAMED_QUERIES_GET), org=org, name=name)
    row = await result.single()
    return dict(row["query"]) if row else None


async def list_page(
    tx: AsyncManagedTransaction, org: str, after: str | None, limit: int
) -> list[dict[str, Any]]:
    """The org's queries by name, after `after`, at most `limit`."""
    result = await tx.run(query(Query.NAMED_QUERIES_LIST), org=org, after=after, limit=limit)
    return [dict(row["query"]) async for row in result]


async def delete(tx: AsyncManagedTransaction, org: str, name: str) -> bool:
    """Delete the org's query (and what hangs off it); False when it has none by that name."""
    result = await tx.run(query(Query.NAMED_QUERIES_DELETE), org=org, name=name)
    row = await result.single()
    return bool(row and row["deleted"])

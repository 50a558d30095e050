"""The trace repository: the lineage of one product instance, in one round trip."""

from __future__ import annotations

from typing import Any

from neo4j import AsyncManagedTransaction

from trace_engine.graph.catalog import Query, query


async def fetch_lineage(tx: AsyncManagedTransaction, product_id: str) -> dict[str, Any] | None:
    """A row of cypher/trace.cypher for `product_id` (canonical key or alias), or None."""
    result = await tx.run(query(Query.TRACE), productId=product_id)
    record = await result.single()
    return record.data() if record else None

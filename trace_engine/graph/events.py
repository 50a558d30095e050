"""The event repository: every write and read of EPCIS events and their master data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from neo4j import ManagedTransaction, ResultSummary

from trace_engine.graph.catalog import Query, query

# Nodes before relationships: each statement only MATCHes what an earlier one MERGEd.
_WRITE_ORDER = (
    (Query.INGEST_FACILITIES, "facilities"),
    (Query.INGEST_PARTIES, "parties"),
    (Query.INGEST_PRODUCTS, "products"),
    (Query.INGEST_INSTANCES, "instances"),
    (Query.INGEST_EVENTS, "events"),
    (Query.INGEST_LINEAGE, "lineage"),
)


@dataclass
class GraphRows:
    """The parameter rows of one batched write, built by `trace_engine.ingest`."""

    facilities: list[dict[str, Any]] = field(default_factory=list)
    parties: list[dict[str, Any]] = field(default_factory=list)
    products: list[dict[str, Any]] = field(default_factory=list)
    instances: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)  # with their relationships
    lineage: list[dict[str, Any]] = field(default_factory=list)

    def event_relationships(self) -> int:
        """How many relationships the events statement makes (one per target it names)."""
        return sum(
            len(e["instances"]) + len(e["products"]) + len(e["facilities"]) + len(e["parties"])
            for e in self.events
        )


def _run_on_rows(
    tx: ManagedTransaction, name: Query, key: str, rows: list[Any], **extra: Any
) -> tuple[ResultSummary, list[Any]]:
    """Run statement `name` with parameter `key` = `rows`; its summary and its records' values.

    The driver's result summary keeps the parameters, and sits in a reference cycle that
    outlives the transaction until CPython's cycle collector runs. Handing it a copy of the
    list that is emptied afterwards keeps each batch's rows (megabytes) from piling up
    meanwhile: without it, a bulk load's memory grew with the file.
    """
    handed = list(rows)
    try:
        result = tx.run(query(name), {key: handed, **extra})
        values = [record[0] for record in result]
        return result.consume(), values
    finally:
        handed.clear()


def existing_event_ids(tx: ManagedTransaction, org: str, event_ids: list[str]) -> set[str]:
    """The subset of `event_ids` that `org` has stored already (identity is per owner)."""
    _, values = _run_on_rows(tx, Query.INGEST_EXISTING_EVENTS, "eventIds", event_ids, org=org)
    return set(values[0]) if values else set()


def apply_error_declarations(
    tx: ManagedTransaction, org: str, rows: list[dict[str, Any]]
) -> set[str]:
    """Mark `org`'s own stored events as declared erroneous; return the eventIDs that took a
    declaration."""
    _, values = _run_on_rows(tx, Query.INGEST_ERROR_DECLARATIONS, "rows", rows, org=org)
    return set(values[0]) if values else set()


def write_rows(tx: ManagedTransaction, rows: GraphRows) -> int:
    """Write one batch: master data and nodes first, then events, then their relationships.

    Returns how many relationships the events statement made: fewer than
    `rows.event_relationships()` means a target node it MATCHed was not there.
    """
    linked = 0
    for name, attribute in _WRITE_ORDER:
        batch = getattr(rows, attribute)
        if batch:
            summary, _ = _run_on_rows(tx, name, "rows", batch)
            if attribute == "events":
                linked = summary.counters.relationships_created
    return linked

"""The events an initial load refuses because Neo4j could not index a value they write (pure).

Online, Neo4j itself refuses such an event ("Property value is too large to index"): the batch
is split until the event stands alone and it is rejected with the index Neo4j names
(`ingest.write_failure`). The importer does not check index keys, and the index build after it
would fail on the whole graph, so an initial load asks the same question of the rows before it
writes them (`graph.index_keys`: the schema's indexes, Neo4j's measured key size), in the order
the online statements write them (`graph.events._WRITE_ORDER`: facilities, parties, products,
instances, each with its aliases and the org's statement about it, then events), and refuses
the event with the field and reason the online path gives.

The whole batch's rows are checked first (one pass, no encoding of short values); only when
something is too large are its events checked one by one, each with its own rows, as the online
path's last split tries them (`initial.parse`: in document order, so that a later copy of a
refused event is stored in its place, as online).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from trace_engine.graph.events import GraphRows
from trace_engine.graph.index_keys import KeyCheck
from trace_engine.ingest.write_failure import too_large_reason

# (table of GraphRows, node label, the org's statement label, the row's statement attribute)
_NODE_TABLES = (
    ("facilities", "Facility", "FacilityData", "attributes"),
    ("parties", "Party", None, None),
    ("products", "Product", "ProductData", "attributes"),
    ("instances", "ProductInstance", "LotData", "lotData"),
)

Refusal = tuple[str | None, str]  # (field, reason), as an EventResult takes them


def _nodes(rows: GraphRows) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every node the rows write, as (label, indexed properties), in the online write order."""
    for table, label, statement, attribute in _NODE_TABLES:
        for row in getattr(rows, table):
            key = row["id"]
            yield label, {"id": key}
            for raw in row["aliases"]:
                yield "Alias", {"id": raw}
            if statement is not None and row[attribute]:
                yield statement, {"id": key, "org": row["org"]}
    for event in rows.events:
        yield "Event", event  # an event row's keys are the Event node's property names


class OversizeCheck:
    """Finds the events of a batch that would put a value too large into an index."""

    def __init__(self, check: KeyCheck | None = None) -> None:
        self._check = check or KeyCheck()

    def refusal(self, rows: GraphRows) -> Refusal | None:
        """The field and reason for the first value of `rows` Neo4j could not index."""
        overflow = self._check.overflow
        for label, props in _nodes(rows):
            if (found := overflow(label, props)) is not None:
                index, size = found
                return index.field, too_large_reason(index.name, size)
        return None

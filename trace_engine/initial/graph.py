"""The graph of an initial load, from the online path's own rows (`ingest.build_rows`).

Events and their relationships are unique once duplicates are taken out, so a worker writes
them as it parses. Facilities, products, lots, parties, aliases, org statements and lineage
edges are named again and again across files: they are gathered here (`NodeTables`, first
seen wins like the online `ON CREATE SET`, statements set over like `SET d += …`, one lineage
edge per pair with its orgs in order) and written once by the main process, so there is one
node per physical thing. Each row maps to exactly what `cypher/ingest_*.cypher` writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from trace_engine.graph.events import GraphRows
from trace_engine.initial.files import CsvSink

# the link tables of an event row: the id space of the importer they end in and the
# properties of their relationships
_QUANTITY_LINK_PROPS = ("quantity", "uom", "seq")
_PLACE_LINK_PROPS = ("type", "seq")
_TARGETS = (
    ("instances", "ProductInstance", _QUANTITY_LINK_PROPS),
    ("products", "Product", _QUANTITY_LINK_PROPS),
    ("facilities", "Facility", _PLACE_LINK_PROPS),
    ("parties", "Party", _PLACE_LINK_PROPS),
)
# what an event row holds besides the Event node's properties (eventID is its key)
_EVENT_EXTRA = frozenset({"instances", "products", "facilities", "parties", "eventID"})
# which statement label an org's attributes about each kind of node take
_STATEMENTS = (
    ("facilities", "Facility", "FacilityData", "attributes"),
    ("products", "Product", "ProductData", "attributes"),
    ("instances", "ProductInstance", "LotData", "lotData"),
)
_STATEMENT_SEPARATOR = "\x1f"
_NODE_TABLES = (("facilities", "Facility"), ("parties", "Party"), ("products", "Product"))


def write_events(sink: CsvSink, rows: GraphRows) -> int:
    """Write the Event nodes of `rows` and every relationship from them; return how many."""
    for event in rows.events:
        node = sink.row_node(
            "Event", "Event", event["eventID"], event, _EVENT_EXTRA, id_property="eventID"
        )
        start = ("Event", node)
        for table, space, names in _TARGETS:
            if event[table]:
                sink.links(start, space, event[table], names)
    return len(rows.events)


@dataclass
class NodeTables:
    """The shared nodes, statements and lineage edges of some files, merged in file order."""

    # canonical key → displayId (an instance: (displayId, kind, productId))
    facilities: dict[str, str] = field(default_factory=dict)
    parties: dict[str, str] = field(default_factory=dict)
    products: dict[str, str] = field(default_factory=dict)
    instances: dict[str, tuple[str, str, str | None]] = field(default_factory=dict)
    # (raw form, label, canonical key) of each ALIAS_OF edge
    aliases: dict[tuple[str, str, str], None] = field(default_factory=dict)
    # (statement label, canonical key, org) → the attributes that org stated, in order
    statements: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)
    # (from, to, relationship type) → the orgs whose events made it
    lineage: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)
    # the raw forms whose Alias node `merge` has written, and the id the sink gave each
    _alias_nodes: dict[str, int] = field(default_factory=dict, repr=False)

    def add_rows(self, rows: GraphRows) -> None:
        """Take in the node and lineage rows of one batch (`build_rows`)."""
        for table, label in (
            ("facilities", "Facility"),
            ("parties", "Party"),
            ("products", "Product"),
        ):
            known: dict[str, str] = getattr(self, table)
            for row in getattr(rows, table):
                known.setdefault(row["id"], row["displayId"])
                self._aliases(row, label)
        for row in rows.instances:
            self.instances.setdefault(row["id"], (row["displayId"], row["kind"], row["productId"]))
            self._aliases(row, "ProductInstance")
        for table, _, statement, attribute in _STATEMENTS:
            for row in getattr(rows, table):
                if row[attribute]:
                    key = (statement, row["id"], row["org"])
                    self.statements.setdefault(key, {}).update(row[attribute])
        for edge in rows.lineage:
            orgs = self.lineage.setdefault((edge["from"], edge["to"], edge["rel"]), [])
            if edge["org"] not in orgs:
                orgs.append(edge["org"])

    def _aliases(self, row: dict[str, Any], label: str) -> None:
        for raw in row["aliases"]:
            self.aliases.setdefault((raw, label, row["id"]), None)

    def merge(self, later: NodeTables, sink: CsvSink | None = None) -> None:
        """Take in the tables of a later file (what this one saw first stays).

        With `sink`, each node, alias and INSTANCE_OF edge seen for the first time is written
        at once (the main process does it while the workers parse the next files), in the
        order `write` would write it; `write(sink, streamed=True)` then writes the rest.
        """
        for table, label in _NODE_TABLES:
            known = getattr(self, table)
            for key, value in getattr(later, table).items():
                if key not in known:
                    known[key] = value
                    if sink is not None:
                        sink.node(label, label, key, {"displayId": value}, id_property="id")
        instances = self.instances
        for key, value in later.instances.items():
            if key not in instances:
                instances[key] = value
                if sink is not None:
                    self._write_instance(sink, key, value)
        aliases = self.aliases
        for edge in later.aliases:
            if edge not in aliases:
                aliases[edge] = None
                if sink is not None:
                    raw, label, key = edge
                    node = self._alias_nodes.get(raw)
                    if node is None:
                        node = self._alias_nodes[raw] = sink.node(
                            "Alias", "Alias", raw, {}, id_property="id"
                        )
                    sink.relationship("ALIAS_OF", ("Alias", node), (label, key))
        for key, attributes in later.statements.items():
            self.statements.setdefault(key, {}).update(attributes)
        for pair, orgs in later.lineage.items():
            into = self.lineage.setdefault(pair, [])
            into.extend(org for org in orgs if org not in into)

    @staticmethod
    def _write_instance(sink: CsvSink, key: str, value: tuple[str, str, str | None]) -> None:
        display, kind, product = value
        props = {"displayId": display, "kind": kind}
        sink.node("ProductInstance", "ProductInstance", key, props, id_property="id")
        if product is not None:
            sink.relationship("INSTANCE_OF", ("ProductInstance", key), ("Product", product))

    def write(self, sink: CsvSink, streamed: bool = False) -> dict[str, int]:
        """Write every node and relationship of the tables (with `streamed`, those `merge`
        has not written already); return the counts by label/type, all of them."""
        counts: dict[str, int] = {}

        def count(name: str, n: int) -> None:
            counts[name] = counts.get(name, 0) + n

        for table, label in _NODE_TABLES:
            known: dict[str, str] = getattr(self, table)
            if not streamed:
                for key, display in known.items():
                    sink.node(label, label, key, {"displayId": display}, id_property="id")
            count(label, len(known))
        for key, value in self.instances.items():
            if not streamed:
                self._write_instance(sink, key, value)
            if value[2] is not None:
                count("INSTANCE_OF", 1)
        count("ProductInstance", len(self.instances))
        raws = dict.fromkeys(raw for raw, _, _ in self.aliases)
        if not streamed:
            nodes = {raw: sink.node("Alias", "Alias", raw, {}, id_property="id") for raw in raws}
            for raw, label, key in self.aliases:
                sink.relationship("ALIAS_OF", ("Alias", nodes[raw]), (label, key))
        count("Alias", len(raws))
        count("ALIAS_OF", len(self.aliases))
        targets = {statement: label for _, label, statement, _ in _STATEMENTS}
        for (statement, key, org), attributes in self.statements.items():
            props = {"id": key, "org": org}
            props.update(attributes)
            node = sink.node(statement, statement, org + _STATEMENT_SEPARATOR + key, props)
            sink.relationship("DESCRIBES", (statement, node), (targets[statement], key))
            count(statement, 1)
            count("DESCRIBES", 1)
        for (start, end, rel), orgs in self.lineage.items():
            ends = ("ProductInstance", start), ("ProductInstance", end)
            sink.relationship(rel, *ends, {"orgs": orgs})
            count(rel, 1)
        return counts

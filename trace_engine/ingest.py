"""Ingest: parsed EPCIS events → batched graph writes, with an exact account per event.

An event's identity is its owner org and its eventID (the parser gives an event without one
its CBV 2.0 hash as eventID), so an org capturing the same event again stores nothing and
gets it reported as a duplicate, while another org's event with the same id is another event.
Each batch is one managed transaction that first asks which events exist, then writes only
the new ones: re-running a batch, or a whole file after a crash, never stores anything twice.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson
from neo4j import Driver, ManagedTransaction
from neo4j.exceptions import ConstraintError

from trace_engine.enterprise.service import farm_statements, refresh_after_ingest
from trace_engine.epcis.model import (
    Event,
    FacilityData,
    ParsedDocument,
    ProductData,
    Quantity,
    Rejected,
)
from trace_engine.graph.events import (
    GraphRows,
    apply_error_declarations,
    existing_event_ids,
    write_rows,
)
from trace_engine.identifiers import Identifier
from trace_engine.kit.timestamps import now_utc
from trace_engine.pipeline import read_ahead


class ErrorBehaviour(enum.StrEnum):
    """GS1-Capture-Error-Behaviour: what to do when some events of a document are invalid."""

    ROLLBACK = "rollback"  # store nothing
    PROCEED = "proceed"  # store the valid events, report the others


class Status(enum.StrEnum):
    """What became of one event."""

    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"
    NOT_STORED = "not_stored"  # valid, but the document was rolled back


@dataclass(slots=True)
class EventResult:
    """The outcome for the event at `index` of its document."""

    index: int
    event_id: str | None
    status: Status
    field: str | None = None
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON form (camelCase, only the fields that apply)."""
        body: dict[str, Any] = {"index": self.index, "eventID": self.event_id}
        body["status"] = self.status.value
        if self.field is not None:
            body["field"] = self.field
        if self.reason is not None:
            body["reason"] = self.reason
        return body


@dataclass
class CaptureOutcome:
    """Per-event results of one capture, with counts like a retailer's EPCIS batch response."""

    results: list[EventResult] = field(default_factory=list)
    # results folded into counts (bulk loading keeps only the rejected ones, so its memory
    # does not grow with the file)
    folded: dict[Status, int] = field(default_factory=dict)

    def count(self, status: Status) -> int:
        """How many events ended with `status`."""
        return self.folded.get(status, 0) + sum(1 for r in self.results if r.status is status)

    @property
    def total(self) -> int:
        """How many events there were."""
        return sum(self.folded.values()) + len(self.results)

    def fold(self) -> None:
        """Keep only the rejected events' results; count the others."""
        kept = []
        for result in self.results:
            if result.status is Status.REJECTED:
                kept.append(result)
            else:
                self.folded[result.status] = self.folded.get(result.status, 0) + 1
        self.results = kept

    @property
    def accepted(self) -> int:
        return self.count(Status.ACCEPTED)

    @property
    def duplicates(self) -> int:
        return self.count(Status.DUPLICATE)

    @property
    def rejected(self) -> int:
        return self.count(Status.REJECTED)

    @property
    def batch_status(self) -> str:
        """ACCEPTED (nothing rejected), PARTIALLY_ACCEPTED or REJECTED (nothing stored)."""
        if self.rejected == 0:
            return "ACCEPTED"
        return "PARTIALLY_ACCEPTED" if self.accepted else "REJECTED"

    def summary(self) -> dict[str, Any]:
        """The counts and per-event results as JSON."""
        return {
            "batchStatus": self.batch_status,
            "totalCount": self.total,
            "acceptedCount": self.accepted,
            "rejectedCount": self.rejected,
            "duplicateCount": self.duplicates,
            "results": [r.as_dict() for r in self.results],
        }


@dataclass
class Batch:
    """Events ready to write: a result per item, and the rows of the valid ones.

    Built before the transaction opens (in bulk loading, by the read-ahead thread while the
    previous batch is written), so the transaction only checks for duplicates and writes.
    """

    results: list[EventResult]
    accepted: list[tuple[int, Event]]  # (position in `results`, event)
    master: ParsedDocument | None
    org: str
    capture_id: str | None
    record_time: str
    rows: GraphRows  # of every accepted event, `rows.events` in the order of `accepted`

    @property
    def events(self) -> list[Event]:
        return [event for _, event in self.accepted]


def prepare(
    items: Iterable[Event | Rejected],
    org: str,
    capture_id: str | None = None,
    master: ParsedDocument | None = None,
    first_index: int = 0,
) -> Batch:
    """A result per item (the item at `first_index` is the document's first) and the rows of
    the valid events.

    An eventID repeated in the batch is a duplicate, unless the repeat declares an error
    in the first (EPCIS error declaration), which is kept and applied after it.
    """
    results: list[EventResult] = []
    accepted: list[tuple[int, Event]] = []
    seen: set[tuple[str, bool]] = set()
    for offset, item in enumerate(items):
        if isinstance(item, Rejected):
            results.append(
                EventResult(item.index, item.event_id, Status.REJECTED, item.field, item.reason)
            )
            continue
        index = first_index + offset
        identity = (item.event_id, _declares_error(item))
        if identity in seen:
            results.append(
                EventResult(
                    index, item.event_id, Status.DUPLICATE, reason="repeated in this document"
                )
            )
            continue
        seen.add(identity)
        accepted.append((len(results), item))
        results.append(EventResult(index, item.event_id, Status.ACCEPTED))
    record_time = now_utc()
    events = [event for _, event in accepted]
    rows = build_rows(events, master, org, capture_id, record_time)
    return Batch(results, accepted, master, org, capture_id, record_time, rows)


class MissingNodes(Exception):
    """The events statement found fewer target nodes than it was given: a node this process
    had written was deleted since (a wipe, an analyst in Browser)."""


class KnownNodes:
    """The nodes this process has seen committed, so a batch can leave out their rows.

    Most rows of a batch name nodes an earlier batch wrote: a facility named by every event at
    it, a lot named by every event after its commissioning. A row is left out when its node,
    every alias in it, and (for an instance) its product are known and it has nothing to set
    (no master data, no lot data). The events statement still MATCHes each target, and
    `_write_batch` checks it linked every one: if a known node has gone, the batch is rolled
    back, everything is forgotten and the batch is written again in full.
    """

    def __init__(self, limit: int = 200_000) -> None:
        self.limit = limit  # past this many keys, start again from nothing (bounded memory)
        self._nodes: set[tuple[str, str]] = set()  # (table, canonical key)
        self._aliases: set[str] = set()

    def forget(self) -> None:
        self._nodes = set()
        self._aliases = set()

    def remember(self, rows: GraphRows) -> None:
        """Record the node rows of a committed batch."""
        if len(self._nodes) + len(self._aliases) > self.limit:
            self.forget()
        nodes, aliases = self._nodes, self._aliases
        for table, table_rows in _node_tables(rows):
            for row in table_rows:
                nodes.add((table, row["id"]))
                aliases.update(row["aliases"])

    def prune(self, rows: GraphRows) -> GraphRows:
        """`rows` without the node rows that would change nothing."""
        nodes, aliases = self._nodes, self._aliases

        def needed(table: str, row: dict[str, Any], data: str | None) -> bool:
            return (
                (table, row["id"]) not in nodes
                or bool(data and row[data])
                or not aliases.issuperset(row["aliases"])
            )

        instances = [r for r in rows.instances if needed("instances", r, "lotData")]
        # an instance written now links to its product: keep the product's row too
        linked = {r["productId"] for r in instances}
        return GraphRows(
            facilities=[r for r in rows.facilities if needed("facilities", r, "attributes")],
            parties=[r for r in rows.parties if needed("parties", r, None)],
            products=[
                r for r in rows.products if r["id"] in linked or needed("products", r, "attributes")
            ],
            instances=instances,
            events=rows.events,
            lineage=rows.lineage,
        )


def _node_tables(rows: GraphRows) -> tuple[tuple[str, list[dict[str, Any]]], ...]:
    return (
        ("facilities", rows.facilities),
        ("parties", rows.parties),
        ("products", rows.products),
        ("instances", rows.instances),
    )


class Ingestor:
    """Writes parsed events into Neo4j for one org, in batches of managed transactions."""

    def __init__(
        self,
        driver: Driver,
        database: str,
        batch_size: int = 2000,
        on_write: Callable[[set[str]], object] | None = None,
    ) -> None:
        self.driver = driver
        self.database = database
        self.batch_size = batch_size
        # told the canonical keys of the product instances each committed batch touched
        # (the trace cache drops the traces that contain them)
        self.on_write = on_write
        self.known = KnownNodes()

    def capture(
        self,
        document: ParsedDocument,
        org: str,
        behaviour: ErrorBehaviour = ErrorBehaviour.ROLLBACK,
        capture_id: str | None = None,
    ) -> CaptureOutcome:
        """Store a whole document in one transaction (all or nothing unless `proceed`)."""
        batch = prepare(document.items, org, capture_id, document)
        outcome = CaptureOutcome()
        if any(r.status is Status.REJECTED for r in batch.results) and (
            behaviour is ErrorBehaviour.ROLLBACK
        ):
            for result in batch.results:
                if result.status is not Status.REJECTED:
                    result.status = Status.NOT_STORED
            outcome.results = batch.results
            return outcome
        self._write(batch, outcome)
        return outcome

    def load(
        self,
        items: Iterable[Event | Rejected],
        master: ParsedDocument,
        org: str,
        progress: Callable[[CaptureOutcome], None] | None = None,
    ) -> CaptureOutcome:
        """Stream events into the graph, one transaction per batch (bulk loading, `proceed`).

        The next batch is parsed and prepared in a worker thread while the last one is written.
        """
        outcome = CaptureOutcome()
        for batch in read_ahead(self._prepared(items, master, org), depth=1, name="ingest-prepare"):
            self._write(batch, outcome)
            outcome.fold()
            if progress is not None:
                progress(outcome)
        return outcome

    def _prepared(
        self, items: Iterable[Event | Rejected], master: ParsedDocument, org: str
    ) -> Iterator[Batch]:
        """The stream cut into prepared batches; the first carries the master data."""
        first_index = 0
        pending: ParsedDocument | None = master
        for chunk in _batches(items, self.batch_size):
            yield prepare(chunk, org, None, pending, first_index)
            first_index += len(chunk)
            pending = None
        if pending is not None:  # master data and no events
            yield prepare([], org, None, pending)

    def _write(self, batch: Batch, outcome: CaptureOutcome) -> None:
        """Write one prepared batch and add its results to `outcome`."""
        first = len(outcome.results)
        outcome.results.extend(batch.results)
        # farm statements in the document's master data, checked before anything is written
        farms = farm_statements(batch.master.facilities) if batch.master is not None else []
        with self.driver.session(database=self.database) as session:
            for attempt in range(3):
                try:
                    duplicates, written = session.execute_write(_write_batch, batch, self.known)
                    break
                except ConstraintError:
                    # another writer stored one of these events between our check and our
                    # write; the retry sees it and reports it as a duplicate
                    if attempt == 2:
                        raise
                except MissingNodes:
                    # a node we had written is gone: write every row this time
                    if attempt == 2:
                        raise
                    self.known.forget()
            if batch.accepted or farms:
                # farms, batches and shipments (trace_engine/enterprise/): in a transaction of
                # their own, on committed data (inside the events' transaction the lineage
                # walks were 50x slower). Duplicates too: re-sending events (or re-running the
                # bulk loader after a crash) re-derives what they touch.
                session.execute_write(
                    refresh_after_ingest, batch.org, batch.events, farms, batch.record_time
                )
        self.known.remember(written)
        if self.on_write is not None and batch.accepted:
            self.on_write(touched_instances(batch.events))
        for position in duplicates:
            result = outcome.results[first + batch.accepted[position][0]]
            result.status = Status.DUPLICATE
            result.reason = "already captured"


def touched_instances(events: Iterable[Event]) -> set[str]:
    """The canonical keys of every object the events mention."""
    keys: set[str] = set()
    for e in events:
        keys.update(i.key for i in (*e.epcs, *e.input_epcs, *e.output_epcs))
        keys.update(
            q.epc_class.key for q in (*e.quantities, *e.input_quantities, *e.output_quantities)
        )
        if e.parent is not None:
            keys.add(e.parent.key)
    return keys


def _declares_error(event: Event) -> bool:
    return "errorDeclaration" in event.raw


def _write_batch(
    tx: ManagedTransaction, batch: Batch, known: KnownNodes
) -> tuple[set[int], GraphRows]:
    """Write the new events of a batch; return the positions of those that were duplicates
    and the rows written (before the known nodes were left out)."""
    events = batch.events
    existing = existing_event_ids(tx, batch.org, [e.event_id for e in events]) if events else set()
    new: list[Event] = []
    new_ids: set[str] = set()
    declarations: list[tuple[int, Event]] = []
    duplicates: set[int] = set()
    for position, event in enumerate(events):
        if event.event_id not in existing and event.event_id not in new_ids:
            new.append(event)
            new_ids.add(event.event_id)  # a declaration of an unknown event is stored as it is
        elif _declares_error(event):
            declarations.append((position, event))
        else:
            duplicates.add(position)
    rows = batch.rows
    if len(new) < len(events):
        # a duplicate stores nothing, not even the nodes it names: rebuild without them
        rows = build_rows(new, batch.master, batch.org, batch.capture_id, batch.record_time)
    pruned = known.prune(rows)
    linked, expected = write_rows(tx, pruned), rows.event_relationships()
    if linked != expected:
        raise MissingNodes(f"{expected - linked} event targets not found")
    if declarations:
        applied = apply_error_declarations(
            tx,
            batch.org,
            [
                {
                    "eventID": event.event_id,
                    "errorDeclaration": orjson.dumps(event.raw["errorDeclaration"]).decode(),
                    "raw": orjson.dumps(event.raw).decode(),
                }
                for _, event in declarations
            ],
        )
        duplicates |= {p for p, event in declarations if event.event_id not in applied}
    return duplicates, rows


def _batches(items: Iterable[Event | Rejected], size: int) -> Iterator[list[Event | Rejected]]:
    batch: list[Event | Rejected] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# -- rows ------------------------------------------------------------------------------------

_CONTAINING_ACTIONS = frozenset({"ADD", "OBSERVE"})
# ILMD describes the objects an event brings into being: an ObjectEvent's objects, a
# transformation's outputs.
_ILMD_EVENTS = frozenset({"ObjectEvent"})


class _Rows:
    """Accumulates the nodes and relationships of a batch, each node once."""

    def __init__(self) -> None:
        self.facilities: dict[str, dict[str, Any]] = {}
        self.parties: dict[str, dict[str, Any]] = {}
        self.products: dict[str, dict[str, Any]] = {}
        self.instances: dict[str, dict[str, Any]] = {}
        self.out = GraphRows()

    @staticmethod
    def _node(table: dict[str, dict[str, Any]], ident: Identifier, **extra: Any) -> dict[str, Any]:
        row = table.get(ident.key)
        if row is None:
            row = table[ident.key] = {
                "id": ident.key,
                "displayId": ident.raw,
                "aliases": [],
                **extra,
            }
        if ident.raw != ident.key and ident.raw not in row["aliases"]:
            row["aliases"].append(ident.raw)
        return row

    def facility(self, ident: Identifier, attributes: dict[str, Any] | None = None) -> None:
        row = self._node(self.facilities, ident, attributes={})
        if attributes:
            row["attributes"].update(attributes)

    def place(self, ident: Identifier) -> bool:
        """Record a source / destination; True if it is a party rather than a facility."""
        if ident.kind == "party":
            self._node(self.parties, ident)
            return True
        self.facility(ident)
        return False

    def product(self, key: str, display: str, attributes: dict[str, Any] | None = None) -> None:
        row = self.products.get(key)
        if row is None:
            row = self.products[key] = {
                "id": key,
                "displayId": display,
                "aliases": [],
                "attributes": {},
            }
        if display != key and display not in row["aliases"]:
            row["aliases"].append(display)
        if attributes:
            row["attributes"].update(attributes)

    def thing(self, ident: Identifier, lot_data: dict[str, Any] | None = None) -> bool:
        """Record an object an event is about; True if it is a product class, not an instance."""
        if ident.kind == "product":
            self.product(ident.key, ident.raw)
            return True
        if ident.product_key and ident.product_raw:
            self.product(ident.product_key, ident.product_raw)
        row = self._node(
            self.instances, ident, kind=ident.kind, productId=ident.product_key, lotData={}
        )
        if lot_data:
            row["lotData"].update(lot_data)
        return False


def build_rows(
    events: list[Event],
    master: ParsedDocument | None,
    org: str,
    capture_id: str | None,
    record_time: str,
) -> GraphRows:
    """The parameter rows that write `events` (and the master data) in one batch."""
    rows = _Rows()
    if master is not None:
        _master_rows(rows, master.facilities, master.products)
    for event in events:
        _event_rows(rows, event, org, capture_id, record_time)
    out = rows.out
    out.facilities = list(rows.facilities.values())
    out.parties = list(rows.parties.values())
    out.products = list(rows.products.values())
    out.instances = list(rows.instances.values())
    # master data and lot data are the org's statements about the shared node
    for row in (*out.facilities, *out.products, *out.instances):
        row["org"] = org
    return out


def _master_rows(rows: _Rows, facilities: list[FacilityData], products: list[ProductData]) -> None:
    for facility in facilities:
        rows.facility(facility.id, _properties(facility.attributes))
    for product in products:
        if product.id.kind == "product":
            rows.product(product.id.key, product.id.raw, _properties(product.attributes))
        else:
            rows.thing(product.id, _properties(product.attributes))


def _event_rows(
    rows: _Rows, event: Event, org: str, capture_id: str | None, record_time: str
) -> None:
    # each event row carries its relationships, one list per target label
    instances: list[dict[str, Any]] = []
    products: list[dict[str, Any]] = []
    facilities: list[dict[str, Any]] = []
    parties: list[dict[str, Any]] = []
    rows.out.events.append(
        {
            "eventID": event.event_id,
            "eventType": event.event_type,
            "action": event.action,
            "bizStep": event.biz_step,
            "disposition": event.disposition,
            "eventTime": event.event_time_utc,
            "eventTimeZoneOffset": event.event_time_zone_offset,
            "recordTime": record_time,
            "hash": event.hash_id or None,
            "owner": org,
            "captureId": capture_id,
            "raw": orjson.dumps(event.raw).decode(),
            "namespaces": orjson.dumps(event.namespaces).decode() if event.namespaces else None,
            "instances": instances,
            "products": products,
            "facilities": facilities,
            "parties": parties,
        }
    )
    lot_data = _properties(event.lot_data) if event.lot_data else None
    observed_lot = lot_data if event.event_type in _ILMD_EVENTS else None
    is_aggregate = event.event_type in ("AggregationEvent", "AssociationEvent")
    member_rel = "CHILD" if is_aggregate else "OBSERVED"

    seq = 0

    def link(ident: Identifier, rel: str, qty: Quantity | None, lot: dict[str, Any] | None) -> None:
        nonlocal seq
        target = products if rows.thing(ident, lot) else instances
        if rel == "PARENT":  # PARENT has no quantity and no seq
            target.append({"id": ident.key, "rel": rel, "quantity": None, "uom": None, "seq": None})
        else:
            target.append(
                {
                    "id": ident.key,
                    "rel": rel,
                    "quantity": qty.quantity if qty else None,
                    "uom": qty.uom if qty else None,
                    "seq": seq,
                }
            )
        seq += 1

    for ident in event.epcs:
        link(ident, member_rel, None, observed_lot)
    for qty in event.quantities:
        link(qty.epc_class, member_rel, qty, observed_lot)
    if event.parent is not None:
        link(event.parent, "PARENT", None, None)
    for ident in event.input_epcs:
        link(ident, "INPUT", None, None)
    for qty in event.input_quantities:
        link(qty.epc_class, "INPUT", qty, None)
    for ident in event.output_epcs:
        link(ident, "OUTPUT", None, lot_data)
    for qty in event.output_quantities:
        link(qty.epc_class, "OUTPUT", qty, lot_data)

    for rel, place in (("AT", event.biz_location), ("READ_POINT", event.read_point)):
        if place is not None:
            rows.facility(place)
            facilities.append({"id": place.key, "rel": rel, "type": None, "seq": None})
    for rel, entries in (("SOURCE", event.sources), ("DESTINATION", event.destinations)):
        for position, entry in enumerate(entries):
            target = parties if rows.place(entry.id) else facilities
            target.append({"id": entry.id.key, "rel": rel, "type": entry.type, "seq": position})

    _lineage_rows(rows.out, event, org)


def _instances(idents: list[Identifier], quantities: list[Quantity]) -> list[str]:
    keys = [i.key for i in idents if i.kind != "product"]
    keys += [q.epc_class.key for q in quantities if q.epc_class.kind != "product"]
    return list(dict.fromkeys(keys))


def _lineage_rows(out: GraphRows, event: Event, org: str) -> None:
    if event.event_type == "TransformationEvent":
        inputs = _instances(event.input_epcs, event.input_quantities)
        outputs = _instances(event.output_epcs, event.output_quantities)
        out.lineage.extend(
            {"from": a, "to": b, "rel": "TRANSFORMED_INTO", "org": org}
            for a in inputs
            for b in outputs
            if a != b
        )
    elif (
        event.event_type == "AggregationEvent"
        and event.action in _CONTAINING_ACTIONS
        and event.parent is not None
        and event.parent.kind != "product"
    ):
        parent = event.parent.key
        out.lineage.extend(
            {"from": parent, "to": child, "rel": "CONTAINS", "org": org}
            for child in _instances(event.epcs, event.quantities)
            if child != parent
        )


def _properties(attributes: dict[str, Any]) -> dict[str, Any]:
    """Neo4j property values: primitives and lists of primitives; anything else as JSON text."""
    props: dict[str, Any] = {}
    for key, value in attributes.items():
        if value is None or isinstance(value, str | int | float | bool):
            props[key] = value
        elif isinstance(value, list) and all(
            isinstance(v, str | int | float | bool) for v in value
        ):
            props[key] = value
        else:
            props[key] = orjson.dumps(value).decode()
    return props

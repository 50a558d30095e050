"""The parameter rows of one batched write, built from parsed events (pure, unit-tested)."""

from __future__ import annotations

from typing import Any

import orjson

from trace_engine.epcis.model import (
    Event,
    FacilityData,
    ParsedDocument,
    ProductData,
    Quantity,
)
from trace_engine.graph.events import (
    GraphRows,
)
from trace_engine.identifiers import Identifier

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
        # the row of a node not met before in this batch (callers look it up first, so the
        # row of a node met again costs no dict of extras)
        row = table[ident.key] = {"id": ident.key, "displayId": ident.raw, "aliases": [], **extra}
        return row

    @staticmethod
    def _alias(row: dict[str, Any], ident: Identifier) -> None:
        if ident.raw != ident.key and ident.raw not in row["aliases"]:
            row["aliases"].append(ident.raw)

    def facility(self, ident: Identifier, attributes: dict[str, Any] | None = None) -> None:
        row = self.facilities.get(ident.key)  # a node met before: no new row
        if row is None:
            row = self._node(self.facilities, ident, attributes={})
        self._alias(row, ident)
        if attributes:
            row["attributes"].update(attributes)

    def place(self, ident: Identifier) -> bool:
        """Record a source / destination; True if it is a party rather than a facility."""
        if ident.kind == "party":
            row = self.parties.get(ident.key)
            if row is None:
                row = self._node(self.parties, ident)
            self._alias(row, ident)
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
        row = self.instances.get(ident.key)
        if row is None:
            row = self._node(
                self.instances, ident, kind=ident.kind, productId=ident.product_key, lotData={}
            )
        self._alias(row, ident)
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

"""The trace response (pure): a row of cypher/trace.cypher, as one caller may see it, in the
Food Trust Trace API's shape: events, facilities, payloads, productInstances, products and
sequences (`sequences.py`), plus the caller's traceability records."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from trace_engine.errors import NotFound, TraceTooLarge
from trace_engine.records.schemas import record_json
from trace_engine.trace.events import (
    event_blocks,
    payload_ids,
    time_then_id,
    trace_events,
    unique_event_keys,
)
from trace_engine.trace.lineage import trace_instances
from trace_engine.trace.schemas import TraceParams
from trace_engine.trace.sequences import sequences
from trace_engine.visibility import merge_statements, precedence

X_VERSION = "1.0.0"


ADDRESS_FIELDS = ("street", "city", "state", "postalCode", "country")
LOT_FIELDS = (
    "firstFreezeDate",
    "harvestStartDate",
    "harvestEndDate",
    "expirationDate",
    "sellByDate",
    "bestBeforeDate",
)
FACILITY_FIELDS = ("name", "type", *ADDRESS_FIELDS)
INSTANCE_FIELDS = ("name", *LOT_FIELDS)


def build_trace(
    product_id: str,
    key: str,
    lineage: dict[str, Any] | None,
    orgs: frozenset[str],
    params: TraceParams,
    max_events: int,
    caller: str | None = None,
) -> tuple[dict[str, Any], frozenset[str]]:
    """The response and the instance keys it depends on; NotFound if nothing is visible."""
    if lineage is None:
        raise NotFound("product", product_id)
    if not any(e["owner"] in orgs for e in lineage["events"]):
        # the product exists, but no event the caller may see mentions it
        raise NotFound("product", product_id)
    body = assemble(product_id, lineage, orgs, params, max_events, caller)
    depends = frozenset(lineage["ancestors"]) | frozenset(lineage["descendants"]) | {key}
    return body, depends | frozenset(lineage["carriers"])


def assemble(
    product_id: str,
    lineage: dict[str, Any],
    orgs: frozenset[str],
    params: TraceParams,
    max_events: int,
    caller: str | None = None,
) -> dict[str, Any]:
    """The Food Trust Trace API response for `lineage` (a row of cypher/trace.cypher), as
    `caller` sees it: only statements of `orgs` (the orgs it may see), its own first."""
    members, graph = trace_instances(lineage["root"], lineage["edges"], orgs, params)
    rank = {name: n for n, name in enumerate(precedence(caller, orgs))}

    events = trace_events(lineage["events"], members, orgs, params)
    if len(events) > max_events:
        raise TraceTooLarge(
            f"the trace of {product_id} has {len(events)} events, more than the limit of "
            f"{max_events}: narrow it with direction, depth, since or until"
        )
    if len(rank) > 1:  # one org's eventIDs are unique (a constraint): nothing to rename
        events = unique_event_keys(events, rank)
    events.sort(key=time_then_id)
    # whose events these are: said on every event as soon as one is not the caller's, so a
    # trace of the caller's own events alone keeps the exact Food Trust shape
    owners = {event["owner"] for event, _ in events}
    show_owner = bool(owners - {caller}) if caller is not None else len(owners) > 1

    facility_nodes = {f["node"]["id"]: f for f in lineage["facilities"]}
    instance_nodes = {i["node"]["id"]: i for i in lineage["instances"]}
    facility_display = {key: entry["node"]["displayId"] for key, entry in facility_nodes.items()}
    product_nodes = {p["node"]["id"]: p for p in lineage["products"]}
    display = {key: entry["node"]["displayId"] for key, entry in instance_nodes.items()}

    referrers = _Referrers(events)

    def statements(entry: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
        said: list[dict[str, Any]] = entry.get("statements") or []
        if len(said) == 1:  # one org's statements (the usual case): nothing to merge
            only = said[0]
            if only.get("org") not in orgs:
                return {}
            return {name: value for name in fields if (value := only.get(name)) is not None}
        if not said:
            return {}
        order = precedence(caller, orgs, referrers.of(entry["node"]["id"]))
        return merge_statements(said, order, fields)

    used_facilities: dict[str, None] = {}
    used_products: dict[str, None] = {}
    body_events = event_blocks(
        events, facility_display, used_facilities, used_products, rank, show_owner
    )
    facilities = {
        facility_display[key]: _facility_block(facility_nodes[key], statements, rank)
        for key in used_facilities
        if key in facility_nodes
    }
    instances: dict[str, Any] = {}
    for key in sorted(members, key=lambda k: display.get(k, k)):
        entry = instance_nodes.get(key)
        if entry is None:
            continue
        product_key = entry["productId"]
        product = None
        if product_key:
            product = product_nodes.get(product_key)
            used_products[product_key] = None
            referrers.inherit(product_key, key)
        instances[display[key]] = _instance_block(entry, product, statements, rank)
    products = {
        product_nodes[key]["node"]["displayId"]: _product_block(
            product_nodes[key], statements, rank
        )
        for key in used_products
        if key in product_nodes
    }

    payload_ids: dict[str, None] = {}
    for block in (body_events, facilities, instances, products):
        for entry in block.values():
            if entry["payloadIds"]:
                payload_ids.update(dict.fromkeys(entry["payloadIds"]))
    payloads = _payloads(payload_ids, lineage["payloads"], rank) if payload_ids else {}

    edges = sequences(events, members, graph, display, facility_display)
    blocks: dict[str, Any] = {
        "events": body_events,
        "facilities": facilities,
        "payloads": payloads,
        "productInstances": instances,
        "products": products,
        "sequences": edges,
    }
    # the caller's traceability records, beyond Food Trust's blocks: present only when there
    # are some, so a Food Trust client sees its six blocks
    records = _records(members, instance_nodes, display, caller)
    if records:
        blocks["traceabilityRecords"] = records
    return {product_id: blocks, "x-version": X_VERSION}


def _payloads(
    ids: dict[str, None], nodes: list[dict[str, Any]], rank: dict[str, int]
) -> dict[str, Any]:
    """The `payloads` block: two visible orgs' payloads with one id: the one of the org that
    comes first."""
    by_id: dict[str, dict[str, Any]] = {}
    visible = (p for p in nodes if p.get("owner") in rank)
    for node in sorted(visible, key=lambda p: rank[p["owner"]]):
        by_id.setdefault(node["id"], node)
    return {pid: {"data": _payload_data(by_id[pid])} for pid in ids if pid in by_id}


def _records(
    members: set[str],
    instance_nodes: dict[str, dict[str, Any]],
    display: dict[str, str],
    caller: str | None,
) -> dict[str, list[dict[str, Any]]]:
    """The caller's traceability records on the trace's instances, by instance, oldest first."""
    mine = sorted(
        (
            (record["createdAt"], record["id"], key, record)
            for key, entry in instance_nodes.items()
            if entry.get("records") and key in members
            for record in entry["records"]
            if record["org"] == caller
        ),
        key=lambda row: row[:2],
    )
    records: dict[str, list[dict[str, Any]]] = {}
    for _created, _id, key, record in mine:
        records.setdefault(display.get(key, key), []).append(record_json(record))
    return records


class _Referrers:
    """For each facility, instance and product: the owners of the trace's events that refer to
    it, in event order (their statements about it come right after the caller's own); a
    product also inherits those of the instances met so far. Only needed where several orgs
    make statements about one thing, so built on first use."""

    def __init__(self, events: list[tuple[dict[str, Any], str]]) -> None:
        self._events = events
        self._by_key: dict[str, dict[str, None]] | None = None
        self._inherits: list[tuple[str, str]] = []  # (product, instance), in the order met
        self._applied = 0

    def inherit(self, product: str, instance: str) -> None:
        """`product` gets the referrers of `instance` (one of its instances in the trace)."""
        self._inherits.append((product, instance))

    def of(self, key: str) -> Iterable[str]:
        """The orgs whose events refer to `key`, in event order."""
        by_key = self._by_key
        if by_key is None:
            by_key = self._by_key = defaultdict(dict)
            for event, _ in self._events:
                for ref in (
                    event["facility"],
                    *(e["id"] for e in event["sources"]),
                    *(e["id"] for e in event["destinations"]),
                    *(o["id"] for o in event["objects"]),
                ):
                    if ref:
                        by_key[ref][event["owner"]] = None
        for product, instance in self._inherits[self._applied :]:
            by_key[product].update(by_key.get(instance, {}))
        self._applied = len(self._inherits)
        return by_key.get(key, ())


Statements = Callable[[dict[str, Any], tuple[str, ...]], dict[str, Any]]


def _facility_block(
    entry: dict[str, Any], statements: Statements, rank: dict[str, int]
) -> dict[str, Any]:
    node = statements(entry, FACILITY_FIELDS)
    data: dict[str, Any] = {k: node[k] for k in ("name", "type") if k in node}
    address = {k: node[k] for k in ADDRESS_FIELDS if k in node}
    if address:
        data["address"] = address
    return {"data": data, "payloadIds": payload_ids(entry["payloadIds"], rank)}


def _instance_block(
    entry: dict[str, Any],
    product: dict[str, Any] | None,
    statements: Statements,
    rank: dict[str, int],
) -> dict[str, Any]:
    node = statements(entry, INSTANCE_FIELDS)
    data: dict[str, Any] = {}
    name = node.get("name") or (statements(product, ("name",)).get("name") if product else None)
    if name is not None:
        data["name"] = name
    if product is not None:
        data["productId"] = product["node"]["displayId"]
    data.update((k, node[k]) for k in LOT_FIELDS if k in node)
    return {"data": data, "payloadIds": payload_ids(entry["payloadIds"], rank)}


def _product_block(
    entry: dict[str, Any], statements: Statements, rank: dict[str, int]
) -> dict[str, Any]:
    data = statements(entry, ("name", "sku"))
    return {"data": data, "payloadIds": payload_ids(entry["payloadIds"], rank)}


def _payload_data(node: dict[str, Any]) -> dict[str, Any]:
    return {k: node[k] for k in ("time", "content", "contentType", "typeUri") if k in node}

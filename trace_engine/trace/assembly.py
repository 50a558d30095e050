"""The trace response (pure): a row of cypher/trace.cypher, as one caller may see it, in the
Food Trust Trace API's shape: events, facilities, payloads, productInstances, products and
sequences (`sequences.py`), plus the caller's traceability records."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from trace_engine.errors import NotFound, TraceTooLarge
from trace_engine.records.schemas import record_json
from trace_engine.trace.lineage import trace_instances
from trace_engine.trace.schemas import TraceParams
from trace_engine.trace.sequences import sequences
from trace_engine.visibility import merge_statements, precedence

X_VERSION = "1.0.0"
CBV_BIZSTEP = "urn:epcglobal:cbv:bizstep:"


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


_BY_ACTION = {
    "ObjectEvent": {"ADD": "commission", "DELETE": "decommission"},
    "AggregationEvent": {"ADD": "aggregation", "DELETE": "disaggregation"},
}
_BY_TYPE = {
    "TransformationEvent": "transformation",
    "TransactionEvent": "transaction",
    "AssociationEvent": "association",
}


def event_type(event_type_name: str, action: str | None) -> str:
    """The Food Trust event `type` of an EPCIS event."""
    by_action = _BY_ACTION.get(event_type_name)
    if by_action is not None:
        return by_action.get(action or "", "observation")
    return _BY_TYPE.get(event_type_name, event_type_name)


def is_default_event(kind: str, biz_step: str | None) -> bool:
    """Food Trust's default events: lot creation, transformation and store scans."""
    return kind in ("commission", "transformation") or (
        kind == "observation" and biz_step == CBV_BIZSTEP + "stocking"
    )


def _number(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


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
    visible = {e["owner"] for e in lineage["events"]} & orgs
    if not visible:
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

    events = []
    since, until, all_events = params.since, params.until, params.all_events
    for event in lineage["events"]:
        if event["owner"] not in orgs:
            continue
        if since and event["eventTime"] < since:
            continue
        if until and event["eventTime"] > until:
            continue
        if members.isdisjoint([o["id"] for o in event["objects"]]):
            continue
        kind = event_type(event["eventType"], event["action"])
        if not all_events and not is_default_event(kind, event["bizStep"]):
            continue
        events.append((event, kind))
    if len(events) > max_events:
        raise TraceTooLarge(
            f"the trace of {product_id} has {len(events)} events, more than the limit of "
            f"{max_events}: narrow it with direction, depth, since or until"
        )
    events = _unique_event_keys(events, rank)
    events.sort(key=lambda pair: (pair[0]["eventTime"], pair[0]["eventID"]))
    # whose events these are: said on every event as soon as one is not the caller's, so a
    # trace of the caller's own events alone keeps the exact Food Trust shape
    owners = {event["owner"] for event, _ in events}
    show_owner = bool(owners - {caller}) if caller is not None else len(owners) > 1

    facility_nodes = {f["node"]["id"]: f for f in lineage["facilities"]}
    instance_nodes = {i["node"]["id"]: i for i in lineage["instances"]}
    product_nodes = {p["node"]["id"]: p for p in lineage["products"]}

    facility_display = {key: entry["node"]["displayId"] for key, entry in facility_nodes.items()}

    def facility_id(key: str) -> str:
        return facility_display.get(key, key)

    referrers = _Referrers(events)

    def statements(entry: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
        said: list[dict[str, Any]] = entry.get("statements") or []
        if len(said) == 1:  # one org's statements (the usual case): nothing to merge
            only = said[0]
            if only.get("org") not in orgs:
                return {}
            return {name: only[name] for name in fields if only.get(name) is not None}
        if not said:
            return {}
        order = precedence(caller, orgs, referrers.of(entry["node"]["id"]))
        return merge_statements(said, order, fields)

    body_events: dict[str, Any] = {}
    used_facilities: dict[str, None] = {}
    used_products: dict[str, None] = {}
    for event, kind in events:
        data: dict[str, Any] = {"time": event["eventTime"], "type": kind}
        if event["bizStep"]:
            data["step"] = event["bizStep"]
        facility: dict[str, Any] = {}
        at = event["facility"]
        if at:
            facility["id"] = facility_display.get(at, at)
            used_facilities[at] = None
        for name in ("sources", "destinations"):
            entries = event[name]
            if entries:
                ids = [e["id"] for e in entries]
                facility[name] = [{"id": facility_display.get(i, i)} for i in ids]
                used_facilities.update(dict.fromkeys(ids))
        if facility:
            data["facility"] = facility
        data["productInstances"] = _event_objects(event["objects"], used_products)
        block: dict[str, Any] = {
            "data": data,
            "payloadIds": _payload_ids(event["payloadIds"], rank),
        }
        if show_owner:
            block["x-owner"] = event["owner"]
        body_events[event["eventID"]] = block

    facilities = {
        facility_id(key): _facility_block(facility_nodes[key], statements, rank)
        for key in used_facilities
        if key in facility_nodes
    }
    instances: dict[str, Any] = {}
    for key in sorted(members, key=lambda k: instance_nodes.get(k, {"node": {"displayId": k}})
                      ["node"]["displayId"]):  # fmt: skip
        entry = instance_nodes.get(key)
        if entry is None:
            continue
        product = product_nodes.get(entry["productId"]) if entry["productId"] else None
        if entry["productId"]:
            used_products[entry["productId"]] = None
            referrers.inherit(entry["productId"], key)
        instances[entry["node"]["displayId"]] = _instance_block(entry, product, statements, rank)
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
            if entry.get("payloadIds"):
                payload_ids.update(dict.fromkeys(entry["payloadIds"]))
    # two visible orgs' payloads with one id: the one of the org that comes first
    payload_nodes: dict[str, dict[str, Any]] = {}
    for node in sorted(
        (p for p in lineage["payloads"] if p.get("owner") in rank),
        key=lambda p: rank[p["owner"]],
    ):
        payload_nodes.setdefault(node["id"], node)
    payloads = {
        pid: {"data": _payload_data(payload_nodes[pid])}
        for pid in payload_ids
        if pid in payload_nodes
    }

    display = {key: entry["node"]["displayId"] for key, entry in instance_nodes.items()}
    edges = sequences(events, members, graph, display, facility_id)
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
    mine = sorted(
        (
            (record["createdAt"], record["id"], key, record)
            for key in members
            for record in instance_nodes.get(key, {}).get("records", ())
            if record["org"] == caller
        ),
        key=lambda row: row[:2],
    )
    records: dict[str, list[dict[str, Any]]] = {}
    for _created, _id, key, record in mine:
        records.setdefault(display.get(key, key), []).append(record_json(record))
    if records:
        blocks["traceabilityRecords"] = records
    return {product_id: blocks, "x-version": X_VERSION}


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


def _unique_event_keys(
    events: list[tuple[dict[str, Any], str]], rank: dict[str, int]
) -> list[tuple[dict[str, Any], str]]:
    """The events with a key unique in the trace: two visible orgs may each have an event
    with one eventID; the one of the org that comes first keeps it, the others become
    `eventID@owner`."""
    first: dict[str, int] = {}
    for event, _ in events:
        at = rank[event["owner"]]
        first[event["eventID"]] = min(at, first.get(event["eventID"], at))
    return [
        (event, kind)
        if first[event["eventID"]] == rank[event["owner"]]
        else ({**event, "eventID": f"{event['eventID']}@{event['owner']}"}, kind)
        for event, kind in events
    ]


def _payload_ids(refs: list[dict[str, Any]], rank: dict[str, int]) -> list[str]:
    """The ids of the payloads (`{id, owner}`) of visible orgs, each once, in stored order."""
    if not refs:
        return []
    return list(dict.fromkeys(ref["id"] for ref in refs if ref["owner"] in rank))


_ROLE = {"OBSERVED": "instances", "PARENT": "instances", "CHILD": "instances",
         "INPUT": "inputs", "OUTPUT": "outputs"}  # fmt: skip


def _object_order(obj: dict[str, Any]) -> tuple[bool, int]:
    return obj["rel"] != "PARENT", obj["seq"] or 0


def _event_objects(objects: list[dict[str, Any]], used_products: dict[str, None]) -> dict[str, Any]:
    groups: dict[str, list[dict[str, Any]]] = {}
    # parent first, then the objects in the order the event lists them
    ordered = sorted(objects, key=_object_order) if len(objects) > 1 else objects
    for obj in ordered:
        if obj["product"]:
            used_products[obj["id"]] = None
        quantity = obj["quantity"]
        if quantity is None:  # an individually identified object: one each
            item: dict[str, Any] = {"id": obj["displayId"], "quantity": 1, "unit": "EA"}
        else:
            item = {"id": obj["displayId"], "quantity": _number(quantity)}
            if obj["uom"]:
                item["unit"] = obj["uom"]
        role = _ROLE[obj["rel"]]
        group = groups.get(role)
        if group is None:
            groups[role] = [item]
        else:
            group.append(item)
    return groups


Statements = Callable[[dict[str, Any], tuple[str, ...]], dict[str, Any]]


def _facility_block(
    entry: dict[str, Any], statements: Statements, rank: dict[str, int]
) -> dict[str, Any]:
    node = statements(entry, FACILITY_FIELDS)
    data: dict[str, Any] = {k: node[k] for k in ("name", "type") if k in node}
    address = {k: node[k] for k in ADDRESS_FIELDS if k in node}
    if address:
        data["address"] = address
    return {"data": data, "payloadIds": _payload_ids(entry["payloadIds"], rank)}


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
    return {"data": data, "payloadIds": _payload_ids(entry["payloadIds"], rank)}


def _product_block(
    entry: dict[str, Any], statements: Statements, rank: dict[str, int]
) -> dict[str, Any]:
    data = statements(entry, ("name", "sku"))
    return {"data": data, "payloadIds": _payload_ids(entry["payloadIds"], rank)}


def _payload_data(node: dict[str, Any]) -> dict[str, Any]:
    return {k: node[k] for k in ("time", "content", "contentType", "typeUri") if k in node}

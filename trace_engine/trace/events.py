"""The `events` block of a trace (pure): which events the caller sees, their Food Trust
types, and each event's data (time, type, step, facility, objects by role)."""

from __future__ import annotations

from typing import Any

from trace_engine.trace.schemas import TraceParams

CBV_BIZSTEP = "urn:epcglobal:cbv:bizstep:"


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


_KINDS = {
    (name, action): event_type(name, action)
    for name in (*_BY_ACTION, *_BY_TYPE)
    for action in ("ADD", "OBSERVE", "DELETE", None)
}
"""`event_type` of the EPCIS event types and actions, looked up once."""


Event = tuple[dict[str, Any], str]
"""An event of the trace (a row of cypher/trace.cypher's `events`) and its Food Trust type."""


def trace_events(
    rows: list[dict[str, Any]], members: set[str], orgs: frozenset[str], params: TraceParams
) -> list[Event]:
    """The events `orgs` may see that touch the trace's instances, in the time window and of
    the kinds asked for."""
    since, until, all_events = params.since, params.until, params.all_events
    events: list[Event] = []
    for event in rows:
        if event["owner"] not in orgs:
            continue
        if since and event["eventTime"] < since:
            continue
        if until and event["eventTime"] > until:
            continue
        objects = event["objects"]
        if len(objects) == 1:
            if objects[0]["id"] not in members:
                continue
        elif members.isdisjoint([o["id"] for o in objects]):
            continue
        kind = _KINDS.get((event["eventType"], event["action"])) or event_type(
            event["eventType"], event["action"]
        )
        if not all_events and not is_default_event(kind, event["bizStep"]):
            continue
        events.append((event, kind))
    return events


def time_then_id(pair: Event) -> tuple[str, str]:
    return pair[0]["eventTime"], pair[0]["eventID"]


def event_blocks(
    events: list[Event],
    facility_display: dict[str, str],
    used_facilities: dict[str, None],
    used_products: dict[str, None],
    rank: dict[str, int],
    show_owner: bool,
) -> dict[str, Any]:
    """The `events` block; notes the facilities and products the events refer to."""
    blocks: dict[str, Any] = {}
    for event, kind in events:
        data: dict[str, Any] = {"time": event["eventTime"], "type": kind}
        if event["bizStep"]:
            data["step"] = event["bizStep"]
        at, sources, destinations = event["facility"], event["sources"], event["destinations"]
        if at or sources or destinations:
            facility: dict[str, Any] = {}
            if at:
                used_facilities[at] = None
                facility["id"] = facility_display.get(at, at)
            if sources:
                facility["sources"] = _places(sources, facility_display, used_facilities)
            if destinations:
                facility["destinations"] = _places(destinations, facility_display, used_facilities)
            data["facility"] = facility
        data["productInstances"] = _event_objects(event["objects"], used_products)
        refs = event["payloadIds"]
        block: dict[str, Any] = {
            "data": data,
            "payloadIds": payload_ids(refs, rank) if refs else [],
        }
        if show_owner:
            block["x-owner"] = event["owner"]
        blocks[event["eventID"]] = block
    return blocks


def _places(
    entries: list[dict[str, Any]], display: dict[str, str], used: dict[str, None]
) -> list[dict[str, str]]:
    """Sources or destinations as display ids; notes their keys in `used`."""
    places = []
    for entry in entries:
        key = entry["id"]
        used[key] = None
        places.append({"id": display.get(key, key)})
    return places


def unique_event_keys(
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


def payload_ids(refs: list[dict[str, Any]], rank: dict[str, int]) -> list[str]:
    """The ids of the payloads (`{id, owner}`) of visible orgs, each once, in stored order."""
    if not refs:
        return []
    return list(dict.fromkeys(ref["id"] for ref in refs if ref["owner"] in rank))


_ROLE = {"OBSERVED": "instances", "PARENT": "instances", "CHILD": "instances",
         "INPUT": "inputs", "OUTPUT": "outputs"}  # fmt: skip


def _object_order(obj: dict[str, Any]) -> tuple[bool, int]:
    return obj["rel"] != "PARENT", obj["seq"] or 0


def _item(obj: dict[str, Any]) -> dict[str, Any]:
    """An object of an event as the response lists it."""
    quantity = obj["quantity"]
    if quantity is None:  # an individually identified object: one each
        return {"id": obj["displayId"], "quantity": 1, "unit": "EA"}
    if quantity.__class__ is float and quantity.is_integer():
        quantity = int(quantity)
    if obj["uom"]:
        return {"id": obj["displayId"], "quantity": quantity, "unit": obj["uom"]}
    return {"id": obj["displayId"], "quantity": quantity}


def _event_objects(objects: list[dict[str, Any]], used_products: dict[str, None]) -> dict[str, Any]:
    """An event's `productInstances`: its objects by role, the parent first, then in the
    order the event lists them; notes the products (classes) among them."""
    if len(objects) == 1:  # the usual case
        obj = objects[0]
        if obj["product"]:
            used_products[obj["id"]] = None
        return {_ROLE[obj["rel"]]: [_item(obj)]}
    groups: dict[str, list[dict[str, Any]]] = {}
    for obj in sorted(objects, key=_object_order):
        if obj["product"]:
            used_products[obj["id"]] = None
        role = _ROLE[obj["rel"]]
        group = groups.get(role)
        if group is None:
            groups[role] = [_item(obj)]
        else:
            group.append(_item(obj))
    return groups

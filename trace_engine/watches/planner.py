"""The pure parts of a recall watch: which instances its trace holds now, the query of their
new events, the trace summary and the notification body, the watch as its org sees it."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from typing import Any

import orjson

from trace_engine.epcis_query.output import query_document
from trace_engine.epcis_query.schemas import (
    Direction,
    EpcFormat,
    EventQuery,
    IdMatch,
    OrderBy,
    StoredEvent,
)
from trace_engine.kit.timestamps import now_utc, utc_millis
from trace_engine.trace.assembly import assemble
from trace_engine.trace.lineage import trace_instances
from trace_engine.trace.schemas import TraceParams
from trace_engine.watches.schemas import FacilityRef, TraceSummary, WatchPublic, WatchStatus

NOTIFICATION_TYPE = "RecallWatchNotification"
# every event type counts in a watch's summary (a trace's default shows only lot creation,
# transformations and store scans, which would leave out the shipment to a new store)
_ALL_EVENTS = TraceParams(all_events=True)
STORE = "STORE"


def members(lineage: dict[str, Any], orgs: frozenset[str]) -> set[str]:
    """The keys of the product instances of the trace the watcher's orgs may see now."""
    found, _ = trace_instances(lineage["root"], lineage["edges"], orgs, TraceParams())
    return found


def events_query(instances: set[str], before: str) -> EventQuery:
    """The events naming any of `instances` recorded before `before`, in record-time order
    (the watch's position is the keyset position after which a page starts)."""
    return EventQuery(
        match_any=IdMatch(keys=tuple(sorted(instances))),
        lt_record_time=before,
        order_by=OrderBy.RECORD_TIME,
        order_direction=Direction.ASC,
    )


def cutoff(now: datetime, settle_ms: int, floor: str | None, expires_at: str | None) -> str:
    """Events recorded before this are examined in a round: now less the settle time (a
    single event's transaction commits within it), never past the start of a capture job
    still being written (`floor`: its events are recorded after it but not yet committed),
    and never past the watch's expiry."""
    before = utc_millis(now - timedelta(milliseconds=settle_ms))
    return min(t for t in (before, floor, expires_at) if t is not None)


def summarise(
    product_id: str, lineage: dict[str, Any], orgs: frozenset[str], caller: str
) -> TraceSummary:
    """The trace of `product_id` in numbers, as `caller` (seeing `orgs`) sees it: its events
    of every type, product instances, facilities and, among them, stores (master-data type
    STORE), named."""
    body = assemble(product_id, lineage, orgs, _ALL_EVENTS, sys.maxsize, caller)[product_id]
    facilities = [
        FacilityRef(id=fid, name=block["data"].get("name"), type=block["data"].get("type"))
        for fid, block in body["facilities"].items()
    ]
    stores = [f for f in facilities if (f.type or "").upper() == STORE]
    return TraceSummary(
        productId=product_id,
        events=len(body["events"]),
        productInstances=len(body["productInstances"]),
        facilities=len(facilities),
        stores=len(stores),
        facilityList=facilities,
        storeList=stores,
    )


def notification(
    watch_id: str, product_id: str, events: list[StoredEvent], summary: TraceSummary
) -> bytes:
    """The body POSTed to the watcher: the new events as captured (EPCIS 2.0 JSON-LD with the
    repository's recordTime, under one `@context`) and the trace summary."""
    document = query_document(events, EpcFormat.NO_PREFERENCE, "RecallWatch")
    return orjson.dumps(
        {
            "@context": document["@context"],
            "type": NOTIFICATION_TYPE,
            "watchID": watch_id,
            "productId": product_id,
            "sentAt": now_utc(),
            "events": document["epcisBody"]["queryResults"]["resultsBody"]["eventList"],
            "trace": summary.model_dump(),
        }
    )


def public(node: dict[str, Any], now: str, trace: TraceSummary | None = None) -> WatchPublic:
    """The stored node as its org sees it (no token); `expired` once expiresAt has passed."""
    expires = node.get("expiresAt")
    status: WatchStatus = "failing" if node.get("status") == "failing" else "active"
    if expires is not None and expires <= now:
        status = "expired"
    return WatchPublic(
        watchID=node["id"],
        productId=node["productId"],
        dest=node["dest"],
        signed=bool(node.get("signatureToken")),
        createdAt=node["createdAt"],
        expiresAt=expires,
        status=status,
        failingSince=node.get("failingSince"),
        lastError=node.get("lastError"),
        deliveries=int(node.get("deliveries") or 0),
        lastDeliveredAt=node.get("lastDeliveredAt"),
        lastEventID=node.get("lastEventID"),
        trace=trace,
    )

"""The pure parts of a recall watch: the round's cutoff, the trace members as an org sees
them (siblings never, instances joined by a transformation always), the summary, the status."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson

from trace_engine.epcis_query.schemas import Direction, OrderBy, StoredEvent
from trace_engine.watches import planner

NOW = datetime(2026, 11, 29, 18, 0, 0, tzinfo=UTC)


def test_the_cutoff_is_the_earliest_of_settle_running_capture_and_expiry() -> None:
    assert planner.cutoff(NOW, 1000, None, None) == "2026-11-29T17:59:59.000Z"
    floor = "2026-11-29T17:59:30.000Z"
    assert planner.cutoff(NOW, 1000, floor, None) == floor
    expiry = "2026-11-29T17:00:00.000Z"
    assert planner.cutoff(NOW, 1000, floor, expiry) == expiry
    assert planner.cutoff(NOW, 0, None, "2027-01-01T00:00:00.000Z") == "2026-11-29T18:00:00.000Z"


def _edge(a: str, b: str, org: str = "a", rel: str = "TRANSFORMED_INTO") -> dict[str, Any]:
    return {"from": a, "to": b, "rel": rel, "orgs": [org]}


def test_members_go_up_and_down_but_never_to_siblings_or_unseen_edges() -> None:
    lineage = {
        "root": "farm",
        "edges": [
            _edge("farm", "juice"),
            _edge("sibling", "juice"),
            _edge("juice", "pallet", rel="CONTAINS"),
            _edge("pallet", "juice", rel="CONTAINS"),
            _edge("juice", "blend", org="other"),
        ],
    }
    assert planner.members(lineage, frozenset({"a"})) == {"farm", "juice", "pallet"}
    seen = planner.members(lineage, frozenset({"a", "other"}))
    assert "blend" in seen and "sibling" not in seen


def test_the_events_query_names_the_members_in_record_time_order_up_to_the_cutoff() -> None:
    q = planner.events_query({"b", "a"}, "2026-11-29T17:59:59.000Z")
    assert q.match_any is not None and q.match_any.keys == ("a", "b")
    assert q.order_by is OrderBy.RECORD_TIME and q.order_direction is Direction.ASC
    assert q.lt_record_time == "2026-11-29T17:59:59.000Z"


def _event(eid: str, facility: str | None, owner: str = "a", **extra: Any) -> dict[str, Any]:
    return {
        "eventID": eid,
        "eventType": "ObjectEvent",
        "action": "OBSERVE",
        "bizStep": "urn:epcglobal:cbv:bizstep:shipping",
        "eventTime": "2024-06-01T00:00:00.000Z",
        "owner": owner,
        "objects": [
            {"id": "farm", "displayId": "farm", "product": False, "rel": "OBSERVED",
             "quantity": 1.0, "uom": "KGM", "seq": 0}
        ],
        "facility": facility,
        "sources": [],
        "destinations": extra.get("destinations", []),
        "payloadIds": [],
    }  # fmt: skip


def _facility(key: str, org: str, **data: Any) -> dict[str, Any]:
    return {"node": {"id": key, "displayId": key}, "payloadIds": [], "statements": [
        {"id": key, "org": org, **data}]}  # fmt: skip


def test_the_summary_counts_every_event_type_and_names_the_stores() -> None:
    lineage = {
        "root": "farm",
        "ancestors": [],
        "descendants": [],
        "carriers": [],
        "edges": [],
        "events": [
            _event("e1", "plant", destinations=[{"id": "store", "type": "location"}]),
            _event("e2", "plant", owner="hidden"),
        ],
        "facilities": [
            _facility("plant", "a", name="Plant", type="PROCESSOR"),
            _facility("store", "a", name="Corner Grocer", type="store"),
        ],
        "instances": [
            {
                "node": {"id": "farm", "displayId": "farm", "kind": "lot"},
                "productId": None,
                "payloadIds": [],
                "statements": [],
            }
        ],  # fmt: skip
        "products": [],
        "payloads": [],
    }
    summary = planner.summarise("farm", lineage, frozenset({"a"}), "a")
    assert (summary.events, summary.facilities, summary.stores) == (1, 2, 1)
    assert [s.name for s in summary.storeList] == ["Corner Grocer"]
    assert summary.productInstances == 1

    raw = orjson.dumps({"type": "ObjectEvent", "eventID": "e1"}).decode()
    stored = StoredEvent(raw, "2026-11-29T17:00:00.000Z", "2024-06-01T00:00:00.000Z", "e1", "a")
    body = orjson.loads(planner.notification("w1", "farm", [stored], summary))
    assert body["watchID"] == "w1" and body["type"] == planner.NOTIFICATION_TYPE
    assert body["events"] == [{"type": "ObjectEvent", "eventID": "e1",
                               "recordTime": "2026-11-29T17:00:00.000Z"}]  # fmt: skip
    assert body["trace"]["stores"] == 1


def test_a_watch_past_its_expiry_shows_as_expired_and_never_shows_its_token() -> None:
    node = {"id": "w", "productId": "p", "dest": "https://x.example/h", "signatureToken": "t",
            "createdAt": "2026-11-29T17:00:00.000Z", "status": "failing",
            "expiresAt": "2026-11-29T17:30:00.000Z"}  # fmt: skip
    assert planner.public(node, "2026-11-29T17:10:00.000Z").status == "failing"
    shown = planner.public(node, "2026-11-29T17:30:00.000Z")
    assert shown.status == "expired" and shown.signed and "t" not in shown.model_dump().values()

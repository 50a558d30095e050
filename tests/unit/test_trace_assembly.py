"""The pure parts of a trace: event types, the visible lineage walk, sequences, the cache."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from trace_engine.errors import TraceTooLarge
from trace_engine.kit.timestamps import utc_millis
from trace_engine.trace.assembly import assemble
from trace_engine.trace.cache import TraceCache, entry_bytes
from trace_engine.trace.events import event_type, is_default_event
from trace_engine.trace.lineage import trace_instances
from trace_engine.trace.schemas import TraceParams


@pytest.mark.parametrize(
    ("kind", "action", "expected"),
    [
        ("ObjectEvent", "ADD", "commission"),
        ("ObjectEvent", "OBSERVE", "observation"),
        ("ObjectEvent", "DELETE", "decommission"),
        ("AggregationEvent", "ADD", "aggregation"),
        ("AggregationEvent", "DELETE", "disaggregation"),
        ("TransformationEvent", None, "transformation"),
        ("TransactionEvent", "ADD", "transaction"),
        ("AssociationEvent", "ADD", "association"),
    ],
)
def test_food_trust_event_types(kind: str, action: str | None, expected: str) -> None:
    assert event_type(kind, action) == expected


def test_default_events_are_commission_transformation_and_store_scans() -> None:
    stocking = "urn:epcglobal:cbv:bizstep:stocking"
    assert is_default_event("commission", None)
    assert is_default_event("transformation", None)
    assert is_default_event("observation", stocking)
    assert not is_default_event("observation", "urn:epcglobal:cbv:bizstep:shipping")
    assert not is_default_event("aggregation", stocking)


def _edge(a: str, b: str, rel: str = "TRANSFORMED_INTO", orgs: list[str] | None = None) -> dict:
    return {"from": a, "to": b, "rel": rel, "orgs": orgs or ["A"]}


# a → m ← b (fan-in); m → x → y (chain); pallet P contains m
EDGES = [_edge("a", "m"), _edge("b", "m"), _edge("m", "x"), _edge("x", "y"),
         _edge("P", "m", "CONTAINS")]  # fmt: skip
A = frozenset({"A"})


@pytest.mark.parametrize(
    ("root", "params", "expected"),
    [
        ("a", TraceParams(), {"a", "m", "x", "y", "P"}),  # b is a sibling: never included
        ("m", TraceParams(direction="upstream"), {"m", "a", "b", "P"}),
        ("m", TraceParams(direction="downstream"), {"m", "x", "y", "P"}),
        ("a", TraceParams(direction="downstream", depth=1), {"a", "m", "P"}),
        ("a", TraceParams(direction="downstream", depth=2), {"a", "m", "x", "P"}),
        ("y", TraceParams(direction="upstream", depth=2), {"y", "x", "m"}),
    ],
)
def test_the_walk_follows_direction_and_depth(
    root: str, params: TraceParams, expected: set[str]
) -> None:
    members, _ = trace_instances(root, EDGES, A, params)
    assert members == expected


def test_edges_made_by_invisible_orgs_are_not_walked() -> None:
    edges = [_edge("a", "m"), _edge("m", "x", orgs=["B"])]
    assert trace_instances("a", edges, A, TraceParams())[0] == {"a", "m"}
    assert trace_instances("a", edges, frozenset({"A", "B"}), TraceParams())[0] == {"a", "m", "x"}


def _node(key: str) -> dict[str, Any]:
    return {"node": {"id": key, "displayId": key}, "productId": None, "payloadIds": []}


def _ev(  # type: ignore[no-untyped-def]
    eid: str,
    time: str,
    objects: list[tuple[str, str]],
    facility: str,
    owner: str = "A",
    action: str = "ADD",
):
    return {
        "eventID": eid, "eventType": "TransformationEvent" if len(objects) > 1 else "ObjectEvent",
        "action": action, "bizStep": None, "eventTime": time, "owner": owner, "facility": facility,
        "sources": [], "destinations": [], "payloadIds": [],
        "objects": [{"id": k, "displayId": k, "product": False, "rel": rel, "quantity": 1.0,
                     "uom": "KGM", "seq": n} for n, (k, rel) in enumerate(objects)],
    }  # fmt: skip


def _lineage(events: list[dict[str, Any]]) -> dict[str, Any]:
    keys = {o["id"] for e in events for o in e["objects"]}
    return {
        "root": "a", "edges": [_edge("a", "m")], "events": events,
        "facilities": [{"node": {"id": f, "displayId": f}, "payloadIds": [],
                        "statements": [{"id": f, "org": "A", "name": f.upper()}]}
                       for f in ("F1", "F2")],
        "instances": [_node(k) for k in sorted(keys)], "products": [], "payloads": [],
    }  # fmt: skip


def test_sequences_follow_each_instance_in_time_order() -> None:
    events = [
        _ev("e1", "2024-01-01T00:00:00.000Z", [("a", "OBSERVED")], "F1"),
        _ev("e2", "2024-01-02T00:00:00.000Z", [("a", "INPUT"), ("m", "OUTPUT")], "F2"),
        _ev("e3", "2024-01-03T00:00:00.000Z", [("m", "OBSERVED")], "F2", action="OBSERVE"),
        _ev("e4", "2024-01-04T00:00:00.000Z", [("m", "OBSERVED")], "F1", owner="B"),
    ]
    body = assemble("a", _lineage(events), A, TraceParams(), max_events=10)["a"]
    assert set(body["events"]) == {"e1", "e2"}  # e3 is not a default event; e4 is B's
    full = assemble("a", _lineage(events), A, TraceParams(all_events=True), max_events=10)["a"]
    assert full["sequences"]["events"] == [
        {"source": "e1", "target": "e2"},
        {"source": "e2", "target": "e3"},
    ]
    assert full["sequences"]["facilities"] == [{"source": "F1", "target": "F2"}]
    assert full["sequences"]["productInstances"] == [{"source": "a", "target": "m"}]
    assert full["facilities"]["F1"] == {"data": {"name": "F1"}, "payloadIds": []}
    assert full["events"]["e1"]["data"]["productInstances"] == {
        "instances": [{"id": "a", "quantity": 1, "unit": "KGM"}]
    }


def test_more_events_than_the_cap_is_refused() -> None:
    events = [_ev(f"e{n}", f"2024-01-0{n}T00:00:00.000Z", [("a", "OBSERVED")], "F1")
              for n in range(1, 5)]  # fmt: skip
    with pytest.raises(TraceTooLarge, match="limit of 3"):
        assemble("a", _lineage(events), A, TraceParams(all_events=True), max_events=3)


def test_the_cache_drops_every_trace_that_contains_a_touched_instance() -> None:
    cache = TraceCache(ttl_s=60, size=10)
    cache.put(("A", "a", TraceParams()), b"trace of a", frozenset({"a", "m"}))
    cache.put(("A", "m", TraceParams()), b"trace of m", frozenset({"m", "x"}))
    cache.put(("A", "z", TraceParams()), b"trace of z", frozenset({"z"}))
    assert cache.invalidate({"m"}) == 2
    assert cache.get(("A", "a", TraceParams())) is None
    assert cache.get(("A", "m", TraceParams())) is None
    assert cache.get(("A", "z", TraceParams())) == b"trace of z"
    assert cache.invalidate({"nothing"}) == 0


def test_the_cache_is_bounded_by_bytes_dropping_the_least_recently_used() -> None:
    response = b"x" * 100_000
    cache = TraceCache(ttl_s=60, size=10_000, max_bytes=1_000_000)
    for since in range(50):  # 50 distinct `since` values of one 100 kB trace: 5 MB asked
        cache.put(("A", "a", since), response, frozenset({"a"}))
    assert cache.size_bytes <= 1_000_000
    assert len(cache) == 1_000_000 // entry_bytes((response, frozenset({"a"})))
    assert cache.get(("A", "a", 49)) == response  # the newest stay
    assert cache.get(("A", "a", 0)) is None  # the oldest went
    kept = len(cache)
    assert cache.invalidate({"a"}) == kept and len(cache) == 0


def test_the_cache_is_bounded_by_entries_too_and_skips_a_response_over_its_budget() -> None:
    cache = TraceCache(ttl_s=60, size=3, max_bytes=10_000_000)
    for n in range(10):
        cache.put(("A", str(n)), b"t", frozenset({str(n)}))
    assert len(cache) == 3
    cache.put(("A", "huge"), b"x" * 20_000_000, frozenset({"huge"}))
    assert cache.get(("A", "huge")) is None


def test_equal_since_values_written_differently_are_one_cache_key() -> None:
    forms = ["2026-01-01T01:00:00+01:00", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00.000+00:00"]
    params = {TraceParams(since=utc_millis(datetime.fromisoformat(f))) for f in forms}
    assert len(params) == 1

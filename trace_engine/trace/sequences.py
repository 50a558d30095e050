"""The `sequences` block of a trace (pure): event, facility and product-instance edges."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from trace_engine.trace.lineage import LineageGraph


def sequences(
    events: list[tuple[dict[str, Any], str]],
    members: set[str],
    graph: LineageGraph,
    display: dict[str, str],
    facility_id: Callable[[str], str],
) -> dict[str, list[dict[str, str]]]:
    """Event edges (each instance's events in time order), the facility edges they cross
    (and each source → destination), and the product-instance edges of transformations."""
    # events by their place in `events` (sorted by time, then eventID, and the eventIDs are
    # unique there): ordering an edge by (time, time, place, place) is ordering it by (time,
    # time, eventID, eventID), with integers to compare
    per_instance: dict[str, list[int]] = defaultdict(list)
    for n, (event, _) in enumerate(events):
        for key in members.intersection([o["id"] for o in event["objects"] if not o["product"]]):
            per_instance[key].append(n)
    pairs: set[tuple[int, int]] = set()
    for chain in per_instance.values():
        pairs.update(zip(chain, chain[1:], strict=False))
    times = [event["eventTime"] for event, _ in events]
    ordered_edges = sorted(pairs, key=lambda ab: (times[ab[0]], times[ab[1]], ab[0], ab[1]))

    facility_edges: dict[tuple[str, str], None] = {}
    # an event's source → destination edges go in after the first event edge it is on (or at
    # the end); adding them again would change nothing, so each event's are added once
    added: set[int] = set()
    for a, b in ordered_edges:
        first, then = events[a][0], events[b][0]
        fa, fb = first["facility"], then["facility"]
        if fa and fb and fa != fb:
            facility_edges[(facility_id(fa), facility_id(fb))] = None
        for n, event in ((a, first), (b, then)):
            if n not in added:
                added.add(n)
                if event["sources"] and event["destinations"]:
                    _source_destination_edges(event, facility_id, facility_edges)
    for n, (event, _) in enumerate(events):
        if n not in added and event["sources"] and event["destinations"]:
            _source_destination_edges(event, facility_id, facility_edges)

    instance_edges = [
        {"source": display.get(a, a), "target": display.get(b, b)}
        for a, b in _transformation_order(events, graph.transformations, members)
    ]
    return {
        "events": [
            {"source": events[a][0]["eventID"], "target": events[b][0]["eventID"]}
            for a, b in ordered_edges
        ],
        "facilities": [{"source": a, "target": b} for a, b in facility_edges],
        "productInstances": instance_edges,
    }


def _source_destination_edges(
    event: dict[str, Any],
    facility_id: Callable[[str], str],
    edges: dict[tuple[str, str], None],
) -> None:
    for source in event["sources"]:
        for destination in event["destinations"]:
            if source["id"] != destination["id"]:
                edges[(facility_id(source["id"]), facility_id(destination["id"]))] = None


def _transformation_order(
    events: list[tuple[dict[str, Any], str]],
    pairs: list[tuple[str, str]],
    members: set[str],
) -> list[tuple[str, str]]:
    """Transformation pairs within the trace, in the order the transformations happened."""
    wanted = {(a, b) for a, b in pairs if a in members and b in members}
    ordered: dict[tuple[str, str], None] = {}
    for event, kind in events:
        if kind != "transformation":
            continue
        objects = sorted(event["objects"], key=lambda o: o["seq"] or 0)
        inputs = [o["id"] for o in objects if o["rel"] == "INPUT"]
        outputs = [o["id"] for o in objects if o["rel"] == "OUTPUT"]
        for a in inputs:
            for b in outputs:
                if (a, b) in wanted:
                    ordered[(a, b)] = None
    # edges whose transformation event is not in the response (filtered by time or owner)
    for pair in sorted(wanted - ordered.keys()):
        ordered[pair] = None
    return list(ordered)

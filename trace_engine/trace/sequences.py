"""The `sequences` block of a trace (pure): event, facility and product-instance edges."""

from __future__ import annotations

from typing import Any

from trace_engine.trace.lineage import LineageGraph


def sequences(
    events: list[tuple[dict[str, Any], str]],
    members: set[str],
    graph: LineageGraph,
    display: dict[str, str],
    facility_display: dict[str, str],
) -> dict[str, list[dict[str, str]]]:
    """Event edges (each instance's events in time order), the facility edges they cross
    (and each source → destination), and the product-instance edges of transformations.

    `events` are sorted by time, then eventID (unique there); `display` and
    `facility_display` give the display ids of instance and facility keys."""
    ordered_edges = _event_edges(events, members)

    facility_edges: dict[tuple[str, str], None] = {}
    facility = [event["facility"] for event, _ in events]
    # an event's source → destination edges go in after the first event edge it is on (or at
    # the end); adding them again would change nothing, so each event's are added once
    movers = [
        n for n, (event, _) in enumerate(events) if event["sources"] and event["destinations"]
    ]
    pending = set(movers)
    for a, b in ordered_edges:
        fa, fb = facility[a], facility[b]
        if fa and fb and fa != fb:
            facility_edges[(facility_display.get(fa, fa), facility_display.get(fb, fb))] = None
        if pending:
            if a in pending:
                pending.discard(a)
                _source_destination_edges(events[a][0], facility_display, facility_edges)
            if b in pending:
                pending.discard(b)
                _source_destination_edges(events[b][0], facility_display, facility_edges)
    for n in movers:
        if n in pending:
            _source_destination_edges(events[n][0], facility_display, facility_edges)

    return {
        "events": [
            {"source": events[a][0]["eventID"], "target": events[b][0]["eventID"]}
            for a, b in ordered_edges
        ],
        "facilities": [{"source": a, "target": b} for a, b in facility_edges],
        "productInstances": [
            {"source": display.get(a, a), "target": display.get(b, b)}
            for a, b in _transformation_order(events, graph.transformations, members)
        ],
    }


def _event_edges(
    events: list[tuple[dict[str, Any], str]], members: set[str]
) -> list[tuple[int, int]]:
    """Each instance's consecutive events, as pairs (a, b) of places in `events`, ordered by
    (time, time, eventID, eventID). `events` is sorted by (time, eventID), so that is the
    order of (the first place with a's time, the first place with b's time, a, b)."""
    last: dict[str, int] = {}  # each instance's latest event so far
    edges: set[tuple[int, int, int, int]] = set()
    first_at: list[int] = []  # for each place, the first place with its time
    previous = None
    for n, (event, _) in enumerate(events):
        time = event["eventTime"]
        first_at.append(n if time != previous else first_at[-1])
        previous = time
        for obj in event["objects"]:
            key = obj["id"]
            if key in members and not obj["product"]:
                before = last.get(key)
                if before is not None and before != n:
                    edges.add((first_at[before], first_at[n], before, n))
                last[key] = n
    return [(a, b) for _, _, a, b in sorted(edges)]


def _source_destination_edges(
    event: dict[str, Any],
    facility_display: dict[str, str],
    edges: dict[tuple[str, str], None],
) -> None:
    for source in event["sources"]:
        a = source["id"]
        for destination in event["destinations"]:
            b = destination["id"]
            if a != b:
                edges[(facility_display.get(a, a), facility_display.get(b, b))] = None


def _transformation_order(
    events: list[tuple[dict[str, Any], str]],
    pairs: list[tuple[str, str]],
    members: set[str],
) -> list[tuple[str, str]]:
    """Transformation pairs within the trace, in the order the transformations happened."""
    wanted = {(a, b) for a, b in pairs if a in members and b in members}
    if not wanted:
        return []
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

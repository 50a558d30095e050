"""The lineage graph of a trace (pure): which lineage edges the caller may see, and which
product instances a trace reaches over them."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from trace_engine.trace.schemas import TraceParams


def walk(start: Iterable[str], neighbours: dict[str, list[str]], depth: int | None) -> set[str]:
    """Breadth-first closure of `start` over `neighbours`, at most `depth` hops."""
    seen = set(start)
    frontier = deque((node, 0) for node in seen)
    while frontier:
        node, hops = frontier.popleft()
        if depth is not None and hops >= depth:
            continue
        for nxt in neighbours.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                frontier.append((nxt, hops + 1))
    return seen


@dataclass
class LineageGraph:
    """The visible lineage edges of a trace, indexed both ways."""

    up: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    down: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    containers: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    transformations: list[tuple[str, str]] = field(default_factory=list)


def visible_graph(edges: list[dict[str, Any]], orgs: frozenset[str]) -> LineageGraph:
    graph = LineageGraph()
    for edge in edges:
        if edge["orgs"] is not None and orgs.isdisjoint(edge["orgs"]):
            continue
        a, b = edge["from"], edge["to"]
        graph.down[a].append(b)
        graph.up[b].append(a)
        if edge["rel"] == "CONTAINS":
            graph.containers[b].append(a)
        else:
            graph.transformations.append((a, b))
    return graph


def trace_instances(
    root: str, edges: list[dict[str, Any]], orgs: frozenset[str], params: TraceParams
) -> tuple[set[str], LineageGraph]:
    """The keys of the product instances in the trace, and the visible lineage graph."""
    graph = visible_graph(edges, orgs)
    members = {root}
    if params.direction in ("upstream", "both"):
        members |= walk([root], graph.up, params.depth)
    if params.direction in ("downstream", "both"):
        descendants = walk([root], graph.down, params.depth)
        members |= descendants | walk(descendants, graph.containers, None)
    return members, graph


def visible_carriers(
    start: Iterable[str], edges: list[dict[str, Any]], orgs: frozenset[str]
) -> set[str]:
    """`start` and every container it travelled in, over the lineage edges `orgs` may see
    (the visibility rule of a trace)."""
    return walk(start, visible_graph(edges, orgs).containers, None)

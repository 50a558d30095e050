"""Ground truth for traces, in plain Python: the semantics the trace Cypher must reproduce.

Edges between product instances:

- transformation: each input of a TransformationEvent → each of its outputs ("made into");
- containment: an AggregationEvent with action ADD or OBSERVE makes its parentID contain each
  child (childEPCs and the epcClass of each childQuantityList element).

For an instance ``p``: ancestors are the closure backwards over both edge kinds, descendants
the closure forwards over both, carriers the containers of ``p`` or of any descendant,
recursively upwards over containment only. Siblings (other inputs of a transformation ``p``
went into) are not part of the trace. The events of a trace are every event that references a
trace instance in any role. Instances are identified by their identifier string as written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

Direction = Literal["upstream", "downstream", "both"]
DIRECTIONS: tuple[Direction, ...] = ("upstream", "downstream", "both")

_CONTAINING_ACTIONS = frozenset({"ADD", "OBSERVE"})


@dataclass(frozen=True, slots=True)
class TraceTruth:
    """The instances and event IDs a trace must return."""

    instances: frozenset[str]
    events: frozenset[str]


def _classes(quantities: Iterable[Mapping[str, Any]] | None) -> list[str]:
    return [q["epcClass"] for q in quantities or () if "epcClass" in q]


def event_references(event: Mapping[str, Any]) -> set[str]:
    """Every product instance an event references, in any role."""
    refs: set[str] = set()
    refs.update(event.get("epcList") or ())
    refs.update(_classes(event.get("quantityList")))
    refs.update(event.get("childEPCs") or ())
    refs.update(_classes(event.get("childQuantityList")))
    refs.update(event.get("inputEPCList") or ())
    refs.update(_classes(event.get("inputQuantityList")))
    refs.update(event.get("outputEPCList") or ())
    refs.update(_classes(event.get("outputQuantityList")))
    parent = event.get("parentID")
    if parent:
        refs.add(parent)
    return refs


def _closure(start: str, *graphs: Mapping[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    stack = [start]
    while stack:
        node = stack.pop()
        for graph in graphs:
            for nxt in graph.get(node, ()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
    seen.discard(start)
    return seen


class Lineage:
    """Lineage graph of product instances, built incrementally from EPCIS 2.0 JSON-LD events."""

    def __init__(self) -> None:
        self._made_into: dict[str, set[str]] = {}
        self._made_from: dict[str, set[str]] = {}
        self._contains: dict[str, set[str]] = {}
        self._contained_in: dict[str, set[str]] = {}
        self._events_of: dict[str, set[str]] = {}

    def add_event(self, event: Mapping[str, Any]) -> None:
        """Record one event's references and the lineage edges it creates."""
        event_id = event["eventID"]
        for ref in event_references(event):
            self._events_of.setdefault(ref, set()).add(event_id)
        kind = event.get("type")
        if kind == "TransformationEvent":
            inputs = [*(event.get("inputEPCList") or ()), *_classes(event.get("inputQuantityList"))]
            outputs = [
                *(event.get("outputEPCList") or ()),
                *_classes(event.get("outputQuantityList")),
            ]
            for i in inputs:
                for o in outputs:
                    self._made_into.setdefault(i, set()).add(o)
                    self._made_from.setdefault(o, set()).add(i)
        elif kind == "AggregationEvent" and event.get("action") in _CONTAINING_ACTIONS:
            parent = event.get("parentID")
            if parent:
                children = [
                    *(event.get("childEPCs") or ()),
                    *_classes(event.get("childQuantityList")),
                ]
                for child in children:
                    self._contains.setdefault(parent, set()).add(child)
                    self._contained_in.setdefault(child, set()).add(parent)

    def add_events(self, events: Iterable[Mapping[str, Any]]) -> None:
        """Record several events."""
        for event in events:
            self.add_event(event)

    def instances(self) -> list[str]:
        """Every product instance referenced so far, sorted."""
        return sorted(self._events_of)

    def events_of(self, instance_id: str) -> frozenset[str]:
        """IDs of the events that reference an instance."""
        return frozenset(self._events_of.get(instance_id, ()))

    def ancestors(self, instance_id: str) -> set[str]:
        """What the instance was made from and travelled in, recursively."""
        return _closure(instance_id, self._made_from, self._contained_in)

    def descendants(self, instance_id: str) -> set[str]:
        """What was made from the instance and what it contained, recursively."""
        return _closure(instance_id, self._made_into, self._contains)

    def carriers(self, instance_id: str, descendants: Iterable[str] | None = None) -> set[str]:
        """Containers of the instance or of any descendant, recursively upwards."""
        found: set[str] = set()
        if descendants is None:
            descendants = self.descendants(instance_id)
        for node in (instance_id, *descendants):
            for container in self._contained_in.get(node, ()):
                if container not in found:
                    found.add(container)
                    found |= _closure(container, self._contained_in)
        return found

    def trace_instances(self, instance_id: str, direction: Direction = "both") -> set[str]:
        """The instances of a trace in one direction."""
        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {DIRECTIONS}, not {direction!r}")
        found = {instance_id}
        if direction in ("upstream", "both"):
            found |= self.ancestors(instance_id)
        if direction in ("downstream", "both"):
            descendants = self.descendants(instance_id)
            found |= descendants
            found |= self.carriers(instance_id, descendants)
        return found

    def trace(self, instance_id: str, direction: Direction = "both") -> TraceTruth:
        """The instances and events a trace of `instance_id` must return."""
        instances = self.trace_instances(instance_id, direction)
        events: set[str] = set()
        for instance in instances:
            events |= self._events_of.get(instance, set())
        return TraceTruth(frozenset(instances), frozenset(events))

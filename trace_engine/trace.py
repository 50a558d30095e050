# Long: params, pure assembly, cache and service in one file; a trace package is left to do.
"""Traces: one product identifier in, its whole chain out, in the Food Trust Trace API's shape.

`cypher/trace.cypher` fetches the unrestricted lineage of a product instance in one round trip;
`assemble` (pure) keeps what the caller may see (edges made by visible orgs' events, events
owned by visible orgs), applies direction, depth and the time window, and builds the response
blocks: events, facilities, payloads, productInstances, products and sequences.
`TraceService` adds the cache: one entry per (org, product, parameters), dropped as soon as a
capture touches a product instance of the cached trace.
"""

from __future__ import annotations

import threading
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson
from cachetools import TTLCache

from trace_engine.errors import InvalidIdentifier, InvalidInput, NotFound, TraceTooLarge
from trace_engine.identifiers import parse_identifier
from trace_engine.records.schemas import record_json
from trace_engine.visibility import merge_statements, narrow, precedence

X_VERSION = "1.0.0"
CBV_BIZSTEP = "urn:epcglobal:cbv:bizstep:"
Direction = Literal["upstream", "downstream", "both"]

ADDRESS_FIELDS = ("street", "city", "state", "postalCode", "country")
LOT_FIELDS = (
    "firstFreezeDate",
    "harvestStartDate",
    "harvestEndDate",
    "expirationDate",
    "sellByDate",
    "bestBeforeDate",
)


@dataclass(frozen=True, slots=True)
class TraceParams:
    """What a caller may ask beyond the product: the Food Trust defaults are the defaults."""

    direction: Direction = "both"
    depth: int | None = None
    since: str | None = None  # UTC, YYYY-MM-DDTHH:MM:SS.mmmZ
    until: str | None = None
    all_events: bool = False
    # `orgs=`: only these of the visible orgs (None: all); part of the cache key
    orgs: frozenset[str] | None = None


def event_type(event_type_name: str, action: str | None) -> str:
    """The Food Trust event `type` of an EPCIS event."""
    if event_type_name == "ObjectEvent":
        return {"ADD": "commission", "DELETE": "decommission"}.get(action or "", "observation")
    if event_type_name == "AggregationEvent":
        return {"ADD": "aggregation", "DELETE": "disaggregation"}.get(action or "", "observation")
    return {
        "TransformationEvent": "transformation",
        "TransactionEvent": "transaction",
        "AssociationEvent": "association",
    }.get(event_type_name, event_type_name)


def is_default_event(kind: str, biz_step: str | None) -> bool:
    """Food Trust's default events: lot creation, transformation and store scans."""
    return kind in ("commission", "transformation") or (
        kind == "observation" and biz_step == CBV_BIZSTEP + "stocking"
    )


def _number(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _walk(start: Iterable[str], neighbours: dict[str, list[str]], depth: int | None) -> set[str]:
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
class _Graph:
    """The visible lineage edges of a trace, indexed both ways."""

    up: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    down: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    containers: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    transformations: list[tuple[str, str]] = field(default_factory=list)


def _visible_graph(edges: list[dict[str, Any]], orgs: frozenset[str]) -> _Graph:
    graph = _Graph()
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
) -> tuple[set[str], _Graph]:
    """The keys of the product instances in the trace, and the visible lineage graph."""
    graph = _visible_graph(edges, orgs)
    members = {root}
    if params.direction in ("upstream", "both"):
        members |= _walk([root], graph.up, params.depth)
    if params.direction in ("downstream", "both"):
        descendants = _walk([root], graph.down, params.depth)
        members |= descendants | _walk(descendants, graph.containers, None)
    return members, graph


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
    for event in lineage["events"]:
        if event["owner"] not in orgs:
            continue
        if params.since and event["eventTime"] < params.since:
            continue
        if params.until and event["eventTime"] > params.until:
            continue
        if not any(o["id"] in members for o in event["objects"]):
            continue
        kind = event_type(event["eventType"], event["action"])
        if not params.all_events and not is_default_event(kind, event["bizStep"]):
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

    def facility_id(key: str) -> str:
        node = facility_nodes.get(key)
        return node["node"]["displayId"] if node else key

    # for each facility, instance and product: the owners of the trace's events that refer to
    # it, in event order (their statements about it come right after the caller's own)
    referrers: dict[str, dict[str, None]] = defaultdict(dict)
    for event, _ in events:
        for key in (
            event["facility"],
            *(e["id"] for e in event["sources"]),
            *(e["id"] for e in event["destinations"]),
            *(o["id"] for o in event["objects"]),
        ):
            if key:
                referrers[key][event["owner"]] = None

    def statements(entry: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
        key = entry["node"]["id"]
        order = precedence(caller, orgs, referrers.get(key, ()))
        return merge_statements(entry.get("statements", ()), order, fields)

    body_events: dict[str, Any] = {}
    used_facilities: dict[str, None] = {}
    used_products: dict[str, None] = {}
    for event, kind in events:
        data: dict[str, Any] = {"time": event["eventTime"], "type": kind}
        if event["bizStep"]:
            data["step"] = event["bizStep"]
        facility: dict[str, Any] = {}
        if event["facility"]:
            facility["id"] = facility_id(event["facility"])
            used_facilities[event["facility"]] = None
        for name, entries in (
            ("sources", event["sources"]),
            ("destinations", event["destinations"]),
        ):
            if entries:
                facility[name] = [{"id": facility_id(e["id"])} for e in entries]
                used_facilities.update((e["id"], None) for e in entries)
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
            referrers[entry["productId"]].update(referrers.get(key, {}))
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
            payload_ids.update((pid, None) for pid in entry.get("payloadIds", ()))
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
    sequences = _sequences(events, members, graph, display, facility_id)
    blocks: dict[str, Any] = {
        "events": body_events,
        "facilities": facilities,
        "payloads": payloads,
        "productInstances": instances,
        "products": products,
        "sequences": sequences,
    }
    # the caller's traceability records (fetched for its org only), beyond Food Trust's
    # blocks: present only when there are some, so a Food Trust client sees its six blocks
    records: dict[str, list[dict[str, Any]]] = {}
    for row in lineage.get("records", ()):
        if row["instance"] in members:
            name = display.get(row["instance"], row["instance"])
            records.setdefault(name, []).append(record_json(row["record"]))
    if records:
        blocks["traceabilityRecords"] = records
    return {product_id: blocks, "x-version": X_VERSION}


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
    return list(dict.fromkeys(ref["id"] for ref in refs if ref["owner"] in rank))


def _event_objects(objects: list[dict[str, Any]], used_products: dict[str, None]) -> dict[str, Any]:
    groups: dict[str, list[dict[str, Any]]] = {}
    role = {"OBSERVED": "instances", "PARENT": "instances", "CHILD": "instances",
            "INPUT": "inputs", "OUTPUT": "outputs"}  # fmt: skip
    # parent first, then the objects in the order the event lists them
    ordered = sorted(objects, key=lambda o: (o["rel"] != "PARENT", o["seq"] or 0))
    for obj in ordered:
        if obj["product"]:
            used_products[obj["id"]] = None
        item: dict[str, Any] = {"id": obj["displayId"]}
        if obj["quantity"] is not None:
            item["quantity"] = _number(obj["quantity"])
            if obj["uom"]:
                item["unit"] = obj["uom"]
        else:  # an individually identified object: one each
            item["quantity"], item["unit"] = 1, "EA"
        groups.setdefault(role[obj["rel"]], []).append(item)
    return groups


Statements = Callable[[dict[str, Any], tuple[str, ...]], dict[str, Any]]


def _facility_block(
    entry: dict[str, Any], statements: Statements, rank: dict[str, int]
) -> dict[str, Any]:
    node = statements(entry, ("name", "type", *ADDRESS_FIELDS))
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
    node = statements(entry, ("name", *LOT_FIELDS))
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


def _sequences(
    events: list[tuple[dict[str, Any], str]],
    members: set[str],
    graph: _Graph,
    display: dict[str, str],
    facility_id: Callable[[str], str],
) -> dict[str, list[dict[str, str]]]:
    """Event edges (each instance's events in time order), the facility edges they cross
    (and each source → destination), and the product-instance edges of transformations."""
    per_instance: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event, _ in events:  # already in time order
        for key in dict.fromkeys(o["id"] for o in event["objects"] if not o["product"]):
            if key in members:
                per_instance[key].append(event)
    event_edges: dict[tuple[str, str], tuple[Any, ...]] = {}
    for chain in per_instance.values():
        for first, then in zip(chain, chain[1:], strict=False):
            if first["eventID"] != then["eventID"]:
                order = (first["eventTime"], then["eventTime"], first["eventID"], then["eventID"])
                event_edges.setdefault((first["eventID"], then["eventID"]), order)
    ordered_edges = sorted(event_edges, key=event_edges.__getitem__)

    by_id = {event["eventID"]: event for event, _ in events}
    facility_edges: dict[tuple[str, str], None] = {}
    for a, b in ordered_edges:
        fa, fb = by_id[a]["facility"], by_id[b]["facility"]
        if fa and fb and fa != fb:
            facility_edges[(facility_id(fa), facility_id(fb))] = None
        for event in (by_id[a], by_id[b]):
            _source_destination_edges(event, facility_id, facility_edges)
    for event, _ in events:
        _source_destination_edges(event, facility_id, facility_edges)

    instance_edges = [
        {"source": display.get(a, a), "target": display.get(b, b)}
        for a, b in _transformation_order(events, graph.transformations, members)
    ]
    return {
        "events": [{"source": a, "target": b} for a, b in ordered_edges],
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


# -- the service -----------------------------------------------------------------------------


# bytes an entry costs beyond its response: the key tuple, the entry and the index sets
ENTRY_OVERHEAD = 512
INSTANCE_OVERHEAD = 96


def entry_bytes(entry: tuple[bytes, frozenset[str]]) -> int:
    """What a cached trace costs, approximately: its response and what indexes it."""
    response, instances = entry
    return ENTRY_OVERHEAD + len(response) + INSTANCE_OVERHEAD * len(instances)


class TraceCache:
    """TTL cache of trace responses, indexed by the product instances each trace contains,
    so a capture that touches any of them drops every cached trace it could change.

    Bounded by bytes (`max_bytes`: the responses and their index, `entry_bytes`) and by
    entries (`size`), whichever is reached first; the least recently used go first."""

    def __init__(self, ttl_s: float, size: int, max_bytes: int = 256 * 1024 * 1024) -> None:
        self._entries: TTLCache[tuple[Any, ...], tuple[bytes, frozenset[str]]] = TTLCache(
            maxsize=max_bytes, ttl=ttl_s, getsizeof=entry_bytes
        )
        self._max_entries = size
        self._by_instance: dict[str, set[tuple[Any, ...]]] = defaultdict(set)
        self._lock = threading.Lock()
        self._generation = 0  # bumped by every invalidation
        # False turns the cache off (several processes, Redis down: nothing tells this one
        # about the others' captures)
        self.active: Callable[[], bool] = lambda: True

    @property
    def generation(self) -> int:
        """Read before computing a response and give it to `put`: a response read while an
        invalidation happened is not cached (it may predate the write)."""
        return self._generation

    @property
    def size_bytes(self) -> int:
        """What the cached entries cost now (`entry_bytes` summed)."""
        return int(self._entries.currsize)

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: tuple[Any, ...]) -> bytes | None:
        """The cached response, if any."""
        if not self.active():
            return None
        with self._lock:
            entry = self._entries.get(key)
        return entry[0] if entry else None

    def put(
        self,
        key: tuple[Any, ...],
        response: bytes,
        instances: frozenset[str],
        generation: int | None = None,
    ) -> None:
        """Cache a response and remember which instances it depends on (a response larger
        than the whole byte budget is not cached, nor one read while an invalidation
        happened: since `generation`)."""
        if not self.active():
            return
        entry = (response, instances)
        if entry_bytes(entry) > self._entries.maxsize:
            return
        with self._lock:
            if generation is not None and generation != self._generation:
                return
            self._entries[key] = entry  # evicts the least recently used beyond max_bytes
            while len(self._entries) > self._max_entries:
                self._entries.popitem()
            for instance in instances:
                self._by_instance[instance].add(key)
            if len(self._by_instance) > 4 * self._max_entries:
                self._prune_index()

    def _prune_index(self) -> None:
        # keys of evicted or expired entries linger in the index until pruned here
        live = self._entries.keys()
        for instance in list(self._by_instance):
            keys = {k for k in self._by_instance[instance] if k in live}
            if keys:
                self._by_instance[instance] = keys
            else:
                del self._by_instance[instance]

    def invalidate(self, instances: Iterable[str]) -> int:
        """Drop every cached trace containing one of `instances`; return how many."""
        dropped = 0
        with self._lock:
            self._generation += 1
            for instance in instances:
                for key in self._by_instance.pop(instance, ()):
                    if self._entries.pop(key, None) is not None:
                        dropped += 1
        return dropped

    def clear(self) -> None:
        """Drop everything (e.g. after a sharing change)."""
        with self._lock:
            self._generation += 1
            self._entries.clear()
            self._by_instance.clear()


@dataclass
class TraceResult:
    """A trace response (JSON bytes, serialised once) and whether it came from the cache."""

    body: bytes
    cached: bool

    def json(self) -> dict[str, Any]:
        """The response as a dict."""
        data: dict[str, Any] = orjson.loads(self.body)
        return data


def instance_key(product_id: str) -> str:
    """The canonical key of a product instance identifier; 400 for anything else."""
    ident = parse_identifier(product_id)
    if ident.kind in ("product", "location", "party"):
        raise InvalidIdentifier(
            product_id,
            f"a trace starts from a product instance (lot, serial or logistic unit), "
            f"not a {ident.kind}",
        )
    return ident.key


def cache_key(org: str, product_id: str, params: TraceParams) -> tuple[Any, ...]:
    """One cache entry per (org, productId as asked, parameters)."""
    return (org, product_id, params)


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


Lineage = Callable[[str], Awaitable[dict[str, Any] | None]]
"""Reads the unrestricted lineage of a canonical instance key (None if there is none)."""
Orgs = Callable[[], Awaitable[frozenset[str]]]
"""The orgs whose events the caller may see."""


class TraceService:
    """Traces with a cache that a capture touching the trace invalidates.

    The API builds it with the trace repository (`lineage(key, org)`) and the sharing read
    (`visible_orgs(org)`), and calls `trace`; `trace_with` takes both reads as arguments (the
    benchmarks and the oracle test drive it with their own session).
    """

    def __init__(
        self,
        cache: TraceCache,
        max_events: int,
        max_depth: int = 64,
        *,
        lineage: Callable[[str, str], Awaitable[dict[str, Any] | None]] | None = None,
        visible_orgs: Callable[[str], Awaitable[frozenset[str]]] | None = None,
    ) -> None:
        self.cache = cache
        self.max_events = max_events
        self.max_depth = max_depth
        self._lineage = lineage
        self._visible_orgs = visible_orgs

    async def trace(
        self, product_id: str, org: str, params: TraceParams, bypass_cache: bool = False
    ) -> TraceResult:
        """The trace of `product_id` as `org` may see it, read through the repository."""
        if self._lineage is None or self._visible_orgs is None:
            raise RuntimeError("TraceService was built without its reads")
        lineage, visible_orgs = self._lineage, self._visible_orgs

        async def fetch(key: str) -> dict[str, Any] | None:
            return await lineage(key, org)

        async def visible() -> frozenset[str]:
            return await visible_orgs(org)

        return await self.trace_with(fetch, visible, product_id, org, params, bypass_cache)

    async def trace_with(
        self,
        fetch: Lineage,
        visible_orgs: Orgs,
        product_id: str,
        org: str,
        params: TraceParams,
        bypass_cache: bool = False,
    ) -> TraceResult:
        """The trace of `product_id` as `org` may see it (its statements and those of the orgs
        sharing with it, narrowed by `params.orgs`; `visible_orgs` is only asked on a cache
        miss)."""
        if params.depth is not None and params.depth > self.max_depth:
            raise InvalidInput(
                "depth", f"at most {self.max_depth} lineage hops each way (TRACE_TRACE_MAX_DEPTH)"
            )
        key = instance_key(product_id)
        entry = cache_key(org, product_id, params)
        if not bypass_cache:
            cached = self.cache.get(entry)
            if cached is not None:
                return TraceResult(cached, cached=True)
        generation = self.cache.generation
        lineage = await fetch(key)
        orgs = narrow(await visible_orgs(), params.orgs)
        body, depends = build_trace(
            product_id, key, lineage, orgs, params, self.max_events, caller=org
        )
        encoded = orjson.dumps(body)
        self.cache.put(entry, encoded, depends, generation)
        return TraceResult(encoded, cached=False)


def visible_carriers(
    start: Iterable[str], edges: list[dict[str, Any]], orgs: frozenset[str]
) -> set[str]:
    """`start` and every container it travelled in, over the lineage edges `orgs` may see
    (the visibility rule of a trace)."""
    return _walk(start, _visible_graph(edges, orgs).containers, None)

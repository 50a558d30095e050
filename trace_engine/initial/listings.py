"""The enterprise listings of an initial load, written into the import files (pure apart from
the sink).

The online path keeps an org's listings as it writes its events (`enterprise.service`
`refresh_after_ingest`): farm statements from the documents' master data, a shipment per
shipping event, a batch row per lot the org collected at one of its farms, and each row
counted in the `(:Tally)` of its listing, status and org (a tally for each status that has rows;
the org's `(:ListingsLock)` beside them). An initial load has every event at
once, so it derives the final rows here from what the parse gathers, with the online path's own
row builders (`profile_props`, `shipping_rows`, `batch_row`), and the importer writes them with
the rest of the graph: nothing of the listings is left for the server to write afterwards.

What each online statement reads from the graph is gathered per file (`ListingFacts`) and
merged in file order:

- a batch's collections (`enterprise_batch_facts.cypher`): the org's ADD events with a creating
  bizStep, their bizLocation, SOURCE parties and the quantities of each lot they observe;
- how many of the org's events name each instance (its `later` events are those less its
  collections);
- the instances the org's shipping events observe, contain or parent (a batch is shipped when
  one of them is the lot or lies downstream of it on the lineage, within 16 hops);
- the lineage edges themselves are the shared `NodeTables.lineage`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from trace_engine.enterprise.repository import org_json, tally_key
from trace_engine.enterprise.schemas import FarmFields
from trace_engine.enterprise.service import collection_of, org_key, profile_props
from trace_engine.enterprise.status import CREATING_STEPS, SHIPPING_STEP, BatchFacts, batch_row
from trace_engine.graph.events import GraphRows
from trace_engine.initial.files import CsvSink
from trace_engine.initial.graph import NodeTables

_CREATING = frozenset(CREATING_STEPS)
# the relationships by which a shipping event names what it ships (enterprise_batch_facts)
_SHIPPED_RELS = frozenset({"OBSERVED", "PARENT", "CHILD"})
_DOWNSTREAM_HOPS = 16  # as far as enterprise_batch_facts.cypher walks

# (lot, eventID, eventTime, recordTime, bizLocation, SOURCE parties as (type, id),
#  the (quantity, uom) of each OBSERVED relationship to the lot)
CollectionRow = tuple[
    str,
    str,
    str,
    str,
    str,
    tuple[tuple[str | None, str], ...],
    tuple[tuple[float | None, str | None], ...],
]


@dataclass
class ListingFacts:
    """What the listings need to know about the org's events, gathered from their rows."""

    collections: list[CollectionRow] = field(default_factory=list)
    named: dict[str, int] = field(default_factory=dict)  # instance → org events naming it
    shipped: set[str] = field(default_factory=set)  # instances org shipping events name

    def add_rows(self, rows: GraphRows, org: str) -> None:
        """Take in the events of one batch (`ingest.build_rows`)."""
        named = self.named
        for event in rows.events:
            links = event["instances"]
            if not links or event["owner"] != org:
                continue
            for lot in {link["id"] for link in links}:
                named[lot] = named.get(lot, 0) + 1
            step = event["bizStep"]
            if step == SHIPPING_STEP:
                self.shipped.update(link["id"] for link in links if link["rel"] in _SHIPPED_RELS)
            if event["action"] != "ADD" or step not in _CREATING:
                continue
            places = [f["id"] for f in event["facilities"] if f["rel"] == "AT"]
            if not places:
                continue
            agents = tuple((p["type"], p["id"]) for p in event["parties"] if p["rel"] == "SOURCE")
            quantities: dict[str, list[tuple[float | None, str | None]]] = {}
            for link in links:
                if link["rel"] == "OBSERVED":
                    quantities.setdefault(link["id"], []).append((link["quantity"], link["uom"]))
            for place in places:
                for lot, observed in quantities.items():
                    self.collections.append(
                        (
                            lot,
                            event["eventID"],
                            event["eventTime"],
                            event["recordTime"],
                            place,
                            agents,
                            tuple(observed),
                        )
                    )

    def merge(self, later: ListingFacts) -> None:
        """Take in the facts of a later file."""
        self.collections.extend(later.collections)
        named = self.named
        for lot, n in later.named.items():
            named[lot] = named.get(lot, 0) + n
        self.shipped |= later.shipped


class _Tallies:
    """The rows of each listing, status and org, for their `(:Tally)` and COUNTED_IN edges."""

    def __init__(self, org: str) -> None:
        self.org = org
        # (listing, status) → (label, id the sink gave it) of each row
        self.rows: dict[tuple[str, str], list[tuple[str, int]]] = {}

    def count(self, listing: str, status: str, label: str, node: int) -> None:
        self.rows.setdefault((listing, status), []).append((label, node))

    def write(self, sink: CsvSink, counts: dict[str, int]) -> None:
        for (listing, status), rows in self.rows.items():
            key = tally_key(listing, status, self.org)
            props = {"listing": listing, "status": status, "org": self.org}
            tally = sink.node("Tally", "Tally", key, props, id_property="key")
            for label, row in rows:
                sink.relationship("COUNTED_IN", (label, row), ("Tally", tally))
            counts["Tally"] = counts.get("Tally", 0) + 1
            counts["COUNTED_IN"] = counts.get("COUNTED_IN", 0) + len(rows)


def _stored(props: dict[str, Any]) -> dict[str, Any]:
    """The properties a Cypher `SET n += props` leaves (a null is not stored)."""
    return {k: v for k, v in props.items() if v is not None}


def write_listings(
    sink: CsvSink,
    org: str,
    now: str,
    tables: NodeTables,
    facts: ListingFacts,
    farms: Iterable[tuple[str, FarmFields]],
    shipping: Iterable[dict[str, Any]],
) -> dict[str, int]:
    """Write the org's farm statements, shipments, batch rows and tallies; return the counts by
    label and type. `farms` are the documents' farm statements in file order, `shipping` the
    shipment rows (`shipping_rows`) of the files from the first that states a farm on (the
    online path keeps listings only for an org that has one); nothing is written without farms.
    """
    counts: dict[str, int] = {}
    tallies = _Tallies(org)
    rank = org_json(org)

    def count(name: str, n: int = 1) -> None:
        counts[name] = counts.get(name, 0) + n

    # farm statements: the last statement of each farm stands (every field is set each time)
    profiles: dict[str, dict[str, Any]] = {}
    for facility, fields in farms:
        if facility in tables.facilities:  # the online MATCH of the facility
            profiles[facility] = profile_props(fields)
    if not profiles:
        return counts
    # the org's listings lock, which the online path makes with its first listing write
    # (cypher/enterprise_listings_lock.cypher)
    sink.node("ListingsLock", "ListingsLock", org, {}, id_property="org")
    count("ListingsLock")
    for facility, props in profiles.items():
        key = org_key(org, facility)
        status = props["complianceStatus"]
        row = {
            **_stored(props),
            "org": org,
            "facilityId": facility,
            "createdAt": now,
            "updatedAt": now,
            "rank": f"{rank} {now} {facility}",
            "statusRank": f"{rank} {status} {now} {facility}",
        }
        node = sink.node("FarmProfile", "FarmProfile", key, row, id_property="key")
        sink.relationship("PROFILE_OF", ("FarmProfile", node), ("Facility", facility))
        tallies.count("farms", status, "FarmProfile", node)
        count("FarmProfile")
        count("PROFILE_OF")

    # shipments of the shipping events (no shipment was declared in an empty graph)
    made: set[str] = set()
    for ship in shipping:
        key = ship["key"]
        if key in made:
            continue  # MERGE … ON CREATE: the first stands
        made.add(key)
        props = ship["props"]
        row = {
            **_stored(props),
            "org": org,
            "shippedBy": ship["eventID"],
            "shippedAt": ship["eventTime"],
            "rank": f"{rank} {props['createdAt']} {props['id']}",
            "statusRank": f"{rank} shipped {props['createdAt']} {props['id']}",
        }
        node = sink.node("Shipment", "Shipment", key, row, id_property="key")
        for item in ship["objects"]:
            if item["id"] in tables.instances:
                carried = _stored({"quantity": item["quantity"], "uom": item["uom"]})
                target = ("ProductInstance", item["id"])
                sink.relationship("CARRIES", ("Shipment", node), target, carried)
                count("CARRIES")
        tallies.count("shipments", row["status"], "Shipment", node)
        count("Shipment")

    # batch rows: every lot the org collected at one of its farms, with its final status
    collected: dict[str, list[CollectionRow]] = {}
    for collection in facts.collections:
        if collection[4] in profiles:
            collected.setdefault(collection[0], []).append(collection)
    downstream = _downstream(tables, org)
    for lot, rows in collected.items():
        collections = tuple(
            collection_of(
                {
                    "eventID": event_id,
                    "eventTime": event_time,
                    "recordTime": record_time,
                    "farmId": place,
                    "agents": [  # in sourceList order, as their `seq`
                        {"type": t, "id": i, "seq": n} for n, (t, i) in enumerate(agents)
                    ],
                    "quantities": quantities,
                }
            )
            for _, event_id, event_time, record_time, place, agents, quantities in rows
        )
        batch = batch_row(
            BatchFacts(
                lot_id=lot,
                collections=collections,
                later_events=facts.named.get(lot, 0) - len({c.event_id for c in collections}),
                aggregated=lot in downstream,
                shipped=_reaches(lot, downstream, facts.shipped),
            )
        )
        if batch is None:
            continue
        key = org_key(org, lot)
        row = {
            **_stored(batch.properties()),
            "org": org,
            "rank": f"{rank} {batch.created_at} {batch.id}",
            "statusRank": f"{rank} {batch.status} {batch.created_at} {batch.id}",
        }
        node = sink.node("Batch", "Batch", key, row, id_property="key")
        sink.relationship("OF_LOT", ("Batch", node), ("ProductInstance", lot))
        tallies.count("batches", batch.status.value, "Batch", node)
        count("Batch")
        count("OF_LOT")
    tallies.write(sink, counts)
    return counts


def _downstream(tables: NodeTables, org: str) -> dict[str, list[str]]:
    """Each instance → what it went into on the org's lineage (a transformation's outputs, the
    container it was packed in): the lots with an entry are the aggregated ones."""
    into: dict[str, list[str]] = {}
    for (start, end, rel), orgs in tables.lineage.items():
        if org not in orgs:
            continue
        if rel == "TRANSFORMED_INTO":
            into.setdefault(start, []).append(end)
        elif rel == "CONTAINS":
            into.setdefault(end, []).append(start)
    return into


def _reaches(lot: str, downstream: dict[str, list[str]], shipped: set[str]) -> bool:
    """Whether a shipped instance is the lot or within 16 hops downstream of it."""
    frontier, seen = [lot], {lot}
    for hop in range(_DOWNSTREAM_HOPS + 1):
        if not shipped.isdisjoint(frontier):
            return True
        if hop == _DOWNSTREAM_HOPS:
            break
        following = []
        for item in frontier:
            for after in downstream.get(item, ()):
                if after not in seen:
                    seen.add(after)
                    following.append(after)
        frontier = following
        if not frontier:
            break
    return False

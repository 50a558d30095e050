"""The enterprise listings `load --initial` writes into its import files (`initial/listings.py`):
farm statements, shipments, batch rows with their derived status, and the tallies."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from trace_engine.enterprise.schemas import ComplianceStatus, FarmFields
from trace_engine.enterprise.service import collection_of
from trace_engine.errors import InitialLoadError
from trace_engine.graph.events import GraphRows
from trace_engine.initial import service
from trace_engine.initial.files import CsvSink, import_id
from trace_engine.initial.graph import NodeTables
from trace_engine.initial.listings import ListingFacts, write_listings

ORG = "coop"
NOW = "2026-11-29T20:00:00.000Z"
FARM, DEPOT = "414/farm", "414/depot"
COMMISSIONING = "urn:epcglobal:cbv:bizstep:commissioning"
SHIPPING = "urn:epcglobal:cbv:bizstep:shipping"
RECEIVING = "urn:epcglobal:cbv:bizstep:receiving"


def _event(
    event_id: str,
    step: str,
    things: list[tuple[str, str, float | None, str | None]],
    place: str = FARM,
    action: str = "ADD",
    agents: tuple[str, ...] = (),
) -> dict[str, Any]:
    return {
        "eventID": event_id,
        "action": action,
        "bizStep": step,
        "eventTime": f"2024-01-0{event_id[-1]}T08:00:00.000Z",
        "recordTime": NOW,
        "owner": ORG,
        "instances": [
            {"id": lot, "rel": rel, "quantity": q, "uom": u, "seq": i}
            for i, (lot, rel, q, u) in enumerate(things)
        ],
        "facilities": [{"id": place, "rel": "AT", "type": None, "seq": None}],
        "parties": [
            {"id": a, "rel": "SOURCE", "type": "urn:epcglobal:cbv:sdt:owning_party", "seq": i}
            for i, a in enumerate(agents)
        ],
    }


def _written(folder: Path, sink: CsvSink) -> dict[str, list[dict[str, str]]]:
    """The rows written, by label or type, as the importer reads them."""
    rows: dict[str, list[dict[str, str]]] = {}
    for group in sink.close():
        header = next(csv.reader([group.key.header()]))
        for path in group.files:
            with path.open(newline="") as fh:
                rows.setdefault(group.key.name, []).extend(csv.DictReader(fh, fieldnames=header))
    return rows


def test_listings_are_derived_as_the_online_statements_derive_them(tmp_path: Path) -> None:
    tables = NodeTables()
    tables.facilities = {FARM: "urn:farm", DEPOT: "urn:depot"}
    tables.instances = {k: (k, "lot", None) for k in ("L1", "L2", "L3", "L4", "L5", "X", "P")}
    tables.lineage = {("L3", "X", "TRANSFORMED_INTO"): [ORG], ("P", "L4", "CONTAINS"): [ORG]}
    events = [
        _event("e1", COMMISSIONING, [("L1", "OBSERVED", 10.0, "KGM"), ("L1", "OBSERVED", 2, "BG")],
               agents=("party-a", "party-b")),
        _event("e2", COMMISSIONING, [("L2", "OBSERVED", 500.0, "GRM")]),
        _event("e3", RECEIVING, [("L2", "OBSERVED", None, None)], place=DEPOT, action="OBSERVE"),
        _event("e4", COMMISSIONING, [("L3", "OBSERVED", None, None), ("L4", "OBSERVED", 1, "TNE")]),
        _event("e5", SHIPPING, [("P", "OBSERVED", None, None)], place=DEPOT, action="OBSERVE"),
        _event("e6", COMMISSIONING, [("L5", "OBSERVED", 1.0, "KGM")], place=DEPOT),
    ]  # fmt: skip
    facts, later = ListingFacts(), ListingFacts()
    facts.add_rows(GraphRows(events=events[:3]), ORG)
    later.add_rows(GraphRows(events=events[3:]), ORG)
    facts.merge(later)
    farms = [
        (FARM, FarmFields(farmerName="Ama")),
        (FARM, FarmFields(commodity="cocoa", complianceStatus=ComplianceStatus.APPROVED)),
        ("414/unknown", FarmFields(farmerName="nobody")),  # no such facility: no statement
    ]
    shipping = [
        {
            "eventID": "e5",
            "key": '["coop","e5"]',
            "eventTime": "2024-01-05T08:00:00.000Z",
            "objects": [{"id": "P", "quantity": None, "uom": None}],
            "props": {"id": "e5", "source": "event", "status": "shipped", "shipmentCode": "e5",
                      "estimatedShipDate": "2024-01-05", "createdAt": NOW},
        }
    ]  # fmt: skip
    sink = CsvSink(tmp_path, "listings", number=1)
    counts = write_listings(sink, ORG, NOW, tables, facts, farms, shipping)
    rows = _written(tmp_path, sink)

    (farm,) = rows["FarmProfile"]
    assert farm["key:string"] == '["coop","414/farm"]'
    # numbered by the listings writer (its sink's number in the high bits), not hashed
    assert int(farm[":ID(FarmProfile)"]) >> 32 == 1
    # the last statement stands whole (the first one's farmer name is gone, as `SET p += …`)
    assert farm["commodity:string"] == "cocoa" and "farmerName:string" not in farm
    assert farm["statusRank:string"] == f'"coop" approved {NOW} 414/farm'
    batches = {r["id:string"]: r for r in rows["Batch"]}
    assert {lot: b["status:string"] for lot, b in batches.items()} == {
        "L1": "collecting",  # nothing after its collection
        "L2": "completed",  # received at the depot
        "L3": "aggregated",  # transformed into X
        "L4": "shipped",  # packed into P, which was shipped
    }  # L5 was collected at the depot, not at a farm: not a batch
    assert batches["L1"]["totalWeight:double"] == "10.0" and batches["L1"]["bagCount:long"] == "2"
    assert batches["L1"]["agentId:string"] == "party-a"  # the first owning party
    assert batches["L2"]["totalWeight:double"] == "0.5" and "agentId:string" not in batches["L2"]
    assert batches["L4"]["totalWeight:double"] == "1000.0"
    (shipment,) = rows["Shipment"]
    assert shipment["shippedBy:string"] == "e5" and shipment["status:string"] == "shipped"
    assert [(r[":START_ID(Shipment)"], r[":END_ID(ProductInstance)"]) for r in rows["CARRIES"]] == [
        (shipment[":ID(Shipment)"], str(import_id("P")))
    ]
    assert shipment["key:string"] == '["coop","e5"]'
    tallies = {r["key:string"] for r in rows["Tally"]}
    assert tallies == {
        "farms approved coop",
        "shipments shipped coop",
        "batches collecting coop",
        "batches completed coop",
        "batches aggregated coop",
        "batches shipped coop",
    }
    assert len(rows["COUNTED_IN"]) == 1 + 1 + 4  # every row counted once
    # every listing node numbered once by the listings writer, and named by that number
    ids = {
        label: [r[f":ID({label})"] for r in rows[label]]
        for label in ("ListingsLock", "FarmProfile", "Shipment", "Batch", "Tally")
    }
    every = [i for label in ids.values() for i in label]
    assert len(set(every)) == len(every) and {int(i) >> 32 for i in every} == {1}
    listed = set(ids["FarmProfile"] + ids["Shipment"] + ids["Batch"])
    counted = [(next(v for k, v in r.items() if k.startswith(":START_ID")), r[":END_ID(Tally)"])
               for r in rows["COUNTED_IN"]]  # fmt: skip
    assert {start for start, _ in counted} == listed
    assert {end for _, end in counted} == set(ids["Tally"])
    assert counts["Batch"] == 4 and counts["Tally"] == 6 and counts["COUNTED_IN"] == 6


def test_no_farm_no_listings(tmp_path: Path) -> None:
    tables = NodeTables()
    tables.instances = {"L1": ("L1", "lot", None)}
    facts = ListingFacts()
    facts.add_rows(
        GraphRows(events=[_event("e1", COMMISSIONING, [("L1", "OBSERVED", 1, "KGM")])]), ORG
    )
    sink = CsvSink(tmp_path, "listings", number=1)
    assert write_listings(sink, ORG, NOW, tables, facts, [], []) == {}
    assert sink.close() == []


def test_a_collection_agent_is_the_first_source_party_of_its_type_in_the_source_list() -> None:
    owning, possessing = (
        "urn:epcglobal:cbv:sdt:owning_party",
        "urn:epcglobal:cbv:sdt:possessing_party",
    )
    raw = {
        "eventID": "e1",
        "eventTime": NOW,
        "recordTime": NOW,
        "farmId": FARM,
        "quantities": [],
        # as the graph may return them: not in sourceList order
        "agents": [
            {"type": owning, "id": "second", "seq": 2},
            {"type": possessing, "id": "keeper", "seq": 0},
            {"type": owning, "id": "first", "seq": 1},
        ],
    }
    assert collection_of(raw).agent_id == "first"  # an owner before a possessor, then seq
    raw["agents"] = [a for a in raw["agents"] if a["type"] == possessing]
    assert collection_of(raw).agent_id == "keeper"


def _parsed(tmp_path: Path) -> Any:
    return service._Parsed([], NodeTables(), [], [], False, 0, NOW, CsvSink(tmp_path, "shared"))


def test_listings_written_beside_the_main_process_come_back_as_their_groups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def one_tally(sink: CsvSink, parsed: Any, org: str) -> None:
        sink.node("Tally", "Tally", "t1", {"listing": "farms", "org": org}, id_property="key")

    monkeypatch.setattr(service, "_write_listings", one_tally)  # the fork inherits it
    groups, multiline = service._Listings(tmp_path, _parsed(tmp_path), ORG).result()
    assert [(g.key.name, g.rows) for g in groups] == [("Tally", 1)] and not multiline
    # numbered after the files (none here) and the main process's sink
    assert groups[0].files[0].read_text() == f'{1 << 32},"t1","farms","coop"\n'


def test_listings_that_fail_beside_the_main_process_fail_the_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(sink: CsvSink, parsed: Any, org: str) -> None:
        raise ValueError("no such farm")

    monkeypatch.setattr(service, "_write_listings", broken)
    with pytest.raises(InitialLoadError, match="ValueError: no such farm"):
        service._Listings(tmp_path, _parsed(tmp_path), ORG).result()

"""The lineage oracle on hand-built chains with known answers, and on the mango example."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from trace_engine.seed.oracle import Lineage, TraceTruth

ROOT = Path(__file__).resolve().parents[2]
MANGO = ROOT / "seed" / "mango" / "events.jsonld"


def commission(eid: str, lot: str) -> dict[str, Any]:
    return {"type": "ObjectEvent", "eventID": eid, "action": "ADD", "quantityList": [
        {"epcClass": lot, "quantity": 1, "uom": "KGM"}]}  # fmt: skip


def transform(eid: str, inputs: list[str], outputs: list[str]) -> dict[str, Any]:
    return {
        "type": "TransformationEvent",
        "eventID": eid,
        "inputQuantityList": [{"epcClass": i} for i in inputs],
        "outputQuantityList": [{"epcClass": o} for o in outputs],
    }


def aggregate(eid: str, parent: str, children: list[str], action: str = "ADD") -> dict[str, Any]:
    return {
        "type": "AggregationEvent",
        "eventID": eid,
        "action": action,
        "parentID": parent,
        "childEPCs": [c for c in children if c.startswith("urn:epc:id:")],
        "childQuantityList": [{"epcClass": c} for c in children if c.startswith("lot:")],
    }


def observe(eid: str, *, lots: Sequence[str] = (), epcs: Sequence[str] = ()) -> dict[str, Any]:
    return {
        "type": "ObjectEvent",
        "eventID": eid,
        "action": "OBSERVE",
        "epcList": list(epcs),
        "quantityList": [{"epcClass": lot} for lot in lots],
    }


def lineage(*events: dict[str, Any]) -> Lineage:
    lin = Lineage()
    lin.add_events(events)
    return lin


def truth(instances: set[str], events: set[str]) -> TraceTruth:
    return TraceTruth(frozenset(instances), frozenset(events))


def test_linear_chain() -> None:
    lin = lineage(
        commission("e1", "lot:a"),
        transform("e2", ["lot:a"], ["lot:b"]),
        transform("e3", ["lot:b"], ["lot:c"]),
        observe("e4", lots=["lot:c"]),
    )
    everything = truth({"lot:a", "lot:b", "lot:c"}, {"e1", "e2", "e3", "e4"})
    for lot in ("lot:a", "lot:b", "lot:c"):
        assert lin.trace(lot) == everything
    assert lin.trace("lot:b", "upstream") == truth({"lot:a", "lot:b"}, {"e1", "e2", "e3"})
    assert lin.trace("lot:b", "downstream") == truth({"lot:b", "lot:c"}, {"e2", "e3", "e4"})


def test_fan_in_excludes_siblings() -> None:
    lin = lineage(
        commission("c1", "lot:x"),
        commission("c2", "lot:y"),
        commission("c3", "lot:z"),
        transform("t", ["lot:x", "lot:y", "lot:z"], ["lot:out"]),
        observe("s", lots=["lot:out"]),
    )
    assert lin.trace("lot:x") == truth({"lot:x", "lot:out"}, {"c1", "t", "s"})
    assert lin.trace("lot:out", "upstream") == truth(
        {"lot:out", "lot:x", "lot:y", "lot:z"}, {"c1", "c2", "c3", "t", "s"}
    )


def test_fan_out() -> None:
    lin = lineage(
        commission("c", "lot:in"),
        transform("t", ["lot:in"], ["lot:o1", "lot:o2", "lot:o3"]),
        observe("s2", lots=["lot:o2"]),
    )
    assert lin.trace("lot:in", "downstream") == truth(
        {"lot:in", "lot:o1", "lot:o2", "lot:o3"}, {"c", "t", "s2"}
    )
    # lot:o1's siblings share the event but are not its lineage
    assert lin.trace("lot:o1") == truth({"lot:o1", "lot:in"}, {"c", "t"})


def test_diamond() -> None:
    lin = lineage(
        transform("t1", ["lot:a"], ["lot:b", "lot:c"]),
        transform("t2", ["lot:b"], ["lot:d"]),
        transform("t3", ["lot:c"], ["lot:d"]),
    )
    assert lin.ancestors("lot:d") == {"lot:a", "lot:b", "lot:c"}
    assert lin.descendants("lot:a") == {"lot:b", "lot:c", "lot:d"}
    assert lin.trace("lot:b") == truth({"lot:a", "lot:b", "lot:d"}, {"t1", "t2", "t3"})


def test_pallet_then_transformation_downstream() -> None:
    pallet = "urn:epc:id:sscc:0614141.1234567890"
    lin = lineage(
        commission("c1", "lot:a"),
        commission("c2", "lot:b"),
        aggregate("pack", pallet, ["lot:a", "lot:b"]),
        observe("ship", epcs=[pallet]),
        aggregate("unpack", pallet, ["lot:a", "lot:b"], action="DELETE"),
        transform("t", ["lot:a"], ["lot:c"]),
        observe("stock", lots=["lot:c"]),
    )
    # a's container is both an ancestor (it travelled in it) and a carrier
    assert lin.ancestors("lot:a") == {pallet}
    assert lin.carriers("lot:a") == {pallet}
    assert lin.trace("lot:a") == truth(
        {"lot:a", pallet, "lot:c"}, {"c1", "pack", "ship", "unpack", "t", "stock"}
    )
    # the pallet's trace reaches what its contents became, but not their siblings' origins
    assert lin.trace(pallet, "downstream") == truth(
        {pallet, "lot:a", "lot:b", "lot:c"},
        {"c1", "c2", "pack", "ship", "unpack", "t", "stock"},
    )
    assert lin.trace(pallet, "upstream") == truth({pallet}, {"pack", "ship", "unpack"})
    # the DELETE makes no containment, OBSERVE does
    assert "lot:c" not in lin.ancestors("lot:b")


def test_pallet_inside_container() -> None:
    case = "urn:epc:id:sgtin:0614141.107346.1"
    pallet = "urn:epc:id:sscc:0614141.0000000001"
    container = "urn:epc:id:sscc:0614141.0000000002"
    lin = lineage(
        aggregate("a1", pallet, ["lot:x", case]),
        {**aggregate("a2", container, [pallet]), "action": "OBSERVE"},
        observe("ship", epcs=[container]),
        observe("other", lots=["lot:unrelated"]),
    )
    assert lin.carriers(case) == {pallet, container}
    assert lin.trace(case, "downstream") == truth({case, pallet, container}, {"a1", "a2", "ship"})
    assert lin.trace(container, "downstream").instances == {container, pallet, "lot:x", case}
    assert lin.trace(container, "upstream") == truth({container}, {"a2", "ship"})


def test_deep_chain() -> None:
    lots = [f"lot:{i}" for i in range(31)]
    lin = lineage(*(transform(f"t{i}", [lots[i]], [lots[i + 1]]) for i in range(30)))
    assert lin.trace(lots[0], "downstream").instances == set(lots)
    assert lin.trace(lots[30], "upstream").events == {f"t{i}" for i in range(30)}
    assert lin.trace(lots[15]) == truth(set(lots), {f"t{i}" for i in range(30)})
    assert lin.trace(lots[15], "upstream").instances == set(lots[:16])


def test_unknown_direction_is_refused() -> None:
    with pytest.raises(ValueError, match="direction"):
        Lineage().trace("lot:a", "sideways")  # type: ignore[arg-type]


MANGO_LOT_1 = "urn:ibm:ift:product:lot:class:999999999999.mango.lot-1"
MANGO_LOT_2 = "urn:ibm:ift:product:lot:class:999999999999.mango.lot-2"
SLICED_LOT_2 = "urn:ibm:ift:product:lot:class:999999999999.sliced-mango.lot-2"
C502 = "urn:uuid:c50240fc-4df3-4d34-bd16-36031bf8b2a5"
B3B8 = "urn:uuid:b3b8ee28-58cb-4f26-9ad5-f27b27cb89d6"
T7D87 = "urn:uuid:7d87bbfd-e9b0-49ee-9c04-d2938f6138f8"
E207 = "urn:uuid:e207acb5-139b-4813-98bf-b275775e499f"


@pytest.fixture(scope="module")
def mango() -> Lineage:
    doc = json.loads(MANGO.read_text(encoding="utf-8"))
    return lineage(*doc["epcisBody"]["eventList"])


def test_mango_sliced_lot_2(mango: Lineage) -> None:
    assert mango.trace(SLICED_LOT_2) == truth(
        {MANGO_LOT_1, MANGO_LOT_2, SLICED_LOT_2}, {C502, B3B8, T7D87, E207}
    )


def test_mango_lot_1_excludes_sibling(mango: Lineage) -> None:
    assert mango.trace(MANGO_LOT_1) == truth({MANGO_LOT_1, SLICED_LOT_2}, {C502, T7D87, E207})
    assert mango.trace(MANGO_LOT_1, "upstream") == truth({MANGO_LOT_1}, {C502, T7D87})

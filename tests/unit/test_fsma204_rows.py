"""Spreadsheet rows and KDE completeness from one event and a context (pure)."""

from __future__ import annotations

from typing import Any

from trace_engine.fsma204.completeness import Completeness
from trace_engine.fsma204.cte import Cte
from trace_engine.fsma204.rows import (
    Context,
    LotFacts,
    build_rows,
    canonical,
    missing_kdes,
    sheet_headers,
    tlc_text,
)

LOT = "urn:epc:class:lgtin:0860002.010001.PVG240502R"
OTHER = "urn:epc:class:lgtin:0860002.010003.PVG240502S"
PALLET = "urn:epc:id:sscc:0861234.1000000101"
FARM, PACKER = "urn:epc:id:sgln:0860002.00001.0", "urn:epc:id:sgln:0861234.00010.0"


def _key(raw: str) -> str:
    key = canonical(raw)
    assert key is not None
    return key


def _ctx() -> Context:
    ctx = Context()
    ctx.facilities[_key(FARM)] = {"id": _key(FARM), "name": "Pajaro Valley Greens",
                                  "urn:trace-engine:mda:phone": "+1-831-555-0102"}  # fmt: skip
    ctx.facilities[_key(PACKER)] = {"id": _key(PACKER), "name": "Central Coast Packing"}
    ctx.products["01/" + _key(LOT).split("/")[1]] = {"name": "Romaine", "cbvmda:brandName": "PV"}
    ctx.lots[_key(LOT)] = LotFacts(source=_key(FARM), harvested=True)
    ctx.contents[_key(PALLET)] = [(_key(LOT), 380.0, "CS"), (_key(OTHER), 560.0, "CS")]
    return ctx


def _shipping(**extra: Any) -> dict[str, Any]:
    return {
        "type": "ObjectEvent", "eventID": "urn:uuid:1", "action": "OBSERVE",
        "bizStep": "shipping", "eventTime": "2024-05-03T03:00:00.000Z",
        "eventTimeZoneOffset": "-07:00", "epcList": [PALLET], "bizLocation": {"id": PACKER},
        "destinationList": [{"type": "location", "destination": FARM}], **extra,
    }  # fmt: skip


def test_a_pallet_shipment_gives_a_row_per_lot_in_scope() -> None:
    event = _shipping(bizTransactionList=[{"type": "desadv", "bizTransaction": "urn:x:ASN-1"}])
    rows = build_rows(event, Cte.SHIPPING, _ctx(), lambda key: key == _key(LOT))
    assert len(rows) == 1
    row = rows[0]
    assert row["tlc"] == tlc_text(_key(LOT)) == "(01)00860002100012(10)PVG240502R"
    assert (row["quantity"], row["uom"]) == (380, "CS")
    assert row["date"] == "2024-05-02"  # 03:00 UTC is the evening before at -07:00
    assert row["loc_name"] == "Central Coast Packing" and row["loc_phone"] is None
    assert row["other_name"] == "Pajaro Valley Greens"
    assert row["other_phone"] == "+1-831-555-0102"
    assert row["src_name"] == "Pajaro Valley Greens"  # where the lot code was assigned
    assert (row["product"], row["brand"]) == ("Romaine", "PV")
    assert (row["ref1Type"], row["ref1Number"]) == ("desadv", "urn:x:ASN-1")
    assert missing_kdes(Cte.SHIPPING, rows) == []
    both = build_rows(event, Cte.SHIPPING, _ctx(), lambda key: True)
    assert [r["tlc"] for r in both] == [tlc_text(_key(LOT)), tlc_text(_key(OTHER))]
    # the other lot has no known source or product: empty cells, never invented
    assert both[1].get("src_id") is None and both[1]["product"] is None


def test_missing_kdes_are_named() -> None:
    rows = build_rows(_shipping(), Cte.SHIPPING, _ctx(), lambda key: key == _key(LOT))
    assert missing_kdes(Cte.SHIPPING, rows) == ["reference document"]
    report = Completeness()
    report.add(_shipping(), Cte.SHIPPING, rows)
    body = report.json()
    assert body["incompleteEvents"] == [{
        "eventID": "urn:uuid:1", "cte": "shipping", "eventTime": "2024-05-03T03:00:00.000Z",
        "missing": ["reference document"], "referenceDocument": None,
    }]  # fmt: skip
    share = {k["kde"]: k["share"] for k in body["ctes"][0]["kdes"]}
    assert share["reference document"] == 0 and share["traceability lot code"] == 1


def test_a_transformation_lists_every_input_for_each_new_lot() -> None:
    event = {
        "type": "TransformationEvent", "eventID": "urn:uuid:2",
        "eventTime": "2024-05-03T20:00:00.000Z", "eventTimeZoneOffset": "-07:00",
        "bizLocation": {"id": PACKER},
        "inputQuantityList": [{"epcClass": LOT, "quantity": 3650, "uom": "KGM"},
                              {"epcClass": OTHER, "quantity": 10, "uom": "KGM"}],
        "outputQuantityList": [{"epcClass": "urn:epc:class:lgtin:0861234.020001.CCP1",
                                "quantity": 380, "uom": "CS"}],
    }  # fmt: skip
    rows = build_rows(event, Cte.INITIAL_PACKING, _ctx(), lambda key: key == _key(LOT))
    assert [(r["inTlc"], r["inQuantity"], r["inUom"]) for r in rows] == [
        (tlc_text(_key(LOT)), 3650, "KGM"),
        (tlc_text(_key(OTHER)), 10, "KGM"),
    ]
    assert {r["tlc"] for r in rows} == {tlc_text(_key("urn:epc:class:lgtin:0861234.020001.CCP1"))}
    assert rows[0]["src_name"] == "Central Coast Packing"  # the new lot's code is assigned here
    assert sheet_headers(Cte.INITIAL_PACKING)[0] == "Traceability Lot Code"
    assert "Packing Date" in sheet_headers(Cte.INITIAL_PACKING)

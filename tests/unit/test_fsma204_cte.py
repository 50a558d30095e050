"""FSMA 204 CTE classification on GS1's examples and hand-made events; mass balance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from trace_engine.fsma204.cte import (
    Cte,
    classify,
    destination,
    local_date,
    reference_documents,
    source,
)
from trace_engine.recalls.mass_balance import LotFlow, common, compare, total

EXAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "gs1-epcis" / "examples" / "JSON"
LOT = "urn:epc:class:lgtin:0860002.010001.PVG240502R"
FARM = "urn:epc:id:sgln:0860002.00001.0"


def _events(name: str) -> list[dict[str, Any]]:
    document = orjson.loads((EXAMPLES / name).read_bytes())
    return list(document["epcisBody"]["eventList"])


def test_gs1_examples() -> None:
    # Example 9.6.1: an ObjectEvent OBSERVE `shipping` and a `receiving` (CBV URN forms)
    shipping, receiving = _events("Example_9.6.1-ObjectEvent.jsonld")[:2]
    assert classify(shipping) is Cte.SHIPPING
    assert classify(receiving) is Cte.RECEIVING
    # Example 9.6.3: an AggregationEvent `receiving` is receiving; packing alone is no CTE
    for event in _events("Example_9.6.3-AggregationEvent.jsonld"):
        expected = Cte.RECEIVING if "receiving" in str(event.get("bizStep")) else None
        assert classify(event) is expected, event.get("bizStep")
    # Example 9.6.4: a TransformationEvent; initial packing when its input was harvested
    (transform,) = _events("Example_9.6.4-TransformationEvent.jsonld")
    assert classify(transform) is Cte.TRANSFORMATION
    assert classify(transform, lambda epc: True) is Cte.INITIAL_PACKING
    # a sensor example with bizStep `commissioning` on an ObjectEvent is not cooling
    sensor = _events("WithSensorData/SensorDataExample1.jsonld")
    assert all(classify(e) is not Cte.COOLING or e.get("bizStep") == "other" for e in sensor)


def test_gs1_example_bizsteps_as_written() -> None:
    steps = {e.get("bizStep") for e in _events("Example_9.6.1-ObjectEvent.jsonld")}
    assert steps & {"shipping", "urn:epcglobal:cbv:bizstep:shipping"}


def _obj(**fields: Any) -> dict[str, Any]:
    return {"type": "ObjectEvent", "eventTime": "2024-05-02T06:30:00.000Z",
            "eventTimeZoneOffset": "-07:00", "bizLocation": {"id": FARM},
            "quantityList": [{"epcClass": LOT, "quantity": 10, "uom": "KGM"}],
            **fields}  # fmt: skip


@pytest.mark.parametrize(
    ("event", "cte"),
    [
        (_obj(action="ADD", bizStep="commissioning"), Cte.HARVESTING),
        (_obj(action="ADD", bizStep="urn:epcglobal:cbv:bizstep:creating_class_instance"),
         Cte.HARVESTING),
        (_obj(action="ADD", bizStep="https://ref.gs1.org/cbv/BizStep-commissioning",
              ilmd={"cbvmda:catchArea": "FAO 67"}), Cte.FIRST_LAND_BASED_RECEIVING),
        (_obj(action="ADD", bizStep="receiving", ilmd={"gs1:catchArea": "FAO 67"}),
         Cte.FIRST_LAND_BASED_RECEIVING),
        (_obj(action="OBSERVE", bizStep="other", sensorElementList=[
            {"sensorReport": [{"type": "gs1:Temperature", "value": 2, "uom": "CEL"}]}]),
         Cte.COOLING),
        (_obj(action="OBSERVE", bizStep="urn:example:bizstep:hydrocooling", sensorElementList=[
            {"sensorReport": [{"type": "Temperature", "value": 2, "uom": "CEL"}]}]),
         Cte.COOLING),
        (_obj(action="OBSERVE", bizStep="other"), None),  # no temperature: not cooling
        (_obj(action="OBSERVE", bizStep="shipping"), Cte.SHIPPING),
        ({"type": "AggregationEvent", "action": "OBSERVE", "bizStep": "receiving"},
         Cte.RECEIVING),
        ({"type": "TransformationEvent", "inputQuantityList": [{"epcClass": LOT}]},
         Cte.TRANSFORMATION),
        (_obj(action="OBSERVE", bizStep="stocking"), None),
        (_obj(action="ADD", bizStep="packing"), None),
    ],
)  # fmt: skip
def test_hand_made_events(event: dict[str, Any], cte: Cte | None) -> None:
    assert classify(event) is cte


def test_initial_packing_needs_a_harvested_input() -> None:
    event = {"type": "TransformationEvent", "inputQuantityList": [{"epcClass": LOT}]}
    assert classify(event, lambda epc: epc == LOT) is Cte.INITIAL_PACKING
    assert classify(event, lambda epc: False) is Cte.TRANSFORMATION


def test_kde_readers() -> None:
    event = _obj(
        action="OBSERVE",
        bizStep="shipping",
        sourceList=[{"type": "owning_party", "source": "urn:epc:id:pgln:0860002.00000"},
                    {"type": "urn:epcglobal:cbv:sdt:location", "source": FARM}],
        destinationList=[{"type": "location", "destination": "urn:epc:id:sgln:1.2.0"}],
        bizTransactionList=[
            {"type": "urn:epcglobal:cbv:btt:desadv",
             "bizTransaction": "urn:epcglobal:cbv:bt:0860002000009:ASN-1"},
            {"type": "https://ref.gs1.org/cbv/BTT-bol", "bizTransaction": "urn:example:bol:77"},
        ],
    )  # fmt: skip
    assert source(event) == FARM
    assert destination(event) == "urn:epc:id:sgln:1.2.0"
    assert reference_documents(event) == [("desadv", "ASN-1"), ("bol", "urn:example:bol:77")]
    # 06:30 UTC is the evening before in California
    assert local_date(event) == "2024-05-01"


def test_unit_conversion() -> None:
    assert common(1000, "GRM") == (1.0, "KGM")
    assert common(10, "LBR")[0] == pytest.approx(4.5359237)
    assert common(5, "CS") == (5, "CS")
    assert total([(1, "KGM"), (1000, "GRM"), (2, "CS"), (None, "KGM")]) == {"KGM": 2.0, "CS": 2}


def test_tolerance_and_comparability() -> None:
    within = compare({"KGM": 100.0}, {"KGM": 98.5}, tolerance=2)
    assert within.comparable and not within.discrepancy and within.difference == 1.5
    beyond = compare({"KGM": 3800.0}, total([(3650, "KGM")]), tolerance=2)
    assert beyond.discrepancy and beyond.percent == pytest.approx(150 / 3800 * 100)
    pounds = compare(total([(100, "LBR")]), total([(45.359237, "KGM")]), tolerance=0)
    assert pounds.comparable and not pounds.discrepancy
    mixed = compare({"KGM": 10.0}, {"CS": 3.0}, tolerance=2)
    assert not mixed.comparable and not mixed.discrepancy


def test_accounted_share() -> None:
    flow = LotFlow("KGM")
    flow.add("created", "farm", 3800, "KGM")
    flow.add("shipped", "farm", 3800, "KGM")
    flow.add("received", "packer", 3650, "KGM")
    flow.add("used", "packer", 3000, "KGM")
    flow.add("shipped", "packer", 400_000, "GRM")  # 400 kg on to a DC that never receives it
    totals = flow.totals()
    # 3000 used + 250 still at the packer; 400 shipped on and 150 lost in transit are not
    assert totals["accounted"] == pytest.approx(3250)
    assert totals["unaccounted"] == pytest.approx(550)
    flow.add("received", "dc", 400, "KGM")
    assert flow.totals()["accountedShare"] == pytest.approx(3650 / 3800, abs=1e-4)
    assert LotFlow("KGM").totals()["recalled"] is None

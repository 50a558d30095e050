"""The worked examples in seed/: schema-valid, faithful to their sources, telling their story."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest

from trace_engine.seed import recall_demo
from trace_engine.seed.oracle import Lineage
from trace_engine.seed.validation import default_schema_path, schema_errors

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = default_schema_path()
MANGO = ROOT / "seed" / "mango"
RECALL = ROOT / "seed" / "recall-demo"


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def vocabulary(doc: dict[str, Any], vtype: str) -> dict[str, dict[str, Any]]:
    for vocab in doc["epcisHeader"]["epcisMasterData"]["vocabularyList"]:
        if vocab["type"] == vtype:
            return {
                el["id"]: {a["id"]: a["attribute"] for a in el["attributes"]}
                for el in vocab["vocabularyElementList"]
            }
    raise AssertionError(f"no {vtype} vocabulary")


@pytest.mark.parametrize("path", [MANGO / "events.jsonld", RECALL / "events.jsonld"])
def test_examples_validate(path: Path) -> None:
    assert schema_errors(load(path), SCHEMA) == []


def test_validator_catches_errors() -> None:
    doc = load(MANGO / "events.jsonld")
    doc["epcisBody"]["eventList"][0]["eventTime"] = "2018-13-45"
    doc["epcisBody"]["eventList"][1]["bizLocation"]["id"] = "farm 2"
    assert len(schema_errors(doc, SCHEMA)) == 2


def test_mango_matches_the_trace_api_example() -> None:
    doc = load(MANGO / "events.jsonld")
    events = {e["eventID"]: e for e in doc["epcisBody"]["eventList"]}
    times = {k.split(":")[-1][:4]: e["eventTime"] for k, e in events.items()}
    assert times == {
        "c502": "2018-10-28T00:00:00.000Z",
        "b3b8": "2018-10-29T02:00:00.000Z",
        "7d87": "2018-11-02T00:00:01.000Z",
        "e207": "2018-11-12T00:00:01.000Z",
    }
    transformation = events["urn:uuid:7d87bbfd-e9b0-49ee-9c04-d2938f6138f8"]
    assert [q["quantity"] for q in transformation["inputQuantityList"]] == [500, 650]
    assert transformation["outputQuantityList"][0]["uom"] == "KGM"
    assert transformation["ilmd"] == {"cbvmda:sellByDate": "2018-11-17"}
    locations = vocabulary(doc, "urn:epcglobal:epcis:vtype:BusinessLocation")
    farm_1 = locations["urn:ibm:ift:location:loc:999999999999.farm-1"]
    assert farm_1 == {
        "urn:epcglobal:cbv:mda:name": "Tropical Farms",
        "urn:epcglobal:cbv:mda:city": "Miami",
        "urn:epcglobal:cbv:mda:postalCode": "72814",
        "urn:trace-engine:mda:facilityType": "FARM",
    }
    store = locations["urn:ibm:ift:location:loc:5555555555555.store-1"]
    assert store["urn:epcglobal:cbv:mda:streetAddressOne"] == "1 Main St"
    assert store["urn:epcglobal:cbv:mda:countryCode"] == "US"
    products = vocabulary(doc, "urn:epcglobal:epcis:vtype:EPCClass")
    sliced = products["urn:ibm:ift:product:class:999999999999.sliced-mango"]
    assert sliced["urn:trace-engine:mda:sku"] == "12345678"
    payloads = load(MANGO / "payloads.json")
    assert payloads[0]["id"] == "urn:uuid:eed87696-40cc-4839-a609-24d8f0429d08"
    assert payloads[0]["attachedTo"] == {
        "productInstances": ["urn:ibm:ift:product:lot:class:999999999999.sliced-mango.lot-2"]
    }


def test_recall_demo_file_is_the_builders_output() -> None:
    expected = orjson.dumps(recall_demo.build_recall_demo(), option=orjson.OPT_INDENT_2) + b"\n"
    assert (RECALL / "events.jsonld").read_bytes() == expected


def test_recall_demo_story() -> None:
    doc = load(RECALL / "events.jsonld")
    events = doc["epcisBody"]["eventList"]
    assert 40 <= len(events) <= 80
    assert len({e["eventID"] for e in events}) == len(events)
    assert [e["eventTime"] for e in events] == sorted(e["eventTime"] for e in events)
    lineage = Lineage()
    lineage.add_events(events)
    by_id = {e["eventID"]: e for e in events}

    def stores_reached(lot: str) -> set[str]:
        trace = lineage.trace(lot, "downstream")
        return {
            by_id[i]["bizLocation"]["id"] for i in trace.events if by_id[i]["bizStep"] == "stocking"
        }

    assert stores_reached(recall_demo.CONTAMINATED_LOT) == set(recall_demo.AFFECTED_STORES)
    # farm B's spinach is not the contaminated lot and reaches the unaffected store
    assert recall_demo.UNAFFECTED_STORE in stores_reached(recall_demo.B_SP)
    readme = (RECALL / "README.md").read_text(encoding="utf-8")
    assert recall_demo.CONTAMINATED_LOT in readme
    locations = vocabulary(doc, "urn:epcglobal:epcis:vtype:BusinessLocation")
    for store in recall_demo.AFFECTED_STORES:
        assert locations[store]["urn:epcglobal:cbv:mda:name"] in readme

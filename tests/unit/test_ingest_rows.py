"""The rows one ingest batch writes, and the validator's vocabulary branches (no database)."""

from __future__ import annotations

from typing import Any

import pytest

from trace_engine.epcis.model import Event
from trace_engine.epcis.normalise import normalise_event
from trace_engine.epcis.validation import validate_event
from trace_engine.ingest import build_rows

OBJECT_EVENT: dict[str, Any] = {
    "type": "ObjectEvent",
    "eventID": "urn:uuid:00000000-0000-4000-8000-000000000001",
    "eventTime": "2024-01-01T05:24:08.000Z",
    "eventTimeZoneOffset": "-05:00",
    "action": "OBSERVE",
    "epcList": ["urn:epc:id:sgtin:0614141.107346.2017"],
    "quantityList": [
        {"epcClass": "urn:epc:class:lgtin:8152116.010008.H1", "quantity": 5, "uom": "KGM"},
        {"epcClass": "urn:epc:idpat:sgtin:8152116.010008.*", "quantity": 2},
    ],
    "bizStep": "shipping",
    "disposition": "in_transit",
    "readPoint": {"id": "urn:epc:id:sgln:8152116.00001.0"},
    "bizLocation": {"id": "urn:epc:id:sgln:8152116.00002.0"},
    "sourceList": [{"type": "owning_party", "source": "urn:epc:id:pgln:8152116.00000"}],
    "destinationList": [{"type": "location", "destination": "urn:epc:id:sgln:7665845.00001.0"}],
}


def parsed(raw: dict[str, Any]) -> Event:
    event = normalise_event(0, raw)
    assert isinstance(event, Event), event
    return event


def test_each_event_row_carries_its_relationships_by_target_label() -> None:
    rows = build_rows([parsed(OBJECT_EVENT)], None, "demo", "job-1", "2024-01-02T00:00:00.000Z")
    (row,) = rows.events
    assert row["eventID"] == OBJECT_EVENT["eventID"]
    assert row["owner"] == "demo" and row["captureId"] == "job-1"
    assert [(o["rel"], o["seq"], o["quantity"], o["uom"]) for o in row["instances"]] == [
        ("OBSERVED", 0, None, None),
        ("OBSERVED", 1, 5.0, "KGM"),
    ]
    assert [(o["rel"], o["seq"], o["quantity"]) for o in row["products"]] == [("OBSERVED", 2, 2.0)]
    assert [(p["rel"], p["type"], p["seq"]) for p in row["facilities"]] == [
        ("AT", None, None),
        ("READ_POINT", None, None),
        ("DESTINATION", "urn:epcglobal:cbv:sdt:location", 0),
    ]
    assert [(p["rel"], p["type"], p["seq"]) for p in row["parties"]] == [
        ("SOURCE", "urn:epcglobal:cbv:sdt:owning_party", 0)
    ]
    # every target is a node row of the same batch, written before the events
    assert {o["id"] for o in row["instances"]} <= {i["id"] for i in rows.instances}
    assert {o["id"] for o in row["products"]} <= {p["id"] for p in rows.products}
    assert {p["id"] for p in row["facilities"]} <= {f["id"] for f in rows.facilities}
    assert {p["id"] for p in row["parties"]} <= {p["id"] for p in rows.parties}


def test_parent_has_no_quantity_and_no_seq() -> None:
    aggregation = {
        "type": "AggregationEvent",
        "eventID": "urn:uuid:00000000-0000-4000-8000-000000000002",
        "eventTime": "2024-01-01T05:24:08.000Z",
        "eventTimeZoneOffset": "+00:00",
        "action": "ADD",
        "parentID": "urn:epc:id:sscc:7665845.0000000004",
        "childEPCs": ["urn:epc:id:sgtin:0614141.107346.2017"],
    }
    rows = build_rows([parsed(aggregation)], None, "demo", None, "2024-01-02T00:00:00.000Z")
    (row,) = rows.events
    assert [(o["rel"], o["seq"]) for o in row["instances"]] == [("CHILD", 0), ("PARENT", None)]
    assert rows.lineage == [
        {
            "from": "00/076658450000000047",
            "to": "01/10614141073464/21/2017",
            "rel": "CONTAINS",
            "org": "demo",
        }
    ]


@pytest.mark.parametrize(
    ("field", "value", "valid"),
    [
        ("bizStep", "shipping", True),
        ("bizStep", "https://example.com/steps/mine", True),
        ("bizStep", "not_a_step", False),
        ("bizStep", "urn:epcglobal:cbv:bizstep:shipping", False),  # JSON uses the bare word
        ("disposition", "in_transit", True),
        ("disposition", "urn:example:disp:x", True),
        ("disposition", "nope", False),
    ],
)
def test_vocabulary_fields_accept_bare_words_and_other_uris(
    field: str, value: str, valid: bool
) -> None:
    assert (validate_event({**OBJECT_EVENT, field: value}) is None) is valid

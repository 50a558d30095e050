"""Each field of an EPCIS event lands in its own place of the normalised `Event` (the event is
built positionally, in the model's field order: a test per field, with every value distinct)."""

from __future__ import annotations

from typing import Any

from trace_engine.epcis.model import Event, Quantity, SourceDest
from trace_engine.epcis.normalise import normalise_event
from trace_engine.identifiers import parse_identifier

_CONTEXT = [
    "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
    {"acme": "https://acme.example/ns/"},
]


def _ident(raw: str) -> Any:
    return parse_identifier(raw)


def _normalised(event: dict[str, Any]) -> Event:
    parsed = normalise_event(0, event, _CONTEXT)
    assert isinstance(parsed, Event), parsed
    return parsed


def test_a_transformation_event_field_by_field() -> None:
    event = {
        "type": "TransformationEvent",
        "eventID": "urn:uuid:11111111-1111-4111-8111-111111111111",
        "eventTime": "2024-01-02T03:04:05.678+02:00",
        "eventTimeZoneOffset": "+02:00",
        "recordTime": "2024-01-03T00:00:00.000Z",
        "inputEPCList": ["urn:epc:id:sgtin:0614141.107346.1"],
        "inputQuantityList": [
            {"epcClass": "urn:epc:class:lgtin:0614141.107346.in", "quantity": 2, "uom": "KGM"}
        ],
        "outputEPCList": ["urn:epc:id:sgtin:0614141.107346.2"],
        "outputQuantityList": [
            {"epcClass": "urn:epc:class:lgtin:0614141.107346.out", "quantity": 3.5, "uom": "LTR"}
        ],
        "transformationID": "urn:epc:id:gdti:0614141.12345.400",
        "bizStep": "commissioning",
        "disposition": "active",
        "readPoint": {"id": "urn:epc:id:sgln:0614141.00001.0"},
        "bizLocation": {"id": "urn:epc:id:sgln:0614141.00002.0"},
        "bizTransactionList": [{"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:1:PO-1"}],
        "sourceList": [{"type": "owning_party", "source": "urn:epc:id:pgln:0614141.00003"}],
        "destinationList": [{"type": "location", "destination": "urn:epc:id:sgln:0614141.00004.0"}],
        "ilmd": {"cbvmda:itemExpirationDate": "2025-01-01", "acme:batch": "b-7"},
    }
    parsed = _normalised(event)
    assert parsed.event_id == event["eventID"] and parsed.hash_id == ""
    assert parsed.event_type == "TransformationEvent"
    assert parsed.event_time == "2024-01-02T03:04:05.678+02:00"
    assert parsed.event_time_utc == "2024-01-02T01:04:05.678Z"
    assert parsed.event_time_zone_offset == "+02:00"
    assert parsed.raw == event and parsed.raw is not event
    assert parsed.action is None
    assert parsed.record_time == "2024-01-03T00:00:00.000Z"
    assert parsed.biz_step == "urn:epcglobal:cbv:bizstep:commissioning"
    assert parsed.disposition == "urn:epcglobal:cbv:disp:active"
    assert parsed.read_point == _ident("urn:epc:id:sgln:0614141.00001.0")
    assert parsed.biz_location == _ident("urn:epc:id:sgln:0614141.00002.0")
    assert parsed.epcs == [] and parsed.quantities == [] and parsed.parent is None
    assert parsed.input_epcs == [_ident("urn:epc:id:sgtin:0614141.107346.1")]
    assert parsed.input_quantities == [
        Quantity(_ident("urn:epc:class:lgtin:0614141.107346.in"), 2.0, "KGM")
    ]
    assert parsed.output_epcs == [_ident("urn:epc:id:sgtin:0614141.107346.2")]
    assert parsed.output_quantities == [
        Quantity(_ident("urn:epc:class:lgtin:0614141.107346.out"), 3.5, "LTR")
    ]
    assert parsed.transformation_id == "urn:epc:id:gdti:0614141.12345.400"
    assert parsed.sources == [
        SourceDest("urn:epcglobal:cbv:sdt:owning_party", _ident("urn:epc:id:pgln:0614141.00003"))
    ]
    assert parsed.destinations == [
        SourceDest("urn:epcglobal:cbv:sdt:location", _ident("urn:epc:id:sgln:0614141.00004.0"))
    ]
    assert parsed.biz_transactions == [("urn:epcglobal:cbv:btt:po", "urn:epcglobal:cbv:bt:1:PO-1")]
    assert parsed.ilmd == event["ilmd"]
    assert parsed.lot_data == {"expirationDate": "2025-01-01"}
    assert parsed.namespaces == {"acme": "https://acme.example/ns/"}


def test_object_and_aggregation_events_field_by_field() -> None:
    base = {
        "eventTime": "2024-01-02T03:04:05Z",
        "eventTimeZoneOffset": "+00:00",
        "action": "ADD",
    }
    object_event = _normalised(
        {
            **base,
            "type": "ObjectEvent",
            "epcList": ["urn:epc:id:sgtin:0614141.107346.5"],
            "quantityList": [{"epcClass": "urn:epc:class:lgtin:0614141.107346.q"}],
        }
    )
    assert object_event.action == "ADD" and object_event.event_id == object_event.hash_id != ""
    assert object_event.epcs == [_ident("urn:epc:id:sgtin:0614141.107346.5")]
    assert object_event.quantities == [Quantity(_ident("urn:epc:class:lgtin:0614141.107346.q"))]
    assert object_event.event_time_utc == "2024-01-02T03:04:05.000Z"
    aggregation = _normalised(
        {
            **base,
            "type": "AggregationEvent",
            "parentID": "urn:epc:id:sscc:0614141.1234567890",
            "childEPCs": ["urn:epc:id:sgtin:0614141.107346.6"],
            "childQuantityList": [
                {"epcClass": "urn:epc:class:lgtin:0614141.107346.c", "quantity": 1}
            ],
        }
    )
    assert aggregation.parent == _ident("urn:epc:id:sscc:0614141.1234567890")
    assert aggregation.epcs == [_ident("urn:epc:id:sgtin:0614141.107346.6")]
    assert aggregation.quantities == [Quantity(_ident("urn:epc:class:lgtin:0614141.107346.c"), 1.0)]
    assert aggregation.input_epcs == aggregation.output_epcs == []


def test_raw_is_the_event_only_when_handed_over_and_not_changed() -> None:
    given = {
        "type": "ObjectEvent",
        "eventID": "urn:uuid:22222222-2222-4222-8222-222222222222",
        "eventTime": "2024-01-02T03:04:05Z",
        "eventTimeZoneOffset": "+00:00",
        "action": "OBSERVE",
        "epcList": ["urn:epc:id:sgtin:0614141.107346.7"],
    }
    copied = normalise_event(0, given, _CONTEXT)
    owned = normalise_event(0, given, _CONTEXT, owned=True)
    assert isinstance(copied, Event) and isinstance(owned, Event)
    assert copied.raw == owned.raw == given
    assert copied.raw is not given and owned.raw is given
    assert copied == owned
    # without an eventID the hash is added to raw: a copy, the dict handed over stays as it was
    anonymous = {k: v for k, v in given.items() if k != "eventID"}
    hashed = normalise_event(0, anonymous, _CONTEXT, owned=True)
    assert isinstance(hashed, Event) and hashed.raw is not anonymous
    assert "eventID" not in anonymous and hashed.raw["eventID"] == hashed.hash_id != ""

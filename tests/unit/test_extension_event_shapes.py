"""An event of a type the JSON Schema does not pin down (`"type": "urn:acme:MyEvent"`, an
extension event type) still has its standard fields read by the engine: a field of a standard
name must have the standard's shape, or the event is rejected naming the field and the item.
Before, `"sourceList": ["urn:bad"]` on such an event crashed the normaliser (AttributeError),
which failed a capture with a 500 and stopped a `load --initial`."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trace_engine.epcis import parse_document
from trace_engine.epcis.model import Event, Rejected
from trace_engine.epcis.normalise import normalise_event
from trace_engine.ingest.rows import build_rows

EVENT_ID = "urn:uuid:00000000-0000-4000-8000-0000000e0001"
LOT = "urn:epc:class:lgtin:4012345.012345.998877"
PLACE = "urn:epc:id:sgln:0614141.00777.0"
PARTY = "urn:epc:id:pgln:0614141.00003"


def _extension_event(**fields: Any) -> dict[str, Any]:
    return {
        "type": "urn:x:MyEvent",
        "eventID": EVENT_ID,
        "eventTime": "2024-03-01T10:00:00.000+01:00",
        "eventTimeZoneOffset": "+01:00",
        **fields,
    }


# every standard field the engine reads, in the shape the standard gives it
STANDARD: dict[str, Any] = {
    "action": "OBSERVE",
    "bizStep": "shipping",
    "disposition": "in_transit",
    "recordTime": "2024-03-01T10:00:00.000Z",
    "readPoint": {"id": PLACE},
    "bizLocation": {"id": PLACE},
    "epcList": ["urn:epc:id:sgtin:0614141.107346.1"],
    "childEPCs": ["urn:epc:id:sgtin:0614141.107346.2"],
    "inputEPCList": ["urn:epc:id:sgtin:0614141.107346.3"],
    "outputEPCList": ["urn:epc:id:sgtin:0614141.107346.4"],
    "parentID": "urn:epc:id:sscc:0614141.1234567890",
    "transformationID": "urn:epc:id:gdti:0614141.12345.400",
    "quantityList": [{"epcClass": LOT, "quantity": 200, "uom": "KGM"}],
    "childQuantityList": [{"epcClass": LOT, "quantity": 1}],
    "inputQuantityList": [{"epcClass": LOT, "quantity": 2}],
    "outputQuantityList": [{"epcClass": LOT}],
    "sourceList": [{"type": "owning_party", "source": PARTY}],
    "destinationList": [{"type": "location", "destination": PLACE}],
    "bizTransactionList": [{"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:1:PO-1"}],
    "persistentDisposition": {"set": ["completeness_verified"]},
    "sensorElementList": [{"sensorReport": [{"type": "Temperature", "value": 4.5}]}],
    "errorDeclaration": {"declarationTime": "2024-03-02T00:00:00.000Z", "reason": "did_not_occur"},
    "certificationInfo": ["https://cert.example/1"],
    "ilmd": {"cbvmda:itemExpirationDate": "2025-01-01"},
}


def test_an_extension_event_with_every_standard_field_is_accepted() -> None:
    parsed = normalise_event(0, _extension_event(**STANDARD))
    assert isinstance(parsed, Event), parsed
    assert parsed.event_type == "urn:x:MyEvent"
    assert [s.type for s in parsed.sources] == ["urn:epcglobal:cbv:sdt:owning_party"]
    assert parsed.lot_data == {"expirationDate": "2025-01-01"}


def test_the_reported_example_is_rejected_naming_the_field_and_item() -> None:
    parsed = normalise_event(3, _extension_event(sourceList=["urn:bad"]))
    assert isinstance(parsed, Rejected)
    assert (parsed.index, parsed.event_id, parsed.field) == (3, EVENT_ID, "sourceList[0]")
    assert "'urn:bad'" in parsed.reason and "object" in parsed.reason


# wrong JSON types: (field, value, the field name the rejection must give)
WRONG = [
    *(
        (field, value, f"{field}[1]")
        for field in ("epcList", "childEPCs", "inputEPCList", "outputEPCList", "certificationInfo")
        for value in (["urn:x:1", 5], ["urn:x:1", None], ["urn:x:1", ["urn:x:2"]], ["urn:x:1", {}])
    ),
    *(
        (field, value, f"{field}[1]")
        for field in (
            "quantityList",
            "childQuantityList",
            "inputQuantityList",
            "outputQuantityList",
            "sourceList",
            "destinationList",
            "bizTransactionList",
            "sensorElementList",
        )
        for value in (
            [STANDARD[field][0], "urn:bad"],
            [STANDARD[field][0], 7],
            [STANDARD[field][0], None],
            [STANDARD[field][0], [STANDARD[field][0]]],
        )
    ),
    *(
        (field, value, field)
        for field in (
            "epcList",
            "quantityList",
            "sourceList",
            "bizTransactionList",
            "sensorElementList",
        )
        for value in ("urn:bad", 5, None, {"a": "b"})
    ),
    # certificationInfo is one URI or a list of them
    *(("certificationInfo", value, "certificationInfo") for value in (5, None, {"a": "b"})),
    *(
        (field, value, field)
        for field in (
            "readPoint",
            "bizLocation",
            "ilmd",
            "persistentDisposition",
            "errorDeclaration",
        )
        for value in ("urn:bad", 5, None, [STANDARD[field]])
    ),
    *(
        (field, value, field)
        for field in ("action", "bizStep", "disposition", "parentID", "transformationID")
        for value in (5, None, ["x"], {"id": "urn:x:1"})
    ),
    ("quantityList", [{"epcClass": 5}], "quantityList[0].epcClass"),
    ("quantityList", [{"epcClass": LOT, "quantity": "2"}], "quantityList[0].quantity"),
    ("sourceList", [{"source": PARTY}], "sourceList[0].type"),
    ("sourceList", [{"type": 5, "source": PARTY}], "sourceList[0].type"),
    ("destinationList", [{"type": "location", "destination": 5}], "destinationList[0].destination"),
    ("bizTransactionList", [{"type": "po"}], "bizTransactionList[0].bizTransaction"),
    ("bizTransactionList", [{"bizTransaction": {"x": 1}}], "bizTransactionList[0].bizTransaction"),
    ("readPoint", {"id": ["urn:x:1"]}, "readPoint.id"),
    ("bizLocation", {}, "bizLocation.id"),
    ("sensorElementList", [{"sensorReport": ["x"]}], "sensorElementList[0].sensorReport[0]"),
    ("persistentDisposition", {"set": "active"}, "persistentDisposition.set"),
]


@pytest.mark.parametrize(("field", "value", "named"), WRONG)
def test_a_standard_field_of_the_wrong_shape_is_rejected_naming_it(
    field: str, value: Any, named: str
) -> None:
    parsed = normalise_event(0, _extension_event(**{**STANDARD, field: value}))
    assert isinstance(parsed, Rejected), parsed
    assert parsed.field == named, parsed
    assert parsed.event_id == EVENT_ID and parsed.reason


def test_an_xml_extension_event_is_held_to_the_same_shapes() -> None:
    # the XML converter always builds the standard JSON types (a source is always an
    # object), but an element can still be no value of its field: an empty bizStep was
    # stored as `urn:epcglobal:cbv:bizstep:` and a source without its type attribute as
    # type `urn:epcglobal:cbv:sdt:` before. 2.0 puts extension events in EventList/extension
    def event(fields: str) -> str:
        return (
            "<x:MyEvent><eventTime>2024-01-01T00:00:00Z</eventTime>"
            f"<eventTimeZoneOffset>+00:00</eventTimeZoneOffset>{fields}</x:MyEvent>"
        )

    events = (
        event("<bizStep></bizStep>"),
        event("<sourceList><source>urn:epc:id:pgln:0614141.00003</source></sourceList>"),
        event(
            "<bizStep>shipping</bizStep><sourceList>"
            '<source type="owning_party">urn:epc:id:pgln:0614141.00003</source></sourceList>'
        ),
    )
    body = (
        '<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" xmlns:x="urn:x:" '
        'schemaVersion="2.0" creationDate="2024-01-01T00:00:00Z"><EPCISBody><EventList>'
        f"<extension>{''.join(events)}</extension></EventList></EPCISBody></epcis:EPCISDocument>"
    )
    empty, untyped, good = parse_document(body.encode(), "application/xml").items
    assert isinstance(empty, Rejected) and empty.field == "bizStep", empty
    assert isinstance(untyped, Rejected) and untyped.field == "sourceList[0].type", untyped
    assert isinstance(good, Event), good
    assert good.biz_step == "urn:epcglobal:cbv:bizstep:shipping"
    assert [s.type for s in good.sources] == ["urn:epcglobal:cbv:sdt:owning_party"]


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=8)
    | st.sampled_from(["urn:bad", "shipping", PLACE, PARTY, LOT, "owning_party", "2024-01-01"]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "type",
                    "source",
                    "destination",
                    "bizTransaction",
                    "epcClass",
                    "quantity",
                    "uom",
                    "set",
                    "unset",
                    "sensorReport",
                    "value",
                    "reason",
                    "declarationTime",
                    "x",
                ]
            ),
            inner,
            max_size=3,
        )
    ),
    max_leaves=8,
)
# a value of the field's own shape with arbitrary JSON in it, or arbitrary JSON in its place
FIELD_VALUES = st.sampled_from(sorted(STANDARD)).flatmap(
    lambda field: st.tuples(
        st.just(field),
        JSON
        | st.lists(JSON, max_size=3)
        | st.lists(st.dictionaries(st.sampled_from(sorted(_item_keys(field))), JSON), max_size=3)
        if isinstance(STANDARD[field], list)
        else JSON | st.dictionaries(st.sampled_from(sorted(_item_keys(field))), JSON),
    )
)


def _item_keys(field: str) -> set[str]:
    value = STANDARD[field]
    item = value[0] if isinstance(value, list) else value
    return set(item) | {"x"} if isinstance(item, dict) else {"id", "x"}


@settings(max_examples=400, deadline=None)
@given(changes=st.lists(FIELD_VALUES, min_size=1, max_size=3), with_id=st.booleans())
def test_arbitrary_json_in_standard_fields_is_accepted_or_rejected_by_name(
    changes: list[tuple[str, Any]], with_id: bool
) -> None:
    event = _extension_event(**{**STANDARD, **dict(changes)})
    if not with_id:
        del event["eventID"]  # the event hash reads every field too
    parsed = normalise_event(0, event)  # never raises
    if isinstance(parsed, Rejected):
        assert parsed.reason
        assert any(parsed.field.startswith(field) for field, _ in changes), parsed
    else:
        # an accepted event can be written: its rows are built without error
        build_rows([parsed], None, "org-a", None, "2024-03-01T00:00:00.000Z")


@pytest.mark.parametrize("kind", ["ObjectEvent", "urn:x:MyEvent"])
def test_a_sensor_report_that_is_no_list_is_rejected_on_any_event_type(kind: str) -> None:
    # read before the schema (GS1 URI terms become the schema's words): it raised TypeError
    for value in (True, 5, "x"):
        event = _extension_event(
            type=kind,
            action="OBSERVE",
            epcList=["urn:epc:id:sgtin:0614141.107346.1"],
            sensorElementList=[{"sensorReport": value}],
        )
        parsed = normalise_event(0, event)
        assert isinstance(parsed, Rejected), parsed
        assert parsed.field == "sensorElementList[0].sensorReport", parsed


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(
        ["ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent"]
        + ["AssociationEvent"]
    ),
    changes=st.lists(FIELD_VALUES, min_size=1, max_size=3),
)
def test_arbitrary_json_in_a_known_event_type_never_raises(
    kind: str, changes: list[tuple[str, Any]]
) -> None:
    # the schema pins these types down, but the normaliser reads some fields before it
    # (sensor terms, CBV URNs): any JSON there is accepted or rejected by name, never raises
    parsed = normalise_event(0, _extension_event(type=kind, **dict(changes)))
    if isinstance(parsed, Rejected):
        assert parsed.field and parsed.reason
    else:
        build_rows([parsed], None, "org-a", None, "2024-03-01T00:00:00.000Z")

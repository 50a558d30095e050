"""EPCIS 2.0 JSON-LD parsing: the standard's examples, rejections, normalisation, identity."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from trace_engine.epcis import (
    iter_json_events,
    jsonld,
    normalise_event,
    parse_document,
    parse_json,
    read_json_header,
)
from trace_engine.epcis.hashing import event_hash
from trace_engine.epcis.model import Event, Rejected
from trace_engine.epcis.validation import REFERENCE_SCHEMA_PATH, SCHEMA_PATH
from trace_engine.errors import InvalidDocument

EXAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "gs1-epcis" / "examples"
JSON_EXAMPLES = sorted((EXAMPLES / "JSON").rglob("*.jsonld"))

OBJECT_EVENT: dict[str, Any] = {
    "type": "ObjectEvent",
    "eventTime": "2024-01-02T03:04:05.678+02:00",
    "eventTimeZoneOffset": "+02:00",
    "epcList": ["urn:epc:id:sgtin:0614141.107346.2017"],
    "action": "OBSERVE",
    "bizStep": "receiving",
    "disposition": "in_progress",
    "readPoint": {"id": "urn:epc:id:sgln:0614141.07346.1234"},
}


def event(**changes: Any) -> dict[str, Any]:
    data = {**OBJECT_EVENT, **changes}
    return {k: v for k, v in data.items() if v is not None}


def document(*events: dict[str, Any]) -> bytes:
    return orjson.dumps(
        {
            "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
            "type": "EPCISDocument",
            "schemaVersion": "2.0",
            "creationDate": "2024-01-02T00:00:00Z",
            "epcisBody": {"eventList": list(events)},
        }
    )


def test_packaged_schema_is_the_reference_copy() -> None:
    # CI clones the repo with ../shared beside it; a bare clone elsewhere has no reference
    assert REFERENCE_SCHEMA_PATH.is_file() or "CI" not in os.environ
    if REFERENCE_SCHEMA_PATH.is_file():
        assert SCHEMA_PATH.read_bytes() == REFERENCE_SCHEMA_PATH.read_bytes()


@pytest.mark.parametrize("path", JSON_EXAMPLES, ids=lambda p: p.name)
def test_every_json_example_is_accepted(path: Path) -> None:
    parsed = parse_json(path.read_bytes())
    assert parsed.items
    assert [i for i in parsed.items if isinstance(i, Rejected)] == []
    for item in parsed.items:
        assert isinstance(item, Event)
        assert item.raw["eventID"] == item.event_id
        if not item.hash_id:
            continue  # an eventID was given: the hash is not computed
        assert item.hash_id == item.event_id
        assert item.hash_id.startswith("ni:///sha-256;") and item.hash_id.endswith("?ver=CBV2.0")


def test_query_document_events_are_read() -> None:
    parsed = parse_json((EXAMPLES / "JSON/EPCISQueryDocument.jsonld").read_bytes())
    assert len(parsed.items) == 2


def test_bare_event_and_list_of_events() -> None:
    assert len(parse_json(orjson.dumps(OBJECT_EVENT)).items) == 1
    assert len(parse_json(orjson.dumps([OBJECT_EVENT, OBJECT_EVENT])).items) == 2
    assert len(parse_json([OBJECT_EVENT]).items) == 1


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   ",
        b"not json",
        b"{",
        b'"a string"',
        b'{"type": "Nonsense"}',
        b"{}",
        b'{"type": "EPCISDocument"}',
        b'{"type": "EPCISDocument", "epcisBody": {}}',
    ],
)
def test_unreadable_documents(body: bytes) -> None:
    with pytest.raises(InvalidDocument):
        parse_json(body)


def test_rejections_name_field_and_index_among_valid_events() -> None:
    parsed = parse_json(
        document(
            event(),
            event(eventTime=None, eventID="urn:uuid:1"),
            event(
                quantityList=[
                    {
                        "epcClass": "urn:epc:class:lgtin:0614141.107346.L1",
                        "quantity": "200",
                        "uom": "KGM",
                    }
                ]
            ),
            event(epcList=["urn:epc:id:sgtin:0614141.107346.2017", "urn:epc:id:sgtin:bad"]),
            event(eventTime="yesterday"),
            event(),
        )
    )
    kinds = [type(i).__name__ for i in parsed.items]
    assert kinds == ["Event", "Rejected", "Rejected", "Rejected", "Rejected", "Event"]
    missing, text_quantity, bad_urn, bad_time = parsed.items[1:5]
    assert isinstance(missing, Rejected)
    assert (missing.index, missing.event_id, missing.field) == (1, "urn:uuid:1", "eventTime")
    assert isinstance(text_quantity, Rejected)
    assert (text_quantity.index, text_quantity.field) == (2, "quantityList[0].quantity")
    assert "number" in text_quantity.reason
    assert isinstance(bad_urn, Rejected)
    assert (bad_urn.index, bad_urn.field) == (3, "epcList[1]")
    assert bad_urn.reason
    assert isinstance(bad_time, Rejected)
    assert (bad_time.index, bad_time.field) == (4, "eventTime")


def test_format_errors_name_the_field() -> None:
    parsed = parse_json(
        document(
            event(temperature=5),  # an extension without a prefix
            event(readPoint={"id": "not a uri"}),
            event(eventTime="2024-13-45T99:00:00Z"),
        )
    )
    unprefixed, bad_uri, bad_time = parsed.items
    assert isinstance(unprefixed, Rejected)
    assert unprefixed.field == "temperature"
    assert "prefix:name" in unprefixed.reason
    assert isinstance(bad_uri, Rejected)
    assert bad_uri.field == "readPoint.id"
    assert bad_uri.reason == "must be an absolute URI (scheme:rest)"
    assert isinstance(bad_time, Rejected)
    assert bad_time.field == "eventTime"
    assert bad_time.reason.startswith("'2024-13-45T99:00:00Z': ")


def test_cbv_words_are_expanded() -> None:
    item = normalise_event(
        0,
        event(
            disposition="https://ref.gs1.org/cbv/Disp-in_transit",
            sourceList=[{"type": "owning_party", "source": "urn:epc:id:pgln:0614141.00001"}],
            destinationList=[
                {
                    "type": "urn:epcglobal:cbv:sdt:location",
                    "destination": "urn:epc:id:sgln:0614141.00777.0",
                }
            ],
            bizTransactionList=[
                {"type": "po", "bizTransaction": "urn:epc:id:gdti:0614141.00001.1618034"},
                {"bizTransaction": "http://transaction.example.com/12"},
            ],
        ),
    )
    assert isinstance(item, Event), item
    assert item.biz_step == "urn:epcglobal:cbv:bizstep:receiving"
    assert item.disposition == "urn:epcglobal:cbv:disp:in_transit"
    assert item.sources[0].type == "urn:epcglobal:cbv:sdt:owning_party"
    assert item.destinations[0].type == "urn:epcglobal:cbv:sdt:location"
    assert item.biz_transactions == [
        ("urn:epcglobal:cbv:btt:po", "urn:epc:id:gdti:0614141.00001.1618034"),
        ("", "http://transaction.example.com/12"),
    ]
    assert item.raw["bizStep"] == "receiving"  # raw stays as received


def test_cbv_urns_in_json_are_accepted() -> None:
    item = normalise_event(0, event(bizStep="urn:epcglobal:cbv:bizstep:shipping"))
    assert isinstance(item, Event), item
    assert item.biz_step == "urn:epcglobal:cbv:bizstep:shipping"


def test_times_identity_and_lot_data() -> None:
    item = normalise_event(
        0,
        event(
            action="ADD",
            ilmd={
                "cbvmda:itemExpirationDate": "2024-05-01",
                "urn:epcglobal:cbv:mda:sellByDate": "2024-04-01",
                "cbvmda:lotNumber": "L1",
            },
        ),
    )
    assert isinstance(item, Event), item
    assert item.event_time_utc == "2024-01-02T01:04:05.678Z"
    assert item.event_id == item.hash_id == item.raw["eventID"]
    assert item.lot_data == {"expirationDate": "2024-05-01", "sellByDate": "2024-04-01"}
    assert item.ilmd["cbvmda:lotNumber"] == "L1"
    with_id = normalise_event(0, event(action="ADD", eventID="urn:uuid:x", ilmd=item.ilmd))
    assert isinstance(with_id, Event)
    assert with_id.event_id == "urn:uuid:x"
    assert with_id.hash_id == ""  # only computed when it is the identity
    assert event_hash(with_id.raw) == item.hash_id  # the eventID is not part of the hash


def test_extensions_are_kept_in_raw() -> None:
    sensor = [{"sensorReport": [{"type": "Temperature", "value": 4.5, "uom": "CEL"}]}]
    item = normalise_event(
        0,
        event(
            **{"ext1:note": {"ext1:deep": ["a", "b"]}},
            sensorElementList=sensor,
            certificationInfo="https://cert.example.com/1",
            errorDeclaration={
                "declarationTime": "2024-01-03T00:00:00Z",
                "reason": "incorrect_data",
            },
        ),
        [
            "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
            {"ext1": "http://example.com/ext1/"},
        ],
    )
    assert isinstance(item, Event), item
    for key in ("ext1:note", "sensorElementList", "certificationInfo", "errorDeclaration"):
        assert key in item.raw


def test_full_combination_keeps_everything_in_raw() -> None:
    path = EXAMPLES / "JSON/WithFullCombinationOfFields/object_event_all_possible_fields.jsonld"
    source = orjson.loads(path.read_bytes())["epcisBody"]["eventList"][0]
    item = parse_json(path.read_bytes()).items[0]
    assert isinstance(item, Event)
    assert item.raw == source
    assert item.lot_data == {}
    assert item.ilmd["cbvmda:lotNumber"] == "ABC123"


def test_master_data() -> None:
    body = orjson.loads(document(event()))
    body["epcisHeader"] = {
        "epcisMasterData": {
            "vocabularyList": [
                {
                    "type": "urn:epcglobal:epcis:vtype:BusinessLocation",
                    "vocabularyElementList": [
                        {
                            "id": "urn:epc:id:sgln:0614141.00777.0",
                            "attributes": [
                                {"id": "urn:epcglobal:cbv:mda:name", "attribute": "Farm A"},
                                {"id": "cbvmda:streetAddressOne", "attribute": "1 Road"},
                                {"id": "urn:epcglobal:cbv:mda:city", "attribute": "Town"},
                                {"id": "urn:epcglobal:cbv:mda:countryCode", "attribute": "MX"},
                                {"id": "urn:trace-engine:mda:facilityType", "attribute": "FARM"},
                                {"id": "http://example.com/x", "attribute": "kept"},
                            ],
                        }
                    ],
                },
                {
                    "type": "urn:epcglobal:epcis:vtype:EPCClass",
                    "vocabularyElementList": [
                        {
                            "id": "urn:epc:class:lgtin:0614141.107346.LOT1",
                            "attributes": [
                                {"id": "cbvmda:descriptionShort", "attribute": "Mango"},
                                {"id": "urn:trace-engine:mda:sku", "attribute": "SKU-1"},
                                {"id": "cbvmda:itemExpirationDate", "attribute": "2024-05-01"},
                            ],
                        }
                    ],
                },
            ]
        }
    }
    parsed = parse_json(orjson.dumps(body))
    (facility,) = parsed.facilities
    assert facility.attributes == {
        "name": "Farm A",
        "street": "1 Road",
        "city": "Town",
        "country": "MX",
        "type": "FARM",
        "http://example.com/x": "kept",
    }
    (product,) = parsed.products
    assert product.attributes["name"] == "Mango"
    assert product.attributes["sku"] == "SKU-1"
    assert product.attributes["expirationDate"] == "2024-05-01"
    _, header = read_json_header(io.BytesIO(orjson.dumps(body)))
    assert header.facilities == parsed.facilities


def test_streaming_gives_the_same_events() -> None:
    body = document(event(), event(eventTime=None), event(action="ADD"))
    streamed = [normalise_event(i, e) for i, e in iter_json_events(io.BytesIO(body))]
    assert streamed == parse_json(body).items


def test_parse_document_chooses_by_content_type_or_first_byte() -> None:
    body = document(event())
    assert len(parse_document(body, "application/ld+json; charset=utf-8").items) == 1
    assert len(parse_document(b"  " + body, None).items) == 1
    with pytest.raises(InvalidDocument, match="application/json"):
        parse_document(body, "text/csv")
    with pytest.raises(InvalidDocument):
        parse_document(b"hello", None)


# read_whole_json reads a small document whole with orjson: it must give what read_json_header
# and iter_json_events give, value for value and error for error, on documents made to tell
# the two apart

_PLAIN = [
    "0", "-0", "1", "1.0", "-0.0", "1E2", "1e-7", "5e-324", "0.30000000000000004", "-1e-400",
    "9007199254740993", "-922337203685477580", "0e999999", "true", "null", '""', '"a"',
    '"\u00e9"', '"a\\"b"', '"eventList"', '"epcisBody"',
]  # fmt: skip
# what only one of the two reads, or reads differently
_ODD = [
    "1e309", "9223372036854775807", "9223372036854775808", "18446744073709551615",
    "-9223372036854775808", "-9223372036854775809", "123456789012345678901234567890",
    "1234567890123456789012345.5", '"\\u00e9"', '"\\ud800"', '"\\ud83d\\ude00"', '"\\u0000"',
    "NaN",
]  # fmt: skip
# (sampled_from draws uniformly: the rare choices are few among many)
_SCALARS = st.sampled_from(_PLAIN * 30 + _ODD)
_KEYS = st.sampled_from(
    ["a", "b", "type", "item", "x.y"] * 8
    + ["eventList", "epcisBody", "@context", "epcisHeader", "\\u0061"]
)


def _json_object(pairs: list[tuple[str, str]]) -> str:
    return "{" + ",".join(f'"{key}":{value}' for key, value in pairs) + "}"


_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3).map(lambda items: "[" + ",".join(items) + "]")
        | st.lists(st.tuples(_KEYS, inner), max_size=3).map(_json_object)
    ),
    max_leaves=8,
)
_EVENT_LISTS = st.lists(_VALUES, max_size=4).map(lambda items: "[" + ",".join(items) + "]")
_BODY_KEYS = st.sampled_from(
    ["x", "event"] * 8 + ["eventList", "event\\u004cist", "eventList.item"]
)
_BODIES = st.lists(st.tuples(_BODY_KEYS, _EVENT_LISTS | _VALUES), max_size=3).map(_json_object)
_CONTEXT = '"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"'
_HEADER = (
    '{"epcisMasterData":{"vocabularyList":[{"type":"urn:epcglobal:epcis:vtype:BusinessLocation",'
    '"vocabularyElementList":[{"id":"urn:epc:id:sgln:0614141.00777.0","attributes":'
    '[{"id":"urn:epcglobal:cbv:mda:name","attribute":"Depot"},'
    '{"id":"ex:x","attribute":%s}]}]}]}}'
)
_CONTEXTS = st.tuples(
    st.just("@context"),
    st.sampled_from([_CONTEXT, f"[{_CONTEXT}]", f'[{{"ex":"https://ex.com/"}},{_CONTEXT}]'])
    | _VALUES,
)
_TOP_PAIRS = st.one_of(
    *[st.tuples(st.just("type"), st.just('"EPCISDocument"') | _VALUES)] * 3,
    *[st.tuples(st.just("epcisHeader"), _SCALARS.map(lambda value: _HEADER % value))] * 3,
    *[st.tuples(st.sampled_from(["schemaVersion", "creationDate"]), _VALUES)] * 3,
    st.tuples(
        st.sampled_from(["epcisBody", "epcisBody.eventList", "x.y"]) | st.just("epcis\\u0042ody"),
        _BODIES | _EVENT_LISTS | _VALUES,
    ),
    st.tuples(st.just("epcisHeader"), _VALUES),
    _CONTEXTS,
)


@st.composite
def _documents(draw: st.DrawFn) -> bytes:
    # a document of the common shape, with what may make the two reads differ mixed in
    body = [("eventList", draw(_EVENT_LISTS))]
    body += draw(st.lists(st.tuples(_BODY_KEYS, _EVENT_LISTS | _VALUES), max_size=2))
    top = [("epcisBody", _json_object(draw(st.permutations(body))))]
    top.append(draw(_CONTEXTS))
    top += draw(st.lists(_TOP_PAIRS, max_size=3))
    text = _json_object(draw(st.permutations(top)))
    if draw(st.sampled_from([False] * 19 + [True])):
        text = "[" + text + "]"
    text = draw(st.sampled_from([""] * 12 + [" \n", "\ufeff"])) + text
    text += draw(st.sampled_from([""] * 12 + [" \n", " x", "{}"]))
    data = text.encode()
    if draw(st.sampled_from([False] * 19 + [True])):
        data = data[: draw(st.integers(0, len(data)))]  # truncated
    return data


def _read(events: Any) -> list[Any]:
    got: list[Any] = []
    try:
        got.extend(events)
    except InvalidDocument as exc:
        got.append(f"error: {exc}")
    return got


def _two_passes(data: bytes) -> str:
    try:
        context, master = read_json_header(io.BytesIO(data))
    except InvalidDocument as exc:
        return f"error: {exc}"
    # repr: 1 and 1.0, 0.0 and -0.0 differ
    return repr((context, master, _read(iter_json_events(io.BytesIO(data)))))


def _one_read(data: bytes) -> str | None:
    try:
        whole = jsonld.read_whole_json(data)
    except InvalidDocument as exc:
        return f"error: {exc}"
    if whole is None:
        return None
    context, master, events = whole
    return repr((context, master, _read(events)))


@given(_documents())
@settings(max_examples=2000)
@example(b'{"@context":"x","epcisBody":{"eventList":[1],"eventList":[2.0]}}')
@example(b'{"@context":"x","epcisBody":{"eventList":[1]},"epcisBody":{"eventList":[2]}}')
@example(b'{"@context":"x","epcisBody":{"eventList.item":5},"epcisBody":{"eventList":[1]}}')
@example(b'{"@context":"x","epcisBody":{"eventList":[1]},"epcis\\u0042ody":{"eventList":[2]}}')
@example(b'{"@context":"x","epcisBody":{"eventList":[1]},"epcisBody.eventList":[2]}')
@example(b'{"@context":"x","epcisBody":{"eventList":[1],"eventList.item":5}}')
@example(b'{"@context":"x","epcisBody":{"eventList":{"item":3}}}')
@example(b'[{"@context":"x","epcisBody":{"eventList":[1]}}]')
@example(b'{"@context":"x","type":"EPCISDocument","epcisBody":{"eventList":[1]},"@context":"y"}')
@example(
    b'{"@context":"x","type":"EPCISDocument","epcisHeader":{},"epcisBody":{"eventList":[1]},'
    b'"epcisHeader":{"a":1}}'
)
@example(b'{"epcisBody":{"eventList":[1]},"type":"EPCISDocument"}')
@example(b'{"@context":"x","epcisBody":{"eventList":[1,9223372036854775808]}}')
@example(b'{"epcisBody":{"eventList":[1]},"type":"EPCISDocument","epcisHeader.x":1}')
def test_reading_whole_gives_what_two_passes_give(data: bytes) -> None:
    one = _one_read(data)
    if one is not None:
        assert one == _two_passes(data)


def test_a_document_in_the_common_form_is_read_whole() -> None:
    body = document(event(), event(action="ADD"), event(eventTime="2024-01-02T03:04:05Z"))
    one = _one_read(body)
    assert one is not None and "error" not in one
    assert one == _two_passes(body)
    data = (
        b'{"@context":['
        + _CONTEXT.encode()
        + b'],"type":"EPCISDocument","epcisHeader":'
        + (_HEADER % "1").encode()
        + b',"epcisBody":{"eventList":[{"a":1}]}}'
    )
    one = _one_read(data)
    assert one is not None and "Depot" in one
    assert one == _two_passes(data)

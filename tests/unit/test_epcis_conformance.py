"""Conformance: each kind of valid document other implementations send goes in, each invalid
one is refused with the event index and the field. Every document here is written for the
test; the GS1 examples are covered by test_epcis_xml / test_epcis_json and test_capture."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import orjson
import pytest

from trace_engine.epcis import (
    iter_xml_events,
    normalise_event,
    parse_document,
    parse_json,
    parse_xml,
    read_xml_header,
)
from trace_engine.epcis import xml as xml_module
from trace_engine.epcis.model import Event, Rejected
from trace_engine.epcis.xsd import schema_for
from trace_engine.errors import InvalidDocument, InvalidIdentifier
from trace_engine.identifiers import parse_identifier

ROOT = Path(__file__).resolve().parents[2]
XSD_DIR = ROOT / "trace_engine" / "epcis" / "schema" / "xsd"
EPCIS2 = "urn:epcglobal:epcis:xsd:2"
EPCIS1 = "urn:epcglobal:epcis:xsd:1"

EVENT = """<ObjectEvent>
  <eventTime>{time}</eventTime>
  <eventTimeZoneOffset>+01:00</eventTimeZoneOffset>
  <eventID>urn:uuid:3f1c8f64-5d3c-4b9e-8d1a-000000000001</eventID>
  <epcList><epc>urn:epc:id:sgtin:0614141.107346.2017</epc></epcList>
  <action>OBSERVE</action>
  <bizStep>urn:epcglobal:cbv:bizstep:shipping</bizStep>
  <readPoint><id>urn:epc:id:sgln:0614141.00777.0</id></readPoint>
</ObjectEvent>"""


def _document(events: str, namespace: str = EPCIS2, version: str = "2.0") -> bytes:
    return (
        f'<epcis:EPCISDocument xmlns:epcis="{namespace}" schemaVersion="{version}" '
        'creationDate="2024-03-01T00:00:00Z"><EPCISBody><EventList>'
        f"{events}</EventList></EPCISBody></epcis:EPCISDocument>"
    ).encode()


def _as_12(event: str) -> str:
    """EVENT in EPCIS 1.2 form: the eventID inside <baseExtension>, after the offset."""
    event_id = "<eventID>urn:uuid:3f1c8f64-5d3c-4b9e-8d1a-000000000001</eventID>"
    return event.replace(event_id, f"<baseExtension>{event_id}</baseExtension>")


def _only_event(body: bytes, content_type: str = "application/xml") -> Event:
    (item,) = parse_document(body, content_type).items
    assert isinstance(item, Event), item
    return item


def _only_rejection(body: bytes, content_type: str = "application/xml") -> Rejected:
    items = parse_document(body, content_type).items
    rejected = [item for item in items if isinstance(item, Rejected)]
    assert len(rejected) == 1, items
    return rejected[0]


def _facts(event: Event) -> tuple[Any, ...]:
    return (
        event.event_id,
        event.event_type,
        event.event_time_utc,
        event.action,
        event.biz_step,
        [i.key for i in event.epcs],
        event.read_point.key if event.read_point else None,
    )


PLAIN = _document(EVENT.format(time="2024-03-01T10:00:00.000+01:00"))


# --- the XML schemas ---------------------------------------------------------------------


def test_vendored_xsds_are_gs1s_unchanged() -> None:
    reference = ROOT.parent / "shared" / "reference" / "epcis"
    pairs = [(XSD_DIR / "2.0", reference / "XSD"), (XSD_DIR / "1.2", reference / "XSL/1.2/XSD")]
    for vendored, original in pairs:
        names = sorted(p.name for p in vendored.glob("*.xsd"))
        assert len(names) == 10
        if original.is_dir():  # beside the clone on developer machines and in CI
            assert names == sorted(p.name for p in original.glob("*.xsd"))
            for name in names:
                assert (vendored / name).read_bytes() == (original / name).read_bytes(), name
    assert "GS1" in (XSD_DIR / "LICENSE").read_text()


def test_each_schema_is_compiled_once() -> None:
    assert schema_for("2.0") is schema_for("2.0")
    assert schema_for("1.2") is schema_for("1.2")
    assert schema_for("2.0") is not schema_for("1.2")


# --- namespaces by URI, never by prefix -----------------------------------------------------


def _prefixed(prefix: str) -> bytes:
    """Every standard element written with `prefix:` bound to the EPCIS 2.0 namespace."""
    event = EVENT.format(time="2024-03-01T10:00:00.000+01:00")
    for name in ("ObjectEvent", "eventTime", "eventTimeZoneOffset", "eventID", "epcList",
                 "epc", "action", "bizStep", "readPoint", "id"):  # fmt: skip
        event = event.replace(f"<{name}>", f"<{prefix}:{name}>").replace(
            f"</{name}>", f"</{prefix}:{name}>"
        )
    return (
        f'<{prefix}:EPCISDocument xmlns:{prefix}="{EPCIS2}" schemaVersion="2.0" '
        f'creationDate="2024-03-01T00:00:00Z"><{prefix}:EPCISBody><{prefix}:EventList>{event}'
        f"</{prefix}:EventList></{prefix}:EPCISBody></{prefix}:EPCISDocument>"
    ).encode()


@pytest.mark.parametrize(
    "body",
    [
        _prefixed("epcis"),
        _prefixed("e2"),
        # the EPCIS namespace as the default namespace of the whole document
        PLAIN.replace(b'epcis:EPCISDocument xmlns:epcis="', b'EPCISDocument xmlns="').replace(
            b"</epcis:EPCISDocument>", b"</EPCISDocument>"
        ),
        # ... or declared again on an inner element
        _document(
            EVENT.format(time="2024-03-01T10:00:00.000+01:00").replace(
                "<ObjectEvent>", f'<ObjectEvent xmlns="{EPCIS2}">', 1
            )
        ),
        # the root with another prefix and an extension in a namespace called "epcis"
        _document(EVENT.format(time="2024-03-01T10:00:00.000+01:00"))
        .replace(b"xmlns:epcis=", b"xmlns:x=")
        .replace(b"epcis:EPCISDocument", b"x:EPCISDocument"),
    ],
    ids=["epcis-prefix", "other-prefix", "default-namespace", "inner-declaration", "root-prefix"],
)
def test_any_prefix_or_default_namespace_means_the_same(body: bytes) -> None:
    assert _facts(_only_event(body)) == _facts(_only_event(PLAIN))


def test_a_user_extension_in_a_namespace_is_kept_whatever_its_prefix() -> None:
    event = EVENT.format(time="2024-03-01T10:00:00.000+01:00").replace(
        "</ObjectEvent>",
        '<acme:lane xmlns:acme="https://acme.example/ns">B4</acme:lane></ObjectEvent>',
    )
    item = _only_event(_document(event))
    assert item.raw["acme:lane"] == "B4"


# --- EPCIS 1.2: CBV master data in ILMD ---------------------------------------------------


@pytest.mark.parametrize("prefix", ["cbvmda", "mda"])
def test_epcis12_cbv_master_data_in_ilmd_maps_to_the_20_json_ld_form(prefix: str) -> None:
    event = f"""<ObjectEvent>
      <eventTime>2024-03-01T10:00:00Z</eventTime>
      <eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
      <epcList/>
      <action>ADD</action>
      <bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep>
      <extension>
        <quantityList><quantityElement>
          <epcClass>urn:epc:class:lgtin:0614141.107346.LOT9</epcClass>
          <quantity>10</quantity><uom>KGM</uom>
        </quantityElement></quantityList>
        <ilmd xmlns:{prefix}="urn:epcglobal:cbv:mda">
          <{prefix}:itemExpirationDate>2024-06-01</{prefix}:itemExpirationDate>
          <{prefix}:countryOfOrigin>FR</{prefix}:countryOfOrigin>
        </ilmd>
      </extension>
    </ObjectEvent>"""
    parsed = parse_xml(_document(event, EPCIS1, "1.2"))
    (item,) = parsed.items
    assert isinstance(item, Event), item
    # `cbvmda:` is the EPCIS 2.0 context's own (protected) prefix for urn:epcglobal:cbv:mda:
    assert item.raw["ilmd"] == {
        "cbvmda:itemExpirationDate": "2024-06-01",
        "cbvmda:countryOfOrigin": "FR",
    }
    assert item.lot_data == {"expirationDate": "2024-06-01"}


# --- times -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("time", "utc"),
    [
        ("2024-03-01T10:00:00+01:00", "2024-03-01T09:00:00.000Z"),
        ("2024-03-01T10:00:00Z", "2024-03-01T10:00:00.000Z"),
        ("2024-03-01T10:00:00-00:00", "2024-03-01T10:00:00.000Z"),
        ("2024-03-01T10:00:00.5+01:00", "2024-03-01T09:00:00.500Z"),
        ("2024-03-01T10:00:00.123456789+01:00", "2024-03-01T09:00:00.123Z"),
        ("2024-12-31T23:59:59.999999999-14:00", "2025-01-01T13:59:59.999Z"),
    ],
)
def test_every_date_time_the_20_schema_accepts(time: str, utc: str) -> None:
    item = _only_event(_document(EVENT.format(time=time)))
    assert item.event_time_utc == utc
    assert item.raw["eventTime"] == time  # nanoseconds and all, as sent


@pytest.mark.parametrize(
    ("time", "utc"),
    [
        # no offset: xsd:dateTime allows it; read in the event's eventTimeZoneOffset (+01:00)
        ("2024-03-01T10:00:00", "2024-03-01T09:00:00.000Z"),
        ("2024-03-01T10:00:00.25", "2024-03-01T09:00:00.250Z"),
        # 24:00:00 is the end of the day, the next day's midnight
        ("2024-02-29T24:00:00Z", "2024-03-01T00:00:00.000Z"),
        ("2024-03-01T10:00:00.000000001Z", "2024-03-01T10:00:00.000Z"),
    ],
)
def test_every_date_time_the_12_schema_accepts(time: str, utc: str) -> None:
    item = _only_event(_document(_as_12(EVENT.format(time=time)), EPCIS1, "1.2"))
    assert item.event_time_utc == utc


@pytest.mark.parametrize(
    ("time", "says"),
    [
        ("2024-03-01T10:00:00", "time zone offset"),  # the 2.0 schema requires the offset
        ("2024-03-01T24:00:00Z", "does not have the form"),
        ("2024-13-01T10:00:00Z", "not a valid value of the atomic type 'DateTimeStamp'"),
        ("2024-03-01T10:00:00.+01:00", "not a valid value"),
        ("yesterday", "not a valid value of the atomic type 'DateTimeStamp'"),
    ],
)
def test_a_date_time_the_20_schema_refuses_names_the_event_and_field(time: str, says: str) -> None:
    rejected = _only_rejection(_document(EVENT.format(time=time)))
    assert (rejected.index, rejected.field) == (0, "eventTime")
    assert says in rejected.reason
    assert rejected.event_id == "urn:uuid:3f1c8f64-5d3c-4b9e-8d1a-000000000001"


@pytest.mark.parametrize(
    "time", ["12024-03-01T10:00:00Z", "0001-01-01T00:00:00+14:00", "-0044-03-15T12:00:00Z"]
)
def test_a_time_outside_the_stored_range_is_refused_with_its_reason(time: str) -> None:
    # the 1.2 schema's xsd:dateTime accepts these years; the graph stores 0001-9999 (in UTC)
    rejected = _only_rejection(_document(_as_12(EVENT.format(time=time)), EPCIS1, "1.2"))
    assert rejected.field == "eventTime"
    assert "0001-9999" in rejected.reason


def _json_document(*events: dict[str, Any], context: Any = ...) -> bytes:
    document: dict[str, Any] = {
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-03-01T00:00:00Z",
        "epcisBody": {"eventList": list(events)},
    }
    if context is not ...:
        document["@context"] = context
    return orjson.dumps(document)


CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]


def _json_event(**changes: Any) -> dict[str, Any]:
    event = {
        "type": "ObjectEvent",
        "eventTime": "2024-03-01T10:00:00.000+01:00",
        "eventTimeZoneOffset": "+01:00",
        "epcList": ["urn:epc:id:sgtin:0614141.107346.2017"],
        "action": "OBSERVE",
    }
    return event | changes


@pytest.mark.parametrize(
    ("time", "utc"),
    [
        ("2024-03-01T10:00:00.123456789+01:00", "2024-03-01T09:00:00.123Z"),
        ("2024-03-01t10:00:00z", "2024-03-01T10:00:00.000Z"),  # RFC 3339 allows lower case
    ],
)
def test_json_times_with_nanoseconds_and_rfc_3339_forms(time: str, utc: str) -> None:
    body = _json_document(_json_event(eventTime=time), context=CONTEXT)
    assert _only_event(body, "application/ld+json").event_time_utc == utc


# --- sensor report types -------------------------------------------------------------------


def _sensor_json(report: dict[str, Any]) -> bytes:
    event = _json_event(sensorElementList=[{"sensorReport": [report]}])
    return _json_document(event, context=[*CONTEXT, {"acme": "https://acme.example/voc/"}])


@pytest.mark.parametrize(
    "report",
    [
        {"type": "Temperature", "value": 4.5, "uom": "CEL"},
        {"type": "acme:Brix", "value": 12.5},  # another vocabulary's term as a CURIE
        {"type": "https://acme.example/voc/Brix", "value": 12.5},
        {"type": "gs1:EffectiveDoseRate", "value": 1},  # a GS1 term the schema's list lacks
        {"type": "https://gs1.org/voc/Temperature", "value": 4},  # a GS1 term as its IRI
        {"exception": "ALARM_CONDITION"},  # no type: optional in the standard
    ],
    ids=["gs1-word", "curie", "uri", "gs1-curie", "gs1-iri", "no-type"],
)
def test_json_sensor_report_types_the_standard_allows(report: dict[str, Any]) -> None:
    item = _only_event(_sensor_json(report), "application/ld+json")
    assert item.raw["sensorElementList"][0]["sensorReport"][0] == report


def test_a_bare_word_outside_the_gs1_vocabulary_is_refused_with_a_hint() -> None:
    rejected = _only_rejection(_sensor_json({"type": "Brix", "value": 12.5}), "application/json")
    assert rejected.field == "sensorElementList[0].sensorReport[0].type"
    assert "not a term of the GS1 vocabulary" in rejected.reason
    assert "CURIE" in rejected.reason


def _sensor_xml(attributes: str) -> bytes:
    event = EVENT.format(time="2024-03-01T10:00:00.000+01:00").replace(
        "</ObjectEvent>",
        "<sensorElementList><sensorElement><sensorReport "
        f"{attributes}/></sensorElement></sensorElementList></ObjectEvent>",
    )
    return _document(event)


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        ('type="gs1:Temperature" value="4.5"', {"type": "Temperature", "value": 4.5}),
        (
            'type="https://gs1.org/voc/Temperature" value="4"',
            {"type": "Temperature", "value": 4},
        ),
        ('type="urn:acme:voc:brix" value="12"', {"type": "urn:acme:voc:brix", "value": 12}),
        ('exception="gs1:ALARM_CONDITION"', {"exception": "ALARM_CONDITION"}),
    ],
)
def test_xml_sensor_report_types(attributes: str, expected: dict[str, Any]) -> None:
    item = _only_event(_sensor_xml(attributes))
    assert item.raw["sensorElementList"][0]["sensorReport"][0] == expected


def test_a_bare_vendor_word_in_xml_is_refused_as_in_json() -> None:
    rejected = _only_rejection(_sensor_xml('type="Brix" value="1"'))
    assert rejected.field == "sensorElementList[0].sensorReport[0].type"


# --- identifiers ---------------------------------------------------------------------------

# EPC Pure Identity Pattern URIs, one per scheme and pattern form of the Tag Data Standard
# (section 8), many of which epcpy refuses
PATTERNS = [
    "urn:epc:idpat:sgtin:0614141.107346.*",
    "urn:epc:idpat:sgtin:0614141.*.*",
    "urn:epc:idpat:sgtin:*.*.*",
    "urn:epc:idpat:sscc:0614141.*",
    "urn:epc:idpat:sscc:*.*",
    "urn:epc:idpat:sgln:0614141.12345.*",
    "urn:epc:idpat:sgln:0614141.*.*",
    "urn:epc:idpat:grai:0614141.12345.*",
    "urn:epc:idpat:giai:0614141.*",
    "urn:epc:idpat:gsrn:0614141.*",
    "urn:epc:idpat:gsrnp:0614141.*",
    "urn:epc:idpat:gdti:0614141.12345.*",
    "urn:epc:idpat:cpi:0614141.123ABC.*",
    "urn:epc:idpat:sgcn:4012345.67890.*",
    "urn:epc:idpat:ginc:0614141.*",
    "urn:epc:idpat:gsin:0614141.*",
    "urn:epc:idpat:itip:4012345.012345.01.02.*",
    "urn:epc:idpat:upui:1234567.089456.*",
    "urn:epc:idpat:pgln:1234567.*",
    "urn:epc:idpat:gid:95100000.12345.*",
    "urn:epc:idpat:usdod:CAGE1.*",
    "urn:epc:idpat:adi:W81X9C.*.*",
    "urn:epc:idpat:bic:*",
    "urn:epc:idpat:imovn:*",
]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_every_pattern_form_of_the_tag_data_standard_is_accepted(pattern: str) -> None:
    identifier = parse_identifier(pattern)
    assert identifier.scheme.startswith("epc-idpat-")


def test_a_pattern_naming_every_part_is_that_epc() -> None:
    exact = parse_identifier("urn:epc:idpat:sgtin:0614141.107346.2017")
    assert exact.key == parse_identifier("urn:epc:id:sgtin:0614141.107346.2017").key
    assert exact.kind == "instance"


@pytest.mark.parametrize(
    ("pattern", "says"),
    [
        ("urn:epc:idpat:sgtin:0614141.*.2017", "last parts"),
        ("urn:epc:idpat:sgln:*.12345.*", "last parts"),
        ("urn:epc:idpat:sgtin:0614141.107346", "3 dot-separated parts"),
        ("urn:epc:idpat:sgtin:061414.107346.*", "13 digits"),
        ("urn:epc:idpat:sscc:06141.*", "6 to 12 digits"),
    ],
)
def test_malformed_patterns_are_refused_with_the_reason(pattern: str, says: str) -> None:
    with pytest.raises(InvalidIdentifier, match=says):
        parse_identifier(pattern)


def _with_check_digit(body: str, wrong: bool) -> str:
    from biip.checksums import gs1_standard_check_digit

    digit = gs1_standard_check_digit(body)
    return body + str((digit + 1) % 10 if wrong else digit)


# every GS1 key with a check digit that can begin a Digital Link: (AI, digits before the
# check digit, what follows it)
CHECKED_KEYS = [
    ("01", "1061414112345", ""),
    ("00", "10614141234567890", ""),
    ("414", "061414112345", ""),
    ("415", "061414112345", ""),
    ("417", "061414112345", ""),
    ("8003", "0061414112345", "400"),
    ("8006", "0401234512345", "0102"),
    ("253", "061414112345", "ABC"),
    ("255", "401234567890", "12"),
    ("402", "0614141123456789", ""),
    ("8017", "06141411234567890", ""),
    ("8018", "06141411234567890", ""),
]


@pytest.mark.parametrize(("ai", "body", "tail"), CHECKED_KEYS, ids=[k[0] for k in CHECKED_KEYS])
@pytest.mark.parametrize("domain", ["https://id.gs1.org", "https://dl.acme.example/x"])
def test_a_wrong_check_digit_is_refused_for_every_key_type(
    ai: str, body: str, tail: str, domain: str
) -> None:
    good = f"{domain}/{ai}/{_with_check_digit(body, False)}{tail}"
    assert parse_identifier(good).key.startswith(f"{ai}/")
    bad = f"{domain}/{ai}/{_with_check_digit(body, True)}{tail}"
    with pytest.raises(InvalidIdentifier, match="check digit"):
        parse_identifier(bad)


def test_a_wrong_check_digit_in_an_event_names_the_field() -> None:
    link = "https://id.gs1.org/01/10614141123450/21/7"  # the GTIN's check digit is 9
    body = _json_document(_json_event(epcList=[link]), context=CONTEXT)
    rejected = _only_rejection(body, "application/ld+json")
    assert rejected.field == "epcList[0]"
    assert "check digit 0 does not match 9" in rejected.reason


# --- a single event ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        EVENT.format(time="2024-03-01T10:00:00.000+01:00").encode(),
        EVENT.format(time="2024-03-01T10:00:00.000+01:00")
        .replace("<ObjectEvent>", f'<e:ObjectEvent xmlns:e="{EPCIS2}">')
        .replace("</ObjectEvent>", "</e:ObjectEvent>")
        .encode(),
    ],
    ids=["unqualified", "qualified"],
)
def test_a_bare_xml_event_is_one_event(body: bytes) -> None:
    assert _facts(_only_event(body)) == _facts(_only_event(PLAIN))


def test_a_bare_12_xml_event_is_read_as_12() -> None:
    # 1.2 only: the eventID in baseExtension and an eventTime without offset
    event = _as_12(EVENT.format(time="2024-03-01T10:00:00"))
    assert _facts(_only_event(event.encode())) == _facts(_only_event(PLAIN))


def test_a_bare_invalid_xml_event_is_refused_naming_the_field() -> None:
    body = EVENT.format(time="2024-03-01T10:00:00Z").replace("<action>OBSERVE</action>", "")
    rejected = _only_rejection(body.encode())
    assert rejected.index == 0 and "action" in rejected.reason


def test_a_bare_json_event_needs_no_context() -> None:
    assert _only_event(orjson.dumps(_json_event()), "application/json").event_type == "ObjectEvent"


# --- invalid documents that used to get in -------------------------------------------------


def test_a_json_ld_document_without_context_is_refused() -> None:
    with pytest.raises(InvalidDocument, match="@context: is required"):
        parse_json(_json_document(_json_event()))


@pytest.mark.parametrize(
    "context",
    [["https://example.com/my-context.jsonld"], {"ex": "https://example.com/"}, [], "epcis"],
)
def test_a_context_that_does_not_name_epcis_is_refused(context: Any) -> None:
    with pytest.raises(InvalidDocument, match="does not name the EPCIS 2.0 context"):
        parse_json(_json_document(_json_event(), context=context))


@pytest.mark.parametrize(
    "context",
    [
        "https://ref.gs1.org/standards/epcis/epcis-context.jsonld",
        ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"x": "urn:x:"}],
        ["https://gs1.github.io/EPCIS/epcis-context.jsonld"],
    ],
)
def test_each_published_address_of_the_epcis_context_is_accepted(context: Any) -> None:
    assert parse_json(_json_document(_json_event(), context=context)).items


def test_xml_elements_out_of_the_schemas_order_are_refused_naming_the_event() -> None:
    good = EVENT.format(time="2024-03-01T10:00:00Z")
    swapped = good.replace("<action>OBSERVE</action>", "").replace(
        "<epcList>", "<action>OBSERVE</action><epcList>"
    )
    parsed = parse_xml(_document(good + swapped + good.replace("0001<", "0003<")))
    assert [type(item).__name__ for item in parsed.items] == ["Event", "Rejected", "Event"]
    rejected = parsed.items[1]
    assert isinstance(rejected, Rejected)
    assert (rejected.index, rejected.field) == (1, "epcList")
    assert "not expected" in rejected.reason


def test_an_unknown_element_in_the_epcis_namespace_is_refused() -> None:
    event = EVENT.format(time="2024-03-01T10:00:00Z").replace(
        "<action>", f'<e:colour xmlns:e="{EPCIS2}">red</e:colour><action>'
    )
    rejected = _only_rejection(_document(event))
    assert rejected.field == "colour"


def test_a_schema_error_outside_the_events_refuses_the_document() -> None:
    body = PLAIN.replace(b' creationDate="2024-03-01T00:00:00Z"', b"")
    with pytest.raises(InvalidDocument, match="creationDate"):
        parse_xml(body)


# --- DOCTYPE -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE epcis:EPCISDocument [<!ENTITY lot "LOT1">]>',
        '<!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>',
        '<!DOCTYPE x SYSTEM "file:///etc/passwd">',
        '<!DOCTYPE x PUBLIC "-//ACME//EPCIS" "http://acme.example/epcis.dtd">',
        '<!DOCTYPE x [<!ATTLIST EPCISBody hidden CDATA "1">]>',
    ],
    ids=["entity", "billion-laughs", "system", "public", "attlist"],
)
def test_a_doctype_that_declares_anything_is_refused(doctype: str) -> None:
    body = b'<?xml version="1.0"?>' + doctype.encode() + PLAIN
    with pytest.raises(InvalidDocument, match="DOCTYPE"):
        parse_document(body, "application/xml")


def test_a_bare_doctype_declares_nothing_and_is_accepted() -> None:
    # GS1's own examples (WithEventHashID, WithFullCombinationOfFields) carry one
    body = b'<?xml version="1.0"?><!DOCTYPE project>' + PLAIN
    assert _facts(_only_event(body)) == _facts(_only_event(PLAIN))


# --- streaming (the bulk loader) checks what a whole-document capture checks ---------------

GS1_XML = sorted(
    p
    for p in (ROOT / "tests/fixtures/gs1-epcis/examples/XML").rglob("*.xml")
    if "CaptureJob" not in p.parts
)


def _streamed(body: bytes) -> list[Event | Rejected]:
    namespaces: dict[str, str] = {}
    return _comparable(
        [
            item if isinstance(item, Rejected) else normalise_event(index, item, [namespaces])
            for index, item in iter_xml_events(io.BytesIO(body), namespaces)
        ]
    )


def _whole(body: bytes) -> list[Event | Rejected]:
    return _comparable(parse_xml(body).items)


def _comparable(items: list[Event | Rejected]) -> list[Event | Rejected]:
    # a stream knows the extension namespaces met so far, a whole document all of them: the
    # event's own are in both, and its raw form, identity and hash are the same
    for item in items:
        if isinstance(item, Event):
            used = {key.partition(":")[0] for key in item.raw}
            item.namespaces = {p: uri for p, uri in item.namespaces.items() if p in used}
    return items


@pytest.mark.parametrize("path", GS1_XML, ids=lambda p: p.name)
def test_streaming_gives_what_a_whole_document_gives(path: Path) -> None:
    body = path.read_bytes()
    assert _streamed(body) == _whole(body)


@pytest.mark.parametrize(
    "body",
    [
        _prefixed("p"),
        _document(
            EVENT.format(time="2024-03-01T10:00:00Z")
            + EVENT.format(time="2024-03-01T10:00:00Z").replace("<action>OBSERVE</action>", "")
            + EVENT.format(time="2024-03-01T10:00:00")
        ),
        _document(_as_12(EVENT.format(time="2024-03-01T24:00:00")), EPCIS1, "1.2"),
        (ROOT / "tests/fixtures/epcis12/epcis12_document.xml").read_bytes(),
    ],
    ids=["prefixed", "two-invalid-events", "epcis-1.2", "epcis-1.2-transformation"],
)
def test_streaming_refuses_and_converts_like_a_whole_document(body: bytes) -> None:
    streamed = _streamed(body)
    assert streamed == _whole(body)
    assert streamed


def test_streaming_in_small_batches_keeps_each_refusal_with_its_event(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(xml_module._StreamBatch, "SIZE", 2)
    good = EVENT.format(time="2024-03-01T10:00:00Z")
    bad = good.replace("<action>OBSERVE</action>", "")
    body = _document(good + bad + good + good + bad)
    streamed = _streamed(body)
    assert [type(item).__name__ for item in streamed] == [
        "Event", "Rejected", "Event", "Event", "Rejected"
    ]  # fmt: skip
    assert streamed == _whole(body)


def test_streaming_refuses_a_doctype_that_declares_entities() -> None:
    body = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "1">]>' + PLAIN
    with pytest.raises(InvalidDocument, match="DOCTYPE"):
        _streamed(body)
    with pytest.raises(InvalidDocument, match="DOCTYPE"):
        read_xml_header(io.BytesIO(body))

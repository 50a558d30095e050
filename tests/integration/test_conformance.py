"""Conformance over HTTP against the real server: each kind of valid document other EPCIS
implementations send is stored, each invalid one is refused with a 400 naming the event and
the field, and a refused document leaves the graph exactly as it was (node and relationship
counts). Every document here is written for the test."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx
import orjson
import pytest

Counts = Callable[[], tuple[int, int]]

EPCIS2 = "urn:epcglobal:epcis:xsd:2"
EPCIS1 = "urn:epcglobal:epcis:xsd:1"
CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]
XML = "application/xml"
JSONLD = "application/ld+json"


def _uuid(n: int) -> str:
    return f"urn:uuid:9a0c0d3e-19aa-4c19-8000-{n:012d}"


def _xml_event(n: int, time: str = "2024-03-01T10:00:00.000+01:00", *, p: str = "") -> str:
    """An ObjectEvent; `p` is a prefix written on every standard element ("epcis:")."""
    return (
        f"<{p}ObjectEvent><{p}eventTime>{time}</{p}eventTime>"
        f"<{p}eventTimeZoneOffset>+01:00</{p}eventTimeZoneOffset>"
        f"<{p}eventID>{_uuid(n)}</{p}eventID>"
        f"<{p}epcList><{p}epc>urn:epc:id:sgtin:4012345.011111.{n}</{p}epc></{p}epcList>"
        f"<{p}action>OBSERVE</{p}action>"
        f"<{p}bizStep>urn:epcglobal:cbv:bizstep:receiving</{p}bizStep>"
        f"<{p}bizLocation><{p}id>urn:epc:id:sgln:4012345.00001.0</{p}id></{p}bizLocation>"
        f"</{p}ObjectEvent>"
    )


def _xml_document(events: str, namespace: str = EPCIS2, *, p: str = "") -> bytes:
    version = "2.0" if namespace == EPCIS2 else "1.2"
    return (
        f'<epcis:EPCISDocument xmlns:epcis="{namespace}" schemaVersion="{version}" '
        f'creationDate="2024-03-01T00:00:00Z"><{p}EPCISBody><{p}EventList>{events}'
        f"</{p}EventList></{p}EPCISBody></epcis:EPCISDocument>"
    ).encode()


def _json_event(n: int, **changes: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "ObjectEvent",
        "eventID": _uuid(n),
        "eventTime": "2024-03-01T10:00:00.000+01:00",
        "eventTimeZoneOffset": "+01:00",
        "epcList": [f"urn:epc:id:sgtin:4012345.011111.{n}"],
        "action": "OBSERVE",
        "bizStep": "receiving",
        "bizLocation": {"id": "urn:epc:id:sgln:4012345.00001.0"},
    }
    return event | changes


def _json_document(*events: dict[str, Any], context: Any = CONTEXT) -> bytes:
    document: dict[str, Any] = {
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-03-01T00:00:00Z",
        "epcisBody": {"eventList": list(events)},
    }
    if context is not None:
        document["@context"] = context
    return orjson.dumps(document)


async def _capture(client: httpx.AsyncClient, body: bytes, content_type: str) -> httpx.Response:
    return await client.post(
        "/epcis/capture",
        content=body,
        headers={"Content-Type": content_type, "GS1-Capture-Error-Behaviour": "rollback"},
    )


async def _stored(client: httpx.AsyncClient, body: bytes, content_type: str) -> dict[str, Any]:
    response = await _capture(client, body, content_type)
    assert response.status_code == 202, response.text
    job = (await client.get(response.headers["Location"])).json()
    assert job["success"] is True and job["running"] is False, job
    return dict(job)


async def _event(client: httpx.AsyncClient, n: int) -> dict[str, Any]:
    """The stored event as captured (identifiers as sent: no EPC format translation)."""
    response = await client.get(
        f"/epcis/events/{quote(_uuid(n), safe='')}",
        headers={"GS1-EPC-Format": "Never_Translates"},
    )
    assert response.status_code == 200, response.text
    (event,) = response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    return dict(event)


# --- valid: each kind goes in --------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        _xml_document(_xml_event(1, p="epcis:"), p="epcis:"),
        _xml_document(_xml_event(1)).replace(
            b"<EPCISBody>", b'<EPCISBody xmlns="' + EPCIS2.encode() + b'">'
        ),
        _xml_document(_xml_event(1).replace("<ObjectEvent>", f'<ObjectEvent xmlns="{EPCIS2}">')),
    ],
    ids=["every-element-prefixed", "namespace-on-the-body", "namespace-on-the-event"],
)
async def test_xml_with_the_epcis_namespace_anywhere_is_stored(
    client: httpx.AsyncClient, body: bytes
) -> None:
    await _stored(client, body, XML)
    stored = await _event(client, 1)
    assert stored["bizStep"] == "receiving"
    assert stored["epcList"] == ["urn:epc:id:sgtin:4012345.011111.1"]


async def test_epcis12_cbv_master_data_in_ilmd_is_stored_in_its_20_form(
    client: httpx.AsyncClient, driver: Any
) -> None:
    event = f"""<ObjectEvent>
      <eventTime>2024-03-01T10:00:00</eventTime><eventTimeZoneOffset>+01:00</eventTimeZoneOffset>
      <baseExtension><eventID>{_uuid(2)}</eventID></baseExtension>
      <epcList/><action>ADD</action>
      <bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep>
      <extension>
        <quantityList><quantityElement>
          <epcClass>urn:epc:class:lgtin:4012345.011111.L7</epcClass><quantity>5</quantity>
        </quantityElement></quantityList>
        <ilmd xmlns:m="urn:epcglobal:cbv:mda">
          <m:itemExpirationDate>2024-09-01</m:itemExpirationDate>
          <m:countryOfOrigin>ES</m:countryOfOrigin>
        </ilmd>
      </extension>
    </ObjectEvent>"""
    await _stored(client, _xml_document(event, EPCIS1), XML)
    stored = await _event(client, 2)
    assert stored["ilmd"] == {
        "cbvmda:itemExpirationDate": "2024-09-01",
        "cbvmda:countryOfOrigin": "ES",
    }
    # a 1.2 time without offset is read in the event's offset and stored in its 2.0 form
    assert stored["eventTime"] == "2024-03-01T10:00:00+01:00"
    # the capturing org's statement about the lot
    records, _, _ = driver.execute_query(
        "MATCH (:ProductInstance {id: '01/04012345111118/10/L7'})<-[:DESCRIBES]-(d:LotData) "
        "RETURN d.expirationDate AS d"
    )
    assert [r["d"] for r in records] == ["2024-09-01"]


async def test_times_with_nanoseconds_keep_them_and_order_by_the_instant(
    client: httpx.AsyncClient, driver: Any
) -> None:
    body = _xml_document(
        _xml_event(3, "2024-03-01T10:00:00.123456789+01:00") + _xml_event(4, "2024-03-01T09:00:00Z")
    )
    await _stored(client, body, XML)
    assert (await _event(client, 3))["eventTime"] == "2024-03-01T10:00:00.123456789+01:00"
    records, _, _ = driver.execute_query(
        "MATCH (e:Event) WHERE e.eventID IN $ids RETURN e.eventID AS id ORDER BY e.eventTime",
        ids=[_uuid(3), _uuid(4)],
    )
    # event 3 is 09:00:00.123 UTC, 123 ms after event 4
    assert [r["id"] for r in records] == [_uuid(4), _uuid(3)]


async def test_sensor_reports_with_vendor_curies_and_without_type_are_stored(
    client: httpx.AsyncClient,
) -> None:
    event = _json_event(
        5,
        sensorElementList=[
            {
                "sensorReport": [
                    {"type": "acme:Brix", "value": 12.5},
                    {"type": "Temperature", "value": 4.1, "uom": "CEL"},
                    {"exception": "ALARM_CONDITION"},
                ]
            }
        ],
    )
    body = _json_document(event, context=[*CONTEXT, {"acme": "https://acme.example/voc/"}])
    await _stored(client, body, JSONLD)
    reports = (await _event(client, 5))["sensorElementList"][0]["sensorReport"]
    assert [r.get("type") for r in reports] == ["acme:Brix", "Temperature", None]


async def test_epc_patterns_the_tag_data_standard_allows_are_stored(
    client: httpx.AsyncClient,
) -> None:
    event = _json_event(
        6,
        quantityList=[
            {"epcClass": "urn:epc:idpat:sgtin:4012345.011111.*", "quantity": 3},
            {"epcClass": "urn:epc:idpat:sgtin:4012345.*.*", "quantity": 1},
        ],
    )
    await _stored(client, _json_document(event), JSONLD)
    assert len((await _event(client, 6))["quantityList"]) == 2


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (_xml_event(7).encode(), XML),
        (
            _xml_event(7)
            .replace("<ObjectEvent>", f'<e:ObjectEvent xmlns:e="{EPCIS2}">')
            .replace("</ObjectEvent>", "</e:ObjectEvent>")
            .encode(),
            XML,
        ),
        (orjson.dumps(_json_event(7)), "application/json"),
        (orjson.dumps({"@context": CONTEXT, **_json_event(7)}), JSONLD),
    ],
    ids=["xml-event", "xml-event-qualified", "json-event", "json-ld-event"],
)
async def test_a_single_event_goes_to_the_events_route(
    client: httpx.AsyncClient, body: bytes, content_type: str
) -> None:
    response = await client.post(
        "/epcis/events", content=body, headers={"Content-Type": content_type}
    )
    assert response.status_code == 201, response.text
    assert response.headers["Location"] == f"/epcis/events/{quote(_uuid(7), safe='')}"
    assert (await _event(client, 7))["action"] == "OBSERVE"


# --- invalid: refused with the event and field, nothing changes ------------------------------


def _swapped(n: int) -> str:
    """action moved before epcList: the order the XML schema requires, broken."""
    event = _xml_event(n).replace("<action>OBSERVE</action>", "")
    return event.replace("<epcList>", "<action>OBSERVE</action><epcList>")


INVALID = [
    (_xml_document(_xml_event(10) + _swapped(11)), XML, 1, "epcList"),
    (
        _xml_document(_xml_event(10) + _xml_event(11, "2024-03-01T10:00:00")),
        XML,
        1,
        "eventTime",
    ),
    (
        _xml_document(
            _xml_event(10).replace("<action>", f'<x:grade xmlns:x="{EPCIS2}">A</x:grade><action>')
        ),
        XML,
        0,
        "grade",
    ),
    (
        _json_document(
            _json_event(10), _json_event(11, epcList=["https://id.gs1.org/01/04012345111119/21/1"])
        ),
        JSONLD,
        1,
        "epcList[0]",
    ),
    (
        _json_document(
            _json_event(10, sensorElementList=[{"sensorReport": [{"type": "Brix", "value": 1}]}])
        ),
        JSONLD,
        0,
        "sensorElementList[0].sensorReport[0].type",
    ),
    (
        _json_document(_json_event(10, eventTime="0001-01-01T00:00:00+14:00")),
        JSONLD,
        0,
        "eventTime",
    ),
]


@pytest.mark.parametrize(
    ("body", "content_type", "index", "field"),
    INVALID,
    ids=[
        "xml-order",
        "xml-time-without-offset",
        "xml-unknown-epcis-element",
        "digital-link-check-digit",
        "sensor-bare-vendor-word",
        "time-out-of-range",
    ],  # fmt: skip
)
async def test_an_invalid_event_refuses_the_document_naming_it(
    client: httpx.AsyncClient,
    counts: Counts,
    body: bytes,
    content_type: str,
    index: int,
    field: str,
) -> None:
    before = counts()
    response = await _capture(client, body, content_type)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert [(e["index"], e["field"]) for e in errors] == [(index, field)]
    assert errors[0]["reason"]
    assert counts() == before


@pytest.mark.parametrize(
    ("body", "content_type", "says"),
    [
        (_json_document(_json_event(12), context=None), JSONLD, "@context: is required"),
        (
            _json_document(_json_event(12), context=["https://example.com/ctx.jsonld"]),
            JSONLD,
            "does not name the EPCIS 2.0 context",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY lot "L1">]>'
            + _xml_document(_xml_event(12)),
            XML,
            "DOCTYPE",
        ),
        (
            b'<!DOCTYPE d SYSTEM "http://acme.example/epcis.dtd">' + _xml_document(_xml_event(12)),
            XML,
            "DOCTYPE",
        ),
        (
            _xml_document(_xml_event(12)).replace(b' creationDate="2024-03-01T00:00:00Z"', b""),
            XML,
            "creationDate",
        ),
    ],
    ids=[
        "json-ld-without-context",
        "json-ld-other-context",
        "doctype-entity",
        "doctype-system",
        "xml-document-attribute-missing",
    ],  # fmt: skip
)
async def test_an_invalid_document_is_a_400_with_its_reason_on_both_routes(
    client: httpx.AsyncClient, counts: Counts, body: bytes, content_type: str, says: str
) -> None:
    before = counts()
    for path in ("/epcis/capture", "/epcis/events"):
        response = await client.post(path, content=body, headers={"Content-Type": content_type})
        assert response.status_code == 400, (path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert says in response.json()["detail"]
    assert counts() == before

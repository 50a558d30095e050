"""An event of an extension type (`"type": "urn:x:MyEvent"`) whose standard field has the
wrong shape (`"sourceList": ["urn:bad"]`) through the capture API: a 400 naming the event's
index and the field's item under rollback, the other events stored under proceed, a 400 for a
single event. Before, the normaliser raised AttributeError on it: the capture answered 500."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx
import orjson

Counts = Callable[[], tuple[int, int]]


def _event_id(n: int) -> str:
    return f"urn:uuid:00000000-0000-4000-8000-0000000e{n:04d}"


def _object_event(n: int) -> dict[str, Any]:
    return {
        "type": "ObjectEvent",
        "eventID": _event_id(n),
        "eventTime": f"2024-03-01T10:{n:02d}:00.000+01:00",
        "eventTimeZoneOffset": "+01:00",
        "action": "OBSERVE",
        "bizStep": "shipping",
        "epcList": [f"urn:epc:id:sgtin:0614141.107346.{n}"],
    }


def _extension_event(n: int, **fields: Any) -> dict[str, Any]:
    return {
        "type": "urn:x:MyEvent",
        "eventID": _event_id(n),
        "eventTime": f"2024-03-01T10:{n:02d}:00.000+01:00",
        "eventTimeZoneOffset": "+01:00",
        "sourceList": [{"type": "owning_party", "source": "urn:epc:id:pgln:0614141.00003"}],
        **fields,
    }


def _document(*events: dict[str, Any]) -> bytes:
    return orjson.dumps(
        {
            "@context": ["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"],
            "type": "EPCISDocument",
            "schemaVersion": "2.0",
            "creationDate": "2024-03-01T00:00:00Z",
            "epcisBody": {"eventList": list(events)},
        }
    )


# a valid extension event, one with strings for sourceList's objects, a valid ObjectEvent
MIXED = _document(
    _extension_event(1),
    _extension_event(2, sourceList=["urn:bad"]),
    _object_event(3),
)


async def _capture(client: httpx.AsyncClient, body: bytes, behaviour: str) -> httpx.Response:
    return await client.post(
        "/epcis/capture",
        content=body,
        headers={"Content-Type": "application/ld+json", "GS1-Capture-Error-Behaviour": behaviour},
    )


async def test_rollback_answers_400_naming_the_item_and_stores_nothing(
    client: httpx.AsyncClient, counts: Counts
) -> None:
    before = counts()
    response = await _capture(client, MIXED, "rollback")
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    [error] = response.json()["errors"]
    assert (error["index"], error["eventID"], error["field"]) == (1, _event_id(2), "sourceList[0]")
    assert "'urn:bad'" in error["reason"]
    assert counts() == before


async def test_proceed_stores_the_other_events_and_reports_the_bad_one(
    client: httpx.AsyncClient,
) -> None:
    response = await _capture(client, MIXED, "proceed")
    assert response.status_code == 202, response.text
    job = (await client.get(response.headers["Location"])).json()
    assert (job["totalCount"], job["acceptedCount"], job["rejectedCount"]) == (3, 2, 1)
    assert [e["instance"] for e in job["errors"]] == ["#/epcisBody/eventList/1"]
    assert "sourceList[0]" in str(job["errors"])
    for n, status in ((1, 200), (2, 404), (3, 200)):
        found = await client.get(f"/epcis/events/{quote(_event_id(n), safe='')}")
        assert found.status_code == status, (n, found.text)


async def test_a_single_extension_event_of_the_wrong_shape_is_400(
    client: httpx.AsyncClient, counts: Counts
) -> None:
    before = counts()
    for fields, named in (
        ({"quantityList": [5]}, "quantityList[0]"),
        ({"readPoint": "urn:epc:id:sgln:0614141.00777.0"}, "readPoint"),
        ({"ilmd": ["x"]}, "ilmd"),
        ({"bizTransactionList": [{"type": "po"}]}, "bizTransactionList[0].bizTransaction"),
    ):
        response = await client.post(
            "/epcis/events",
            # (in a document: a bare event is known by its type, one of the five)
            content=_document(_extension_event(9, **fields)),
            headers={"Content-Type": "application/ld+json"},
        )
        assert response.status_code == 400, (fields, response.text)
        assert named in response.text, (named, response.text)
    assert counts() == before
